package dev.ariadne.benchmarks;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import dev.ariadne.sdk.sampling.Sampler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A span that the sampler drops: a root span under a trace-ID ratio sampler of 0, and a child of an
 * unsampled local parent under the default parent-based sampler. Each SDK returns a span that the
 * caller ends; the span is returned so that the work cannot be optimised away. Both providers have
 * a batch processor, as an application's would: OpenTelemetry hands out a no-op tracer when a
 * provider has no processor at all, which would measure nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DroppedSpanBenchmark {
  private Tracer ariadneOff;
  private Tracer ariadneParentBased;
  private Context ariadneUnsampledParent;
  private io.opentelemetry.api.trace.Tracer otelOff;
  private io.opentelemetry.api.trace.Tracer otelParentBased;
  private io.opentelemetry.context.Context otelUnsampledParent;

  @Setup(Level.Trial)
  public void setUp() {
    ariadneOff = ariadne(Sampler.traceIdRatioBased(0.0));
    ariadneParentBased = ariadne(Sampler.parentBased(Sampler.alwaysOn()));
    Span parent = ariadneOff.spanBuilder("parent").startSpan();
    ariadneUnsampledParent = Context.root().with(parent);

    otelOff = otel(io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(0.0));
    otelParentBased =
        otel(
            io.opentelemetry.sdk.trace.samplers.Sampler.parentBased(
                io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOn()));
    io.opentelemetry.api.trace.Span otelParent = otelOff.spanBuilder("parent").startSpan();
    otelUnsampledParent = io.opentelemetry.context.Context.root().with(otelParent);
  }

  private static Tracer ariadne(Sampler sampler) {
    return SdkTracerProvider.builder()
        .setSampler(sampler)
        .addSpanProcessor(BatchSpanProcessor.builder(new SpanBenchmark.CountingExporter()).build())
        .build()
        .get("benchmark");
  }

  private static io.opentelemetry.api.trace.Tracer otel(
      io.opentelemetry.sdk.trace.samplers.Sampler sampler) {
    return io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
        .setSampler(sampler)
        .addSpanProcessor(
            io.opentelemetry.sdk.trace.export.BatchSpanProcessor.builder(
                    new SpanBenchmark.OtelCountingExporter())
                .build())
        .build()
        .get("benchmark");
  }

  @Benchmark
  public Span ariadneRoot() {
    Span span = ariadneOff.spanBuilder("dropped").startSpan();
    span.end();
    return span;
  }

  @Benchmark
  public io.opentelemetry.api.trace.Span opentelemetryRoot() {
    io.opentelemetry.api.trace.Span span = otelOff.spanBuilder("dropped").startSpan();
    span.end();
    return span;
  }

  @Benchmark
  public Span ariadneChildOfUnsampled() {
    Span span = ariadneParentBased.spanBuilder("dropped").setParent(ariadneUnsampledParent).startSpan();
    span.end();
    return span;
  }

  @Benchmark
  public io.opentelemetry.api.trace.Span opentelemetryChildOfUnsampled() {
    io.opentelemetry.api.trace.Span span =
        otelParentBased.spanBuilder("dropped").setParent(otelUnsampledParent).startSpan();
    span.end();
    return span;
  }
}
