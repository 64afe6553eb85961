package dev.ariadne.benchmarks.load;

/**
 * OTLP/protobuf request bodies as the load generator sends them, for the decoding benchmarks
 * outside this package: the same traces, the same encoding, the same patched trace IDs and times.
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
    BodyPool pool = BodyPool.encode(Format.OTLP_PROTO, traces, count, spansPerBody, 1);
    byte[][] bodies = new byte[count][];
    for (int i = 0; i < count; i++) {
      bodies[i] = pool.body(i);
    }
    return bodies;
  }
}
