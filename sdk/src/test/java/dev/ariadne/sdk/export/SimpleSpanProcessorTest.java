package dev.ariadne.sdk.export;

import static dev.ariadne.sdk.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.sdk.CapturingSpanExporter;
import dev.ariadne.sdk.CapturingSpanExporter.Behavior;
import dev.ariadne.sdk.TestObjects;
import dev.ariadne.sdk.data.SpanData;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimpleSpanProcessorTest {
  private final CapturingSpanExporter exporter = new CapturingSpanExporter();
  private final SimpleSpanProcessor processor = SimpleSpanProcessor.create(exporter);

  @Test
  void exportsEachSampledSpanOnItsOwn() {
    processor.onEnd(span(0, true));
    processor.onEnd(span(1, true));

    assertThat(exporter.calls()).containsExactly("export:1", "export:1");
    assertThat(exporter.spans()).extracting(TestObjects::indexOf).containsExactly(0L, 1L);
    assertThat(processor.getExportedCount()).isEqualTo(2);
  }

  @Test
  void ignoresUnsampledSpans() {
    processor.onEnd(span(0, false));

    assertThat(exporter.calls()).isEmpty();
  }

  @Test
  void countsFailedExports() {
    exporter.behave(Behavior.FAIL);
    processor.onEnd(span(0, true));
    exporter.behave(Behavior.THROW);
    processor.onEnd(span(1, true));

    assertThat(processor.getFailedCount()).isEqualTo(2);
    assertThat(processor.getExportedCount()).isZero();
  }

  @Test
  void forceFlushWaitsForPendingExports() throws Exception {
    exporter.behave(Behavior.HOLD);
    processor.onEnd(span(0, true));

    CompletableFuture<Void> flushed = processor.forceFlush();

    assertThat(flushed).isNotDone();
    assertThat(processor.getExportedCount()).isZero();
    exporter.release();
    flushed.get(10, TimeUnit.SECONDS);
    assertThat(processor.getExportedCount()).isEqualTo(1);
    assertThat(exporter.calls()).containsExactly("export:1", "flush");
  }

  @Test
  void forceFlushCompletesOnlyOnceTheSpansEndedBeforeItAreCounted() throws Exception {
    exporter.behave(Behavior.HOLD);
    processor.onEnd(span(0, true));
    CompletableFuture<Void> flushed = processor.forceFlush();
    AtomicLong countedWhenFlushed = new AtomicLong(-1);
    CompletableFuture<Void> observed =
        flushed.thenRun(() -> countedWhenFlushed.set(processor.getExportedCount()));

    exporter.release();

    observed.get(10, TimeUnit.SECONDS);
    assertThat(countedWhenFlushed).hasValue(1);
  }

  @Test
  void forceFlushCompletesEvenWhenAnExportFailed() throws Exception {
    exporter.behave(Behavior.FAIL);
    processor.onEnd(span(0, true));

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(processor.getFailedCount()).isEqualTo(1);
  }

  @Test
  void shutdownFlushesThenShutsTheExporterDownAndIgnoresLaterSpans() throws Exception {
    processor.onEnd(span(0, true));

    processor.shutdown().get(10, TimeUnit.SECONDS);
    processor.onEnd(span(1, true));

    assertThat(exporter.calls()).containsExactly("export:1", "flush", "shutdown");
  }

  @Test
  void countsSpansEndedAfterShutdownAsDropped() throws Exception {
    processor.shutdown().get(10, TimeUnit.SECONDS);

    processor.onEnd(span(0, true));
    processor.onEnd(span(1, false));

    assertThat(processor.getDroppedCount()).isEqualTo(1);
    assertThat(exporter.calls()).containsExactly("flush", "shutdown");
  }

  @Test
  void shutdownEndsWithinItsTimeoutCancellingAndFailingWhatIsUnanswered() throws Exception {
    exporter.behave(Behavior.HOLD);
    SimpleSpanProcessor bounded = SimpleSpanProcessor.create(exporter, Duration.ofMillis(200));
    bounded.onEnd(span(0, true));
    bounded.onEnd(span(1, true));

    long start = System.nanoTime();
    bounded.shutdown().get(10, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(150)).isLessThan(Duration.ofSeconds(2));
    assertThat(exporter.heldFutures()).hasSize(2).allMatch(CompletableFuture::isCancelled);
    assertThat(bounded.getFailedCount()).isEqualTo(2);
    exporter.release(); // too late: the verdict was reached
    assertThat(bounded.getFailedCount()).isEqualTo(2);
    assertThat(bounded.getExportedCount()).isZero();
  }

  @Test
  void shutdownTwiceReturnsTheSameTerminationAndShutsTheExporterDownOnce() throws Exception {
    CompletableFuture<Void> first = processor.shutdown();
    first.get(10, TimeUnit.SECONDS);

    assertThat(processor.shutdown()).isSameAs(first);
    assertThat(processor.forceFlush()).isDone();
    assertThat(exporter.calls()).containsOnlyOnce("shutdown");
  }

  @Test
  void countsAnExporterThatReturnsNoFutureAsFailedWithoutThrowing() throws Exception {
    SimpleSpanProcessor nulls = SimpleSpanProcessor.create(new NullFutureExporter());

    nulls.onEnd(span(0, true));

    assertThat(nulls.getFailedCount()).isEqualTo(1);
    nulls.forceFlush().get(10, TimeUnit.SECONDS);
    nulls.shutdown().get(10, TimeUnit.SECONDS);
  }

  @Test
  void callsTheExporterFromOneThreadAtATime() throws Exception {
    exporter.behave(Behavior.BLOCK);
    Thread first = new Thread(() -> processor.onEnd(span(0, true)), "first");
    first.start();
    assertThat(exporter.awaitExportCalls(1)).as("the first thread is inside export").isTrue();

    Thread second = new Thread(() -> processor.onEnd(span(1, true)), "second");
    second.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (second.getState() != Thread.State.BLOCKED && exporter.calls().size() < 2) {
      assertThat(System.nanoTime() - deadline).as("the second thread waits or enters").isNegative();
      Thread.sleep(1);
    }

    assertThat(exporter.calls()).as("export is not entered while another call runs").hasSize(1);
    exporter.release();
    first.join(10_000);
    second.join(10_000);
    assertThat(processor.getExportedCount()).isEqualTo(2);
  }

  /** Returns null from every call, breaking the exporter contract. */
  private static final class NullFutureExporter implements SpanExporter {
    @Override
    public CompletableFuture<Void> export(Collection<SpanData> spans) {
      return null;
    }

    @Override
    public CompletableFuture<Void> flush() {
      return null;
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      return null;
    }
  }

  @Test
  void rejectsANullExporter() {
    assertThatThrownBy(() -> SimpleSpanProcessor.create(null)).hasMessage("exporter");
  }
}
