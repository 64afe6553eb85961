package dev.ariadne.sdk.export;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.sdk.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A hook called on the application's thread when a recording span starts and ends. Must return
 * quickly and never block: the batch processor queues and drops when full. What it throws never
 * reaches the application: the {@code SdkTracerProvider} catches it, logs it and goes on.
 */
public interface SpanProcessor {

  /**
   * A processor that calls each of {@code processors} in order (none: does nothing). One that
   * throws keeps neither the span nor a flush or shutdown from those after it.
   */
  static SpanProcessor composite(List<SpanProcessor> processors) {
    if (processors.isEmpty()) return CompositeSpanProcessor.NONE;
    return processors.size() == 1 ? processors.get(0) : new CompositeSpanProcessor(processors);
  }

  /** Called when a recording span starts; {@code span} may still be changed. */
  default void onStart(Context parentContext, Span span) {}

  /** Called once when a recording span ends. Sampled and unsampled recording spans both come here. */
  void onEnd(SpanData span);

  /** Completes when everything ended so far has been exported. */
  CompletableFuture<Void> forceFlush();

  /** Flushes, then stops; later spans are ignored. */
  CompletableFuture<Void> shutdown();
}
