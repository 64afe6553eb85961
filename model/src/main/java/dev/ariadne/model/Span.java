package dev.ariadne.model;

import java.util.List;
import java.util.Objects;

/**
 * One span as the server keeps it, whatever protocol it arrived in. Follows the OpenTelemetry data
 * model; {@code parentSpanId} is 0 for a root span, and times are nanoseconds since the epoch, as
 * received. Immutable.
 */
public record Span(
    TraceId traceId,
    long spanId,
    long parentSpanId,
    String name,
    SpanKind kind,
    long startEpochNanos,
    long endEpochNanos,
    Resource resource,
    Scope scope,
    List<Attribute> attributes,
    List<Event> events,
    List<Link> links,
    StatusCode statusCode,
    String statusMessage,
    String traceState,
    int flags,
    int droppedAttributesCount,
    int droppedEventsCount,
    int droppedLinksCount) {

  public Span {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(statusCode, "statusCode");
    Objects.requireNonNull(statusMessage, "statusMessage");
    Objects.requireNonNull(traceState, "traceState");
    attributes = List.copyOf(attributes);
    events = List.copyOf(events);
    links = List.copyOf(links);
  }

  public static Builder builder() {
    return new Builder();
  }

  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  public String serviceName() {
    return resource.serviceName();
  }

  /** Builds a {@link Span}; every field has an empty default except the IDs. */
  public static final class Builder {
    private TraceId traceId = new TraceId(0, 0);
    private long spanId;
    private long parentSpanId;
    private String name = "";
    private SpanKind kind = SpanKind.UNSPECIFIED;
    private long startEpochNanos;
    private long endEpochNanos;
    private Resource resource = new Resource(Resource.UNKNOWN_SERVICE, List.of(), 0);
    private Scope scope = Scope.UNKNOWN;
    private List<Attribute> attributes = List.of();
    private List<Event> events = List.of();
    private List<Link> links = List.of();
    private StatusCode statusCode = StatusCode.UNSET;
    private String statusMessage = "";
    private String traceState = "";
    private int flags;
    private int droppedAttributesCount;
    private int droppedEventsCount;
    private int droppedLinksCount;

    private Builder() {}

    public Builder traceId(TraceId traceId) {
      this.traceId = traceId;
      return this;
    }

    public Builder spanId(long spanId) {
      this.spanId = spanId;
      return this;
    }

    public Builder parentSpanId(long parentSpanId) {
      this.parentSpanId = parentSpanId;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder kind(SpanKind kind) {
      this.kind = kind;
      return this;
    }

    public Builder startEpochNanos(long startEpochNanos) {
      this.startEpochNanos = startEpochNanos;
      return this;
    }

    public Builder endEpochNanos(long endEpochNanos) {
      this.endEpochNanos = endEpochNanos;
      return this;
    }

    public Builder resource(Resource resource) {
      this.resource = resource;
      return this;
    }

    public Builder scope(Scope scope) {
      this.scope = scope;
      return this;
    }

    public Builder attributes(List<Attribute> attributes) {
      this.attributes = attributes;
      return this;
    }

    public Builder events(List<Event> events) {
      this.events = events;
      return this;
    }

    public Builder links(List<Link> links) {
      this.links = links;
      return this;
    }

    public Builder status(StatusCode code, String message) {
      this.statusCode = code;
      this.statusMessage = message;
      return this;
    }

    public Builder traceState(String traceState) {
      this.traceState = traceState;
      return this;
    }

    public Builder flags(int flags) {
      this.flags = flags;
      return this;
    }

    public Builder droppedAttributesCount(int count) {
      this.droppedAttributesCount = count;
      return this;
    }

    public Builder droppedEventsCount(int count) {
      this.droppedEventsCount = count;
      return this;
    }

    public Builder droppedLinksCount(int count) {
      this.droppedLinksCount = count;
      return this;
    }

    public Span build() {
      return new Span(
          traceId, spanId, parentSpanId, name, kind, startEpochNanos, endEpochNanos, resource, scope,
          attributes, events, links, statusCode, statusMessage, traceState, flags,
          droppedAttributesCount, droppedEventsCount, droppedLinksCount);
    }
  }
}
