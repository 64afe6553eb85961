package dev.ariadne.query;

import dev.ariadne.model.TraceId;
import dev.ariadne.model.internal.Counted;

/** A trace ID that storage does not know, or a path that is no endpoint; answered with 404. */
final class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String traceId;

  /**
   * A trace none of whose spans could be read: unknown, or with every span storage holds of it
   * ({@code unreadableSpans}) on a damaged part, which the message then says.
   */
  NotFoundException(TraceId traceId, int unreadableSpans) {
    super("trace " + traceId.toHex() + ": not found" + (unreadableSpans == 0 ? ""
        : ": " + Counted.of(unreadableSpans, "span") + " of it " + (unreadableSpans == 1 ? "is"
            : "are") + " stored but unreadable (the storage found the part holding "
            + (unreadableSpans == 1 ? "it" : "them") + " damaged)"));
    this.traceId = traceId.toHex();
  }

  NotFoundException(String message) {
    super(message);
    this.traceId = null;
  }

  /** The unknown trace's ID, or null when what was not found is an endpoint. */
  String traceId() {
    return traceId;
  }
}
