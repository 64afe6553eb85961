package dev.ariadne.api.trace;

/**
 * Hands out {@link Tracer}s, one per instrumentation library, all sharing the provider's
 * configuration. Safe to share between threads.
 */
public interface TracerProvider {

  /** A provider whose tracers record nothing and cost next to nothing. */
  static TracerProvider noop() {
    return NoopTracer.PROVIDER;
  }

  default Tracer get(String instrumentationName) {
    return get(instrumentationName, null);
  }

  /** The tracer for {@code instrumentationName} at {@code instrumentationVersion} (may be null). */
  Tracer get(String instrumentationName, String instrumentationVersion);
}
