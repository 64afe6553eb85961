package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Storage;
import java.io.IOException;
import java.util.List;

/**
 * Reads whole traces for the APIs, but not one with more spans than an answer may hold in memory:
 * a runaway loop's trace of a million spans took the query path's heap, and with it the server's
 * background threads, when three answers read it at once (see {@code docs/api.md}).
 */
final class TraceReader {
  private final Storage storage;
  private final int maxSpans;

  TraceReader(Storage storage, int maxSpans) {
    this.storage = requireNonNull(storage, "storage");
    this.maxSpans = maxSpans;
  }

  /**
   * Every span of the trace as stored; empty if it is unknown.
   *
   * @throws TooLargeException if more than the most spans an answer reads are stored
   */
  List<Span> read(TraceId traceId) throws IOException {
    int spanCount = storage.spanCount(traceId);
    if (spanCount > maxSpans) {
      throw new TooLargeException(traceId, spanCount, maxSpans);
    }
    return storage.trace(traceId);
  }

  /** A trace with more spans than an answer reads; answered with 422. */
  static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String traceId;

    TooLargeException(TraceId traceId, int spanCount, int maxSpans) {
      super("trace " + traceId.toHex() + " has " + spanCount + " spans, more than the "
          + maxSpans + " an answer reads (the server's query.max-trace-spans)");
      this.traceId = traceId.toHex();
    }

    String traceId() {
      return traceId;
    }
  }
}
