package dev.ariadne.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.api.trace.TracerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GlobalTracingTest {
  final Tracer tracer = name -> null;
  final TracerProvider provider = (name, version) -> tracer;
  final TextMapPropagator propagator = TextMapPropagator.composite();

  @AfterEach
  void reset() {
    GlobalTracing.resetForTest();
  }

  @Test
  void defaultsToNoop() {
    assertThat(GlobalTracing.tracerProvider()).isSameAs(TracerProvider.noop());
    assertThat(GlobalTracing.propagator()).isSameAs(TextMapPropagator.noop());
    assertThat(GlobalTracing.tracer("lib").spanBuilder("op").startSpan().isRecording()).isFalse();
  }

  @Test
  void installMakesTheProviderAndPropagatorGlobal() {
    GlobalTracing.install(provider, propagator);

    assertThat(GlobalTracing.tracerProvider()).isSameAs(provider);
    assertThat(GlobalTracing.propagator()).isSameAs(propagator);
    assertThat(GlobalTracing.tracer("lib")).isSameAs(tracer);
  }

  @Test
  void secondInstallThrowsWithTheFirstInstallAsCause() {
    GlobalTracing.install(provider, propagator);

    Throwable first = null;
    try {
      GlobalTracing.install(TracerProvider.noop(), TextMapPropagator.noop());
    } catch (IllegalStateException e) {
      first = e.getCause();
      assertThat(e).hasMessageContaining("already");
    }

    assertThat(first).isNotNull().hasMessage("first installed here");
    assertThat(first.getStackTrace()[1].getMethodName())
        .isEqualTo("secondInstallThrowsWithTheFirstInstallAsCause");
    assertThat(GlobalTracing.tracerProvider()).isSameAs(provider);
    assertThat(GlobalTracing.propagator()).isSameAs(propagator);
  }

  @Test
  void installRejectsNullsAndInstallsNothing() {
    assertThatThrownBy(() -> GlobalTracing.install(null, propagator))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("provider");
    assertThatThrownBy(() -> GlobalTracing.install(provider, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("propagator");

    assertThat(GlobalTracing.tracerProvider()).isSameAs(TracerProvider.noop());
  }
}
