package dev.ariadne.kafka;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.otlp.OtlpProtobufEncoder;
import dev.ariadne.storage.SpansTooLargeException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A write's spans as the records of the topic: one per trace, keyed by the trace's 16-byte ID,
 * its value an OTLP {@code ExportTraceServiceRequest}; a trace whose request would be larger than
 * a record holds is cut into halves until each part fits.
 */
final class TraceRecords {
  /**
   * What a record takes beyond its value, at most: Kafka's record batch header (61 bytes) and the
   * record's own header (at most 21 bytes), the 16-byte key, and room to spare. Kafka's producer
   * and broker count a record with these in their limits.
   */
  static final int RECORD_OVERHEAD = 128;

  /** The key and value of one record, and how many spans the value holds. */
  static final class Part {
    private final byte[] key;
    private final byte[] value;
    private final int spans;

    Part(byte[] key, byte[] value, int spans) {
      this.key = key;
      this.value = value;
      this.spans = spans;
    }

    byte[] key() {
      return key;
    }

    byte[] value() {
      return value;
    }

    int spans() {
      return spans;
    }
  }

  private TraceRecords() {}

  /**
   * The records of a write, each trace's parts in the order of its spans, and the spans that by
   * themselves are larger than a record holds, with why: those are in no record.
   */
  record Records(List<Part> parts, IdentityHashMap<Span, String> tooLarge) {
    /** Throws, naming the spans too large, if there are any. */
    void throwIfTooLarge() throws SpansTooLargeException {
      if (!tooLarge.isEmpty()) {
        throw new SpansTooLargeException(tooLarge);
      }
    }
  }

  /** The records of {@code spans}, values of at most {@code maxValueBytes} each. */
  static Records of(List<Span> spans, int maxValueBytes) {
    IdentityHashMap<Span, String> tooLarge = new IdentityHashMap<>();
    Map<TraceId, List<Span>> traces = new LinkedHashMap<>();
    for (Span span : spans) {
      traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
    }
    List<Part> parts = new ArrayList<>(traces.size());
    for (Map.Entry<TraceId, List<Span>> trace : traces.entrySet()) {
      byte[] key = key(trace.getKey());
      Deque<List<Span>> pending = new ArrayDeque<>();
      pending.add(trace.getValue());
      while (!pending.isEmpty()) {
        List<Span> part = pending.poll();
        byte[] value = OtlpProtobufEncoder.encode(part);
        if (value.length <= maxValueBytes) {
          parts.add(new Part(key, value, part.size()));
        } else if (part.size() > 1) {
          int half = part.size() / 2;
          pending.addFirst(part.subList(half, part.size()));
          pending.addFirst(part.subList(0, half));
        } else {
          tooLarge.put(part.get(0), tooLarge(part.get(0), value.length, maxValueBytes));
        }
      }
    }
    return new Records(parts, tooLarge);
  }

  /** The trace ID's 16 bytes, big-endian, as OTLP writes them. */
  static byte[] key(TraceId traceId) {
    return ByteBuffer.allocate(16).putLong(traceId.high()).putLong(traceId.low()).array();
  }

  /** What the collector tells the client whose request held a span too large for a record. */
  private static String tooLarge(Span span, int bytes, int maxValueBytes) {
    return SpansTooLargeException.reason(span, bytes, "a Kafka record holds (" + maxValueBytes
        + " bytes of spans in a record of at most " + (maxValueBytes + RECORD_OVERHEAD) + ")",
        "written");
  }
}
