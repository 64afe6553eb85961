package dev.ariadne.benchmarks;

import dev.ariadne.benchmarks.load.OtlpBodies;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The memory backend's write of a request's spans, as the collector makes it: the load generator's
 * OTLP/protobuf bodies (100 spans of whole traces each) decoded, then written (grouped by trace,
 * encoded, the search filters and the per-service index, eviction at the default bound of 100,000
 * spans). Each body is decoded in the benchmark, as the server decodes it just before the write, so
 * that the write finds the spans where the server's write finds them, in the cache; decoding alone
 * is measured beside it. The bodies hold 200,000 spans in all, so a body comes round again only
 * after its traces were evicted, as a server sees new traces. Figures are per span.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(MemoryWriteBenchmark.SPANS_PER_BODY)
@Fork(jvmArgsAppend = "-Xmx3g")
public class MemoryWriteBenchmark {
  static final int SPANS_PER_BODY = 100;
  private static final int BODIES = 2_000;
  private static final int MAX_SPANS = 100_000;

  private byte[][] bodies;
  private MemoryStorage storage;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws MalformedException {
    bodies = OtlpBodies.encode(BODIES, SPANS_PER_BODY, 42);
    storage = MemoryStorage.create(MAX_SPANS);
  }

  /** What the collector does with a request's body: decodes it, then writes its spans. */
  @Benchmark
  public MemoryStorage decodeAndWrite() throws MalformedException {
    storage.write(OtlpProtobufDecoder.decode(nextBody()).spans());
    return storage;
  }

  /** Decoding alone, so that the write's share is the difference from the benchmark above. */
  @Benchmark
  public List<Span> decode() throws MalformedException {
    return OtlpProtobufDecoder.decode(nextBody()).spans();
  }

  private byte[] nextBody() {
    byte[] body = bodies[next];
    next = (next + 1) % BODIES;
    return body;
  }
}
