package dev.ariadne.api.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lower-case hex rendering and parsing of IDs, shared by the API and the SDK's propagators. Not
 * part of the public API: its signatures may change without notice.
 */
public final class Hex {
  private static final String DIGITS = "0123456789abcdef";
  /** Digit values of characters below 128; -1 where not a hex digit. */
  private static final byte[] VALUES = new byte[128];
  /** Like {@link #VALUES}, but lower case only, as W3C Trace Context requires. */
  private static final byte[] LOWER_VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    Arrays.fill(LOWER_VALUES, (byte) -1);
    for (int i = 0; i < 16; i++) {
      char digit = DIGITS.charAt(i);
      VALUES[digit] = (byte) i;
      LOWER_VALUES[digit] = (byte) i;
      VALUES[Character.toUpperCase(digit)] = (byte) i;
    }
  }

  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final VarHandle BIG_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Hex() {}

  /**
   * Writes {@code value} as 16 lower-case hex ASCII bytes at {@code offset}, 8 digits at a time in
   * one long (SWAR): no table and no per-digit store.
   */
  public static void writeLong(long value, byte[] dest, int offset) {
    BIG_ENDIAN_LONGS.set(dest, offset, hexDigits32(value >>> 32));
    BIG_ENDIAN_LONGS.set(dest, offset + 8, hexDigits32(value & 0xffffffffL));
  }

  /** The 8 hex ASCII digits of {@code value} (0 to 2^32-1), the first in the highest byte. */
  private static long hexDigits32(long value) {
    // Spread the nibbles, one per byte: 32 bits to 16 per int, 8 per short, 4 per byte.
    long x = (value | value << 16) & 0x0000ffff0000ffffL;
    x = (x | x << 8) & 0x00ff00ff00ff00ffL;
    x = (x | x << 4) & 0x0f0f0f0f0f0f0f0fL;
    // 0..9 -> '0'..'9'; 10..15 -> 'a'..'f', which is 39 further on.
    long above9 = ((x + 0x0606060606060606L) >>> 4) & 0x0101010101010101L;
    return x + 0x3030303030303030L + above9 * 39;
  }

  public static String toHex(long value) {
    byte[] ascii = new byte[16];
    writeLong(value, ascii, 0);
    return new String(ascii, StandardCharsets.ISO_8859_1);
  }

  public static String toHex(long high, long low) {
    byte[] ascii = new byte[32];
    writeLong(high, ascii, 0);
    writeLong(low, ascii, 16);
    return new String(ascii, StandardCharsets.ISO_8859_1);
  }

  /** True if {@code length} characters from {@code offset} are all lower-case hex digits. */
  public static boolean isLowerHex(CharSequence s, int offset, int length) {
    if (offset < 0 || offset + length > s.length()) return false;
    for (int i = offset; i < offset + length; i++) {
      char c = s.charAt(i);
      if (c >= 128 || LOWER_VALUES[c] < 0) return false;
    }
    return true;
  }

  /**
   * Parses 8 lower-case hex ASCII bytes at {@code offset}: the value (0 to 2^32-1), or -1 if any
   * byte is not a lower-case hex digit. Works on all 8 bytes at once in one long (SWAR), with no
   * loop and no table: the W3C extract path runs it six times per header. Callers check bounds.
   */
  public static long parseLowerHex32(byte[] s, int offset) {
    long x = (long) BIG_ENDIAN_LONGS.get(s, offset);
    // Each byte below 0x80, so adding up to 0x7f per byte cannot carry into the next byte.
    if ((x & HIGH_BITS) != 0) return -1;
    long atLeast0 = (x + 0x5050505050505050L) & HIGH_BITS; // byte >= '0'
    long above9 = (x + 0x4646464646464646L) & HIGH_BITS; // byte > '9'
    long atLeastA = (x + 0x1f1f1f1f1f1f1f1fL) & HIGH_BITS; // byte >= 'a'
    long aboveF = (x + 0x1919191919191919L) & HIGH_BITS; // byte > 'f'
    long letters = atLeastA & ~aboveF;
    if (((atLeast0 & ~above9) | letters) != HIGH_BITS) return -1;
    // '0'..'9' -> 0..9 from the low nibble; 'a'..'f' -> 1..6 from the low nibble, plus 9.
    long nibbles = (x & 0x0f0f0f0f0f0f0f0fL) + (letters >>> 7) * 9;
    nibbles = (nibbles | (nibbles >>> 4)) & 0x00ff00ff00ff00ffL;
    nibbles = (nibbles | (nibbles >>> 8)) & 0x0000ffff0000ffffL;
    return (nibbles | (nibbles >>> 16)) & 0xffffffffL;
  }

  /** The value of one hex digit (either case), or -1 for any other character. */
  public static int digit(char c) {
    return c < 128 ? VALUES[c] : -1;
  }

  /**
   * Parses up to 16 hex digits (either case) from {@code offset} to {@code offset + length}.
   * Callers validate first; an invalid digit yields an unspecified value.
   */
  public static long parseLong(CharSequence s, int offset, int length) {
    long result = 0;
    for (int i = offset; i < offset + length; i++) result = (result << 4) | digit(s.charAt(i));
    return result;
  }

  /** Parses two hex digits at {@code offset}; callers validate first. */
  public static byte parseByte(CharSequence s, int offset) {
    return (byte) ((digit(s.charAt(offset)) << 4) | digit(s.charAt(offset + 1)));
  }
}
