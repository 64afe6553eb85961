package dev.ariadne.api;

import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.api.trace.TracerProvider;
import java.util.Objects;

/**
 * The process-wide tracer provider and propagator, for instrumentation that cannot be handed them.
 * Until an SDK is installed both are no-ops that cost next to nothing. Install once, at start-up.
 */
public final class GlobalTracing {
  private static volatile Installed installed;

  private GlobalTracing() {}

  /**
   * Installs the process-wide provider and propagator.
   *
   * @throws IllegalStateException if already installed; the message says where the first was
   */
  public static synchronized void install(TracerProvider provider, TextMapPropagator propagator) {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(propagator, "propagator");
    if (installed != null) {
      throw new IllegalStateException(
          "GlobalTracing.install was already called; the first call is the cause of this one",
          installed.where);
    }
    installed = new Installed(provider, propagator, new Throwable("first installed here"));
  }

  public static TracerProvider tracerProvider() {
    Installed current = installed;
    return current == null ? TracerProvider.noop() : current.provider;
  }

  public static TextMapPropagator propagator() {
    Installed current = installed;
    return current == null ? TextMapPropagator.noop() : current.propagator;
  }

  /** Shorthand for {@code tracerProvider().get(instrumentationName)}. */
  public static Tracer tracer(String instrumentationName) {
    return tracerProvider().get(instrumentationName);
  }

  static synchronized void resetForTest() {
    installed = null;
  }

  private static final class Installed {
    final TracerProvider provider;
    final TextMapPropagator propagator;
    final Throwable where;

    Installed(TracerProvider provider, TextMapPropagator propagator, Throwable where) {
      this.provider = provider;
      this.propagator = propagator;
      this.where = where;
    }
  }
}
