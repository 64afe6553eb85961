package dev.ariadne.analytics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Prometheus series of span metrics and of the service graph, named and labelled as Grafana
 * Tempo's metrics-generator names them, so that dashboards and Grafana's service graph built on
 * Tempo's metrics work unchanged: {@code traces_spanmetrics_calls_total} and {@code
 * traces_spanmetrics_latency} (seconds) by {@code service}, {@code span_name}, {@code span_kind},
 * {@code status_code}; {@code traces_service_graph_request_total}, {@code
 * traces_service_graph_request_failed_total}, {@code traces_service_graph_request_server_seconds}
 * and {@code traces_service_graph_request_client_seconds} by {@code client}, {@code server}, {@code
 * connection_type}. Callers bound the label sets (the series cap).
 */
final class PrometheusSeries {
  /** Tempo's default span-metrics histogram buckets, in seconds. */
  private static final double[] SPAN_BUCKETS = {
    0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384
  };
  /** Tempo's default service-graph histogram buckets, in seconds. */
  private static final double[] EDGE_BUCKETS = {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8};

  /** The meters of one span-metrics series. */
  record SpanMeters(Counter calls, DistributionSummary latency) {
    void record(long durationNanos) {
      calls.increment();
      latency.record(durationNanos / 1e9);
    }
  }

  /** The meters of one service-graph edge. */
  record EdgeMeters(
      Counter requests, Counter failed, DistributionSummary server, DistributionSummary client) {
    void record(long clientNanos, long serverNanos, boolean failed) {
      requests.increment();
      if (failed) {
        this.failed.increment();
      }
      if (serverNanos >= 0) {
        server.record(serverNanos / 1e9);
      }
      if (clientNanos >= 0) {
        client.record(clientNanos / 1e9);
      }
    }
  }

  private final MeterRegistry registry;

  PrometheusSeries(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Registers the meters of an operation series (or finds them, if registered before). The caller
   * keeps them, so that a span needs no lookup.
   */
  SpanMeters span(SeriesKey.Operation key) {
    String[] tags = {
      "service", key.service(),
      "span_name", key.operation(),
      "span_kind", "SPAN_KIND_" + key.kind().name(),
      "status_code", "STATUS_CODE_" + key.status().name()
    };
    return new SpanMeters(
        Counter.builder("traces.spanmetrics.calls").tags(tags)
            .description("Spans by service, name, kind and status").register(registry),
        DistributionSummary.builder("traces.spanmetrics.latency").tags(tags)
            .description("Span durations in seconds by service, name, kind and status")
            .serviceLevelObjectives(SPAN_BUCKETS).register(registry));
  }

  /** Registers the meters of an edge (or finds them, if registered before), for the caller to keep. */
  EdgeMeters edge(SeriesKey.Edge key) {
    String[] tags = {
      "client", key.client(), "server", key.server(), "connection_type", key.connectionType()
    };
    return new EdgeMeters(
        Counter.builder("traces.service_graph.request").tags(tags)
            .description("Calls between two services").register(registry),
        Counter.builder("traces.service_graph.request.failed").tags(tags)
            .description("Failed calls between two services").register(registry),
        DistributionSummary.builder("traces.service_graph.request.server.seconds").tags(tags)
            .description("Call durations seen by the server, in seconds")
            .serviceLevelObjectives(EDGE_BUCKETS).register(registry),
        DistributionSummary.builder("traces.service_graph.request.client.seconds").tags(tags)
            .description("Call durations seen by the client, in seconds")
            .serviceLevelObjectives(EDGE_BUCKETS).register(registry));
  }
}
