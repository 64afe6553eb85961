package dev.ariadne.opentracing;

import dev.ariadne.api.trace.Tracer;
import dev.ariadne.api.trace.TracerProvider;
import io.opentracing.Scope;
import io.opentracing.ScopeManager;
import io.opentracing.Span;
import io.opentracing.SpanContext;
import io.opentracing.propagation.Format;

/**
 * The OpenTracing tracer over an Ariadne tracer. After {@link #close()} new spans record nothing
 * but still pass on the context; the provider itself is left running for its owner to shut down.
 */
final class TracerShim implements io.opentracing.Tracer {
  private static final Tracer CLOSED =
      TracerProvider.noop().get(OpenTracingShim.INSTRUMENTATION_NAME);

  private final Tracer tracer;
  private final Propagation propagation;
  private final ScopeManagerShim scopeManager = new ScopeManagerShim();
  private volatile boolean closed;

  TracerShim(Tracer tracer, Propagation propagation) {
    this.tracer = tracer;
    this.propagation = propagation;
  }

  @Override
  public ScopeManager scopeManager() {
    return scopeManager;
  }

  @Override
  public Span activeSpan() {
    return scopeManager.activeSpan();
  }

  @Override
  public Scope activateSpan(Span span) {
    return scopeManager.activate(span);
  }

  @Override
  public SpanBuilder buildSpan(String operationName) {
    return new SpanBuilderShim((closed ? CLOSED : tracer).spanBuilder(operationName), scopeManager);
  }

  @Override
  public <C> void inject(SpanContext spanContext, Format<C> format, C carrier) {
    propagation.inject(spanContext, format, carrier);
  }

  @Override
  public <C> SpanContext extract(Format<C> format, C carrier) {
    return propagation.extract(format, carrier);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "TracerShim{" + tracer + ", " + propagation + (closed ? ", closed}" : "}");
  }
}
