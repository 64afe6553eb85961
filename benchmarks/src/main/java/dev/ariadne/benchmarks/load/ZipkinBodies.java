package dev.ariadne.benchmarks.load;

/**
 * Zipkin request bodies as the load generator sends them, for the decoding benchmarks outside this
 * package: the same traces, the same encoding, the same patched trace IDs and times.
 */
public final class ZipkinBodies {
  /** 2023-11-14, so that times look like today's. */
  private static final long START_EPOCH_NANOS = 1_700_000_000_000L * 1_000_000L;

  private ZipkinBodies() {}

  /**
   * {@code count} bodies of {@code spansPerBody} spans each, in Zipkin v2 JSON or, if {@code
   * proto3}, in Zipkin proto3. The same seed gives the same bodies.
   */
  public static byte[][] encode(boolean proto3, int count, int spansPerBody, long seed) {
    Format format = proto3 ? Format.ZIPKIN_PROTO3 : Format.ZIPKIN_JSON;
    TraceGenerator traces = new TraceGenerator(seed, START_EPOCH_NANOS);
    BodyPool pool = BodyPool.encode(format, traces, count, spansPerBody, 0, 1);
    byte[][] bodies = new byte[count][];
    for (int i = 0; i < count; i++) {
      bodies[i] = pool.body(i);
    }
    return bodies;
  }
}
