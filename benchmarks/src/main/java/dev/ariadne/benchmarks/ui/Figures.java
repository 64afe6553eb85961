package dev.ariadne.benchmarks.ui;

import java.util.Arrays;

/**
 * The median, 90th percentile and maximum of a series of measurements. The median of an even
 * count is the mean of the middle two; the 90th percentile is the nearest rank (the smallest value
 * at least 90% of the series are at or below), so that of 10 values it is the 9th.
 */
record Figures(double median, double p90, double max) {
  static Figures of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values (expected: at least one)");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double p90 = sorted[Math.max(0, (int) Math.ceil(0.9 * n) - 1)];
    return new Figures(median, p90, sorted[n - 1]);
  }
}
