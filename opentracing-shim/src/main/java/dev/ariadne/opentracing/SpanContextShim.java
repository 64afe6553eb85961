package dev.ariadne.opentracing;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.baggage.BaggageEntry;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An OpenTracing span context: an Ariadne span (the live span when the context came from this
 * process, else one that only carries the span context) and the baggage that travels with it.
 * Immutable; setting a baggage item on a span replaces the span's context shim.
 */
final class SpanContextShim implements io.opentracing.SpanContext {
  private final Span span;
  private final Baggage baggage;

  SpanContextShim(Span span, Baggage baggage) {
    this.span = span;
    this.baggage = baggage;
  }

  /**
   * Returns {@code context} itself if this shim made it; otherwise a context rebuilt from the
   * foreign context's hex IDs (assumed sampled) and baggage, so that mixing tracers degrades to
   * plain propagation instead of failing.
   */
  static SpanContextShim of(io.opentracing.SpanContext context) {
    if (context instanceof SpanContextShim) return (SpanContextShim) context;
    SpanContext spanContext =
        SpanContext.fromHex(
            context.toTraceId(),
            context.toSpanId(),
            SpanContext.FLAG_SAMPLED,
            TraceState.empty(),
            false);
    Baggage.Builder baggage = Baggage.builder();
    for (Map.Entry<String, String> item : context.baggageItems()) {
      baggage.put(item.getKey(), item.getValue());
    }
    return new SpanContextShim(Span.wrap(spanContext), baggage.build());
  }

  /** The Ariadne span this context belongs to, for use as a parent. */
  Span span() {
    return span;
  }

  SpanContext spanContext() {
    return span.getSpanContext();
  }

  Baggage baggage() {
    return baggage;
  }

  SpanContextShim withBaggageItem(String key, String value) {
    return new SpanContextShim(span, baggage.toBuilder().put(key, value).build());
  }

  @Override
  public String toTraceId() {
    return spanContext().getTraceId();
  }

  @Override
  public String toSpanId() {
    return spanContext().getSpanId();
  }

  @Override
  public Iterable<Map.Entry<String, String>> baggageItems() {
    List<Map.Entry<String, String>> items = new ArrayList<>(baggage.size());
    for (Map.Entry<String, BaggageEntry> e : baggage.asMap().entrySet()) {
      items.add(new SimpleImmutableEntry<>(e.getKey(), e.getValue().getValue()));
    }
    return items;
  }

  @Override
  public String toString() {
    return "SpanContextShim{" + spanContext() + ", " + baggage + '}';
  }
}
