package dev.ariadne.sdk.export;

import static dev.ariadne.sdk.TestObjects.indexOf;
import static dev.ariadne.sdk.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.sdk.CapturedWarnings;
import dev.ariadne.sdk.CapturingSpanExporter;
import dev.ariadne.sdk.CapturingSpanExporter.Behavior;
import dev.ariadne.sdk.TestObjects;
import dev.ariadne.sdk.data.SpanData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchSpanProcessorTest {
  /** Long enough that no test sees a scheduled export unless it asks for one. */
  private static final Duration NEVER = Duration.ofMinutes(5);

  private final CapturingSpanExporter exporter = new CapturingSpanExporter();
  private BatchSpanProcessor processor;

  @AfterEach
  void shutDown() throws Exception {
    exporter.release();
    if (processor != null) processor.shutdown().get(10, TimeUnit.SECONDS);
  }

  private BatchSpanProcessor.Builder builder() {
    return BatchSpanProcessor.builder(exporter).setScheduleDelay(NEVER);
  }

  private void endSpans(int from, int to) {
    for (int i = from; i < to; i++) processor.onEnd(span(i, true));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0)
        throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(1);
    }
  }

  /** Builds a processor and returns it with its worker thread, found among the new threads. */
  private Thread buildAndFindWorker(BatchSpanProcessor.Builder builder) {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    processor = builder.build();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(thread) && thread.getName().equals("ariadne-batch-span-processor")) {
        return thread;
      }
    }
    throw new AssertionError("no new worker thread");
  }

  private static List<Long> indexes(List<SpanData> spans) {
    return spans.stream().map(TestObjects::indexOf).collect(Collectors.toList());
  }

  @Test
  void exportsAsSoonAsAFullBatchIsQueued() throws Exception {
    processor = builder().setMaxExportBatchSize(3).build();

    endSpans(0, 3);

    assertThat(exporter.awaitExportCalls(1)).as("a full batch goes out without waiting").isTrue();
    assertThat(exporter.calls()).containsExactly("export:3");
  }

  @Test
  void exportsAFullBatchEvenWhenTheWorkerAlreadyHoldsPartOfIt() throws Exception {
    exporter.behave(Behavior.BLOCK);
    processor = builder().setMaxExportBatchSize(3).build();
    endSpans(0, 4);
    // The worker is in the first export, so span 3 is queued by the time it drains again.
    assertThat(exporter.awaitExportCalls(1)).isTrue();
    exporter.release();
    await(() -> processor.getQueueSize() == 0, "the worker took span 3 into its next batch");

    endSpans(4, 6); // with span 3 these make a full batch, though only two are in the queue

    assertThat(exporter.awaitExportCalls(2))
        .as("the second full batch goes out without waiting")
        .isTrue();
    assertThat(exporter.batches())
        .extracting(BatchSpanProcessorTest::indexes)
        .containsExactly(List.of(0L, 1L, 2L), List.of(3L, 4L, 5L));
  }

  @Test
  void splitsWhatItHoldsIntoBatchesOfAtMostTheMaxSize() throws Exception {
    processor = builder().setMaxExportBatchSize(3).build();
    endSpans(0, 7);

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(exporter.calls()).containsExactly("export:3", "export:3", "export:1", "flush");
    assertThat(indexes(exporter.spans())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(processor.getExportedCount()).isEqualTo(7);
  }

  @Test
  void exportsAPartialBatchOnceTheScheduleDelayPasses() throws Exception {
    processor = builder().setScheduleDelay(Duration.ofMillis(20)).build();

    endSpans(0, 2);

    assertThat(exporter.awaitExportCalls(1)).isTrue();
    await(() -> processor.getExportedCount() == 2, "both spans are exported");
    assertThat(exporter.spans()).hasSize(2);
    assertThat(exporter.calls()).doesNotContain("flush");
  }

  @Test
  void forceFlushExportsEverythingAndCompletes() throws Exception {
    processor = builder().build();
    endSpans(0, 10);

    CompletableFuture<Void> flushed = processor.forceFlush();
    flushed.get(10, TimeUnit.SECONDS);

    assertThat(exporter.spans()).hasSize(10);
    assertThat(exporter.calls()).containsExactly("export:10", "flush");
    assertThat(processor.getExportedCount()).isEqualTo(10);
    assertThat(processor.getQueueSize()).isZero();
  }

  @Test
  void forceFlushCompletesOnlyOnceTheSpansEndedBeforeItAreExported() throws Exception {
    processor = builder().build();
    CompletableFuture<CompletableFuture<Void>> second = new CompletableFuture<>();
    // While the worker completes the first flush, a span ends and a second flush is asked for.
    exporter.onNextFlush(
        () -> {
          processor.onEnd(span(1, true));
          second.complete(processor.forceFlush());
        });
    endSpans(0, 1);

    processor.forceFlush().get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);

    assertThat(indexes(exporter.spans())).containsExactly(0L, 1L);
    assertThat(exporter.calls()).containsExactly("export:1", "flush", "export:1", "flush");
  }

  @Test
  void forceFlushFromManyThreadsAtOnceExportsEachThreadsSpanBeforeCompleting() throws Exception {
    processor = builder().setMaxExportBatchSize(3).build();
    int threads = 8;
    CountDownLatch ready = new CountDownLatch(threads);
    List<CompletableFuture<Long>> exportedWhenFlushed = new ArrayList<>();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long index = t;
      CompletableFuture<Long> seen = new CompletableFuture<>();
      exportedWhenFlushed.add(seen);
      Thread caller =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  ready.await();
                  processor.onEnd(span(index, true));
                  processor.forceFlush().get(10, TimeUnit.SECONDS);
                  seen.complete(
                      exporter.spans().stream().filter(s -> indexOf(s) == index).count());
                } catch (Exception e) {
                  seen.completeExceptionally(e);
                }
              });
      callers.add(caller);
      caller.start();
    }

    for (CompletableFuture<Long> seen : exportedWhenFlushed) {
      assertThat(seen.get(10, TimeUnit.SECONDS)).as("the caller's span, once flushed").isEqualTo(1);
    }
    for (Thread caller : callers) caller.join(10_000);
    assertThat(processor.getExportedCount()).isEqualTo(threads);
  }

  @Test
  void forceFlushWithNothingQueuedCompletes() throws Exception {
    processor = builder().build();

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(exporter.calls()).containsExactly("flush");
  }

  @Test
  void ignoresUnsampledSpans() throws Exception {
    processor = builder().build();
    processor.onEnd(span(0, false));
    processor.onEnd(span(1, true));

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(indexes(exporter.spans())).containsExactly(1L);
    assertThat(processor.getDroppedCount()).isZero();
  }

  @Test
  void dropsAndCountsWhenTheQueueIsFull() throws Exception {
    exporter.behave(Behavior.HOLD);
    processor = builder().setMaxQueueSize(4).setMaxExportBatchSize(2).build();
    endSpans(0, 1);
    processor.forceFlush();
    assertThat(exporter.awaitExportCalls(1)).as("the worker waits on the first export").isTrue();

    endSpans(1, 8);

    assertThat(processor.getQueueSize()).isEqualTo(4);
    assertThat(processor.getDroppedCount()).isEqualTo(3);
    exporter.release();
    processor.forceFlush().get(10, TimeUnit.SECONDS);
    assertThat(indexes(exporter.spans())).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(processor.getExportedCount()).isEqualTo(5);
    assertThat(processor.getDroppedCount()).isEqualTo(3);
  }

  @Test
  void warnsOfDroppedSpansFromTheWorkerAtMostOnceAMinute() throws Exception {
    try (CapturedWarnings captured = CapturedWarnings.of(BatchSpanProcessor.class)) {
      List<LogRecord> warnings = captured.records();
      // The exporter never answers; the worker stops waiting for each batch after 50 ms.
      exporter.behave(Behavior.HOLD);
      processor = builder().setMaxQueueSize(4).setMaxExportBatchSize(2)
          .setExportTimeout(Duration.ofMillis(50)).build();
      endSpans(0, 20);
      await(() -> !warnings.isEmpty(), "a warning of the dropped spans");

      assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning.getMessage())
          .matches("\\d+ spans dropped, not exported: the queue of 4 spans was full, .*"));
      long warnedOf = processor.getDroppedCount();
      endSpans(20, 60);
      processor.forceFlush().get(10, TimeUnit.SECONDS);
      assertThat(processor.getDroppedCount()).isGreaterThan(warnedOf);
      assertThat(warnings).as("within the minute").hasSize(1);
    }
  }

  @Test
  void neverBlocksTheCallerEvenWhenTheExporterHangs() throws Exception {
    exporter.behave(Behavior.BLOCK);
    processor = builder().setMaxQueueSize(16).setMaxExportBatchSize(4).build();
    endSpans(0, 1);
    processor.forceFlush();
    assertThat(exporter.awaitExportCalls(1)).as("the worker is stuck inside export").isTrue();

    CountDownLatch allEnded = new CountDownLatch(1);
    Thread application =
        new Thread(
            () -> {
              endSpans(1, 1_001);
              allEnded.countDown();
            },
            "application");
    application.start();

    assertThat(allEnded.await(10, TimeUnit.SECONDS)).as("every onEnd returned").isTrue();
    assertThat(exporter.batches()).as("the exporter is still stuck").hasSize(1);
    assertThat(processor.getExportedCount()).isZero();
    assertThat(processor.getQueueSize()).isEqualTo(16);
    assertThat(processor.getDroppedCount()).isEqualTo(1_000 - 16);
  }

  @Test
  void countsAnExportItStoppedWaitingForByTheExportersLaterAnswer() throws Exception {
    exporter.behave(Behavior.HOLD);
    processor = builder().setExportTimeout(Duration.ofMillis(50)).build();
    endSpans(0, 2);
    processor.forceFlush().get(10, TimeUnit.SECONDS);
    exporter.behave(Behavior.SUCCEED);
    endSpans(2, 3);

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(indexes(exporter.batches().get(1))).as("the worker moved on").containsExactly(2L);
    assertThat(processor.getExportedCount()).isEqualTo(1);
    assertThat(processor.getFailedCount()).as("not yet answered, not yet failed").isZero();
    exporter.release(); // the exporter delivers the first batch late
    await(() -> processor.getExportedCount() == 3, "the late batch is counted as exported");
    processor.shutdown().get(10, TimeUnit.SECONDS);
    assertThat(processor.getExportedCount()).isEqualTo(3);
    assertThat(processor.getFailedCount()).isZero();
  }

  @Test
  void shutdownEndsWithinTheExportTimeoutCancellingAndFailingWhatIsUnanswered() throws Exception {
    exporter.behave(Behavior.HOLD);
    processor =
        builder().setExportTimeout(Duration.ofMillis(200)).setMaxExportBatchSize(2).build();
    endSpans(0, 5);
    assertThat(exporter.awaitExportCalls(1)).isTrue();

    long start = System.nanoTime();
    processor.shutdown().get(10, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(150)).isLessThan(Duration.ofSeconds(2));
    assertThat(exporter.calls())
        .as("the batches left at shutdown are handed over together")
        .containsExactly("export:2", "export:2", "export:1", "flush", "shutdown");
    assertThat(exporter.heldFutures()).allMatch(CompletableFuture::isCancelled);
    assertThat(processor.getFailedCount()).isEqualTo(5);
    assertThat(processor.getExportedCount()).isZero();
    exporter.release(); // too late: the verdict was reached
    assertThat(processor.getFailedCount()).isEqualTo(5);
    assertThat(processor.getExportedCount()).isZero();
  }

  @Test
  void forceFlushCompletesWithinTheExportTimeoutWhenTheExportersFlushNeverDoes() throws Exception {
    CompletableFuture<Void> neverFlushed = new CompletableFuture<>();
    SpanExporter stuck =
        new SpanExporter() {
          @Override
          public CompletableFuture<Void> export(Collection<SpanData> spans) {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletableFuture<Void> flush() {
            return neverFlushed;
          }

          @Override
          public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
          }
        };
    processor =
        BatchSpanProcessor.builder(stuck)
            .setScheduleDelay(NEVER)
            .setExportTimeout(Duration.ofMillis(200))
            .build();
    endSpans(0, 2);

    processor.forceFlush().get(10, TimeUnit.SECONDS);
    endSpans(2, 3);
    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(processor.getExportedCount()).as("the worker went on").isEqualTo(3);
    assertThat(neverFlushed).as("the exporter's own future is left alone").isNotDone();
  }

  @Test
  void shutdownWithATimeoutEndsByItEvenWhenAShutdownWithTheExportTimeoutBegan() throws Exception {
    exporter.behave(Behavior.HOLD);
    processor = builder().setExportTimeout(Duration.ofMinutes(1)).build();
    endSpans(0, 3);
    CompletableFuture<Void> first = processor.shutdown();
    assertThat(exporter.awaitExportCalls(1)).isTrue();

    long start = System.nanoTime();
    CompletableFuture<Void> bounded = processor.shutdown(Duration.ofMillis(200));
    bounded.get(10, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(bounded).isSameAs(first);
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(exporter.heldFutures()).allMatch(CompletableFuture::isCancelled);
    assertThat(processor.getFailedCount()).isEqualTo(3);
    assertThat(processor.shutdown(Duration.ofMinutes(1))).as("a later deadline changes nothing")
        .isSameAs(first).isDone();
  }

  @Test
  void shutdownWithATimeoutRefusesANegativeOne() {
    processor = builder().build();

    assertThatThrownBy(() -> processor.shutdown(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT-0.001S (expected: >= 0)");
  }

  @Test
  void shutdownCountsTheSpansItHadNoTimeToHandOverAsFailed() throws Exception {
    exporter.behave(Behavior.BLOCK);
    processor =
        builder().setExportTimeout(Duration.ofMillis(100)).setMaxExportBatchSize(1).build();
    endSpans(0, 3);
    assertThat(exporter.awaitExportCalls(1)).as("the worker is stuck inside export").isTrue();
    CompletableFuture<Void> terminated = processor.shutdown();

    Thread.sleep(300); // past the shutdown's deadline
    exporter.release();

    terminated.get(10, TimeUnit.SECONDS);
    assertThat(exporter.calls()).containsExactly("export:1", "flush", "shutdown");
    assertThat(processor.getExportedCount()).isEqualTo(1);
    assertThat(processor.getFailedCount()).isEqualTo(2);
  }

  @Test
  void shutdownFailsAnExportWhoseFutureIgnoresCancelAndCountsItOnce() throws Exception {
    CompletableFuture<Void> stubborn =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
          }
        };
    SpanExporter ignoring = exporting(spans -> stubborn);
    processor =
        BatchSpanProcessor.builder(ignoring)
            .setScheduleDelay(NEVER)
            .setExportTimeout(Duration.ofMillis(100))
            .build();
    endSpans(0, 2);

    processor.shutdown().get(10, TimeUnit.SECONDS);
    stubborn.complete(null);

    assertThat(processor.getFailedCount()).isEqualTo(2);
    assertThat(processor.getExportedCount()).isZero();
  }

  @Test
  void shutsDownCountingWhatItHeldWhenAnErrorEndsItsThread() throws Exception {
    SpanExporter broken = exporting(spans -> {
      throw new NoClassDefFoundError("an exporter's dependency is missing, on purpose");
    });
    Thread worker = buildAndFindWorker(BatchSpanProcessor.builder(broken).setScheduleDelay(NEVER));
    worker.setUncaughtExceptionHandler((thread, error) -> {}); // expected; keep the output clean
    endSpans(0, 3);

    CompletableFuture<Void> flushed = processor.forceFlush();
    worker.join(10_000);

    assertThat(worker.isAlive()).as("the error ended the worker").isFalse();
    flushed.get(10, TimeUnit.SECONDS);
    processor.shutdown().get(10, TimeUnit.SECONDS);
    assertThat(processor.getFailedCount()).as("the batch the exporter threw on").isEqualTo(3);
    endSpans(3, 4);
    assertThat(processor.getDroppedCount()).isEqualTo(1);
  }

  @Test
  void countsAFailedExportAsFailed() throws Exception {
    exporter.behave(Behavior.FAIL);
    processor = builder().build();
    endSpans(0, 3);

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(processor.getFailedCount()).isEqualTo(3);
    assertThat(processor.getExportedCount()).isZero();
  }

  @Test
  void countsOnlyTheSpansAPartialFailureSaysWereLost() throws Exception {
    SpanExporter partlyFailing = exporting(spans -> CompletableFuture.failedFuture(
        new PartialExportException(1, "1 of " + spans.size() + " spans was lost", null)));
    processor = BatchSpanProcessor.builder(partlyFailing).setScheduleDelay(NEVER).build();
    endSpans(0, 4);

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(processor.getFailedCount()).isEqualTo(1);
    assertThat(processor.getExportedCount()).isEqualTo(3);
  }

  @Test
  void aPartialFailureLosesAtLeastOneSpan() {
    assertThatThrownBy(() -> new PartialExportException(0, "none lost", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failedSpanCount: 0 (expected: >= 1)");
  }

  @Test
  void countsAnExporterThatThrowsAsFailedAndKeepsWorking() throws Exception {
    exporter.behave(Behavior.THROW);
    processor = builder().build();
    endSpans(0, 2);
    processor.forceFlush().get(10, TimeUnit.SECONDS);
    exporter.behave(Behavior.SUCCEED);
    endSpans(2, 3);

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(processor.getFailedCount()).isEqualTo(2);
    assertThat(processor.getExportedCount()).isEqualTo(1);
  }

  @Test
  void keepsWorkingWhenTheExporterThrowsFromFlushAndShutdown() throws Exception {
    exporter.throwFromFlushAndShutdown();
    processor = builder().build();
    endSpans(0, 1);
    processor.forceFlush().get(10, TimeUnit.SECONDS);
    endSpans(1, 2);

    processor.forceFlush().get(10, TimeUnit.SECONDS);
    processor.shutdown().get(10, TimeUnit.SECONDS);

    assertThat(processor.getExportedCount()).isEqualTo(2);
    assertThat(exporter.calls())
        .containsExactly("export:1", "flush", "export:1", "flush", "flush", "shutdown");
  }

  @Test
  void shutdownExportsWhatIsQueuedThenShutsTheExporterDown() throws Exception {
    processor = builder().build();
    endSpans(0, 5);

    processor.shutdown().get(10, TimeUnit.SECONDS);

    assertThat(exporter.calls()).containsExactly("export:5", "flush", "shutdown");
    assertThat(processor.getExportedCount()).isEqualTo(5);
  }

  @Test
  void dropsAndCountsSpansEndedAfterShutdown() throws Exception {
    processor = builder().build();
    processor.shutdown().get(10, TimeUnit.SECONDS);

    endSpans(0, 3);

    assertThat(processor.getDroppedCount()).isEqualTo(3);
    assertThat(processor.getQueueSize()).isZero();
    assertThat(processor.forceFlush()).isDone();
    assertThat(exporter.calls()).containsExactly("flush", "shutdown");
  }

  @Test
  void forceFlushDuringShutdownCompletesWhenShutdownDoes() throws Exception {
    exporter.blockShutdown();
    processor = builder().build();
    endSpans(0, 1);
    CompletableFuture<Void> terminated = processor.shutdown();
    assertThat(exporter.awaitShutdownCall()).as("the worker is inside exporter.shutdown").isTrue();

    CompletableFuture<Void> flushed = processor.forceFlush();
    exporter.release();

    terminated.get(10, TimeUnit.SECONDS);
    flushed.get(10, TimeUnit.SECONDS);
    assertThat(exporter.calls()).containsExactly("export:1", "flush", "shutdown");
  }

  @Test
  void shutdownTwiceReturnsTheSameTermination() throws Exception {
    processor = builder().build();

    CompletableFuture<Void> first = processor.shutdown();
    first.get(10, TimeUnit.SECONDS);

    assertThat(processor.shutdown()).isSameAs(first);
    assertThat(exporter.calls()).containsOnlyOnce("shutdown");
  }

  @Test
  void countsEverySpanEndedWhileShutdownDrainsTheQueue() throws Exception {
    for (int round = 0; round < 100; round++) {
      BatchSpanProcessor racing = builder().setMaxQueueSize(64).setMaxExportBatchSize(8).build();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ended = new AtomicLong();
      CountDownLatch started = new CountDownLatch(2);
      Thread[] producers = new Thread[2];
      for (int p = 0; p < producers.length; p++) {
        producers[p] =
            new Thread(
                () -> {
                  started.countDown();
                  for (long i = 0; !stop.get(); i++) {
                    racing.onEnd(span(i, true));
                    ended.incrementAndGet();
                  }
                },
                "producer-" + p);
        producers[p].start();
      }
      started.await();

      racing.shutdown().get(10, TimeUnit.SECONDS);
      stop.set(true);
      for (Thread producer : producers) producer.join(10_000);

      long counted =
          racing.getExportedCount() + racing.getDroppedCount() + racing.getFailedCount();
      assertThat(counted).as("spans counted in round " + round).isEqualTo(ended.get());
      assertThat(racing.getQueueSize()).as("spans left queued in round " + round).isZero();
    }
  }

  @Test
  void stopsWhenItsThreadIsInterruptedCountingWhatIsLeftAsFailed() throws Exception {
    exporter.behave(Behavior.HOLD);
    Thread worker = buildAndFindWorker(builder().setMaxExportBatchSize(2));
    endSpans(0, 5);
    assertThat(exporter.awaitExportCalls(1)).as("the worker waits for an answer").isTrue();

    worker.interrupt();
    worker.join(10_000);

    assertThat(worker.isAlive()).as("the worker stopped instead of spinning").isFalse();
    assertThat(processor.shutdown()).as("it is shut down").isDone();
    assertThat(exporter.heldFutures()).allMatch(CompletableFuture::isCancelled);
    assertThat(processor.getFailedCount()).as("the batch in flight and the queued").isEqualTo(5);
    assertThat(processor.getExportedCount()).isZero();
    endSpans(5, 6);
    assertThat(processor.getDroppedCount()).isEqualTo(1);
    assertThat(exporter.calls()).endsWith("flush", "shutdown");
  }

  @Test
  void stopsWhenItsIdleThreadIsInterrupted() throws Exception {
    Thread worker = buildAndFindWorker(builder());
    endSpans(0, 2);

    worker.interrupt();
    worker.join(10_000);

    assertThat(worker.isAlive()).as("the worker stopped instead of spinning").isFalse();
    assertThat(processor.getFailedCount()).isEqualTo(2);
    assertThat(processor.forceFlush()).isDone();
  }

  @Test
  void sizesTheBatchByWhatIsQueuedNotByTheLargestBatch() throws Exception {
    int largest = 1 << 22; // a 16 MB list if allocated up front
    Thread worker =
        buildAndFindWorker(builder().setMaxQueueSize(largest).setMaxExportBatchSize(largest));
    endSpans(0, 3);
    processor.forceFlush().get(10, TimeUnit.SECONDS);

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(threads.getThreadAllocatedBytes(worker.getId()))
        .as("bytes the worker allocated to export 3 spans")
        .isLessThan(1 << 20);
    assertThat(processor.getExportedCount()).isEqualTo(3);
  }

  @Test
  void rejectsInvalidSettingsNamingThem() {
    BatchSpanProcessor.Builder builder = BatchSpanProcessor.builder(exporter);

    assertThatThrownBy(() -> BatchSpanProcessor.builder(null)).hasMessage("exporter");
    assertThatThrownBy(() -> builder.setMaxQueueSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueueSize: 0 (expected: >= 1 and <= 1073741824)");
    assertThatThrownBy(() -> builder.setMaxQueueSize(1_073_741_825))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueueSize: 1073741825 (expected: >= 1 and <= 1073741824)");
    assertThatThrownBy(() -> builder.setMaxQueueSize(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueueSize: 2147483647 (expected: >= 1 and <= 1073741824)");
    assertThatThrownBy(() -> builder.setMaxExportBatchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxExportBatchSize: 0 (expected: >= 1)");
    assertThatThrownBy(() -> builder.setScheduleDelay(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scheduleDelay: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder.setExportTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exportTimeout: PT-0.001S (expected: > 0)");
    assertThatThrownBy(() -> builder.setScheduleDelay(null)).hasMessage("scheduleDelay");
    assertThatThrownBy(() -> builder.setExportTimeout(null)).hasMessage("exportTimeout");
  }

  @Test
  void rejectsABatchLargerThanTheQueue() {
    BatchSpanProcessor.Builder builder =
        BatchSpanProcessor.builder(exporter).setMaxQueueSize(10).setMaxExportBatchSize(11);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxExportBatchSize: 11 (expected: <= maxQueueSize 10)");
  }

  /** An exporter that answers {@code export} as given and has nothing to flush or release. */
  private static SpanExporter exporting(
      Function<Collection<SpanData>, CompletableFuture<Void>> export) {
    return new SpanExporter() {
      @Override
      public CompletableFuture<Void> export(Collection<SpanData> spans) {
        return export.apply(spans);
      }

      @Override
      public CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
