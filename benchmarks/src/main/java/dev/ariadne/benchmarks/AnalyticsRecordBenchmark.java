package dev.ariadne.benchmarks;

import dev.ariadne.analytics.Analytics;
import dev.ariadne.benchmarks.load.OtlpBodies;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * What analytics does with each span at ingest: {@link Analytics#record} of a request's spans (the
 * load generator's OTLP/protobuf bodies, 100 spans of whole traces each), with the Prometheus
 * series registered and the metrics kept in memory, as the server with the memory backend runs it.
 * Each body is decoded in the benchmark, as the server decodes it shortly before, so that the spans
 * are where the server finds them; decoding alone is measured beside it. A body that comes round
 * again has new trace IDs, so that the service graph pairs and holds spans as it does new traces'.
 * The service graph holds spans for {@value #PAIR_WAIT_MILLIS} ms instead of 10 s, because this
 * benchmark passes spans many times faster than a server does; the teardown prints how many it
 * dropped for a full table (none, if the table held as many spans as it does in a server). Figures
 * are per span.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(AnalyticsRecordBenchmark.SPANS_PER_BODY)
@Fork(jvmArgsAppend = "-Xmx3g")
public class AnalyticsRecordBenchmark {
  static final int SPANS_PER_BODY = 100;
  private static final long PAIR_WAIT_MILLIS = 200;
  private static final int BODIES = 2_000;

  private LongFunction<byte[]> bodies;
  private long sequence;
  private PrometheusRegistry registry;
  private Analytics analytics;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    long tenMinutesAgo = (System.currentTimeMillis() - 600_000) * 1_000_000;
    bodies = OtlpBodies.renewed(BODIES, SPANS_PER_BODY, 42, tenMinutesAgo);
    registry = new PrometheusRegistry();
    analytics = Analytics.builder()
        .pairWait(Duration.ofMillis(PAIR_WAIT_MILLIS))
        .prometheusRegistry(registry)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    for (MetricSnapshot metric : registry.scrape()) {
      String name = metric.getMetadata().getName();
      if (name.equals("traces_service_graph_dropped_spans")
          || name.equals("ariadne_analytics_out_of_range_spans")) {
        System.out.printf("%n%s: %.0f%n", name,
            ((CounterSnapshot) metric).getDataPoints().get(0).getValue());
      }
    }
    analytics.close();
  }

  /** What the server does with a request's stored spans: decodes them, then records them. */
  @Benchmark
  public Analytics decodeAndRecord() throws MalformedException {
    analytics.record(decode());
    return analytics;
  }

  /** Decoding alone, so that recording's share is the difference from the benchmark above. */
  @Benchmark
  public List<Span> decode() throws MalformedException {
    return OtlpProtobufDecoder.decode(bodies.apply(sequence++)).spans();
  }
}
