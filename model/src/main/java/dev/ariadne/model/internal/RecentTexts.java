package dev.ariadne.model.internal;

import java.util.Arrays;

/**
 * The short texts that recent requests decoded from bytes (OTLP and Zipkin protobuf), shared by
 * every request and thread. A text a request brings (an attribute key, a service or span name, a
 * common value) has mostly come in the requests before it, and the storage's indexes and the
 * analytics series are keyed by the strings of those earlier spans: given the same instance, their
 * hash lookups find the key by identity, with its hash code already computed, instead of comparing
 * texts. On the memory backend's OTLP load, three alternating runs took 0.75 to 0.91 of the CPU
 * per span without it. Texts a JSON parser decoded are not shared this way: there it measured no
 * better (the parser already shares field names, hence tag keys), see docs/benchmarks.md.
 *
 * <p>A fixed table, read and written without locks: an entry's fields are final, so a thread sees
 * a whole entry or none, and a lost or overwritten entry only costs a new string. A text that is
 * not found (a request ID) takes the slot, so what stays is what keeps coming.
 */
final class RecentTexts {
  private static final int SLOTS = 4096;
  private static final FromBytes[] FROM_BYTES = new FromBytes[SLOTS];

  /**
   * A text and a copy of the bytes it was decoded from, compared as arrays: comparing with the
   * string's characters one at a time took longer than decoding.
   */
  private static final class FromBytes {
    final int hash;
    final String text;
    final byte[] bytes;

    FromBytes(int hash, String text, byte[] bytes) {
      this.hash = hash;
      this.text = text;
      this.bytes = bytes;
    }
  }

  private RecentTexts() {}

  /**
   * The text of the UTF-8 bytes at {@code offset}, whose {@link SharedText} hash is {@code hash}.
   *
   * @throws IllegalArgumentException if they are not valid UTF-8
   */
  static String decode(byte[] bytes, int offset, int length, int hash) {
    int slot = slot(hash);
    FromBytes entry = FROM_BYTES[slot];
    if (entry != null && entry.hash == hash && entry.bytes.length == length
        && Arrays.equals(entry.bytes, 0, length, bytes, offset, offset + length)) {
      return entry.text;
    }
    String text = Utf8Text.decode(bytes, offset, length);
    FROM_BYTES[slot] = new FromBytes(hash, text, Arrays.copyOfRange(bytes, offset, offset + length));
    return text;
  }

  private static int slot(int hash) {
    return (hash ^ hash >>> 20) & (SLOTS - 1);
  }
}
