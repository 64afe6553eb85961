package dev.ariadne.sdk.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.CapturingSpanProcessor;
import dev.ariadne.sdk.TestObjects;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CompositeSpanProcessorTest {

  @Test
  void noProcessorsMakeANoOp() {
    SpanProcessor none = SpanProcessor.composite(List.of());

    none.onEnd(TestObjects.span(0, true));
    assertThat(none.forceFlush()).isDone();
    assertThat(none.shutdown()).isDone();
  }

  @Test
  void oneProcessorIsUsedAsIs() {
    CapturingSpanProcessor only = new CapturingSpanProcessor();

    assertThat(SpanProcessor.composite(List.of(only))).isSameAs(only);
  }

  @Test
  void callsEachProcessorInOrderAndFlushesAndShutsDownAll() {
    List<String> log = new CopyOnWriteArrayList<>();
    CapturingSpanProcessor first = new CapturingSpanProcessor("first", log);
    CapturingSpanProcessor second = new CapturingSpanProcessor("second", log);
    SpanProcessor both = SpanProcessor.composite(List.of(first, second));

    both.onStart(Context.root(), Span.invalid());
    both.onEnd(TestObjects.span(0, true));

    assertThat(log)
        .containsExactly("first:onStart", "second:onStart", "first:onEnd", "second:onEnd");
    assertThat(both.forceFlush()).isDone();
    assertThat(both.shutdown()).isDone();
    assertThat(
            List.of(
                first.flushCount(),
                second.flushCount(),
                first.shutdownCount(),
                second.shutdownCount()))
        .containsOnly(1);
  }
}
