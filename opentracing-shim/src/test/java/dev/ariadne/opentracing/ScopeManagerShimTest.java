package dev.ariadne.opentracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.SpanData;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScopeManagerShimTest {
  private final InMemoryExporter exported = new InMemoryExporter();
  private final SdkTracerProvider provider = exported.provider();
  private final Tracer tracer = OpenTracingShim.create(provider, InMemoryExporter.W3C);
  private final dev.ariadne.api.trace.Tracer ariadne = provider.get("ariadne-instrumentation");

  @AfterEach
  void everyScopeWasClosed() {
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void noSpanIsActiveAtFirst() {
    assertThat(tracer.activeSpan()).isNull();
    assertThat(tracer.scopeManager().activeSpan()).isNull();
  }

  @Test
  void nestedScopesActivateAndRestoreInOrder() {
    Span outer = tracer.buildSpan("outer").start();
    Span inner = tracer.buildSpan("inner").start();

    try (Scope outerScope = tracer.scopeManager().activate(outer)) {
      assertThat(tracer.activeSpan()).isSameAs(outer);
      try (Scope innerScope = tracer.activateSpan(inner)) {
        assertThat(tracer.activeSpan()).isSameAs(inner);
        assertThat(tracer.scopeManager().activeSpan()).isSameAs(inner);
      }
      assertThat(tracer.activeSpan()).isSameAs(outer);
    }
    assertThat(tracer.activeSpan()).isNull();
  }

  @Test
  void activatingNullHidesTheOuterSpanAndBaggage() {
    Span outer = tracer.buildSpan("outer").start().setBaggageItem("tenant", "acme");

    try (Scope outerScope = tracer.activateSpan(outer)) {
      try (Scope none = tracer.activateSpan(null)) {
        assertThat(tracer.activeSpan()).isNull();
        tracer.buildSpan("orphan").start().finish();
      }
      assertThat(tracer.activeSpan()).isSameAs(outer);
    }

    assertThat(exported.span("orphan").getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void aSpanActivatedThroughOpenTracingIsCurrentInAriadne() {
    Span span = tracer.buildSpan("op").start().setBaggageItem("tenant", "acme");

    try (Scope ignored = tracer.activateSpan(span)) {
      dev.ariadne.api.trace.Span current = dev.ariadne.api.trace.Span.current();
      assertThat(current.getSpanContext().getSpanId()).isEqualTo(span.context().toSpanId());
      assertThat(current.isRecording()).isTrue();
      assertThat(Baggage.current().getEntryValue("tenant")).isEqualTo("acme");
      ariadne.spanBuilder("ariadne-child").startSpan().end();
    }
    assertThat(dev.ariadne.api.trace.Span.current().getSpanContext().isValid()).isFalse();

    assertThat(exported.span("ariadne-child").getParentSpanContext().getSpanId())
        .isEqualTo(span.context().toSpanId());
  }

  @Test
  void theCurrentAriadneSpanIsTheActiveSpan() {
    dev.ariadne.api.trace.Span span = ariadne.spanBuilder("ariadne-parent").startSpan();

    try (dev.ariadne.api.context.Scope ignored = span.makeCurrent()) {
      Span active = tracer.activeSpan();
      assertThat(active.context().toSpanId()).isEqualTo(span.getSpanContext().getSpanId());
      active.setTag("tagged.through", "opentracing");
      tracer.buildSpan("child").start().finish();
    }
    span.end();

    assertThat(exported.span("child").getParentSpanContext().getSpanId())
        .isEqualTo(span.getSpanContext().getSpanId());
    assertThat(exported.span("ariadne-parent").getAttributes().asMap().values())
        .containsExactly("opentracing");
  }

  @Test
  void aSpanMadeCurrentByAriadneInsideAnOpenTracingScopeIsTheActiveSpan() {
    Span outer = tracer.buildSpan("outer").start();

    try (Scope ignored = tracer.activateSpan(outer)) {
      dev.ariadne.api.trace.Span inner = ariadne.spanBuilder("inner").startSpan();
      try (dev.ariadne.api.context.Scope innerScope = inner.makeCurrent()) {
        assertThat(tracer.activeSpan()).isNotSameAs(outer);
        assertThat(tracer.activeSpan().context().toSpanId())
            .isEqualTo(inner.getSpanContext().getSpanId());
      }
      assertThat(tracer.activeSpan()).isSameAs(outer);
    }
  }

  @Test
  void baggageMadeCurrentByAriadneIsAnActiveSpanWithoutIds() {
    Baggage baggage = Baggage.builder().put("tenant", "acme").build();

    try (dev.ariadne.api.context.Scope ignored = baggage.makeCurrent()) {
      Span active = tracer.activeSpan();
      assertThat(active.getBaggageItem("tenant")).isEqualTo("acme");
      assertThat(active.context().toSpanId()).isEqualTo("0000000000000000");
      assertThat(tracer.buildSpan("child").start().getBaggageItem("tenant")).isEqualTo("acme");
    }
  }

  @Test
  void finishingTheActiveSpanEndsIt() {
    try (Scope ignored = tracer.activateSpan(tracer.buildSpan("op").start())) {
      tracer.activeSpan().finish();
    }

    assertThat(exported.spans()).extracting(SpanData::getName).containsExactly("op");
  }
}
