package dev.ariadne.sdk;

import dev.ariadne.api.trace.SpanBuilder;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.data.InstrumentationScope;

/** A tracer of an {@link SdkTracerProvider} for one instrumentation scope. */
final class SdkTracer implements Tracer {
  private final SdkTracerProvider provider;
  private final InstrumentationScope scope;

  SdkTracer(SdkTracerProvider provider, InstrumentationScope scope) {
    this.provider = provider;
    this.scope = scope;
  }

  @Override
  public SpanBuilder spanBuilder(String operationName) {
    String name = operationName == null || operationName.trim().isEmpty() ? "<unnamed>" : operationName;
    return new SdkSpanBuilder(provider, scope, name);
  }

}
