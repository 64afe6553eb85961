package dev.ariadne.benchmarks;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.sdk.propagation.Propagators;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** W3C traceparent inject into and extract from a map carrier, with each SDK's propagator. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PropagationBenchmark {
  private static final String TRACE_ID = "7bba9f33312b3dbb8b2c2c62bb7abe2d";
  private static final String SPAN_ID = "086e83747d0e381e";

  private static final TextMapGetter<Map<String, String>> OTEL_GETTER =
      new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // still the interface's abstract method in 1.x
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };
  private static final TextMapSetter<Map<String, String>> OTEL_SETTER = Map::put;

  private final TextMapPropagator ariadne = Propagators.w3cTraceContext();
  private final io.opentelemetry.context.propagation.TextMapPropagator otel =
      W3CTraceContextPropagator.getInstance();
  private final Map<String, String> injectCarrier = new HashMap<>();
  private final Map<String, String> extractCarrier = new HashMap<>();
  private Context ariadneContext;
  private io.opentelemetry.context.Context otelContext;

  @Setup(Level.Trial)
  public void setUp() {
    ariadneContext =
        Context.root()
            .with(Span.wrap(SpanContext.fromHex(TRACE_ID, SPAN_ID, SpanContext.FLAG_SAMPLED, TraceState.empty(), false)));
    otelContext =
        io.opentelemetry.context.Context.root()
            .with(
                io.opentelemetry.api.trace.Span.wrap(
                    io.opentelemetry.api.trace.SpanContext.create(
                        TRACE_ID,
                        SPAN_ID,
                        TraceFlags.getSampled(),
                        io.opentelemetry.api.trace.TraceState.getDefault())));
    extractCarrier.put("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01");
  }

  @Benchmark
  public Map<String, String> ariadneInject() {
    ariadne.inject(ariadneContext, injectCarrier, Carriers.mapSetter());
    return injectCarrier;
  }

  @Benchmark
  public Map<String, String> opentelemetryInject() {
    otel.inject(otelContext, injectCarrier, OTEL_SETTER);
    return injectCarrier;
  }

  @Benchmark
  public Context ariadneExtract() {
    return ariadne.extract(Context.root(), extractCarrier, Carriers.mapGetter());
  }

  @Benchmark
  public io.opentelemetry.context.Context opentelemetryExtract() {
    return otel.extract(io.opentelemetry.context.Context.root(), extractCarrier, OTEL_GETTER);
  }
}
