package dev.ariadne.analytics;

import dev.ariadne.model.TraceId;
import java.util.List;
import java.util.Objects;

/**
 * One call from service {@code client} to service {@code server}, found by {@link ServiceGraph}:
 * what the aggregation of the service graph counts, per edge and time bucket.
 *
 * @param connectionType {@link #REQUEST}, {@link #MESSAGING_SYSTEM}, {@link #DATABASE} or
 *     {@link #VIRTUAL_NODE}, as Grafana Tempo's service graphs name them
 * @param traceId the trace of the calling span, for exemplars
 * @param startEpochNanos when the calling span started
 * @param clientDurationNanos the calling span's duration, or {@link #NOT_SEEN}
 * @param serverDurationNanos the called span's duration, or {@link #NOT_SEEN} when there is no
 *     called span (a peer that sends no spans)
 * @param failed true when the called span, or a calling CLIENT or PRODUCER span, has an ERROR
 *     status
 */
record Edge(
    String client,
    String server,
    String connectionType,
    TraceId traceId,
    long startEpochNanos,
    long clientDurationNanos,
    long serverDurationNanos,
    boolean failed) {

  /** A plain request: client/server spans, or a parent and child span in different services. */
  static final String REQUEST = "";
  /** From a PRODUCER span to a CONSUMER span. */
  static final String MESSAGING_SYSTEM = "messaging_system";
  /** To a database that sends no spans, known from a CLIENT span's {@code db.system}. */
  static final String DATABASE = "database";
  /** To a peer that sends no spans, known from a CLIENT or PRODUCER span's attributes. */
  static final String VIRTUAL_NODE = "virtual_node";
  /** Every connection type. */
  static final List<String> CONNECTION_TYPES =
      List.of(REQUEST, MESSAGING_SYSTEM, DATABASE, VIRTUAL_NODE);
    /** The duration of a side that was not seen. */
  static final long NOT_SEEN = -1;

  Edge {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(connectionType, "connectionType");
    Objects.requireNonNull(traceId, "traceId");
  }
}
