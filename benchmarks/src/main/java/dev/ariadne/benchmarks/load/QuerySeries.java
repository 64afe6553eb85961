package dev.ariadne.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The timings of one kind of query: latency of each answer, failures, and what came back. */
final class QuerySeries {
  /** The URI of the {@code i}-th query of a series. */
  @FunctionalInterface
  interface Query {
    URI uri(int i);
  }

  /** How many results (traces, spans, names) an answer holds. */
  @FunctionalInterface
  interface Counter {
    long results(byte[] answer) throws IOException;
  }

  /** What a series measured; {@code serverCpuSeconds} is NaN when the server was not sampled. */
  record Result(
      String name,
      int count,
      int failures,
      long p50Nanos,
      long p90Nanos,
      long p99Nanos,
      long maxNanos,
      double meanResults,
      double meanBytes,
      double serverCpuSeconds) {}

  private final String name;
  private final long[] latencies;
  private final long[] startedMillis;
  private final String[] paths;
  private int answered;
  private int failures;
  private long bytes;
  private long results;

  QuerySeries(String name, int count) {
    this.name = name;
    this.latencies = new long[count];
    this.startedMillis = new long[count];
    this.paths = new String[count];
  }

  void answered(URI query, long startedEpochMillis, long latencyNanos, int answerBytes, long answerResults) {
    paths[answered] = query.getRawPath();
    startedMillis[answered] = startedEpochMillis;
    latencies[answered++] = latencyNanos;
    bytes += answerBytes;
    results += answerResults;
  }

  void failed() {
    failures++;
  }

  /**
   * One tab-separated line per answered query, in the order they were sent: when it started (epoch
   * milliseconds), how long it took and its path, so that a slow answer can be set against the
   * server's logs.
   */
  List<String> sampleLines(String label) {
    List<String> lines = new ArrayList<>(answered);
    for (int i = 0; i < answered; i++) {
      lines.add(String.join("\t", label, name, Integer.toString(i), Long.toString(startedMillis[i]),
          String.format(Locale.ROOT, "%.3f", latencies[i] / 1e6), paths[i]));
    }
    return lines;
  }

  Result result(double serverCpuSeconds) {
    long[] sorted = Arrays.copyOf(latencies, answered);
    Arrays.sort(sorted);
    return new Result(name, answered, failures,
        LoadRun.percentile(sorted, 0.50), LoadRun.percentile(sorted, 0.90), LoadRun.percentile(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1],
        answered == 0 ? 0 : results / (double) answered, answered == 0 ? 0 : bytes / (double) answered,
        serverCpuSeconds);
  }
}
