package dev.ariadne.model.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * The short texts of one request, each distinct one made into a {@code String} once: tag keys and
 * values, names and services come again span after span, and the spans of a request then share
 * them, which saves decoding, hashing and memory for as long as the spans are kept. Texts come as
 * bytes of the body (proto3) or as characters the JSON parser decoded. A fixed number of entries
 * and a few probes per lookup, so hostile input costs no more than decoding it would; the table
 * does not outlive the request. A text new to the request that came as bytes is looked up among
 * those of recent requests ({@link RecentTexts}), and one that comes a second time is added to
 * them, so that requests share those strings too. Not thread-safe.
 */
public final class SharedText {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SLOTS = 256;
  private static final int MAX_ENTRIES = SLOTS / 2;
  private static final int MAX_PROBES = 8;
  private static final int MAX_LENGTH = 96;
  private static final int LOWER_CASE_SLOTS = 32;

  private final byte[] body;
  private final String[] texts = new String[SLOTS];
  private final int[] hashes = new int[SLOTS];
  /** Where each text is in the body, for texts that came as bytes. */
  private final int[] offsets = new int[SLOTS];
  private final int[] lengths = new int[SLOTS];
  /** Whether each text is among the recent texts already. */
  private final boolean[] recents = new boolean[SLOTS];
  private int count;

  private final String[] lowerCaseOf = new String[LOWER_CASE_SLOTS];
  private final String[] lowerCase = new String[LOWER_CASE_SLOTS];

  /** For the texts of one request: {@link #decode} reads {@code body}, {@link #text} any chars. */
  public SharedText(byte[] body) {
    this.body = body;
  }

  /**
   * The UTF-8 text of {@code length} bytes of the body at {@code offset}.
   *
   * @throws IllegalArgumentException if they are not valid UTF-8
   */
  public String decode(int offset, int length) {
    if (length > MAX_LENGTH) {
      return Utf8Text.decode(body, offset, length);
    }
    int hash = hash(body, offset, length);
    int slot = slot(hash);
    for (int probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & (SLOTS - 1)) {
      String text = texts[slot];
      if (text == null) {
        String recent = RecentTexts.find(body, offset, length, hash);
        recents[slot] = recent != null;
        return keep(slot, hash,
            recent != null ? recent : Utf8Text.decode(body, offset, length), offset, length);
      }
      int seen = offsets[slot];
      if (hashes[slot] == hash && lengths[slot] == length && sameBytes(seen, offset, length)) {
        if (!recents[slot]) {
          // Seen twice in this request: worth sharing with the next ones.
          recents[slot] = true;
          RecentTexts.remember(body, seen, length, hash, text);
        }
        return text;
      }
    }
    return Utf8Text.decode(body, offset, length);
  }

  /**
   * The string a recent request decoded from the UTF-8 bytes at {@code offset}, or null: for a
   * decoder of stored spans, whose strings then are the instances the indexes and series are
   * already keyed by. Nothing is added to the recent texts.
   */
  public static String recent(byte[] bytes, int offset, int length) {
    return length > MAX_LENGTH ? null
        : RecentTexts.find(bytes, offset, length, hash(bytes, offset, length));
  }

  /** The text of {@code length} characters at {@code offset}. */
  public String text(char[] chars, int offset, int length) {
    if (length > MAX_LENGTH) {
      return new String(chars, offset, length);
    }
    int hash = hash(chars, offset, length);
    int slot = slot(hash);
    for (int probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & (SLOTS - 1)) {
      String text = texts[slot];
      if (text == null) {
        return keep(slot, hash, new String(chars, offset, length), offset, length);
      }
      if (hashes[slot] == hash && lengths[slot] == length && sameChars(text, chars, offset)) {
        return text;
      }
    }
    return new String(chars, offset, length);
  }

  /**
   * A hash of a few bytes (the first eight and the last eight) and the length: a lookup costs the
   * same for long texts as for short ones, and texts that differ elsewhere are told apart by
   * comparing them.
   */
  private static int hash(byte[] bytes, int offset, int length) {
    long hash;
    if (length >= Long.BYTES) {
      hash = (long) LONGS.get(bytes, offset) * 0x9e37_79b9_7f4a_7c15L
          + (long) LONGS.get(bytes, offset + length - Long.BYTES);
    } else {
      hash = 0;
      for (int i = offset; i < offset + length; i++) {
        hash = hash << 8 | (bytes[i] & 0xff);
      }
    }
    hash = (hash + length) * 0x9e37_79b9_7f4a_7c15L;
    return (int) (hash ^ hash >>> 32);
  }

  /** A hash of a few characters and the length, for the reason given for bytes. */
  private static int hash(char[] chars, int offset, int length) {
    long hash = 0;
    if (length > 0) {
      int end = offset + length - 1;
      hash = chars[offset];
      hash = hash * 0x1_0000 + chars[offset + length / 2];
      hash = hash * 0x1_0000 + chars[end];
      hash = hash * 0x1_0000 + chars[Math.max(offset, end - 1)];
    }
    hash = (hash + length) * 0x9e37_79b9_7f4a_7c15L;
    return (int) (hash ^ hash >>> 32);
  }

  /** {@code text} in lower case, made once for each text that comes again. */
  public String lowerCase(String text) {
    int slot = text.hashCode() & (LOWER_CASE_SLOTS - 1);
    if (text.equals(lowerCaseOf[slot])) {
      return lowerCase[slot];
    }
    String lower = text.toLowerCase(Locale.ROOT);
    lowerCaseOf[slot] = text;
    lowerCase[slot] = lower;
    return lower;
  }

  private static int slot(int hash) {
    return (hash ^ hash >>> 16) & (SLOTS - 1);
  }

  private String keep(int slot, int hash, String text, int offset, int length) {
    if (count < MAX_ENTRIES) {
      texts[slot] = text;
      hashes[slot] = hash;
      offsets[slot] = offset;
      lengths[slot] = length;
      count++;
    }
    return text;
  }

  /**
   * Whether the body's {@code length} bytes at {@code seen} and at {@code offset} are the same:
   * up to sixteen as two words that may overlap, which for these short texts costs less than
   * {@link Arrays#equals(byte[], int, int, byte[], int, int)}.
   */
  private boolean sameBytes(int seen, int offset, int length) {
    if (length > 2 * Long.BYTES) {
      return Arrays.equals(body, seen, seen + length, body, offset, offset + length);
    }
    if (length >= Long.BYTES) {
      int last = length - Long.BYTES;
      return (long) LONGS.get(body, seen) == (long) LONGS.get(body, offset)
          && (long) LONGS.get(body, seen + last) == (long) LONGS.get(body, offset + last);
    }
    for (int i = 0; i < length; i++) {
      if (body[seen + i] != body[offset + i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameChars(String text, char[] chars, int offset) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
