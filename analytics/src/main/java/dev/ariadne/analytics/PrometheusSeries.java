package dev.ariadne.analytics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Prometheus series of span metrics and of the service graph, named and labelled as Grafana
 * Tempo's metrics-generator names them, so that dashboards and Grafana's service graph built on
 * Tempo's metrics work unchanged: {@code traces_spanmetrics_calls_total} and {@code
 * traces_spanmetrics_latency} (seconds) by {@code service}, {@code span_name}, {@code span_kind},
 * {@code status_code}; {@code traces_service_graph_request_total}, {@code
 * traces_service_graph_request_failed_total}, {@code traces_service_graph_request_server_seconds}
 * and {@code traces_service_graph_request_client_seconds} by {@code client}, {@code server}, {@code
 * connection_type}. Callers bound the label sets (the series cap).
 *
 * <p>A series counts in plain fields, under the lock its span takes anyway for its time buckets,
 * and a scrape reads them: Micrometer's meters, used before, made an atomic update per field and
 * read the clock per value, 6% of the server's cycles in steady Zipkin JSON ingest
 * (docs/benchmarks.md).
 */
final class PrometheusSeries {
  /** Tempo's default span-metrics histogram buckets, in seconds. */
  static final double[] SPAN_BUCKETS = {
    0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384
  };
  /** Tempo's default service-graph histogram buckets, in seconds. */
  static final double[] EDGE_BUCKETS = {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8};

  private PrometheusSeries() {}

  /**
   * Durations counted since start in buckets of fixed upper bounds (inclusive, as Prometheus' {@code
   * le}), with their count and sum. Not thread-safe: guarded by the lock of its series.
   */
  static final class Histogram {
    /** The upper bounds in seconds, and +Inf last. */
    private final double[] upperBounds;
    private final long[] boundsNanos;
    /** Per bucket, not cumulative; the last is the one above every bound (+Inf). */
    private final long[] counts;
    private double sumSeconds;

    Histogram(double[] boundsSeconds) {
      this.upperBounds = Arrays.copyOf(boundsSeconds, boundsSeconds.length + 1);
      upperBounds[boundsSeconds.length] = Double.POSITIVE_INFINITY;
      this.boundsNanos = new long[boundsSeconds.length];
      for (int i = 0; i < boundsSeconds.length; i++) {
        boundsNanos[i] = Math.round(boundsSeconds[i] * 1e9);
      }
      this.counts = new long[boundsSeconds.length + 1];
    }

    void record(long nanos) {
      int bucket = 0;
      while (bucket < boundsNanos.length && nanos > boundsNanos[bucket]) {
        bucket++;
      }
      counts[bucket]++;
      sumSeconds += nanos / 1e9;
    }

    /** Durations recorded. */
    long count() {
      long count = 0;
      for (long c : counts) {
        count += c;
      }
      return count;
    }

    /** What a scrape shows of this histogram now. */
    HistogramDataPointSnapshot point(Labels labels) {
      return HistogramDataPointSnapshot.builder()
          .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds.clone(), counts.clone()))
          .sum(sumSeconds)
          .labels(labels)
          .build();
    }
  }

  /** The labels of an operation series. */
  static Labels labels(SeriesKey.Operation key) {
    return Labels.of(
        "service", key.service(),
        "span_name", key.operation(),
        "span_kind", "SPAN_KIND_" + key.kind().name(),
        "status_code", "STATUS_CODE_" + key.status().name());
  }

  /** The labels of an edge. */
  static Labels labels(SeriesKey.Edge key) {
    return Labels.of(
        "client", key.client(), "server", key.server(), "connection_type", key.connectionType());
  }

  /** Gathers one scrape's points, series by series, into the metrics that hold them. */
  static final class Scrape {
    private final CounterSnapshot.Builder calls = CounterSnapshot.builder()
        .name("traces_spanmetrics_calls").help("Spans by service, name, kind and status");
    private final HistogramSnapshot.Builder latency = HistogramSnapshot.builder()
        .name("traces_spanmetrics_latency")
        .help("Span durations in seconds by service, name, kind and status");
    private final CounterSnapshot.Builder requests = CounterSnapshot.builder()
        .name("traces_service_graph_request").help("Calls between two services");
    private final CounterSnapshot.Builder failed = CounterSnapshot.builder()
        .name("traces_service_graph_request_failed").help("Failed calls between two services");
    private final HistogramSnapshot.Builder server = HistogramSnapshot.builder()
        .name("traces_service_graph_request_server_seconds")
        .help("Call durations seen by the server, in seconds");
    private final HistogramSnapshot.Builder client = HistogramSnapshot.builder()
        .name("traces_service_graph_request_client_seconds")
        .help("Call durations seen by the client, in seconds");
    private final List<MetricSnapshot> counters = new ArrayList<>();

    /** An operation series: its spans, and their durations. */
    void operation(Labels labels, long spans, HistogramDataPointSnapshot durations) {
      calls.dataPoint(counter(labels, spans));
      latency.dataPoint(durations);
    }

    /** An edge: its calls, the failed ones, and their durations on each side. */
    void edge(Labels labels, long calls, long failedCalls, HistogramDataPointSnapshot serverSide,
        HistogramDataPointSnapshot clientSide) {
      requests.dataPoint(counter(labels, calls));
      failed.dataPoint(counter(labels, failedCalls));
      server.dataPoint(serverSide);
      client.dataPoint(clientSide);
    }

    /** A counter without labels. */
    void counter(String name, String help, long value) {
      counters.add(CounterSnapshot.builder().name(name).help(help)
          .dataPoint(counter(Labels.EMPTY, value)).build());
    }

    MetricSnapshots build() {
      List<MetricSnapshot> metrics = new ArrayList<>(counters);
      metrics.addAll(List.of(calls.build(), latency.build(), requests.build(), failed.build(),
          server.build(), client.build()));
      return new MetricSnapshots(metrics);
    }

    private static CounterDataPointSnapshot counter(Labels labels, long value) {
      return CounterDataPointSnapshot.builder().labels(labels).value((double) value).build();
    }
  }
}
