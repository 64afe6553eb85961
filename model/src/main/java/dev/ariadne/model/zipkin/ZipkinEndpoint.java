package dev.ariadne.model.zipkin;

import java.util.Locale;
import java.util.Objects;

/**
 * The fields of one Zipkin endpoint as a decoder reads them, kept as zipkin2's {@code
 * Endpoint.Builder} keeps them, so that an endpoint decodes to what the Zipkin server would store:
 * the service name lower-cased ({@code null} when empty); an address of either field stored by its
 * family, IPv4 text as sent, IPv6 in Zipkin's compressed form, an IPv4-compatible IPv6 address as
 * IPv4, and anything else ignored; a port above 65535 refused and a negative one taken as none.
 * Mutable and reused from span to span.
 */
final class ZipkinEndpoint {
  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  String serviceName;
  String ipv4;
  String ipv6;
  int port;

  void clear() {
    serviceName = null;
    ipv4 = null;
    ipv6 = null;
    port = 0;
  }

  void copy(ZipkinEndpoint other) {
    serviceName = other.serviceName;
    ipv4 = other.ipv4;
    ipv6 = other.ipv6;
    port = other.port;
  }

  /** The same fields as {@code other}. */
  boolean sameAs(ZipkinEndpoint other) {
    return port == other.port
        && Objects.equals(serviceName, other.serviceName)
        && Objects.equals(ipv4, other.ipv4)
        && Objects.equals(ipv6, other.ipv6);
  }

  void serviceName(String name) {
    serviceName = name.isEmpty() ? null : name.toLowerCase(Locale.ROOT);
  }

  /**
   * Sets the port as zipkin2 does.
   *
   * @throws IllegalArgumentException with Zipkin's message if it is above 65535
   */
  void port(int port) {
    if (port > 0xffff) {
      throw new IllegalArgumentException("invalid port " + port);
    }
    this.port = Math.max(port, 0);
  }

