package dev.ariadne.model;

import java.util.List;
import java.util.Objects;

/**
 * A link to another span. {@code followsFrom} marks a link that stands for the seed's FollowsFrom
 * reference (OTLP: the {@code opentracing.ref_type=follows_from} attribute; Jaeger: a FOLLOWS_FROM
 * reference), so it can be shown and re-encoded as one.
 */
public record Link(
    TraceId traceId,
    long spanId,
    String traceState,
    List<Attribute> attributes,
    int droppedAttributesCount,
    boolean followsFrom) {
  public Link {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(traceState, "traceState");
    attributes = List.copyOf(attributes);
  }
}
