package dev.ariadne.storage.internal;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteSink} writes, checking every bound: a read past the end, an over-long
 * varint or a length larger than what is left throws {@link CorruptDataException} naming {@code
 * what} is being read, so that bad bytes on disk never turn into a huge allocation or a wrong
 * value. Not thread-safe.
 */
public final class ByteSource {
  private final byte[] bytes;
  private final int end;
  private final String what;
  private int position;

  /** Reads {@code bytes[offset, offset + length)}; {@code what} names the data in errors. */
  public ByteSource(byte[] bytes, int offset, int length, String what) {
    if (offset < 0 || length < 0 || length > bytes.length - offset) {
      throw new IndexOutOfBoundsException(
          "range [" + offset + ", " + (offset + length) + ") of " + bytes.length);
    }
    this.bytes = bytes;
    this.position = offset;
    this.end = offset + length;
    this.what = what;
  }

  public ByteSource(byte[] bytes, String what) {
    this(bytes, 0, bytes.length, what);
  }

  public int position() {
    return position;
  }

  public int remaining() {
    return end - position;
  }

  public boolean hasRemaining() {
    return position < end;
  }

  public byte[] array() {
    return bytes;
  }

  public int readByte() throws CorruptDataException {
    need(1);
    return bytes[position++] & 0xFF;
  }

  public int readIntLe() throws CorruptDataException {
    need(4);
    int value = (bytes[position] & 0xFF)
        | (bytes[position + 1] & 0xFF) << 8
        | (bytes[position + 2] & 0xFF) << 16
        | (bytes[position + 3] & 0xFF) << 24;
    position += 4;
    return value;
  }

  public long readLongLe() throws CorruptDataException {
    need(8);
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (bytes[position + i] & 0xFF);
    }
    position += 8;
    return value;
  }

  public long readVarLong() throws CorruptDataException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      byte b = bytes[position++];
      if (shift == 63 && (b & 0x7E) != 0) {
        throw corrupt("varint over 64 bits");
      }
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw corrupt("varint longer than 10 bytes");
  }

  /** A varint that must fit an int. */
  public int readVarInt() throws CorruptDataException {
    long value = readVarLong();
    if (value >>> 32 != 0) {
      throw corrupt("varint " + Long.toUnsignedString(value) + " does not fit 32 bits");
    }
    return (int) value;
  }

  /** A varint count or index that must be in {@code [0, max]}. */
  public int readCount(int max) throws CorruptDataException {
    long value = readVarLong();
    if (value < 0 || value > max) {
      throw corrupt("count " + Long.toUnsignedString(value) + " (expected: 0 to " + max + ")");
    }
    return (int) value;
  }

  public long readZigZag() throws CorruptDataException {
    long raw = readVarLong();
    return (raw >>> 1) ^ -(raw & 1);
  }

  public byte[] readBytes(int length) throws CorruptDataException {
    need(length);
    byte[] copy = new byte[length];
    System.arraycopy(bytes, position, copy, 0, length);
    position += length;
    return copy;
  }

  public void skip(int length) throws CorruptDataException {
    need(length);
    position += length;
  }

  public String readString() throws CorruptDataException {
    int length = readCount(Integer.MAX_VALUE);
    need(length);
    String value = new String(bytes, position, length, StandardCharsets.UTF_8);
    position += length;
    return value;
  }

  public CorruptDataException corrupt(String problem) {
    return new CorruptDataException(what + ": " + problem + " at byte " + position);
  }

  private void need(int length) throws CorruptDataException {
    if (length < 0 || length > end - position) {
      throw corrupt("needs " + length + " bytes, " + (end - position) + " left");
    }
  }
}
