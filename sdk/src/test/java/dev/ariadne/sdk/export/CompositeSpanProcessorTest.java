package dev.ariadne.sdk.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.CapturingSpanProcessor;
import dev.ariadne.sdk.TestObjects;
import dev.ariadne.sdk.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

  @Test
  void aProcessorThatThrowsKeepsNeitherTheSpanNorFlushOrShutdownFromTheOthers() {
    CapturingSpanProcessor after = new CapturingSpanProcessor();
    SpanProcessor both = SpanProcessor.composite(List.of(new ThrowingProcessor(), after));

    assertThatThrownBy(() -> both.onStart(Context.root(), Span.invalid()))
        .hasMessage("onStart threw on purpose");
    assertThatThrownBy(() -> both.onEnd(TestObjects.span(0, true)))
        .as("the first processor's exception still reaches the caller")
        .hasMessage("onEnd threw on purpose");
    CompletableFuture<Void> flushed = both.forceFlush();
    CompletableFuture<Void> shutDown = both.shutdown();

    assertThat(after.started()).hasSize(1);
    assertThat(after.ended()).hasSize(1);
    assertThat(List.of(after.flushCount(), after.shutdownCount())).containsOnly(1);
    assertThat(flushed).isCompletedExceptionally();
    assertThat(shutDown).isCompletedExceptionally();
  }

  /** Throws from every method, as a broken processor might. */
  private static final class ThrowingProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, Span span) {
      throw new IllegalStateException("onStart threw on purpose");
    }

    @Override
    public void onEnd(SpanData span) {
      throw new IllegalStateException("onEnd threw on purpose");
    }

    @Override
    public CompletableFuture<Void> forceFlush() {
      throw new IllegalStateException("forceFlush threw on purpose");
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      throw new IllegalStateException("shutdown threw on purpose");
    }
  }
}
