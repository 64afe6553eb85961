package dev.ariadne.analytics;

import java.nio.charset.StandardCharsets;

/** Reads what {@link RecordWriter} writes, checking every length against the bytes there are. */
final class RecordReader {
  private final byte[] bytes;
  private final int limit;
  private int position;

  RecordReader(byte[] bytes, int offset, int length) {
    this.bytes = bytes;
    this.position = offset;
    this.limit = offset + length;
  }

  boolean hasRemaining() {
    return position < limit;
  }

  int remaining() {
    return limit - position;
  }

  int position() {
    return position;
  }

  byte[] array() {
    return bytes;
  }

  int readByte() throws CorruptMetricsException {
    need(1);
    return bytes[position++] & 0xFF;
  }

  long readLong() throws CorruptMetricsException {
    need(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (bytes[position++] & 0xFFL) << (8 * i);
    }
    return value;
  }

  int readInt() throws CorruptMetricsException {
    need(4);
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (bytes[position++] & 0xFF) << (8 * i);
    }
    return value;
  }

  long readVarLong() throws CorruptMetricsException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new CorruptMetricsException("a varint longer than 10 bytes at " + position);
  }

  /** Reads a varint that must lie in [0, max]. */
  int readLength(int max) throws CorruptMetricsException {
    long length = readVarLong();
    if (length < 0 || length > max) {
      throw new CorruptMetricsException("a length of " + length + " at " + position
          + " (at most " + max + " expected)");
    }
    return (int) length;
  }

  String readString() throws CorruptMetricsException {
    int length = readLength(limit - position);
    String value = new String(bytes, position, length, StandardCharsets.UTF_8);
    position += length;
    return value;
  }

  /** Skips {@code length} bytes, returning where they started. */
  int skip(int length) throws CorruptMetricsException {
    need(length);
    int start = position;
    position += length;
    return start;
  }

  private void need(int count) throws CorruptMetricsException {
    if (count < 0 || limit - position < count) {
      throw new CorruptMetricsException(
          "truncated: " + count + " bytes needed at " + position + ", " + (limit - position) + " left");
    }
  }
}
