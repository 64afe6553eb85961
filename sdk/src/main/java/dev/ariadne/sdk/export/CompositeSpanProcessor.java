package dev.ariadne.sdk.export;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.data.SpanData;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Calls several processors in order. One that throws keeps nothing from the others: each is still
 * called, and the first exception is thrown afterwards, or fails the future of a flush or shutdown.
 */
final class CompositeSpanProcessor implements SpanProcessor {
  static final CompositeSpanProcessor NONE = new CompositeSpanProcessor(List.of());

  private final SpanProcessor[] processors;

  CompositeSpanProcessor(List<SpanProcessor> processors) {
    this.processors = processors.toArray(new SpanProcessor[0]);
  }

  @Override
  public void onStart(Context parentContext, Span span) {
    RuntimeException first = null;
    for (SpanProcessor processor : processors) {
      try {
        processor.onStart(parentContext, span);
      } catch (RuntimeException e) {
        first = keep(first, e);
      }
    }
    if (first != null) throw first;
  }

  @Override
  public void onEnd(SpanData span) {
    RuntimeException first = null;
    for (SpanProcessor processor : processors) {
      try {
        processor.onEnd(span);
      } catch (RuntimeException e) {
        first = keep(first, e);
      }
    }
    if (first != null) throw first;
  }

  @Override
  public CompletableFuture<Void> forceFlush() {
    return all(true);
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    return all(false);
  }

  private CompletableFuture<Void> all(boolean flush) {
    CompletableFuture<?>[] futures = new CompletableFuture<?>[processors.length];
    for (int i = 0; i < processors.length; i++) {
      try {
        futures[i] = flush ? processors[i].forceFlush() : processors[i].shutdown();
        Objects.requireNonNull(futures[i], "future");
      } catch (RuntimeException e) {
        futures[i] = CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.allOf(futures);
  }

  private static RuntimeException keep(RuntimeException first, RuntimeException next) {
    if (first == null) return next;
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return List.of(processors).toString();
  }
}
