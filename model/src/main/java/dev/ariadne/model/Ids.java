package dev.ariadne.model;

/** Hex rendering and parsing of span and trace IDs. */
public final class Ids {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Ids() {}

  /** 16 lower-case hex characters. */
  public static String toHex(long id) {
    char[] chars = new char[16];
    for (int i = 15; i >= 0; i--) {
      chars[i] = DIGITS[(int) (id & 0xf)];
      id >>>= 4;
    }
    return new String(chars);
  }

  /**
   * Parses a span ID of 1 to 16 hex characters, either case.
   *
   * @throws IllegalArgumentException naming the value if it is not such a string
   */
  public static long spanIdFromHex(String hex) {
    if (hex == null || hex.isEmpty() || hex.length() > 16) {
      throw new IllegalArgumentException("span ID: \"" + hex + "\" (expected: 1 to 16 hex characters)");
    }
    return parseHex(hex, 0, hex.length(), "span ID");
  }

  static long parseHex(String hex, int from, int to, String what) {
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = Character.digit(hex.charAt(i), 16);
      if (digit < 0) {
        throw new IllegalArgumentException(what + ": \"" + hex + "\" (expected: hex characters)");
      }
      value = value << 4 | digit;
    }
    return value;
  }
}
