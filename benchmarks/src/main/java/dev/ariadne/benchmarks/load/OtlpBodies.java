package dev.ariadne.benchmarks.load;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;

/**
 * OTLP/protobuf request bodies as the load generator sends them, for the benchmarks outside this
 * package: the same traces, the same encoding, the same patched trace IDs and times for the
 * decoding benchmarks, and single large traces for the web UI's.
 */
public final class OtlpBodies {
  /** 2023-11-14, so that times look like today's. */
  private static final long START_EPOCH_NANOS = 1_700_000_000_000L * 1_000_000L;

  private OtlpBodies() {}

  /**
   * {@code count} {@code ExportTraceServiceRequest} bodies of {@code spansPerBody} spans each. The
   * same seed gives the same bodies.
   */
  public static byte[][] encode(int count, int spansPerBody, long seed) {
    TraceGenerator traces = new TraceGenerator(seed, START_EPOCH_NANOS);
    BodyPool pool = BodyPool.encode(Format.OTLP_PROTO, traces, count, spansPerBody, 0, 1);
    byte[][] bodies = new byte[count][];
    for (int i = 0; i < count; i++) {
      bodies[i] = pool.body(i);
    }
    return bodies;
  }

  /**
   * {@code count} bodies as {@link #encode} makes them, but of traces starting at {@code
   * startEpochNanos}, given out in turn without end: each time a body comes round again, its trace
   * IDs are new and its times are the same, for the benchmarks of what holds spans by trace.
   */
  public static LongFunction<byte[]> renewed(
      int count, int spansPerBody, long seed, long startEpochNanos) {
    TraceGenerator traces = new TraceGenerator(seed, startEpochNanos);
    return BodyPool.encode(Format.OTLP_PROTO, traces, count, spansPerBody, 0, 1).withFixedTimes()::body;
  }

  /** One trace as OTLP/protobuf request bodies, and its ID as 32 lower-case hex digits. */
  public record Trace(String traceId, int spans, List<byte[]> bodies) {}

  /**
   * One trace of exactly {@code spans} spans starting at {@code startEpochNanos}, shaped as the
   * load generator's (8 services, 10 attributes per span, events on about a third), as {@code
   * ExportTraceServiceRequest} bodies of at most {@code spansPerBody} spans each, parents before
   * children. The seed gives the shape; the trace ID's high half is the start time, so that runs
   * at different times send different traces.
   */
  public static Trace trace(int spans, int spansPerBody, long seed, long startEpochNanos) {
    if (spansPerBody < 1) {
      throw new IllegalArgumentException("spansPerBody: " + spansPerBody + " (expected: >= 1)");
    }
    List<SyntheticSpan> generated = new TraceGenerator(seed, startEpochNanos).nextTrace(spans);
    long high = startEpochNanos == 0 ? 1 : startEpochNanos;
    long low = generated.get(0).traceIdLow();
    List<byte[]> bodies = new ArrayList<>();
    List<SyntheticSpan> batch = new ArrayList<>(spansPerBody);
    for (SyntheticSpan s : generated) {
      batch.add(new SyntheticSpan(high, low, s.spanId(), s.parentId(), s.service(), s.name(), s.kind(),
          s.remoteService(), s.startEpochNanos(), s.endEpochNanos(), s.attributes(), s.events(), s.errorMessage()));
      if (batch.size() == spansPerBody) {
        bodies.add(Format.OTLP_PROTO.encode(batch));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      bodies.add(Format.OTLP_PROTO.encode(batch));
    }
    return new Trace(HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low), spans, List.copyOf(bodies));
  }
}
