package dev.ariadne.analytics;

import java.util.List;

/**
 * One step of a RED series: the requests that started in [startMillis, startMillis + step), how
 * many failed, their latency at each quantile asked for (nanoseconds, within 1%; NaN when there
 * were no requests), and exemplar spans.
 */
public record RedPoint(
    long startMillis, long requests, long errors, List<Double> quantileNanos,
    List<Exemplar> exemplars) {
  public RedPoint {
    quantileNanos = List.copyOf(quantileNanos);
    exemplars = List.copyOf(exemplars);
  }
}
