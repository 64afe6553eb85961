package dev.ariadne.exporter.otlp;

/**
 * Protobuf wire-format writes into an array the caller sized exactly beforehand, and the size
 * arithmetic that tells it how large to make it. No bounds checks beyond the JVM's own: a size
 * mistake shows up as an exception or a position that differs from the computed size.
 */
final class ProtoWriter {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;

  ProtoWriter(byte[] buf) {
    this.buf = buf;
  }

  /** The key that starts a field: {@code (fieldNumber << 3) | wireType}. */
  static int tag(int fieldNumber, int wireType) {
    return fieldNumber << 3 | wireType;
  }

  static int varintSize(long value) {
    int size = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  /** The size of a whole length-delimited field whose content is {@code length} bytes. */
  static int lengthDelimitedSize(int tag, int length) {
    return varintSize(tag) + varintSize(length) + length;
  }

  /**
   * The number of bytes {@link #writeUtf8} writes for {@code s}. Like {@link
   * String#getBytes(java.nio.charset.Charset)}, an unpaired surrogate becomes {@code '?'}.
   */
  static int utf8Length(String s) {
    int length = s.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) {
        bytes += 1;
      } else if (!Character.isSurrogate(c)) {
        bytes += 2;
      } else if (isSurrogatePair(s, i)) {
        bytes += 2; // four bytes for two chars
        i++;
      }
    }
    return bytes;
  }

  private static boolean isSurrogatePair(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }

  int position() {
    return pos;
  }

  void writeVarint(long value) {
    while ((value & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[pos++] = (byte) value;
  }

  void writeFixed32(int value) {
    buf[pos++] = (byte) value;
    buf[pos++] = (byte) (value >>> 8);
    buf[pos++] = (byte) (value >>> 16);
    buf[pos++] = (byte) (value >>> 24);
  }

  void writeFixed64(long value) {
    for (int shift = 0; shift < 64; shift += 8) buf[pos++] = (byte) (value >>> shift);
  }

  /** Writes {@code value} as 8 bytes, most significant first, as IDs appear on the wire. */
  void writeLongBigEndian(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) buf[pos++] = (byte) (value >>> shift);
  }

  /** Writes {@code s} as UTF-8; {@link #utf8Length} says how many bytes that takes. */
  void writeUtf8(String s) {
    for (int i = 0, length = s.length(); i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | c >> 6);
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        buf[pos++] = (byte) (0xE0 | c >> 12);
        buf[pos++] = (byte) (0x80 | (c >> 6 & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (isSurrogatePair(s, i)) {
        int codePoint = Character.toCodePoint(c, s.charAt(++i));
        buf[pos++] = (byte) (0xF0 | codePoint >> 18);
        buf[pos++] = (byte) (0x80 | (codePoint >> 12 & 0x3F));
        buf[pos++] = (byte) (0x80 | (codePoint >> 6 & 0x3F));
        buf[pos++] = (byte) (0x80 | (codePoint & 0x3F));
      } else {
        buf[pos++] = '?';
      }
    }
  }
}
