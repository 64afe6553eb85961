package dev.ariadne.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpanTest {
  static final SpanContext SPAN_CONTEXT =
      SpanContext.create(1L, 2L, 3L, SpanContext.FLAG_SAMPLED, TraceState.empty());

  @AfterEach
  void nothingLeaksIntoTheNextTest() {
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void currentIsInvalidWhenNoSpanIsCurrent() {
    assertThat(Span.current()).isSameAs(Span.invalid());
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void invalidSpanHasTheInvalidContextAndDoesNotRecord() {
    Span invalid = Span.invalid();

    assertThat(invalid.getSpanContext()).isSameAs(SpanContext.invalid());
    assertThat(invalid.isRecording()).isFalse();
  }

  @Test
  void wrapCarriesTheSpanContextWithoutRecording() {
    Span span = Span.wrap(SPAN_CONTEXT);

    assertThat(span.getSpanContext()).isSameAs(SPAN_CONTEXT);
    assertThat(span.isRecording()).isFalse();
  }

  @Test
  void wrapOfAnInvalidOrNullContextIsTheInvalidSpan() {
    assertThat(Span.wrap(SpanContext.invalid())).isSameAs(Span.invalid());
    assertThat(Span.wrap(null)).isSameAs(Span.invalid());
  }

  @Test
  void fromContextReturnsTheSpanStoredInIt() {
    Span span = Span.wrap(SPAN_CONTEXT);

    Context context = Context.root().with(span);

    assertThat(Span.fromContext(context)).isSameAs(span);
    assertThat(Context.root().with(span).get(SpanKeys.SPAN)).isSameAs(span);
  }

  @Test
  void fromContextWithoutASpanIsTheInvalidSpan() {
    assertThat(Span.fromContext(Context.root())).isSameAs(Span.invalid());
    assertThat(Span.fromContext(null)).isSameAs(Span.invalid());
  }

  @Test
  void storingASpanLeavesTheOriginalContextUnchanged() {
    Context original = Context.root();

    original.with(Span.wrap(SPAN_CONTEXT));

    assertThat(Span.fromContext(original)).isSameAs(Span.invalid());
  }

  @Test
  void makeCurrentMakesTheSpanCurrentUntilClosed() {
    Span span = Span.wrap(SPAN_CONTEXT);

    try (Scope scope = span.makeCurrent()) {
      assertThat(Span.current()).isSameAs(span);
    }

    assertThat(Span.current()).isSameAs(Span.invalid());
  }
}
