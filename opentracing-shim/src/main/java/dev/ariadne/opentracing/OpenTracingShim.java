package dev.ariadne.opentracing;

import static java.util.Objects.requireNonNull;

import dev.ariadne.api.internal.Version;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.TracerProvider;

/**
 * Creates an OpenTracing {@link io.opentracing.Tracer} that records through an Ariadne {@link
 * TracerProvider}, so instrumentation written for OpenTracing works unchanged: tags become
 * attributes ({@code span.kind} the span kind, {@code error=true} the ERROR status), logs become
 * events, CHILD_OF and FOLLOWS_FROM become Ariadne references, baggage travels with the span
 * context, and the scope manager shares the current context with Ariadne instrumentation. The
 * tracer's spans come from the provider's tracer named {@code opentracing-shim}. Tracers are
 * thread-safe; {@code close()} makes later spans no-ops and leaves the provider running.
 */
public final class OpenTracingShim {
  static final String INSTRUMENTATION_NAME = "opentracing-shim";

  private OpenTracingShim() {}

  /** A tracer that uses {@code propagator} for the HTTP_HEADERS, TEXT_MAP and BINARY formats. */
  public static io.opentracing.Tracer create(
      TracerProvider provider, TextMapPropagator propagator) {
    requireNonNull(propagator, "propagator");
    return create(provider, propagator, propagator);
  }

  /**
   * A tracer that uses {@code textMapPropagator} for the TEXT_MAP and BINARY formats and {@code
   * httpHeadersPropagator} for HTTP_HEADERS. BINARY carries the propagator's text fields in the
   * shim's own compact encoding, which only this shim reads.
   */
  public static io.opentracing.Tracer create(
      TracerProvider provider,
      TextMapPropagator textMapPropagator,
      TextMapPropagator httpHeadersPropagator) {
    requireNonNull(provider, "provider");
    requireNonNull(textMapPropagator, "textMapPropagator");
    requireNonNull(httpHeadersPropagator, "httpHeadersPropagator");
    return new TracerShim(
        provider.get(INSTRUMENTATION_NAME, Version.get()),
        new Propagation(textMapPropagator, httpHeadersPropagator));
  }
}
