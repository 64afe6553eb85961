package dev.ariadne.model.jaeger;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.internal.Counted;
import dev.ariadne.model.internal.Problems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Jaeger's protobuf spans ({@code model.proto} of {@code jaeger.api_v2}): the {@code
 * PostSpansRequest} of the collector's gRPC method {@code CollectorService/PostSpans}, as Jaeger
 * clients and OpenTelemetry's Jaeger exporter send it to port 14250. protobuf-java's {@code
 * CodedInputStream} reads the bytes field by field, without generated classes, and each span is
 * mapped as a Thrift span is (see the package documentation), so a span gives the same model in
 * either IDL. The stream bounds every length by the bytes left, so a hostile body allocates no more
 * than a small multiple of its size. Thread-safe (each call has its own state).
 */
public final class JaegerProtoDecoder {
  private static final String FORMAT = "Jaeger protobuf";

  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  // Tags (field number and wire type) of collector.proto and model.proto. A known field number
  // with another wire type is an unknown field, as protobuf-java's generated code treats it.
  private static final int REQUEST_BATCH = (1 << 3) | LEN;
  private static final int BATCH_SPANS = (1 << 3) | LEN;
  private static final int BATCH_PROCESS = (2 << 3) | LEN;
  private static final int SPAN_TRACE_ID = (1 << 3) | LEN;
  private static final int SPAN_SPAN_ID = (2 << 3) | LEN;
  private static final int SPAN_OPERATION_NAME = (3 << 3) | LEN;
  private static final int SPAN_REFERENCES = (4 << 3) | LEN;
  private static final int SPAN_FLAGS = (5 << 3) | VARINT;
  private static final int SPAN_START_TIME = (6 << 3) | LEN;
  private static final int SPAN_DURATION = (7 << 3) | LEN;
  private static final int SPAN_TAGS = (8 << 3) | LEN;
  private static final int SPAN_LOGS = (9 << 3) | LEN;
  private static final int SPAN_PROCESS = (10 << 3) | LEN;
  private static final int REF_TRACE_ID = (1 << 3) | LEN;
  private static final int REF_SPAN_ID = (2 << 3) | LEN;
  private static final int REF_TYPE = (3 << 3) | VARINT;
  private static final int PROCESS_SERVICE_NAME = (1 << 3) | LEN;
  private static final int PROCESS_TAGS = (2 << 3) | LEN;
  private static final int LOG_TIMESTAMP = (1 << 3) | LEN;
  private static final int LOG_FIELDS = (2 << 3) | LEN;
  private static final int KEY_VALUE_KEY = (1 << 3) | LEN;
  private static final int KEY_VALUE_TYPE = (2 << 3) | VARINT;
  private static final int KEY_VALUE_STR = (3 << 3) | LEN;
  private static final int KEY_VALUE_BOOL = (4 << 3) | VARINT;
  private static final int KEY_VALUE_INT64 = (5 << 3) | VARINT;
  private static final int KEY_VALUE_FLOAT64 = (6 << 3) | FIXED64;
  private static final int KEY_VALUE_BINARY = (7 << 3) | LEN;
  private static final int TIME_SECONDS = (1 << 3) | VARINT;
  private static final int TIME_NANOS = (2 << 3) | VARINT;

  private static final int CHILD_OF = 0;
  private static final int FOLLOWS_FROM = 1;
  private static final int STRING = 0;
  private static final int BOOL = 1;
  private static final int INT64 = 2;
  private static final int FLOAT64 = 3;
  private static final int BINARY = 4;

  private static final long NANOS_PER_SECOND = 1_000_000_000;
  private static final int MAX_NANOS = 999_999_999;
  /** The longest key quoted in a message. */
  private static final int MAX_QUOTED_CHARS = 100;

  private final CodedInputStream in;

  private JaegerProtoDecoder(CodedInputStream in) {
    this.in = in;
  }

  /**
   * The spans of the {@code PostSpansRequest} in {@code request}. An empty request is one without
   * spans. A span that parses but cannot be kept (an ID of the wrong length or zero, a time before
   * 1970 or past the year 2262) is counted in {@link DecodeResult#rejectedCount()} and named in its
   * message; the other spans are still accepted.
   *
   * @throws MalformedException if {@code request} is not a {@code PostSpansRequest}
   */
  public static DecodeResult decode(byte[] request) throws MalformedException {
    requireNonNull(request, "request");
    CodedInputStream in = CodedInputStream.newInstance(request);
    Batch batch = new Batch();
    try {
      new JaegerProtoDecoder(in).request(batch);
    } catch (IOException e) {
      // InvalidProtocolBufferException; nothing else can fail when reading from memory.
      throw new MalformedException(
          FORMAT + ": " + e.getMessage() + " (at byte " + in.getTotalBytesRead() + ")", e);
    }
    return batch.decode();
  }