  /** Sets the address written as text, if it is one; Zipkin's {@code parseIp(String)}. */
  void ip(String text) {
    if (text.isEmpty()) {
      return;
    }
    boolean hasColon = false;
    boolean hasDot = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        hasDot = true;
      } else if (c == ':') {
        if (hasDot) {
          return; // colons must not come after dots
        }
        hasColon = true;
      } else if (!isHex(c)) {
        return;
      }
    }
    if (!hasColon) {
      if (hasDot && isIpv4(text, 0, text.length())) {
        ipv4 = text;
      }
      return;
    }
    if (hasDot) {
      int lastColon = text.lastIndexOf(':');
      if (isIpv4(text, lastColon + 1, text.length()) && isEmbeddingPrefix(text, lastColon)) {
        ipv4 = text.substring(lastColon + 1);
      }
      return;
    }
    byte[] bytes = ipv6Bytes(text);
    if (bytes != null) {
      ipv6 = ipv6Text(bytes, 0);
    }
  }

  /**
   * Sets the address sent as bytes: 4 for IPv4, 16 for IPv6 (IPv4 when IPv4-compatible); any other
   * length is ignored. Zipkin's {@code parseIp(byte[])}.
   */
  void ip(byte[] bytes, int offset, int length) {
    if (length == 4) {
      ipv4 = ipv4Text(bytes, offset);
    } else if (length == 16) {
      if (isIpv4Compatible(bytes, offset)) {
        ipv4 = ipv4Text(bytes, offset + 12);
      } else {
        ipv6 = ipv6Text(bytes, offset);
      }
    }
  }

  /** {@code ::a.b.c.d} or {@code ::ffff:a.b.c.d} (any case, zeros for the f's), as Zipkin takes. */
  private static boolean isEmbeddingPrefix(String text, int lastColon) {
    if (lastColon == 1 && text.charAt(0) == ':') {
      return true;
    }
    if (lastColon != 6 || text.charAt(0) != ':' || text.charAt(1) != ':') {
      return false;
    }
    for (int i = 2; i < 6; i++) {
      char c = text.charAt(i);
      if (c != 'f' && c != 'F' && c != '0') {
        return false;
      }
    }
    return true;
  }

  /** Four decimal words of at most 255, as Netty's {@code NetUtil.isValidIpV4Address}. */
  private static boolean isIpv4(String ip, int from, int to) {
    int length = to - from;
    if (length < 7 || length > 15) {
      return false;
    }
    int dot = ip.indexOf('.', from + 1);
    if (dot <= 0 || !isIpv4Word(ip, from, dot)) {
      return false;
    }
    int start = dot + 1;
    dot = ip.indexOf('.', start + 1);
    if (dot <= 0 || !isIpv4Word(ip, start, dot)) {
      return false;
    }
    start = dot + 1;
    dot = ip.indexOf('.', start + 1);
    if (dot <= 0 || !isIpv4Word(ip, start, dot)) {
      return false;
    }
    return isIpv4Word(ip, dot + 1, to);
  }

  private static boolean isIpv4Word(String word, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 3) {
      return false;
    }
    char c0 = word.charAt(from);
    if (c0 < '0') {
      return false;
    }
    if (length == 3) {
      char c1 = word.charAt(from + 1);
      char c2 = word.charAt(from + 2);
      return c1 >= '0' && c2 >= '0'
          && ((c0 <= '1' && c1 <= '9' && c2 <= '9')
              || (c0 == '2' && c1 <= '5' && (c2 <= '5' || (c1 < '5' && c2 <= '9'))));
    }
    return c0 <= '9' && (length == 1 || isDigit(word.charAt(from + 1)));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** The 16 bytes of IPv6 text with 2 to 8 colons, or null; Guava's {@code ipStringToBytes}. */
  private static byte[] ipv6Bytes(String text) {
    String[] parts = text.split(":", 10);
    if (parts.length < 3 || parts.length > 9) {
      return null;
    }
    int skipIndex = -1;
    for (int i = 1; i < parts.length - 1; i++) {
      if (parts[i].isEmpty()) {
        if (skipIndex >= 0) {
          return null; // at most one ::
        }
        skipIndex = i;
      }
    }
    int partsHi;
    int partsLo;
    if (skipIndex >= 0) {
      partsHi = skipIndex;
      partsLo = parts.length - skipIndex - 1;
      if (parts[0].isEmpty() && --partsHi != 0) {
        return null; // a leading : must be ::
      }
      if (parts[parts.length - 1].isEmpty() && --partsLo != 0) {
        return null; // a trailing : must be ::
      }
    } else {
      partsHi = parts.length;
      partsLo = 0;
    }
    int partsSkipped = 8 - (partsHi + partsLo);
    if (skipIndex >= 0 ? partsSkipped < 1 : partsSkipped != 0) {
      return null;
    }
    byte[] bytes = new byte[16];
    int position = 0;
    try {
      for (int i = 0; i < partsHi; i++) {
        position = putHextet(bytes, position, parts[i]);
      }
      position += 2 * partsSkipped;
      for (int i = partsLo; i > 0; i--) {
        position = putHextet(bytes, position, parts[parts.length - i]);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return bytes;
  }

  private static int putHextet(byte[] bytes, int position, String part) {
    int hextet = Integer.parseInt(part, 16);
    if (hextet > 0xffff) {
      throw new NumberFormatException();
    }
    bytes[position] = (byte) (hextet >> 8);
    bytes[position + 1] = (byte) hextet;
    return position + 2;
  }

  /** Zero but for the last four bytes, and not {@code ::1}, which is localhost. */
  private static boolean isIpv4Compatible(byte[] bytes, int offset) {
    for (int i = 0; i < 12; i++) {
      if (bytes[offset + i] != 0) {
        return false;
      }
    }
    return bytes[offset + 12] != 0 || bytes[offset + 13] != 0 || bytes[offset + 14] != 0
        || bytes[offset + 15] != 1;
  }

  private static String ipv4Text(byte[] bytes, int offset) {
    return (bytes[offset] & 0xff) + "." + (bytes[offset + 1] & 0xff) + "."
        + (bytes[offset + 2] & 0xff) + "." + (bytes[offset + 3] & 0xff);
  }

  /** Lower-case hex words without leading zeros, the longest run of zero words as {@code ::}. */
  private static String ipv6Text(byte[] bytes, int offset) {
    int compressIndex = -1;
    int compressLength = -1;
    int zeroIndex = -1;
    boolean allZeros = true;
    for (int i = 0; i < 16; i += 2) {
      if (bytes[offset + i] == 0 && bytes[offset + i + 1] == 0) {
        if (zeroIndex < 0) {
          zeroIndex = i;
        }
        continue;
      }
      allZeros = false;
      if (zeroIndex >= 0) {
        int zeroLength = i - zeroIndex;
        if (zeroLength > compressLength) {
          compressIndex = zeroIndex;
          compressLength = zeroLength;
        }
        zeroIndex = -1;
      }
    }
    if (allZeros) {
      return "::";
    }
    if (compressIndex == -1 && zeroIndex != -1) {
      compressIndex = zeroIndex;
      compressLength = 16 - zeroIndex;
    }
    StringBuilder out = new StringBuilder(39);
    int i = 0;
    while (i < 16) {
      if (i == compressIndex) {
        out.append(':');
        i += compressLength;
        if (i == 16) {
          out.append(':');
        }
        continue;
      }
      if (i != 0) {
        out.append(':');
      }
      int word = (bytes[offset + i] & 0xff) << 8 | (bytes[offset + i + 1] & 0xff);
      i += 2;
      boolean leading = true;
      for (int shift = 12; shift >= 0; shift -= 4) {
        int digit = (word >> shift) & 0xf;
        if (digit != 0 || !leading || shift == 0) {
          out.append(HEX_DIGITS[digit]);
          leading = false;
        }
      }
    }
    return out.toString();
  }
}
