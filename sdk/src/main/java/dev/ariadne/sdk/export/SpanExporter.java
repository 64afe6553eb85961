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

  /**
   * Exports {@code spans}; the collection is not used after the future completes. How the future
   * completes is the one verdict on these spans, for the exporter's counters and its caller's
   * alike: normally if they were sent, exceptionally if they are lost, with a {@link
   * PartialExportException} saying how many if only some are.
   *
   * <p>A caller that will not wait any longer cancels the future (the batch processor does when
   * its shutdown time is up). The exporter then stops retrying, and the spans count as failed
   * unless their delivery was confirmed first, in which case the future completes normally and
   * {@code cancel} returns false; either way the future is done when {@code cancel} returns. A
   * request under way when cancelled may still arrive: failed means not confirmed, not surely
   * lost.
   */
  CompletableFuture<Void> export(Collection<SpanData> spans);

  /** Completes when everything handed to {@link #export} so far has been sent. */
  CompletableFuture<Void> flush();

  /** Flushes and releases resources; later exports fail. */
  CompletableFuture<Void> shutdown();
}
