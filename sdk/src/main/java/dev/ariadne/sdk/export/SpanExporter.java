package dev.ariadne.sdk.export;

import dev.ariadne.sdk.data.SpanData;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Sends finished spans somewhere: a collector, an agent, a log. Called by one span processor
 * thread at a time. Each call returns at once with a future that completes when the work is done,
 * normally on success and exceptionally on failure; it never blocks its caller on I/O.
 */
public interface SpanExporter {

  /** Exports {@code spans}; the collection is not used after the future completes. */
  CompletableFuture<Void> export(Collection<SpanData> spans);

  /** Completes when everything handed to {@link #export} so far has been sent. */
  CompletableFuture<Void> flush();

  /** Flushes and releases resources; later exports fail. */
  CompletableFuture<Void> shutdown();
}
