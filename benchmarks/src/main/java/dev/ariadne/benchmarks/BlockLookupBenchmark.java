package dev.ariadne.benchmarks;

import dev.ariadne.benchmarks.load.OtlpBodies;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import dev.ariadne.storage.embedded.EmbeddedStorage;
import dev.ariadne.storage.embedded.SyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A trace-by-ID lookup in the embedded engine with everything in one block: about 200,000 spans of
 * the load generator's workload (OTLP bodies of 100 spans, decoded by the collector's decoder and
 * written as the collector writes them), cut into one block in a temporary directory. Each
 * operation looks up one stored trace, chosen at random. The setup prints the block's bytes per
 * span, which no timing disturbs.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BlockLookupBenchmark {
  private static final int BODIES = 2000;
  private static final int SPANS_PER_BODY = 100;
  /** Trace IDs looked up in turn, drawn at random from the stored ones. */
  private static final int LOOKUPS = 4096;

  private Path directory;
  private EmbeddedStorage storage;
  private TraceId[] lookups;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException, MalformedException, InterruptedException {
    List<List<Span>> batches = new ArrayList<>(BODIES);
    Set<TraceId> traceIds = new LinkedHashSet<>();
    int spanCount = 0;
    for (byte[] body : OtlpBodies.encode(BODIES, SPANS_PER_BODY, 42)) {
      List<Span> spans = OtlpProtobufDecoder.decode(body).spans();
      batches.add(spans);
      spans.forEach(span -> traceIds.add(span.traceId()));
      spanCount += spans.size();
    }
    directory = Files.createTempDirectory("block-lookup");
    storage = EmbeddedStorage.builder(directory)
        .syncPolicy(SyncPolicy.INTERVAL)
        .headMaxSpans(spanCount)
        // The workload's times are in 2023: the default retention would delete the block.
        .retention(Duration.ofDays(100 * 365))
        .open();
    for (List<Span> batch : batches) {
      storage.write(batch);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (storage.headSpanCount() > 0 || storage.blockCount() != 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the head was not cut into one block within 5 minutes");
      }
      Thread.sleep(50);
    }
    System.out.printf("%nblock: %d spans, %d traces, %d bytes, %.2f bytes per span%n",
        storage.blockSpanCount(), traceIds.size(), storage.blockBytes(),
        (double) storage.blockBytes() / storage.blockSpanCount());

    List<TraceId> stored = new ArrayList<>(traceIds);
    Random random = new Random(7);
    lookups = new TraceId[LOOKUPS];
    for (int i = 0; i < LOOKUPS; i++) {
      lookups[i] = stored.get(random.nextInt(stored.size()));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    storage.close();
    Directories.delete(directory);
  }

  @Benchmark
  public List<Span> traceById() throws IOException {
    TraceId traceId = lookups[next];
    next = (next + 1) % LOOKUPS;
    List<Span> spans = storage.trace(traceId);
    if (spans.isEmpty()) {
      throw new IllegalStateException("stored trace " + traceId + " not found");
    }
    return spans;
  }
}
