package dev.ariadne.sdk.export;

import dev.ariadne.sdk.data.SpanData;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Queues ended, sampled spans and exports them in batches from one background thread. The
 * application thread never waits: when the bounded queue is full the span is dropped and counted.
 * A batch goes out when it is full or when the schedule delay has passed; an export that takes
 * longer than the export timeout is counted as failed and the worker moves on.
 */
public final class BatchSpanProcessor implements SpanProcessor {
  /** The largest queue size, 2^30: the queue is a ring whose length is a power of two. */
  public static final int MAX_QUEUE_SIZE = SpanQueue.MAX_CAPACITY;

  private static final System.Logger LOG = System.getLogger(BatchSpanProcessor.class.getName());

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
  /**
   * While the worker parks: how many queued spans would fill its batch, so that the span that does
   * wakes it. {@link Integer#MAX_VALUE} while it runs, so producers do not unpark it needlessly.
   */
  private volatile int spansNeeded = Integer.MAX_VALUE;
  private volatile boolean shutdown;

  private BatchSpanProcessor(Builder b) {
    exporter = b.exporter;
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

  @Override
  public CompletableFuture<Void> shutdown() {
    if (!shutdown) {
      shutdown = true;
      LockSupport.unpark(worker);
    }
    return terminated;
  }

  /** Spans handed to the exporter that it reported as sent. */
  public long getExportedCount() {
    return exported.get();
  }

  /** Spans dropped because the queue was full or the processor was shut down. */
  public long getDroppedCount() {
    return dropped.get();
  }

  /** Spans whose export failed or timed out. */
  public long getFailedCount() {
    return failed.get();
  }

  /** Spans waiting in the queue now. */
  public int getQueueSize() {
    return queue.size();
  }

  private void work() {
    List<SpanData> batch = new ArrayList<>(maxExportBatchSize);
    // Flush requests taken from flushRequests before the queue was last read: each completes only
    // once everything ended before it was requested has been exported.
    List<CompletableFuture<Void>> flushes = new ArrayList<>();
    long nextExport = System.nanoTime() + scheduleDelayNanos;
    while (true) {
      CompletableFuture<Void> request;
      while ((request = flushRequests.poll()) != null) flushes.add(request);
      queue.drainTo(batch, maxExportBatchSize - batch.size());
      boolean stopping = shutdown;
      boolean flushing = stopping || !flushes.isEmpty();
      if (batch.size() >= maxExportBatchSize
          || (!batch.isEmpty() && (flushing || System.nanoTime() - nextExport >= 0))) {
        batch = export(batch);
        nextExport = System.nanoTime() + scheduleDelayNanos;
        continue;
      }
      if (flushing && queue.size() == 0) {
        completeFlushes(flushes);
        if (stopping) break;
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
    CompletableFuture<Void> exporterShutdown;
    try {
      exporterShutdown = exporter.shutdown();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "exporter shutdown failed", e);
      exporterShutdown = CompletableFuture.completedFuture(null);
    }
    exporterShutdown.whenComplete(
        (ignored, error) -> {
          terminated.complete(null);
          completeFlushRequests();
        });
  }

  private void completeFlushRequests() {
    CompletableFuture<Void> request;
    while ((request = flushRequests.poll()) != null) request.complete(null);
  }

  /** Exports and waits at most the export timeout; returns the list to fill next. */
  private List<SpanData> export(List<SpanData> batch) {
    int size = batch.size();
    try {
      exporter.export(batch).get(exportTimeoutNanos, TimeUnit.NANOSECONDS);
      exported.addAndGet(size);
      batch.clear();
      return batch;
    } catch (TimeoutException e) {
      failed.addAndGet(size);
      LOG.log(Level.DEBUG, "export of " + size + " spans timed out");
      return new ArrayList<>(maxExportBatchSize); // the exporter may still read the old one
    } catch (ExecutionException | RuntimeException e) {
      failed.addAndGet(size);
      LOG.log(Level.DEBUG, "export of " + size + " spans failed", e);
    } catch (InterruptedException e) {
      failed.addAndGet(size);
      Thread.currentThread().interrupt();
    }
    batch.clear();
    return batch;
  }

  /** Flushes the exporter, then completes {@code requests} (and empties the list). */
  private void completeFlushes(List<CompletableFuture<Void>> requests) {
    CompletableFuture<Void> exporterFlushed;
    try {
      exporterFlushed = exporter.flush();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "exporter flush failed", e);
      exporterFlushed = CompletableFuture.completedFuture(null);
    }
    for (CompletableFuture<Void> request : requests) {
      exporterFlushed.whenComplete((ignored, error) -> request.complete(null));
    }
    requests.clear();
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
