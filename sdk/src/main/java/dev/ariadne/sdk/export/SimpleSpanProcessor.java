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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands each sampled span to the exporter as soon as it ends, one span per export, on the thread
 * that ends it. For tests and local debugging; production use wants {@link BatchSpanProcessor}.
 * Never waits for the export's answer, but calls the exporter from one thread at a time, as its
 * contract asks, so a span ending while another is being handed over waits for that call.
 *
 * <p>Every sampled span is counted once: exported or failed by the exporter's answer, or dropped
 * if it ends after shutdown began. {@link #shutdown()} is bounded like the batch processor's: the
 * exports not answered within its timeout are cancelled and counted as failed.
 */
public final class SimpleSpanProcessor implements SpanProcessor {
  private static final System.Logger LOG = System.getLogger(SimpleSpanProcessor.class.getName());
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final SpanExporter exporter;
  private final long timeoutNanos;
  /** Held while the exporter is called, and to start shutdown: no export begins after it. */
  private final Object exportLock = new Object();
  /** The exports not yet counted. */
  private final Set<PendingExport> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile boolean shutdown;

  private SimpleSpanProcessor(SpanExporter exporter, Duration timeout) {
    this.exporter = exporter;
    this.timeoutNanos = timeout.toNanos();
  }

  /** A processor whose shutdown waits at most 30 s for the exports in flight. */
  public static SimpleSpanProcessor create(SpanExporter exporter) {
    return create(exporter, DEFAULT_TIMEOUT);
  }

  /**
   * A processor whose shutdown waits at most {@code timeout} for the exports in flight.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public static SimpleSpanProcessor create(SpanExporter exporter, Duration timeout) {
    Objects.requireNonNull(exporter, "exporter");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    return new SimpleSpanProcessor(exporter, timeout);
  }

  @Override
  public void onEnd(SpanData span) {
    if (!span.getSpanContext().isSampled()) return;
    synchronized (exportLock) {
      if (shutdown) {
        dropped.incrementAndGet();
        return;
      }
      CompletableFuture<Void> result;
      try {
        result = Objects.requireNonNull(exporter.export(List.of(span)), "future");
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        LOG.log(Level.DEBUG, "export of a span failed", e);
        return;
      }
      PendingExport export = new PendingExport(result, this::count);
      pending.add(export);
      export.counted.whenComplete((ignored, error) -> pending.remove(export));
    }
  }

  /**
   * Completes once every span ended before the call has been counted and the exporter has
   * flushed. After shutdown, completes when shutdown does.
   */
  @Override
  public CompletableFuture<Void> forceFlush() {
    if (shutdown) return terminated.thenApply(ignored -> null);
    return CompletableFuture.allOf(counting(pending))
        .thenCompose(ignored -> PendingExport.quietly(exporter::flush, "flush"));
  }

  /**
   * Stops taking spans, flushes and shuts the exporter down, and completes once every export is
   * counted, within the timeout of the first call: the exports not answered by then are cancelled
   * and counted as failed. Later calls return the same future.
   */
  @Override
  public CompletableFuture<Void> shutdown() {
    List<PendingExport> left;
    synchronized (exportLock) {
      if (shutdown) return terminated;
      shutdown = true;
      left = List.copyOf(pending);
    }
    List<CompletableFuture<?>> waits = new ArrayList<>(List.of(counting(left)));
    waits.add(PendingExport.quietly(exporter::flush, "flush"));
    waits.add(PendingExport.quietly(exporter::shutdown, "shutdown"));
    CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]))
        .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
        .whenComplete(
            (ignored, timedOut) -> {
              if (timedOut != null) left.forEach(PendingExport::abandon);
              CompletableFuture.allOf(counting(left))
                  .whenComplete((done, error) -> terminated.complete(null));
            });
    return terminated;
  }

  /** Spans the exporter reported as sent. */
  public long getExportedCount() {
    return exported.get();
  }

  /** Spans that ended after shutdown began, and were not exported. */
  public long getDroppedCount() {
    return dropped.get();
  }

  /**
   * Spans whose export failed, and those shutdown gave up on: still in the exporter's hands when
   * its time was up.
   */
  public long getFailedCount() {
    return failed.get();
  }

  private void count(Throwable error) {
    if (PendingExport.lost(1, error) == 0) {
      exported.incrementAndGet();
    } else {
      failed.incrementAndGet();
      LOG.log(Level.DEBUG, "export of a span failed", PendingExport.cause(error));
    }
  }

  private static CompletableFuture<?>[] counting(Iterable<PendingExport> exports) {
    List<CompletableFuture<Void>> counting = new ArrayList<>();
    for (PendingExport export : exports) counting.add(export.counted);
    return counting.toArray(new CompletableFuture<?>[0]);
  }

  @Override
  public String toString() {
    return "SimpleSpanProcessor{exporter=" + exporter + ", exported=" + exported + ", dropped="
        + dropped + ", failed=" + failed + '}';
  }
}
