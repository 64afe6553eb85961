package dev.ariadne.analytics;

import dev.ariadne.model.SpanKind;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A RED query: the spans of {@code service} (and of {@code operation}, or all its operations when
 * null; of the given span kinds, or every kind when there are none) that started in [start, end), in points of
 * {@code step}, each with the given latency quantiles. Times are epoch milliseconds; start is
 * rounded down to the step, and the step must be a multiple of the analytics bucket.
 */
public record RedQuery(
    String service, String operation, Set<SpanKind> kinds, long startMillis, long endMillis,
    long stepMillis, List<Double> quantiles) {
  /** The percentiles a RED chart shows. */
  public static final List<Double> STANDARD_QUANTILES = List.of(0.5, 0.75, 0.9, 0.95, 0.99);

  public RedQuery {
    Objects.requireNonNull(service, "service");
    kinds = Set.copyOf(kinds);
    quantiles = List.copyOf(quantiles);
    for (double q : quantiles) {
      if (!(q >= 0 && q <= 1)) {
        throw new IllegalArgumentException("a quantile must lie in [0, 1], not " + q);
      }
    }
    if (stepMillis <= 0) {
      throw new IllegalArgumentException("the step must be positive, not " + stepMillis + " ms");
    }
    if (endMillis < startMillis) {
      throw new IllegalArgumentException("the end lies before the start");
    }
  }
}
