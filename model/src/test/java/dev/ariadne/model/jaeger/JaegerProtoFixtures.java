package dev.ariadne.model.jaeger;

import static dev.ariadne.model.jaeger.JaegerFixtures.CAUSE_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.PARENT_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.SPAN_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.START_MICROS;
import static dev.ariadne.model.jaeger.JaegerFixtures.TRACE_ID_HIGH;
import static dev.ariadne.model.jaeger.JaegerFixtures.TRACE_ID_LOW;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Jaeger protobuf messages ({@code model.proto}, {@code collector.proto}) written field by field
 * with {@code CodedOutputStream}, independently of the decoder: the field numbers below are
 * Jaeger's IDL's. {@link #serverSpan()} is {@link JaegerFixtures#serverSpan()} in protobuf, so both
 * decode to {@link JaegerFixtures#decodedServerSpan()}.
 */
final class JaegerProtoFixtures {
  static final int STRING = 0;
  static final int BOOL = 1;
  static final int INT64 = 2;
  static final int FLOAT64 = 3;
  static final int BINARY = 4;
  static final int CHILD_OF = 0;
  static final int FOLLOWS_FROM = 1;

  private JaegerProtoFixtures() {}

  /** One message, written field by field; fields come out in the order written. */
  static final class Message {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    Message bytes(int field, byte[] value) {
      return write(() -> out.writeByteArray(field, value));
    }

    Message string(int field, String value) {
      return write(() -> out.writeString(field, value));
    }

    /** A varint field: an int32, int64, uint32, enum or bool. */
    Message varint(int field, long value) {
      return write(() -> out.writeUInt64(field, value));
    }

    Message float64(int field, double value) {
      return write(() -> out.writeDouble(field, value));
    }

    Message message(int field, Message message) {
      return bytes(field, message.toByteArray());
    }

    /** Bytes as they are, for what no field method writes. */
    Message raw(byte[] raw) {
      return write(() -> out.writeRawBytes(raw));
    }

    /** Bytes as they are, each given as an int from 0 to 255. */
    Message raw(int... raw) {
      byte[] bytes = new byte[raw.length];
      for (int i = 0; i < raw.length; i++) {
        bytes[i] = (byte) raw[i];
      }
      return raw(bytes);
    }

    byte[] toByteArray() {
      write(out::flush);
      return bytes.toByteArray();
    }

    private interface Write {
      void run() throws IOException;
    }

    private Message write(Write write) {
      try {
        write.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }
  }

  /** A {@code PostSpansRequest} holding {@code batch}. */
  static byte[] request(Message batch) {
    return new Message().message(1, batch).toByteArray();
  }

  /** A {@code Batch} of {@code process} (none if null) and {@code spans}. */
  static Message batch(Message process, Message... spans) {
    Message batch = new Message();
    for (Message span : spans) {
      batch.message(1, span);
    }
    return process == null ? batch : batch.message(2, process);
  }

  /** {@link JaegerFixtures#process()} in protobuf. */
  static Message process() {
    return process("checkout",
        string("hostname", "host-1"), string("ip", "10.0.0.7"), int64("pid", 4242));
  }

  static Message process(String serviceName, Message... tags) {
    Message process = new Message().string(1, serviceName);
    for (Message tag : tags) {
      process.message(2, tag);
    }
    return process;
  }

  /**
   * {@link JaegerFixtures#serverSpan()} in protobuf, where the parent is the CHILD_OF reference:
   * the protobuf span has no {@code parentSpanId}.
   */
  static Message serverSpan() {
    return span(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID, "GET /cart")
        .message(4, ref(CHILD_OF, PARENT_ID))
        .message(4, ref(FOLLOWS_FROM, CAUSE_ID))
        .varint(5, 1)
        .message(6, time(START_MICROS / 1_000_000, START_MICROS % 1_000_000 * 1000))
        .message(7, time(0, 2_500_000))
        .message(8, string("span.kind", "server"))
        .message(8, string("http.method", "GET"))
        .message(8, int64("http.status_code", 200))
        .message(8, float64("sampler.param", 0.5))
        .message(8, bool("cache.hit", true))
        .message(8, binary("payload", new byte[] {1, 2, 3}))
        .message(9, log(START_MICROS + 100, string("event", "retry"), int64("attempt", 2)))
        .message(9, log(START_MICROS + 200, string("message", "no event field")));
  }

  /** A minimal valid span: IDs, name, start and a duration of 10 µs. */
  static Message span(long spanId) {
    return span(TRACE_ID_HIGH, TRACE_ID_LOW, spanId, "op")
        .message(6, time(START_MICROS / 1_000_000, START_MICROS % 1_000_000 * 1000))
        .message(7, time(0, 10_000));
  }

  /** A span with its IDs and operation name only. */
  static Message span(long traceIdHigh, long traceIdLow, long spanId, String operationName) {
    return new Message()
        .bytes(1, traceId(traceIdHigh, traceIdLow))
        .bytes(2, spanId(spanId))
        .string(3, operationName);
  }

  /** A reference to a span of the fixtures' trace. */
  static Message ref(int type, long spanId) {
    return new Message()
        .bytes(1, traceId(TRACE_ID_HIGH, TRACE_ID_LOW))
        .bytes(2, spanId(spanId))
        .varint(3, type);
  }

  /** A Timestamp or a Duration. */
  static Message time(long seconds, long nanos) {
    return new Message().varint(1, seconds).varint(2, nanos);
  }

  static Message log(long epochMicros, Message... fields) {
    Message log = new Message()
        .message(1, time(epochMicros / 1_000_000, epochMicros % 1_000_000 * 1000));
    for (Message field : fields) {
      log.message(2, field);
    }
    return log;
  }

  static Message string(String key, String value) {
    return new Message().string(1, key).varint(2, STRING).string(3, value);
  }

  static Message bool(String key, boolean value) {
    return new Message().string(1, key).varint(2, BOOL).varint(4, value ? 1 : 0);
  }

  static Message int64(String key, long value) {
    return new Message().string(1, key).varint(2, INT64).varint(5, value);
  }

  static Message float64(String key, double value) {
    return new Message().string(1, key).varint(2, FLOAT64).float64(6, value);
  }

  static Message binary(String key, byte[] value) {
    return new Message().string(1, key).varint(2, BINARY).bytes(7, value);
  }

  static byte[] traceId(long high, long low) {
    return ByteBuffer.allocate(16).putLong(high).putLong(low).array();
  }

  static byte[] spanId(long spanId) {
    return ByteBuffer.allocate(8).putLong(spanId).array();
  }
}
