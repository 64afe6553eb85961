package dev.ariadne.storage.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with the encodings the engine's files use: little-endian fixed-width
 * integers, unsigned LEB128 varints, zig-zag signed varints and length-prefixed UTF-8. Not
 * thread-safe; reusable through {@link #reset()}.
 */
public final class ByteSink {
  private byte[] bytes;
  private int size;

  public ByteSink(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  public int size() {
    return size;
  }

  /** The internal array; valid up to {@link #size()} until the next write. */
  public byte[] array() {
    return bytes;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  public void reset() {
    size = 0;
  }

  public void writeByte(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  public void writeIntLe(int value) {
    ensure(4);
    bytes[size] = (byte) value;
    bytes[size + 1] = (byte) (value >>> 8);
    bytes[size + 2] = (byte) (value >>> 16);
    bytes[size + 3] = (byte) (value >>> 24);
    size += 4;
  }

  public void writeLongLe(long value) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      bytes[size + i] = (byte) (value >>> (8 * i));
    }
    size += 8;
  }

  /** Overwrites four bytes at {@code offset}, which must already be written. */
  public void putIntLe(int offset, int value) {
    if (offset < 0 || offset + 4 > size) {
      throw new IndexOutOfBoundsException("offset " + offset + " of " + size);
    }
    bytes[offset] = (byte) value;
    bytes[offset + 1] = (byte) (value >>> 8);
    bytes[offset + 2] = (byte) (value >>> 16);
    bytes[offset + 3] = (byte) (value >>> 24);
  }

  /** An unsigned varint: 7 bits per byte, low bits first. */
  public void writeVarLong(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      bytes[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    bytes[size++] = (byte) value;
  }

  public void writeVarInt(int value) {
    writeVarLong(value & 0xFFFFFFFFL);
  }

  /** A signed value as a zig-zag varint, so small negatives stay small. */
  public void writeZigZag(long value) {
    writeVarLong((value << 1) ^ (value >> 63));
  }

  public void writeBytes(byte[] source, int offset, int length) {
    ensure(length);
    System.arraycopy(source, offset, bytes, size, length);
    size += length;
  }

  public void writeBytes(byte[] source) {
    writeBytes(source, 0, source.length);
  }

  /** A varint byte length, then the UTF-8 bytes. */
  public void writeString(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    writeVarInt(utf8.length);
    writeBytes(utf8);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      long wanted = Math.max((long) bytes.length * 2, (long) size + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("buffer over 2 GiB");
      }
      bytes = Arrays.copyOf(bytes, (int) wanted);
    }
  }
}
