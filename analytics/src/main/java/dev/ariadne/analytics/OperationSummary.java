package dev.ariadne.analytics;

import dev.ariadne.model.SpanKind;
import java.util.List;

/** One row of a service's operation table: an operation and span kind over a whole window. */
public record OperationSummary(
    String operation, SpanKind kind, long requests, long errors, List<Double> quantileNanos) {
  public OperationSummary {
    quantileNanos = List.copyOf(quantileNanos);
  }
}
