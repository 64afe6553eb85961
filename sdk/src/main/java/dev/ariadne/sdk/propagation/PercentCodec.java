package dev.ariadne.sdk.propagation;

import dev.ariadne.api.internal.Hex;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding (RFC 3986 section 2.1) of UTF-8 text, for baggage values carried in header
 * values. Encoding leaves the RFC 3986 unreserved characters and a few harmless others as they are
 * and escapes everything else, so the result is a valid W3C baggage value and a valid header value.
 */
final class PercentCodec {
  private static final String SAFE_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*@:";
  private static final boolean[] SAFE = new boolean[128];
  private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

  static {
    for (int i = 0; i < SAFE_CHARS.length(); i++) SAFE[SAFE_CHARS.charAt(i)] = true;
  }

  private PercentCodec() {}

  /** Percent-encodes the UTF-8 bytes of {@code value}; an unpaired surrogate encodes as U+FFFD. */
  static String encode(String value) {
    int length = value.length();
    int i = 0;
    while (i < length && isSafe(value.charAt(i))) i++;
    if (i == length) return value;
    StringBuilder result = new StringBuilder(length + 16).append(value, 0, i);
    while (i < length) {
      char c = value.charAt(i++);
      if (isSafe(c)) {
        result.append(c);
        continue;
      }
      int codePoint = c;
      if (Character.isHighSurrogate(c) && i < length && Character.isLowSurrogate(value.charAt(i))) {
        codePoint = Character.toCodePoint(c, value.charAt(i++));
      } else if (Character.isSurrogate(c)) {
        codePoint = 0xfffd;
      }
      appendUtf8(result, codePoint);
    }
    return result.toString();
  }

  /**
   * Decodes {@code %XX} escapes (either case) as UTF-8, and {@code +} as a space if {@code
   * plusIsSpace} (the form encoding Jaeger clients use). Returns null if a {@code %} is not
   * followed by two hex digits. Malformed UTF-8 decodes to U+FFFD; never throws.
   */
  static String decode(String value, boolean plusIsSpace) {
    int length = value.length();
    int i = 0;
    while (i < length && !needsDecoding(value.charAt(i), plusIsSpace)) i++;
    if (i == length) return value;
    StringBuilder result = new StringBuilder(length).append(value, 0, i);
    byte[] bytes = null;
    while (i < length) {
      char c = value.charAt(i);
      if (c != '%') {
        result.append(plusIsSpace && c == '+' ? ' ' : c);
        i++;
        continue;
      }
      if (bytes == null) bytes = new byte[(length - i) / 3];
      int count = 0;
      while (i < length && value.charAt(i) == '%') {
        if (i + 2 >= length) return null;
        int high = Hex.digit(value.charAt(i + 1));
        int low = Hex.digit(value.charAt(i + 2));
        if (high < 0 || low < 0) return null;
        bytes[count++] = (byte) ((high << 4) | low);
        i += 3;
      }
      result.append(new String(bytes, 0, count, StandardCharsets.UTF_8));
    }
    return result.toString();
  }

  private static boolean isSafe(char c) {
    return c < 128 && SAFE[c];
  }

  private static boolean needsDecoding(char c, boolean plusIsSpace) {
    return c == '%' || (plusIsSpace && c == '+');
  }

  private static void appendUtf8(StringBuilder result, int codePoint) {
    if (codePoint < 0x80) {
      appendEscaped(result, codePoint);
    } else if (codePoint < 0x800) {
      appendEscaped(result, 0xc0 | (codePoint >>> 6));
      appendEscaped(result, 0x80 | (codePoint & 0x3f));
    } else if (codePoint < 0x10000) {
      appendEscaped(result, 0xe0 | (codePoint >>> 12));
      appendEscaped(result, 0x80 | ((codePoint >>> 6) & 0x3f));
      appendEscaped(result, 0x80 | (codePoint & 0x3f));
    } else {
      appendEscaped(result, 0xf0 | (codePoint >>> 18));
      appendEscaped(result, 0x80 | ((codePoint >>> 12) & 0x3f));
      appendEscaped(result, 0x80 | ((codePoint >>> 6) & 0x3f));
      appendEscaped(result, 0x80 | (codePoint & 0x3f));
    }
  }

  private static void appendEscaped(StringBuilder result, int octet) {
    result.append('%').append(UPPER_HEX[octet >>> 4]).append(UPPER_HEX[octet & 0xf]);
  }
}
