package dev.ariadne.storage;

import dev.ariadne.model.Span;
import java.io.IOException;
import java.util.List;

/**
 * Where the collector puts the spans it accepts: a {@link Storage}, or an agent's forwarder that
 * hands them on to a collector elsewhere. The collector acknowledges a request only once {@link
 * #write} has returned for its spans.
 */
public interface SpanWriter {
  /**
   * Keeps a batch of spans of any traces. Returns once the batch is kept (by a durable backend,
   * durably; by a forwarder, once the collector it forwards to has acknowledged it). If it throws
   * {@link SpansTooLargeException}, every span but those it names was kept; if it throws anything
   * else, the caller must treat the whole batch as not kept.
   */
  void write(List<Span> spans) throws IOException;
}
