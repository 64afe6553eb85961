package dev.ariadne.sdk.export;

import dev.ariadne.sdk.data.SpanData;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands each sampled span to the exporter as soon as it ends, one span per export. For tests and
 * local debugging; production use wants {@link BatchSpanProcessor}. Never waits for the export.
 */
public final class SimpleSpanProcessor implements SpanProcessor {
  private final SpanExporter exporter;
  private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean shutdown;

  private SimpleSpanProcessor(SpanExporter exporter) {
    this.exporter = exporter;
  }

  public static SimpleSpanProcessor create(SpanExporter exporter) {
    return new SimpleSpanProcessor(Objects.requireNonNull(exporter, "exporter"));
  }

  @Override
  public void onEnd(SpanData span) {
    if (shutdown || !span.getSpanContext().isSampled()) return;
    CompletableFuture<Void> export;
    try {
      export = exporter.export(List.of(span));
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      return;
    }
    pending.add(export);
    export.whenComplete(
        (ignored, error) -> {
          pending.remove(export);
          (error == null ? exported : failed).incrementAndGet();
        });
  }

  @Override
  public CompletableFuture<Void> forceFlush() {
    return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .handle((ignored, error) -> null)
        .thenCompose(ignored -> exporter.flush());
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    shutdown = true;
    return forceFlush().handle((ignored, error) -> null).thenCompose(ignored -> exporter.shutdown());
  }

  /** Spans the exporter reported as sent. */
  public long getExportedCount() {
    return exported.get();
  }

  /** Spans whose export failed. */
  public long getFailedCount() {
    return failed.get();
  }

  @Override
  public String toString() {
    return "SimpleSpanProcessor{exporter=" + exporter + '}';
  }
}
