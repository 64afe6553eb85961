package dev.ariadne.benchmarks;

import dev.ariadne.benchmarks.load.ZipkinBodies;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.zipkin.ZipkinDecoder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import zipkin2.codec.SpanBytesDecoder;

/**
 * Decoding a Zipkin {@code POST /api/v2/spans} body of 100 spans, as the load generator sends
 * them, in JSON and in proto3: Ariadne's {@code ZipkinDecoder}, which makes the server's model,
 * against zipkin2's {@code SpanBytesDecoder}, which is what the Zipkin server decodes with. Each
 * operation is one span, so the figures (time and {@code gc.alloc.rate.norm}) are per span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ZipkinDecodeBenchmark.SPANS_PER_BODY)
public class ZipkinDecodeBenchmark {
  static final int SPANS_PER_BODY = 100;
  /** Several bodies in turn, so that the branch predictor cannot learn one by heart. */
  private static final int BODIES = 16;

  private byte[][] json;
  private byte[][] proto3;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    json = ZipkinBodies.encode(false, BODIES, SPANS_PER_BODY, 42);
    proto3 = ZipkinBodies.encode(true, BODIES, SPANS_PER_BODY, 42);
  }

  @Benchmark
  public DecodeResult ariadneJson() throws MalformedException {
    return ZipkinDecoder.JSON_V2.decode(next(json));
  }

  @Benchmark
  public List<zipkin2.Span> zipkinJson() {
    return SpanBytesDecoder.JSON_V2.decodeList(next(json));
  }

  @Benchmark
  public DecodeResult ariadneProto3() throws MalformedException {
    return ZipkinDecoder.PROTO3.decode(next(proto3));
  }

  @Benchmark
  public List<zipkin2.Span> zipkinProto3() {
    return SpanBytesDecoder.PROTO3.decodeList(next(proto3));
  }

  private byte[] next(byte[][] bodies) {
    byte[] body = bodies[next];
    next = (next + 1) % BODIES;
    return body;
  }
}
