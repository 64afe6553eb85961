package dev.ariadne.sdk.export;

import dev.ariadne.sdk.data.SpanData;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Queues ended, sampled spans and exports them in batches from one background thread. The
 * application thread never waits: when the bounded queue is full the span is dropped and counted.
 * A batch goes out when it is full or when the schedule delay has passed.
 *
 * <p>A batch is counted once, by the exporter's final answer: exported if the export's future
 * completes normally, failed if it completes exceptionally (only as many spans as a {@link
 * PartialExportException} says were lost, if that is the exception). The worker waits for that
 * answer at most the export timeout, then goes on to the next batch; a batch it stopped waiting
 * for is counted when its answer comes, so one the exporter delivers after long retries counts as
 * exported here as it does in the exporter.
 *
 * <p>{@link #shutdown()} is bounded, as the OpenTelemetry specification asks ("Shutdown SHOULD
 * complete or abort within some timeout"): it hands every queued batch to the exporter at once and
 * ends within the export timeout of the call, counting whatever is not settled by then, still
 * queued or still in the exporter's hands, as failed, and cancelling those exports so that the
 * exporter stops retrying them.
 *
 * <p>Every sampled span handed to {@link #onEnd} is counted once: exported, dropped (the queue was
 * full, or shutdown had begun) or failed. Interrupting the processor's thread shuts it down at
 * once: what is queued or in the exporter's hands is counted as failed and its export cancelled.
 */
public final class BatchSpanProcessor implements SpanProcessor {
  /** The largest queue size, 2^30: the queue is a ring whose length is a power of two. */
  public static final int MAX_QUEUE_SIZE = SpanQueue.MAX_CAPACITY;

  private static final System.Logger LOG = System.getLogger(BatchSpanProcessor.class.getName());
  /** At most one warning of dropped spans in this time. */
  private static final long DROP_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final Duration CENTURY = Duration.ofDays(36_525);

  private final SpanExporter exporter;
  private final SpanQueue queue;
  private final int maxExportBatchSize;
  private final long scheduleDelayNanos;
  private final long exportTimeoutNanos;
  private final Thread worker;
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> flushRequests =
      new ConcurrentLinkedQueue<>();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  /** The batches handed to the exporter and not yet counted. */
  private final Set<PendingExport> pending = ConcurrentHashMap.newKeySet();
  /**
   * While the worker parks: how many queued spans would fill its batch, so that the span that does
   * wakes it. {@link Integer#MAX_VALUE} while it runs, so producers do not unpark it needlessly.
   */
  private volatile int spansNeeded = Integer.MAX_VALUE;
  private volatile boolean shutdown;
  /** When shutdown must end, as a {@link System#nanoTime()}; written before {@link #shutdown}. */
  private volatile long shutdownDeadline;
  /**
   * The batch the worker fills, its own. Not sized to the largest batch up front: that may be
   * configured up to 2^30. It grows with what is drained into it, and is reused while the exporter
   * answers in time.
   */
  private List<SpanData> batch = new ArrayList<>();
  /** Drops the worker has warned of, and when it last did; the worker's own. */
  private long dropsWarnedOf;
  private long lastDropWarning;

  private BatchSpanProcessor(Builder b) {
    exporter = b.exporter;
    lastDropWarning = System.nanoTime() - DROP_WARNING_INTERVAL_NANOS;
    queue = new SpanQueue(b.maxQueueSize);
    maxExportBatchSize = b.maxExportBatchSize;
    scheduleDelayNanos = b.scheduleDelay.toNanos();
    exportTimeoutNanos = b.exportTimeout.toNanos();
    worker = new Thread(this::work, "ariadne-batch-span-processor");
    worker.setDaemon(true);
    worker.start();
  }

  public static Builder builder(SpanExporter exporter) {
    return new Builder(Objects.requireNonNull(exporter, "exporter"));
  }

  @Override
  public void onEnd(SpanData span) {
    if (!span.getSpanContext().isSampled()) return;
    if (shutdown || !queue.offer(span)) {
      dropped.incrementAndGet();
      return;
    }
    if (queue.size() >= spansNeeded) {
      spansNeeded = Integer.MAX_VALUE;
      LockSupport.unpark(worker);
    }
  }

  @Override
  public CompletableFuture<Void> forceFlush() {
    CompletableFuture<Void> flushed = new CompletableFuture<>();
    if (shutdown) {
      // Shutdown exports everything; a request the worker may already have passed would be lost.
      terminated.whenComplete((ignored, error) -> flushed.complete(null));
      return flushed;
    }
    flushRequests.add(flushed);
    LockSupport.unpark(worker);
    if (terminated.isDone()) completeFlushRequests(); // shutdown raced with this call
    return flushed;
  }

  /**
   * Exports what is queued, then shuts the exporter down. Completes within the export timeout of
   * the first call: what is not exported by then is counted as failed, and its export cancelled.
   */
  @Override
  public CompletableFuture<Void> shutdown() {
    return shutdown(Duration.ofNanos(exportTimeoutNanos));
  }

  /**
   * Like {@link #shutdown()}, but completes within {@code timeout} of this call instead of the
   * export timeout; if shutdown has begun already, it ends by the sooner of the two deadlines.
   * What is not exported by then is counted as failed, and its export cancelled.
   */
  public synchronized CompletableFuture<Void> shutdown(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
    }
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    if (!shutdown || deadline - shutdownDeadline < 0) {
      shutdownDeadline = deadline;
      shutdown = true;
      LockSupport.unpark(worker);
    }
    return terminated;
  }

  /** {@code duration} in nanoseconds, at most a century so that a deadline cannot wrap around. */
  private static long saturatedNanos(Duration duration) {
    return duration.compareTo(CENTURY) > 0 ? CENTURY.toNanos() : duration.toNanos();
  }

  /** Spans handed to the exporter that it reported as sent. */
  public long getExportedCount() {
    return exported.get();
  }

  /** Spans dropped because the queue was full or the processor was shut down. */
  public long getDroppedCount() {
    return dropped.get();
  }

  /**
   * Spans whose export failed, and those shutdown gave up on: still queued, or still in the
   * exporter's hands, when its time was up. Failed means not confirmed as delivered: a request
   * under way when shutdown cancelled it may still have reached the collector.
   */
  public long getFailedCount() {
    return failed.get();
  }

  /** Spans waiting in the queue now. */
  public int getQueueSize() {
    return queue.size();
  }

  /**
   * The worker's loop, then its end. An error thrown on the way (an exporter's missing class, say)
   * ends the thread, but only after shutting the processor down with no time left: what it held
   * is counted, and {@link #shutdown()} and the flushes complete instead of waiting for ever.
   */
  private void work() {
    // Flush requests taken from flushRequests before the queue was last read: each completes only
    // once everything ended before it was requested has been exported.
    List<CompletableFuture<Void>> flushes = new ArrayList<>();
    try {
      exportUntilShutdown(flushes);
    } catch (RuntimeException | Error e) {
      stopNow();
      finish(flushes);
      throw e;
    }
    finish(flushes);
  }

  private void exportUntilShutdown(List<CompletableFuture<Void>> flushes) {
    long nextExport = System.nanoTime() + scheduleDelayNanos;
    while (true) {
      if (Thread.currentThread().isInterrupted()) stopNow();
      CompletableFuture<Void> request;
      while ((request = flushRequests.poll()) != null) flushes.add(request);
      boolean stopping = shutdown;
      // Closed, the queue takes no more spans, so the ones it accepted are all drained below.
      if (stopping) queue.close();
      queue.drainTo(batch, maxExportBatchSize - batch.size());
      warnOfDrops();
      if (stopping && System.nanoTime() - shutdownDeadline >= 0) return;
      boolean flushing = stopping || !flushes.isEmpty();
      if (batch.size() >= maxExportBatchSize
          || (!batch.isEmpty() && (flushing || System.nanoTime() - nextExport >= 0))) {
        batch = export(batch, stopping);
        nextExport = System.nanoTime() + scheduleDelayNanos;
        continue;
      }
      if (flushing && queue.size() == 0) {
        if (stopping) return;
        completeFlushes(flushes);
        continue;
      }
      if (batch.isEmpty() && System.nanoTime() - nextExport >= 0) {
        nextExport = System.nanoTime() + scheduleDelayNanos;
      }
      if (!flushing) {
        // Count the spans already in the batch: the one that completes it must wake the worker.
        int needed = maxExportBatchSize - batch.size();
        spansNeeded = needed;
        if (queue.size() < needed && flushRequests.isEmpty() && !shutdown) {
          LockSupport.parkNanos(this, Math.max(0, nextExport - System.nanoTime()));
        }
        spansNeeded = Integer.MAX_VALUE;
      }
    }
  }

  /**
   * Says in the log, from the worker so that the application's threads never wait on a logger, how
   * many spans a full queue dropped since it last said so; at most once a minute.
   */
  private void warnOfDrops() {
    long now = System.nanoTime();
    if (now - lastDropWarning < DROP_WARNING_INTERVAL_NANOS) return;
    long total = dropped.get();
    if (total == dropsWarnedOf) return;
    LOG.log(Level.WARNING, (total - dropsWarnedOf) + " spans dropped, not exported: the queue of "
        + queue.capacity() + " spans was full, spans ending faster than " + exporter + " takes them"
        + " (raise OTEL_BSP_MAX_QUEUE_SIZE; getDroppedCount() counts them), or shutdown had begun;"
        + " at most one such line a minute");
    dropsWarnedOf = total;
    lastDropWarning = now;
  }

  /**
   * The worker was interrupted: by the JDK's convention it stops, now. Shutdown begins with no
   * time left, so that what is queued or in the exporter's hands is counted as failed at once and
   * what ends later as dropped.
   */
  private synchronized void stopNow() {
    shutdownDeadline = System.nanoTime();
    shutdown = true;
  }

  /**
   * Ends shutdown: counts as failed the spans it had no time to hand over, flushes and shuts the
   * exporter down, and waits until the deadline for the batches in the exporter's hands; the
   * exports still running then are cancelled and counted as failed. Completes the termination
   * and the flush requests once every batch is counted.
   */
  private void finish(List<CompletableFuture<Void>> flushes) {
    queue.close();
    int left = batch.size();
    batch.clear();
    int queued;
    while ((queued = queue.size()) > 0) {
      int drained = queue.drainTo(batch, Math.min(queued, maxExportBatchSize));
      left += drained;
      batch.clear();
      if (drained == 0) Thread.onSpinWait(); // a producer has claimed a slot and is filling it
    }
    if (left > 0) {
      failed.addAndGet(left);
      LOG.log(Level.DEBUG, "shutdown ran out of time with " + left + " spans not exported");
    }
    List<CompletableFuture<?>> waits = new ArrayList<>();
    waits.add(PendingExport.quietly(exporter::flush, "flush"));
    waits.add(PendingExport.quietly(exporter::shutdown, "shutdown"));
    for (PendingExport export : pending) waits.add(export.counted);
    CompletableFuture<?>[] all = waits.toArray(new CompletableFuture<?>[0]);
    if (!awaitShutdownDeadline(CompletableFuture.allOf(all))) {
      for (PendingExport export : pending) export.abandon();
    }
    // Abandoned exports are done; their counting has run or is running on the completing thread.
    List<CompletableFuture<?>> counting = new ArrayList<>();
    for (PendingExport export : pending) counting.add(export.counted);
    CompletableFuture.allOf(counting.toArray(new CompletableFuture<?>[0])).join();
    terminated.complete(null);
    for (CompletableFuture<Void> request : flushes) request.complete(null);
    completeFlushRequests();
  }

  /**
   * Parks until {@code future} completes, the shutdown deadline passes (a later {@link
   * #shutdown(Duration)} may bring it forward meanwhile) or the worker is interrupted; true if the
   * future completed.
   */
  private boolean awaitShutdownDeadline(CompletableFuture<?> future) {
    future.whenComplete((ignored, error) -> LockSupport.unpark(worker));
    long left;
    while (!future.isDone()
        && !Thread.currentThread().isInterrupted()
        && (left = shutdownDeadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left);
    }
    return future.isDone();
  }

  private void completeFlushRequests() {
    CompletableFuture<Void> request;
    while ((request = flushRequests.poll()) != null) request.complete(null);
  }

  /**
   * Hands {@code spans} to the exporter and waits for its answer at most the export timeout, or
   * until shutdown begins (shutdown waits for all its batches together); returns the list to fill
   * next.
   */
  private List<SpanData> export(List<SpanData> spans, boolean stopping) {
    int size = spans.size();
    PendingExport export;
    try {
      CompletableFuture<Void> result = Objects.requireNonNull(exporter.export(spans), "future");
      export = new PendingExport(result, error -> count(size, error));
    } catch (RuntimeException e) {
      failed.addAndGet(size);
      LOG.log(Level.DEBUG, "export of " + size + " spans failed", e);
      spans.clear();
      return spans;
    }
    pending.add(export);
    export.counted.whenComplete((ignored, error) -> pending.remove(export));
    if (!stopping) awaitCount(export.counted, System.nanoTime() + exportTimeoutNanos);
    if (export.counted.isDone()) {
      spans.clear();
      return spans;
    }
    if (!stopping && !shutdown) {
      LOG.log(Level.DEBUG, "export of " + size + " spans is taking longer than the export timeout;"
          + " it is counted when it completes");
    }
    return new ArrayList<>(); // the exporter may still read the old one
  }

  /**
   * Parks until {@code counted} completes, shutdown begins, {@code deadline} passes, or the worker
   * is interrupted.
   */
  private void awaitCount(CompletableFuture<Void> counted, long deadline) {
    counted.whenComplete((ignored, error) -> LockSupport.unpark(worker));
    long left;
    while (!counted.isDone()
        && !shutdown
        && !Thread.currentThread().isInterrupted()
        && (left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left);
    }
  }

  /** Counts a batch by how its export ended: sent, lost, or partly lost. */
  private void count(int size, Throwable error) {
    int lost = PendingExport.lost(size, error);
    if (lost == 0) {
      exported.addAndGet(size);
      return;
    }
    failed.addAndGet(lost);
    exported.addAndGet(size - lost);
    LOG.log(
        Level.DEBUG, "export lost " + lost + " of " + size + " spans", PendingExport.cause(error));
  }

  /**
   * Flushes the exporter, then completes {@code requests} (and empties the list) once the batches
   * it has answered are counted: the counting runs on the thread that completes each export, and
   * may come after the exporter's flush completes. The exporter's flush is waited for at most the
   * export timeout, as each export is.
   */
  private void completeFlushes(List<CompletableFuture<Void>> requests) {
    CompletableFuture<Void> counted =
        PendingExport.quietly(exporter::flush, "flush")
            .completeOnTimeout(null, exportTimeoutNanos, TimeUnit.NANOSECONDS)
            .thenCompose(ignored -> answeredCounted());
    for (CompletableFuture<Void> request : requests) {
      counted.whenComplete((ignored, error) -> request.complete(null));
    }
    requests.clear();
  }

  /** Completes once every batch the exporter has answered so far is counted. */
  private CompletableFuture<Void> answeredCounted() {
    List<CompletableFuture<?>> counting = new ArrayList<>();
    for (PendingExport export : pending) {
      if (export.result.isDone()) counting.add(export.counted);
    }
    return CompletableFuture.allOf(counting.toArray(new CompletableFuture<?>[0]));
  }

  @Override
  public String toString() {
    return "BatchSpanProcessor{exporter=" + exporter + ", exported=" + exported + ", dropped="
        + dropped + ", failed=" + failed + '}';
  }

  /**
   * Builds a {@link BatchSpanProcessor}. Defaults follow OpenTelemetry: queue 2048, batch 512,
   * schedule delay 5 s, export timeout 30 s.
   */
  public static final class Builder {
    private final SpanExporter exporter;
    private int maxQueueSize = 2048;
    private int maxExportBatchSize = 512;
    private Duration scheduleDelay = Duration.ofSeconds(5);
    private Duration exportTimeout = Duration.ofSeconds(30);

    private Builder(SpanExporter exporter) {
      this.exporter = exporter;
    }

    /** The queue bound: 2048 by default, at most {@link BatchSpanProcessor#MAX_QUEUE_SIZE}. */
    public Builder setMaxQueueSize(int maxQueueSize) {
      if (maxQueueSize < 1 || maxQueueSize > MAX_QUEUE_SIZE) {
        throw new IllegalArgumentException(
            "maxQueueSize: " + maxQueueSize + " (expected: >= 1 and <= " + MAX_QUEUE_SIZE + ")");
      }
      this.maxQueueSize = maxQueueSize;
      return this;
    }

    public Builder setMaxExportBatchSize(int maxExportBatchSize) {
      if (maxExportBatchSize < 1) {
        throw new IllegalArgumentException(
            "maxExportBatchSize: " + maxExportBatchSize + " (expected: >= 1)");
      }
      this.maxExportBatchSize = maxExportBatchSize;
      return this;
    }

    public Builder setScheduleDelay(Duration scheduleDelay) {
      this.scheduleDelay = positive("scheduleDelay", scheduleDelay);
      return this;
    }

    public Builder setExportTimeout(Duration exportTimeout) {
      this.exportTimeout = positive("exportTimeout", exportTimeout);
      return this;
    }

    /**
     * Builds and starts the processor's thread.
     *
     * @throws IllegalArgumentException if the batch size exceeds the queue size
     */
    public BatchSpanProcessor build() {
      if (maxExportBatchSize > maxQueueSize) {
        throw new IllegalArgumentException(
            "maxExportBatchSize: " + maxExportBatchSize + " (expected: <= maxQueueSize "
                + maxQueueSize + ")");
      }
      return new BatchSpanProcessor(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
