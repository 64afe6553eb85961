package dev.ariadne.opentracing;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.ContextKey;
import dev.ariadne.api.trace.Span;
import io.opentracing.Scope;
import io.opentracing.ScopeManager;

/**
 * OpenTracing's scope manager over Ariadne's {@link Context}: activating a span makes its Ariadne
 * span and baggage current, so Ariadne instrumentation sees it, and the active span is whatever
 * Ariadne span is current, however it became so. The shim itself is kept in the context too, so
 * that {@link #activeSpan()} returns the very span that was activated.
 */
final class ScopeManagerShim implements ScopeManager {
  private static final ContextKey<SpanShim> ACTIVE_SHIM = ContextKey.named("opentracing-span-shim");

  /**
   * Makes {@code span} current until the scope is closed; a null span makes no span and no baggage
   * current. A span of another OpenTracing tracer is activated as its context and baggage.
   */
  @Override
  public Scope activate(io.opentracing.Span span) {
    Context context;
    if (span == null) {
      context =
          Context.current().with(Span.invalid()).with(Baggage.empty()).with(ACTIVE_SHIM, null);
    } else {
      SpanShim shim = SpanShim.of(span);
      context =
          Context.current()
              .with(shim.span())
              .with(shim.context().baggage())
              .with(ACTIVE_SHIM, shim);
    }
    return context.makeCurrent()::close;
  }

  /**
   * The activated span shim if its span is still the current one; else a new shim over the
   * current Ariadne span and baggage; null if there is neither a valid span nor baggage.
   */
  @Override
  public io.opentracing.Span activeSpan() {
    Context current = Context.current();
    Span span = Span.fromContext(current);
    SpanShim shim = current.get(ACTIVE_SHIM);
    if (shim != null && shim.span() == span) return shim;
    Baggage baggage = Baggage.fromContext(current);
    if (!span.getSpanContext().isValid() && baggage.isEmpty()) return null;
    return new SpanShim(span, baggage);
  }

  /**
   * The baggage a span started under the current context inherits: the current baggage, with the
   * active span shim's own items over it, so items set on the span after activation still pass on.
   */
  Baggage activeBaggage() {
    Context current = Context.current();
    Baggage baggage = Baggage.fromContext(current);
    SpanShim shim = current.get(ACTIVE_SHIM);
    if (shim == null || shim.span() != Span.fromContext(current)) return baggage;
    Baggage own = shim.context().baggage();
    if (own.isEmpty() || own.equals(baggage)) return baggage;
    Baggage.Builder merged = baggage.toBuilder();
    own.forEach((key, entry) -> merged.put(key, entry.getValue(), entry.getMetadata()));
    return merged.build();
  }
}
