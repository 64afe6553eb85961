package dev.ariadne.benchmarks.load;

import java.util.List;

/**
 * One span of a synthetic trace, in the terms every wire format shares; {@link Format} turns a
 * batch of them into a request body. A {@code parentId} of 0 marks the root; {@code remoteService}
 * is the peer a client span calls (null otherwise); {@code errorMessage} is null unless the span
 * failed.
 */
record SyntheticSpan(
    long traceIdHigh,
    long traceIdLow,
    long spanId,
    long parentId,
    String service,
    String name,
    Kind kind,
    String remoteService,
    long startEpochNanos,
    long endEpochNanos,
    List<Attribute> attributes,
    List<Event> events,
    String errorMessage) {

  /** The span kinds the generator produces. */
  enum Kind {
    SERVER,
    CLIENT,
    INTERNAL
  }

  /** A typed attribute: the value is a String, Long, Double or Boolean. */
  record Attribute(String key, Object value) {}

  /** A timestamped event, an annotation in Zipkin's terms. */
  record Event(String name, long epochNanos, List<Attribute> attributes) {}

  boolean isError() {
    return errorMessage != null;
  }
}