  // Reading: each message's fields into a holder, in whatever order they come. A message field
  // that is repeated merges into the one before, as protobuf says.

  private void request(Batch batch) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == REQUEST_BATCH) {
        int limit = enter();
        batch(batch);
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
  }

  private void batch(Batch batch) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == BATCH_SPANS) {
        int limit = enter();
        batch.add(span());
        in.popLimit(limit);
      } else if (tag == BATCH_PROCESS) {
        if (batch.process == null) {
          batch.process = new ProcessFields();
        }
        int limit = enter();
        process(batch.process);
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
  }

  private SpanFields span() throws IOException {
    SpanFields span = new SpanFields();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case SPAN_TRACE_ID -> span.traceId = traceId();
        case SPAN_SPAN_ID -> span.spanId = spanId();
        case SPAN_OPERATION_NAME -> span.operationName = in.readString();
        case SPAN_REFERENCES -> {
          int limit = enter();
          span.references.add(reference());
          in.popLimit(limit);
        }
        case SPAN_FLAGS -> span.flags = in.readUInt32();
        case SPAN_START_TIME -> {
          int limit = enter();
          time(span.start);
          in.popLimit(limit);
        }
        case SPAN_DURATION -> {
          int limit = enter();
          time(span.duration);
          in.popLimit(limit);
        }
        case SPAN_TAGS -> {
          int limit = enter();
          keyValue(span.tags);
          in.popLimit(limit);
        }
        case SPAN_LOGS -> {
          int limit = enter();
          log(span);
          in.popLimit(limit);
        }
        case SPAN_PROCESS -> {
          if (span.process == null) {
            span.process = new ProcessFields();
          }
          int limit = enter();
          process(span.process);
          in.popLimit(limit);
        }
        default -> skip(tag);
      }
    }
    return span;
  }

  private Ref reference() throws IOException {
    Ref reference = new Ref();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == REF_TRACE_ID) {
        reference.traceId = traceId();
      } else if (tag == REF_SPAN_ID) {
        reference.spanId = spanId();
      } else if (tag == REF_TYPE) {
        int type = in.readEnum();
        if (type != CHILD_OF && type != FOLLOWS_FROM) {
          throw new InvalidProtocolBufferException("ref_type " + type
              + " of a span reference (expected: CHILD_OF or FOLLOWS_FROM, 0 or 1)");
        }
        reference.followsFrom = type == FOLLOWS_FROM;
      } else {
        skip(tag);
      }
    }
    return reference;
  }

  private void process(ProcessFields process) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == PROCESS_SERVICE_NAME) {
        process.serviceName = in.readString();
      } else if (tag == PROCESS_TAGS) {
        int limit = enter();
        keyValue(process.tags);
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
  }

  /**
   * A log, as the event it is, into {@code span}; a log whose time cannot be kept makes the span's
   * problem instead.
   */
  private void log(SpanFields span) throws IOException {
    Time timestamp = new Time();
    Map<String, Value> fields = new LinkedHashMap<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == LOG_TIMESTAMP) {
        int limit = enter();
        time(timestamp);
        in.popLimit(limit);
      } else if (tag == LOG_FIELDS) {
        int limit = enter();
        keyValue(fields);
        in.popLimit(limit);
      } else {
        skip(tag);
      }
    }
    int index = span.logCount++;
    long epochNanos = epochNanos(timestamp);
    if (epochNanos < 0) {
      if (span.problem == null) {
        span.problem = "logs[" + index + "].timestamp: " + timestamp(timestamp);
      }
    } else if (span.problem == null) {
      span.events.add(JaegerSpans.event(epochNanos, fields));
    }
  }

  /** A Timestamp or a Duration: both are {@code seconds} and {@code nanos}. */
  private void time(Time time) throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == TIME_SECONDS) {
        time.seconds = in.readInt64();
      } else if (tag == TIME_NANOS) {
        time.nanos = in.readInt32();
      } else {
        skip(tag);
      }
    }
  }

  /**
   * One KeyValue into {@code into}, where a repeated key keeps its last value in the place of its
   * first. The value is the field its {@code v_type} names; an unset one is the type's zero.
   */
  private void keyValue(Map<String, Value> into) throws IOException {
    String key = "";
    int type = STRING;
    String string = "";
    boolean bool = false;
    long int64 = 0;
    double float64 = 0;
    byte[] binary = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case KEY_VALUE_KEY -> key = in.readString();
        case KEY_VALUE_TYPE -> type = in.readEnum();
        case KEY_VALUE_STR -> string = in.readString();
        case KEY_VALUE_BOOL -> bool = in.readBool();
        case KEY_VALUE_INT64 -> int64 = in.readInt64();
        case KEY_VALUE_FLOAT64 -> float64 = in.readDouble();
        case KEY_VALUE_BINARY -> binary = in.readByteArray();
        default -> skip(tag);
      }
    }
    Value value = switch (type) {
      case STRING -> Value.of(string);
      case BOOL -> Value.of(bool);
      case INT64 -> Value.of(int64);
      case FLOAT64 -> Value.of(float64);
      case BINARY -> new Value.Bytes(binary == null ? new byte[0] : binary);
      default -> throw new InvalidProtocolBufferException("v_type "
          + type + " of the key-value \"" + quote(key)
          + "\" (expected: STRING, BOOL, INT64, FLOAT64 or BINARY, 0 to 4)");
    };
    into.put(key, value);
  }

  /** A 16-byte trace ID, or an 8-byte one (a 64-bit ID, left-padded); other lengths are kept. */
  private Id traceId() throws IOException {
    int length = in.readRawVarint32();
    return switch (length) {
      case 16 -> new Id(length, bigEndianLong(), bigEndianLong());
      case 8 -> new Id(length, 0, bigEndianLong());
      default -> skipped(length);
    };
  }

  private Id spanId() throws IOException {
    int length = in.readRawVarint32();
    return length == 8 ? new Id(length, 0, bigEndianLong()) : skipped(length);
  }

  private Id skipped(int length) throws IOException {
    // Fails for a negative length, or one past the end of the message.
    in.skipRawBytes(length);
    return new Id(length, 0, 0);
  }

  private long bigEndianLong() throws IOException {
    return Long.reverseBytes(in.readRawLittleEndian64());
  }

  /** Reads a message's length and limits the stream to it; returns the limit to restore. */
  private int enter() throws IOException {
    // pushLimit fails for a negative length, or one past the end of the enclosing message.
    return in.pushLimit(in.readRawVarint32());
  }

  private void skip(int tag) throws IOException {
    // skipField bounds the nesting of groups, and throws for an end-group tag outside a group; its
    // false, the end of a group, cannot end a length-delimited message either.
    if (!in.skipField(tag)) {
      throw new InvalidProtocolBufferException(
          "an end-group tag (field " + WireFormat.getTagFieldNumber(tag) + ") without its group");
    }
  }

  private static String quote(String text) {
    if (text.length() <= MAX_QUOTED_CHARS) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(MAX_QUOTED_CHARS - 1))
        ? MAX_QUOTED_CHARS - 1
        : MAX_QUOTED_CHARS;
    return text.substring(0, end) + "…";
  }

  // The holders, as read. A span is checked as soon as it is read, so that only spans that can be
  // kept wait for the end of the request, when the batch's process (which may come after its
  // spans) is known.

  /** An ID's bytes as two longs, big-endian; {@code length} as received (0 when absent). */
  private record Id(int length, long high, long low) {
    static final Id ABSENT = new Id(0, 0, 0);

    boolean isZero() {
      return high == 0 && low == 0;
    }

    boolean fitsTraceId() {
      return length == 16 || length == 8 || length == 0;
    }

    boolean fitsSpanId() {
      return length == 8 || length == 0;
    }
  }

  private static final class Time {
    long seconds;
    int nanos;
  }

  private static final class ProcessFields {
    String serviceName = "";
    final Map<String, Value> tags = new LinkedHashMap<>();

    Resource resource() {
      return JaegerSpans.resource(serviceName, new LinkedHashMap<>(tags));
    }
  }

  private static final class Ref {
    Id traceId = Id.ABSENT;
    Id spanId = Id.ABSENT;
    boolean followsFrom;
  }

  private static final class SpanFields {
    Id traceId = Id.ABSENT;
    Id spanId = Id.ABSENT;
    String operationName = "";
    final List<Ref> references = new ArrayList<>(2);
    int flags;
    final Time start = new Time();
    final Time duration = new Time();
    final Map<String, Value> tags = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
    int logCount;
    ProcessFields process;
    /** The first reason found while reading why the span cannot be kept, or null. */
    String problem;
  }

  /** The spans that can be kept, with their places in the batch, and the batch's process. */
  private static final class Batch {
    private final List<SpanFields> spans = new ArrayList<>();
    private final List<Integer> indexes = new ArrayList<>();
    private final Problems problems = new Problems();
    private int count;
    ProcessFields process;

    /** Keeps {@code span} if it can be kept, else names why it is rejected. */
    void add(SpanFields span) {
      int index = count++;
      if (!span.traceId.fitsTraceId()) {
        problems.reject("[" + index + "] span: trace_id: " + span.traceId.length()
            + " bytes (expected: 16, or 8 for a 64-bit ID)");
        return;
      }
      if (!span.spanId.fitsSpanId()) {
        problems.reject("[" + index + "] span: span_id: " + span.spanId.length()
            + " bytes (expected: 8)");
        return;
      }
      String problem = problem(span);
      if (problem != null) {
        problems.reject(where(index, span) + ": " + problem);
        return;
      }
      spans.add(span);
      indexes.add(index);
    }

    /** Why a span whose IDs have the right lengths cannot be kept, or null if it can. */
    private static String problem(SpanFields span) {
      if (span.traceId.isZero()) {
        return "trace ID is zero";
      }
      if (span.spanId.isZero()) {
        return "span ID is zero";
      }
      long start = epochNanos(span.start);
      if (start < 0) {
        return "start_time: " + timestamp(span.start);
      }
      long duration = durationNanos(span.duration);
      if (duration == Long.MIN_VALUE) {
        return "duration: " + span.duration.seconds + "s " + span.duration.nanos
            + "ns (expected: seconds and nanos of one sign, nanos from -999999999 to 999999999)";
      }
      if (duration > Long.MAX_VALUE - start || duration < -start) {
        return "start_time + duration: " + start + " + " + duration
            + " nanoseconds (expected: from 1970 to the year 2262)";
      }
      return span.problem;
    }

    DecodeResult decode() {
      Resource resource = process == null
          ? JaegerSpans.resource("", new LinkedHashMap<>())
          : process.resource();
      List<Span> decoded = new ArrayList<>(spans.size());
      for (int i = 0; i < spans.size(); i++) {
        decoded.add(toSpan(spans.get(i), indexes.get(i), resource));
      }
      return problems.result(decoded);
    }

    private Span toSpan(SpanFields span, int index, Resource batchResource) {
      List<JaegerSpans.Reference> references = new ArrayList<>(span.references.size());
      int zero = 0;
      int wrongLength = 0;
      for (Ref ref : span.references) {
        if (!ref.traceId.fitsTraceId() || !ref.spanId.fitsSpanId()) {
          wrongLength++;
        } else if (ref.traceId.isZero() || ref.spanId.isZero()) {
          zero++;
        } else {
          references.add(new JaegerSpans.Reference(ref.followsFrom,
              new TraceId(ref.traceId.high(), ref.traceId.low()), ref.spanId.low()));
        }
      }
      if (zero > 0) {
        problems.warn(where(index, span) + ": " + Counted.of(zero, "reference")
            + " with a zero ID dropped");
      }
      if (wrongLength > 0) {
        problems.warn(where(index, span) + ": " + Counted.of(wrongLength, "reference")
            + " with an ID of the wrong length dropped");
      }
      long start = epochNanos(span.start);
      return JaegerSpans.toSpan(new JaegerSpans.Parts(
          new TraceId(span.traceId.high(), span.traceId.low()),
          span.spanId.low(),
          0,
          span.operationName,
          start,
          start + durationNanos(span.duration),
          span.flags,
          span.process == null ? batchResource : span.process.resource(),
          references,
          zero + wrongLength,
          span.tags,
          span.events));
    }

    private static String where(int index, SpanFields span) {
      return JaegerSpans.where(
          index, span.spanId.low(), new TraceId(span.traceId.high(), span.traceId.low()));
    }
  }

  /** Nanoseconds since 1970 of a Timestamp, or -1 if it is not between 1970 and 2262. */
  private static long epochNanos(Time time) {
    if (time.seconds < 0 || time.nanos < 0 || time.nanos > MAX_NANOS
        || time.seconds > (Long.MAX_VALUE - time.nanos) / NANOS_PER_SECOND) {
      return -1;
    }
    return time.seconds * NANOS_PER_SECOND + time.nanos;
  }

  /** The nanoseconds of a Duration, or {@link Long#MIN_VALUE} if it is invalid or too long. */
  private static long durationNanos(Time time) {
    boolean oneSign = (time.seconds >= 0 && time.nanos >= 0) || (time.seconds <= 0
        && time.nanos <= 0);
    if (!oneSign || Math.abs(time.nanos) > MAX_NANOS) {
      return Long.MIN_VALUE;
    }
    try {
      return Math.addExact(Math.multiplyExact(time.seconds, NANOS_PER_SECOND), time.nanos);
    } catch (ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }

  private static String timestamp(Time time) {
    return time.seconds + "s " + time.nanos
        + "ns (expected: from 1970 to the year 2262, nanos from 0 to 999999999)";
  }
}
