package dev.ariadne.model.internal;

import java.util.Arrays;

/**
 * The short texts that recent requests decoded from bytes (OTLP protobuf, Zipkin JSON and
 * proto3), shared by every request and thread. A text a request brings (an attribute key, a
 * service or span name, a common value) has mostly come in the requests before it, and the
 * storage's indexes and the analytics series are keyed by the strings of those earlier spans:
 * given the same instance, their hash lookups find the key by identity, with its hash code already
 * computed, instead of comparing texts. On the memory backend's OTLP load, three alternating runs
 * took 0.75 to 0.91 of the CPU per span without it. Texts that Jackson decoded to characters
 * (OTLP/JSON) are not shared this way: there it measured no better (the parser already shares
 * field names, hence attribute keys), see docs/benchmarks.md.
 *
 * <p>A fixed table, read and written without locks: an entry's text and bytes are final, so a
 * thread sees a whole entry or none, and a lost or overwritten entry only costs a new string. Only
 * a text that came twice in one request is added, so that a span's unique values (a request ID)
 * cost no copy: on the embedded engine, adding every text not found measured no better than not
 * sharing at all. It takes its slot only if the text there was not found since the last text that
 * tried: a text that every request brings keeps its instance against values that come twice in
 * one request and rarely again (addresses), and the indexes keyed by it keep finding it by
 * identity.
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
    /**
     * Set when a request finds the text, cleared when another text would take the slot: a text
     * that requests keep finding keeps its slot (a second chance), so the instance that indexes
     * are keyed by stays the shared one. Read and written without synchronization: a lost write
     * only decides one replacement differently.
     */
    boolean found;

    FromBytes(int hash, String text, byte[] bytes) {
      this.hash = hash;
      this.text = text;
      this.bytes = bytes;
    }
  }

  private RecentTexts() {}

  /** The recent text of the bytes at {@code offset}, whose {@link SharedText} hash is {@code hash}, or null. */
  static String find(byte[] bytes, int offset, int length, int hash) {
    FromBytes entry = FROM_BYTES[slot(hash)];
    if (entry == null || entry.hash != hash || entry.bytes.length != length
        || !Arrays.equals(entry.bytes, 0, length, bytes, offset, offset + length)) {
      return null;
    }
    if (!entry.found) {
      entry.found = true;
    }
    return entry.text;
  }

  /**
   * Makes {@code text}, decoded from the bytes at {@code offset}, a recent text, unless the text
   * in its slot was found since the last such try.
   */
  static void remember(byte[] bytes, int offset, int length, int hash, String text) {
    int slot = slot(hash);
    FromBytes held = FROM_BYTES[slot];
    if (held != null && held.found) {
      held.found = false;
      return;
    }
    FROM_BYTES[slot] =
        new FromBytes(hash, text, Arrays.copyOfRange(bytes, offset, offset + length));
  }

  private static int slot(int hash) {
    return (hash ^ hash >>> 20) & (SLOTS - 1);
  }
}
