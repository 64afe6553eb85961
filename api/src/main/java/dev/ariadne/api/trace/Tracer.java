package dev.ariadne.api.trace;

/** Creates spans for one instrumentation library. Safe to share between threads. */
public interface Tracer {

  /** Returns a builder for a span named {@code operationName}. */
  SpanBuilder spanBuilder(String operationName);
}
