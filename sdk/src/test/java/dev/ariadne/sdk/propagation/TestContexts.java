package dev.ariadne.sdk.propagation;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import java.util.LinkedHashMap;
import java.util.Map;

/** Deterministic span contexts and carrier helpers shared by the propagator tests. */
final class TestContexts {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final long TRACE_ID_HIGH = 0x4bf92f3577b34da6L;
  static final long TRACE_ID_LOW = 0xa3ce929d0e0e4736L;
  static final String SPAN_ID = "00f067aa0ba902b7";
  static final long SPAN_ID_LONG = 0x00f067aa0ba902b7L;

  private TestContexts() {}

  static Context withSpan(long traceIdHigh, long traceIdLow, long spanId, byte flags) {
    return withSpan(traceIdHigh, traceIdLow, spanId, flags, TraceState.empty());
  }

  static Context withSpan(
      long traceIdHigh, long traceIdLow, long spanId, byte flags, TraceState traceState) {
    return Context.root()
        .with(Span.wrap(SpanContext.create(traceIdHigh, traceIdLow, spanId, flags, traceState)));
  }

  static Context sampled() {
    return withSpan(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID_LONG, SpanContext.FLAG_SAMPLED);
  }

  static Context notSampled() {
    return withSpan(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID_LONG, (byte) 0);
  }

  static Context withBaggage(Baggage baggage) {
    return Context.root().with(baggage);
  }

  static Map<String, String> inject(TextMapPropagator propagator, Context context) {
    Map<String, String> carrier = new LinkedHashMap<>();
    propagator.inject(context, carrier, Carriers.mapSetter());
    return carrier;
  }

  static Context extract(TextMapPropagator propagator, Map<String, String> carrier) {
    return propagator.extract(Context.root(), carrier, Carriers.mapGetter());
  }

  static SpanContext spanContext(Context context) {
    return Span.fromContext(context).getSpanContext();
  }

  static Map<String, String> carrier(String... keysAndValues) {
    Map<String, String> carrier = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      carrier.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return carrier;
  }
}
