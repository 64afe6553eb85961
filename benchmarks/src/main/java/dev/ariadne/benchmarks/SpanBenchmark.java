package dev.ariadne.benchmarks;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import dev.ariadne.sdk.export.SpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Start and end of a sampled span with 5 attributes and 1 event, through each SDK's batch span
 * processor (same queue, batch and delay settings) to an exporter that only counts. The teardown
 * prints how many spans each exporter received, so a figure earned by dropping spans shows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpanBenchmark {
  static final int QUEUE = 2048;
  static final int BATCH = 512;
  static final Duration DELAY = Duration.ofMillis(200);

  private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Boolean> RETRY = AttributeKey.booleanKey("retry");
  private static final AttributeKey<Double> SCORE = AttributeKey.doubleKey("score");
  private static final Attributes EVENT = Attributes.of(AttributeKey.stringKey("cache"), "miss");

  private static final io.opentelemetry.api.common.AttributeKey<String> OTEL_HTTP_METHOD =
      io.opentelemetry.api.common.AttributeKey.stringKey("http.request.method");
  private static final io.opentelemetry.api.common.AttributeKey<String> OTEL_URL_PATH =
      io.opentelemetry.api.common.AttributeKey.stringKey("url.path");
  private static final io.opentelemetry.api.common.AttributeKey<Long> OTEL_STATUS =
      io.opentelemetry.api.common.AttributeKey.longKey("http.response.status_code");
  private static final io.opentelemetry.api.common.AttributeKey<Boolean> OTEL_RETRY =
      io.opentelemetry.api.common.AttributeKey.booleanKey("retry");
  private static final io.opentelemetry.api.common.AttributeKey<Double> OTEL_SCORE =
      io.opentelemetry.api.common.AttributeKey.doubleKey("score");
  private static final io.opentelemetry.api.common.Attributes OTEL_EVENT =
      io.opentelemetry.api.common.Attributes.of(
          io.opentelemetry.api.common.AttributeKey.stringKey("cache"), "miss");

  private final CountingExporter ariadneExporter = new CountingExporter();
  private final OtelCountingExporter otelExporter = new OtelCountingExporter();
  private SdkTracerProvider ariadneProvider;
  private Tracer ariadneTracer;
  private io.opentelemetry.sdk.trace.SdkTracerProvider otelProvider;
  private io.opentelemetry.api.trace.Tracer otelTracer;
  private long started;

  @Setup(Level.Trial)
  public void setUp() {
    ariadneProvider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                BatchSpanProcessor.builder(ariadneExporter)
                    .setMaxQueueSize(QUEUE)
                    .setMaxExportBatchSize(BATCH)
                    .setScheduleDelay(DELAY)
                    .build())
            .build();
    ariadneTracer = ariadneProvider.get("benchmark");
    otelProvider =
        io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
            .addSpanProcessor(
                io.opentelemetry.sdk.trace.export.BatchSpanProcessor.builder(otelExporter)
                    .setMaxQueueSize(QUEUE)
                    .setMaxExportBatchSize(BATCH)
                    .setScheduleDelay(DELAY)
                    .build())
            .build();
    otelTracer = otelProvider.get("benchmark");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ariadneProvider.shutdown().join();
    otelProvider.shutdown().join(10, TimeUnit.SECONDS);
    System.out.printf(
        "%nspans started: %d; exported by ariadne: %d; exported by opentelemetry: %d%n",
        started, ariadneExporter.count.get(), otelExporter.count.get());
  }

  @Benchmark
  public Span ariadne() {
    started++;
    Span span = ariadneTracer.spanBuilder("GET /api/v1/order").startSpan();
    span.setAttribute(HTTP_METHOD, "GET");
    span.setAttribute(URL_PATH, "/api/v1/order");
    span.setAttribute(STATUS, 200L);
    span.setAttribute(RETRY, false);
    span.setAttribute(SCORE, 0.5);
    span.addEvent("order.validated", EVENT);
    span.end();
    return span;
  }

  @Benchmark
  public io.opentelemetry.api.trace.Span opentelemetry() {
    started++;
    io.opentelemetry.api.trace.Span span = otelTracer.spanBuilder("GET /api/v1/order").startSpan();
    span.setAttribute(OTEL_HTTP_METHOD, "GET");
    span.setAttribute(OTEL_URL_PATH, "/api/v1/order");
    span.setAttribute(OTEL_STATUS, 200L);
    span.setAttribute(OTEL_RETRY, false);
    span.setAttribute(OTEL_SCORE, 0.5);
    span.addEvent("order.validated", OTEL_EVENT);
    span.end();
    return span;
  }

  static final class CountingExporter implements SpanExporter {
    final AtomicLong count = new AtomicLong();

    @Override
    public CompletableFuture<Void> export(Collection<SpanData> spans) {
      count.addAndGet(spans.size());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> flush() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      return CompletableFuture.completedFuture(null);
    }
  }

  static final class OtelCountingExporter implements io.opentelemetry.sdk.trace.export.SpanExporter {
    final AtomicLong count = new AtomicLong();

    @Override
    public CompletableResultCode export(
        Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
      count.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
