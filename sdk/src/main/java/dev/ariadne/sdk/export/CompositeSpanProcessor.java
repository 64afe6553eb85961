package dev.ariadne.sdk.export;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Calls several processors in order. */
final class CompositeSpanProcessor implements SpanProcessor {
  static final CompositeSpanProcessor NONE = new CompositeSpanProcessor(List.of());

  private final SpanProcessor[] processors;

  CompositeSpanProcessor(List<SpanProcessor> processors) {
    this.processors = processors.toArray(new SpanProcessor[0]);
  }

  @Override
  public void onStart(Context parentContext, Span span) {
    for (SpanProcessor processor : processors) processor.onStart(parentContext, span);
  }

  @Override
  public void onEnd(SpanData span) {
    for (SpanProcessor processor : processors) processor.onEnd(span);
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
      futures[i] = flush ? processors[i].forceFlush() : processors[i].shutdown();
    }
    return CompletableFuture.allOf(futures);
  }

  @Override
  public String toString() {
    return List.of(processors).toString();
  }
}
