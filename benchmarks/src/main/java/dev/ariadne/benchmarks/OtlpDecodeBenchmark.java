package dev.ariadne.benchmarks;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ariadne.benchmarks.load.OtlpBodies;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
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

/**
 * Decoding an OTLP/protobuf {@code ExportTraceServiceRequest} of 100 spans, as the load generator
 * sends them (8 services, 10 attributes per span, 9 resource attributes per service): Ariadne's
 * {@code OtlpProtobufDecoder}, which makes the server's model, against parsing alone with the
 * generated opentelemetry-proto classes, which builds their messages and nothing else. Figures
 * are per span.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(OtlpDecodeBenchmark.SPANS_PER_BODY)
public class OtlpDecodeBenchmark {
  static final int SPANS_PER_BODY = 100;
  /** Several bodies in turn, so that the branch predictor cannot learn one by heart. */
  private static final int BODIES = 16;

  private byte[][] bodies;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    bodies = OtlpBodies.encode(BODIES, SPANS_PER_BODY, 42);
  }

  @Benchmark
  public DecodeResult ariadne() throws MalformedException {
    return OtlpProtobufDecoder.decode(nextBody());
  }

  @Benchmark
  public ExportTraceServiceRequest generatedClassesParseOnly()
      throws InvalidProtocolBufferException {
    return ExportTraceServiceRequest.parseFrom(nextBody());
  }

  private byte[] nextBody() {
    byte[] body = bodies[next];
    next = (next + 1) % BODIES;
    return body;
  }
}
