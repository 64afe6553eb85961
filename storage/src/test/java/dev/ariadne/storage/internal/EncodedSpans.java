package dev.ariadne.storage.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link SpanCodec} encoding taken apart into its header and streams, to be changed and put back
 * together: how tests craft bytes that only a broken or hostile writer would produce.
 */
final class EncodedSpans {
  int version;
  long spanCount;
  int timeUnit;
  /** The fixed streams, by their position. */
  final byte[][] streams = new byte[SpanCodec.STREAM_NAMES.length][];
  /** The value streams by key index, ascending. */
  final Map<Integer, byte[]> valueStreams = new LinkedHashMap<>();

  static EncodedSpans parse(byte[] encoding) throws CorruptDataException {
    ByteSource in = new ByteSource(encoding, "test");
    EncodedSpans parsed = new EncodedSpans();
    parsed.version = in.readByte();
    parsed.spanCount = in.readVarLong();
    parsed.timeUnit = in.readByte();
    int[] lengths = new int[parsed.streams.length];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = in.readVarInt();
    }
    int valueStreamCount = in.readVarInt();
    int[] keys = new int[valueStreamCount];
    int[] valueLengths = new int[valueStreamCount];
    for (int i = 0; i < valueStreamCount; i++) {
      keys[i] = (i == 0 ? 0 : keys[i - 1] + 1) + in.readVarInt();
      valueLengths[i] = in.readVarInt();
    }
    for (int i = 0; i < lengths.length; i++) {
      parsed.streams[i] = in.readBytes(lengths[i]);
    }
    for (int i = 0; i < valueStreamCount; i++) {
      parsed.valueStreams.put(keys[i], in.readBytes(valueLengths[i]));
    }
    return parsed;
  }

  byte[] stream(int index) {
    return streams[index];
  }

  void setStream(int index, byte[] bytes) {
    streams[index] = bytes;
  }

  /** Appends {@code extra} to the fixed stream at {@code index}. */
  void append(int index, int... extra) {
    byte[] old = streams[index];
    byte[] grown = Arrays.copyOf(old, old.length + extra.length);
    for (int i = 0; i < extra.length; i++) {
      grown[old.length + i] = (byte) extra[i];
    }
    streams[index] = grown;
  }

  byte[] assemble() {
    ByteSink out = new ByteSink(64);
    out.writeByte(version);
    out.writeVarLong(spanCount);
    out.writeByte(timeUnit);
    for (byte[] stream : streams) {
      out.writeVarInt(stream.length);
    }
    out.writeVarInt(valueStreams.size());
    int previous = -1;
    for (Map.Entry<Integer, byte[]> entry : valueStreams.entrySet()) {
      out.writeVarInt(entry.getKey() - previous - 1);
      out.writeVarInt(entry.getValue().length);
      previous = entry.getKey();
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (byte[] stream : streams) {
      data.writeBytes(stream);
    }
    valueStreams.values().forEach(data::writeBytes);
    out.writeBytes(data.toByteArray());
    return out.toByteArray();
  }
}
