package dev.ariadne.api.internal;

/**
 * Lower-case hex rendering and parsing of IDs, shared by the API and the SDK's propagators. Not
 * part of the public API: its signatures may change without notice.
 */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < 16; i++) VALUES[DIGITS[i]] = (byte) i;
  }

  private Hex() {}

  /** Writes {@code value} as 16 lower-case hex characters at {@code offset}. */
  public static void writeLong(long value, char[] dest, int offset) {
    for (int i = 15; i >= 0; i--) {
      dest[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  /** Writes {@code value} as 2 lower-case hex characters at {@code offset}. */
  public static void writeByte(byte value, char[] dest, int offset) {
    dest[offset] = DIGITS[(value >> 4) & 0xf];
    dest[offset + 1] = DIGITS[value & 0xf];
  }

  public static String toHex(long value) {
    char[] chars = new char[16];
    writeLong(value, chars, 0);
    return new String(chars);
  }

  public static String toHex(long high, long low) {
    char[] chars = new char[32];
    writeLong(high, chars, 0);
    writeLong(low, chars, 16);
    return new String(chars);
  }

  /** True if {@code length} characters from {@code offset} are all lower-case hex digits. */
  public static boolean isLowerHex(CharSequence s, int offset, int length) {
    if (offset < 0 || offset + length > s.length()) return false;
    for (int i = offset; i < offset + length; i++) {
      char c = s.charAt(i);
      if (c >= 128 || VALUES[c] < 0) return false;
    }
    return true;
  }

  /** The value of one hex digit (either case), or -1 for any other character. */
  public static int digit(char c) {
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
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
