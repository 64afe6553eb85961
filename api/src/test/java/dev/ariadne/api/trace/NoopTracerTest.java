package dev.ariadne.api.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.Scope;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NoopTracerTest {
  static final SpanContext PARENT =
      SpanContext.create(1L, 2L, 3L, SpanContext.FLAG_SAMPLED, TraceState.empty());
  static final SpanContext OTHER =
      SpanContext.create(4L, 5L, 6L, SpanContext.FLAG_SAMPLED, TraceState.empty());
  static final SpanContext THIRD = SpanContext.create(7L, 8L, 9L, (byte) 0, TraceState.empty());

  final Tracer tracer = TracerProvider.noop().get("test", "1.0");

  @AfterEach
  void nothingLeaksIntoTheNextTest() {
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void providerHandsOutTracersForAnyNameOrVersion() {
    assertThat(TracerProvider.noop().get("lib")).isNotNull();
    assertThat(TracerProvider.noop().get(null, null)).isNotNull();
  }

  @Test
  void spansAreNotRecording() {
    Span span = tracer.spanBuilder("op").startSpan();

    assertThat(span.isRecording()).isFalse();
    assertThat(span.getSpanContext().isValid()).isFalse();
  }

  @Test
  void spanWithoutAnyParentIsTheInvalidSpan() {
    assertThat(tracer.spanBuilder("op").startSpan()).isSameAs(Span.invalid());
  }

  @Test
  void spanPropagatesAnExplicitParentContext() {
    Context parent = Context.root().with(Span.wrap(PARENT));

    Span span = tracer.spanBuilder("op").setParent(parent).startSpan();

    assertThat(span.getSpanContext()).isEqualTo(PARENT);
    assertThat(span.isRecording()).isFalse();
  }

  @Test
  void spanPropagatesAnExplicitParentSpanContext() {
    Span span = tracer.spanBuilder("op").setParent(PARENT).startSpan();

    assertThat(span.getSpanContext()).isEqualTo(PARENT);
  }

  @Test
  void explicitParentWinsOverTheCurrentSpan() {
    try (Scope scope = Span.wrap(OTHER).makeCurrent()) {
      Span span = tracer.spanBuilder("op").setParent(PARENT).startSpan();

      assertThat(span.getSpanContext()).isEqualTo(PARENT);
    }
  }

  @Test
  void explicitContextWithoutASpanMakesARootSpanEvenWithASpanCurrent() {
    try (Scope scope = Span.wrap(OTHER).makeCurrent()) {
      Span span = tracer.spanBuilder("op").setParent(Context.root()).startSpan();

      assertThat(span.getSpanContext().isValid()).isFalse();
    }
  }

  @Test
  void spanPropagatesAChildOfReference() {
    Span span = tracer.spanBuilder("op").addReference(ReferenceType.CHILD_OF, PARENT).startSpan();

    assertThat(span.getSpanContext()).isEqualTo(PARENT);
  }

  @Test
  void spanPropagatesAFollowsFromReference() {
    Span span =
        tracer.spanBuilder("op").addReference(ReferenceType.FOLLOWS_FROM, PARENT).startSpan();

    assertThat(span.getSpanContext()).isEqualTo(PARENT);
  }

  @Test
  void firstChildOfReferenceIsTheParent() {
    Span span =
        tracer
            .spanBuilder("op")
            .addReference(ReferenceType.CHILD_OF, PARENT)
            .addReference(ReferenceType.CHILD_OF, OTHER)
            .startSpan();

    assertThat(span.getSpanContext()).isEqualTo(PARENT);
  }

  @Test
  void childOfReferenceWinsOverAnEarlierFollowsFromReference() {
    Span span =
        tracer
            .spanBuilder("op")
            .addReference(ReferenceType.FOLLOWS_FROM, OTHER)
            .addReference(ReferenceType.CHILD_OF, PARENT)
            .startSpan();

    assertThat(span.getSpanContext()).isEqualTo(PARENT);
  }

  @Test
  void explicitParentWinsOverReferencesWhicheverComesFirst() {
    Span referenceFirst =
        tracer
            .spanBuilder("op")
            .addReference(ReferenceType.CHILD_OF, OTHER)
            .setParent(PARENT)
            .startSpan();
    Span parentFirst =
        tracer
            .spanBuilder("op")
            .setParent(PARENT)
            .addReference(ReferenceType.CHILD_OF, OTHER)
            .startSpan();

    assertThat(referenceFirst.getSpanContext()).isEqualTo(PARENT);
    assertThat(parentFirst.getSpanContext()).isEqualTo(PARENT);
  }

  @Test
  void referenceWinsOverTheCurrentSpan() {
    try (Scope scope = Span.wrap(OTHER).makeCurrent()) {
      Span span =
          tracer.spanBuilder("op").addReference(ReferenceType.FOLLOWS_FROM, PARENT).startSpan();

      assertThat(span.getSpanContext()).isEqualTo(PARENT);
    }
  }

  @Test
  void invalidReferencesAreIgnored() {
    try (Scope scope = Span.wrap(PARENT).makeCurrent()) {
      Span span =
          tracer
              .spanBuilder("op")
              .addReference(ReferenceType.CHILD_OF, SpanContext.invalid())
              .addReference(ReferenceType.FOLLOWS_FROM, null)
              .startSpan();

      assertThat(span.getSpanContext()).isEqualTo(PARENT);
    }
  }

  @Test
  void referenceWithoutATypeIsIgnored() {
    Span span = tracer.spanBuilder("op").addReference(null, THIRD).startSpan();

    assertThat(span.getSpanContext().isValid()).isFalse();
  }

  @Test
  void spanPropagatesTheCurrentSpan() {
    try (Scope scope = Span.wrap(PARENT).makeCurrent()) {
      Span span = tracer.spanBuilder("op").startSpan();

      assertThat(span.getSpanContext()).isEqualTo(PARENT);
      assertThat(span.isRecording()).isFalse();
    }
  }

  @Test
  void setNoParentIgnoresTheCurrentSpan() {
    try (Scope scope = Span.wrap(PARENT).makeCurrent()) {
      Span span = tracer.spanBuilder("op").setNoParent().startSpan();

      assertThat(span.getSpanContext().isValid()).isFalse();
    }
  }

  @Test
  void setNoParentDiscardsAnEarlierExplicitParent() {
    Span span = tracer.spanBuilder("op").setParent(PARENT).setNoParent().startSpan();

    assertThat(span.getSpanContext().isValid()).isFalse();
  }

  @Test
  void builderCallsWithNullsNeverThrow() {
    assertThatCode(
            () ->
                tracer
                    .spanBuilder(null)
                    .setParent((Context) null)
                    .setParent((SpanContext) null)
                    .addReference(null, null)
                    .addLink(null)
                    .addLink(null, null)
                    .setSpanKind(null)
                    .setStartTimestamp(0, null)
                    .setStartTimestamp(null)
                    .setAttribute((AttributeKey<String>) null, null)
                    .setAttribute((String) null, (String) null)
                    .setAttribute((String) null, 1L)
                    .setAttribute((String) null, 1.0)
                    .setAttribute((String) null, true)
                    .setAttribute("k", (String) null)
                    .startSpan())
        .doesNotThrowAnyException();
  }

  @Test
  void spanCallsWithNullsNeverThrowAndReturnTheSpan() {
    Span span = tracer.spanBuilder("op").setParent(PARENT).startSpan();

    assertThatCode(
            () -> {
              assertThat(span.setAttribute((AttributeKey<String>) null, null)).isSameAs(span);
              assertThat(span.setAttribute((String) null, (String) null)).isSameAs(span);
              assertThat(span.setAttribute((String) null, 1L)).isSameAs(span);
              assertThat(span.setAttribute((String) null, 1.0)).isSameAs(span);
              assertThat(span.setAttribute((String) null, true)).isSameAs(span);
              assertThat(span.setAttribute("k", (String) null)).isSameAs(span);
              assertThat(span.setAllAttributes(null)).isSameAs(span);
              assertThat(span.setAllAttributes(Attributes.of(AttributeKey.stringKey("k"), "v")))
                  .isSameAs(span);
              assertThat(span.addEvent(null)).isSameAs(span);
              assertThat(span.addEvent(null, null)).isSameAs(span);
              assertThat(span.addEvent(null, null, 0, null)).isSameAs(span);
              assertThat(span.addEvent(null, null, (Instant) null)).isSameAs(span);
              assertThat(span.recordException(null)).isSameAs(span);
              assertThat(span.recordException(null, null)).isSameAs(span);
              assertThat(span.setStatus(null)).isSameAs(span);
              assertThat(span.setStatus(null, null)).isSameAs(span);
              assertThat(span.updateName(null)).isSameAs(span);
              span.end(0, null);
              span.end((Instant) null);
              span.end(5, TimeUnit.SECONDS);
              span.end();
            })
        .doesNotThrowAnyException();
    assertThat(span.getSpanContext()).isEqualTo(PARENT);
    assertThat(span.isRecording()).isFalse();
  }
}
