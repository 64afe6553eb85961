package dev.ariadne.storage;

import static java.util.Objects.requireNonNull;

/**
 * Spans of one trace that a backend did not store because the trace had reached its per-trace
 * span limit, counted per service and span name: what is left of them, so that a trace with
 * missing spans says so instead of looking whole.
 */
public record DroppedSpans(String serviceName, String spanName, long count) {
  public DroppedSpans {
    requireNonNull(serviceName, "serviceName");
    requireNonNull(spanName, "spanName");
  }
}
