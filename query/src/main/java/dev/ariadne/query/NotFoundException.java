package dev.ariadne.query;

import dev.ariadne.model.TraceId;

/** A trace ID that storage does not know, or a path that is no endpoint; answered with 404. */
final class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String traceId;

  NotFoundException(TraceId traceId) {
    super("trace " + traceId.toHex() + ": not found");
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
