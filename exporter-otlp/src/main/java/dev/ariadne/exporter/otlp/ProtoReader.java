package dev.ariadne.exporter.otlp;

import static dev.ariadne.exporter.otlp.ProtoWriter.FIXED32;
import static dev.ariadne.exporter.otlp.ProtoWriter.FIXED64;
import static dev.ariadne.exporter.otlp.ProtoWriter.LENGTH_DELIMITED;
import static dev.ariadne.exporter.otlp.ProtoWriter.VARINT;

import java.nio.charset.StandardCharsets;

/**
 * Reads the few protobuf messages a collector answers with: just enough of the wire format to find
 * a field and skip the rest. Malformed input throws {@link IllegalArgumentException}.
 */
final class ProtoReader {
  private final byte[] buf;
  private final int limit;
  private int pos;

  private ProtoReader(byte[] buf, int pos, int limit) {
    this.buf = buf;
    this.pos = pos;
    this.limit = limit;
  }

  static ProtoReader of(byte[] bytes) {
    return new ProtoReader(bytes, 0, bytes.length);
  }

  boolean hasMore() {
    return pos < limit;
  }

  /** Reads a field key; {@code key >>> 3} is the field number, {@code key & 7} the wire type. */
  int readKey() {
    long key = readVarint();
    if (key >>> 3 == 0 || key > Integer.MAX_VALUE) throw malformed("field key " + key);
    return (int) key;
  }

  long readVarint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) throw malformed("truncated varint");
      byte b = buf[pos++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) return value;
    }
    throw malformed("varint longer than 10 bytes");
  }

  String readString() {
    int length = readLength();
    String value = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return value;
  }

  /** A reader over the embedded message that starts here; this reader moves past it. */
  ProtoReader readMessage() {
    int length = readLength();
    ProtoReader message = new ProtoReader(buf, pos, pos + length);
    pos += length;
    return message;
  }

  void skip(int wireType) {
    switch (wireType) {
      case VARINT:
        readVarint();
        return;
      case FIXED64:
        advance(8);
        return;
      case LENGTH_DELIMITED:
        advance(readLength());
        return;
      case FIXED32:
        advance(4);
        return;
      default:
        throw malformed("wire type " + wireType);
    }
  }

  private int readLength() {
    long length = readVarint();
    // A varint of ten bytes can be negative: it would read backwards, or loop for ever.
    if (length < 0 || length > limit - pos) {
      throw malformed("length " + length + (length < 0 ? "" : " past the end"));
    }
    return (int) length;
  }

  private void advance(int count) {
    if (count > limit - pos) throw malformed("field past the end");
    pos += count;
  }

  private IllegalArgumentException malformed(String what) {
    return new IllegalArgumentException("malformed protobuf at byte " + pos + ": " + what);
  }
}
