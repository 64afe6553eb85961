package dev.ariadne.query;

import dev.ariadne.model.TraceId;

/** A trace ID that storage does not know; answered with 404. */
final class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String traceId;

  NotFoundException(TraceId traceId) {
    super("trace " + traceId.toHex() + ": not found");
    this.traceId = traceId.toHex();
  }

  String traceId() {
    return traceId;
  }
}
