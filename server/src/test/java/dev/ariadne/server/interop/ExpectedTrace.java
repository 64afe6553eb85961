package dev.ariadne.server.interop;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a client sent, stated once in the terms of Ariadne's span model (the OpenTelemetry model):
 * each API's assertions derive from it the answer that API must give. Whatever the protocol
 * cannot carry is left out here by the client that builds the expectation, with a comment saying
 * so, so that the differences between protocols are written in one place per client.
 *
 * <p>Attribute values are {@link String}, {@link Boolean}, {@link Long}, {@link Double}, {@link
 * Bytes}, a {@link List} of values, or a {@link Map} of keys to values (insertion-ordered).
 */
record ExpectedTrace(String traceId, List<Span> spans) {
  ExpectedTrace {
    requireNonNull(traceId, "traceId");
    spans = List.copyOf(spans);
  }

  /** The trace ID as 32 hex digits: a 64-bit ID is left-padded, as the native API prints it. */
  String traceIdHex32() {
    return hex32(traceId);
  }

  /** As Jaeger and Zipkin print it: 16 hex digits when the high half is zero, else 32. */
  String traceIdAsZipkinAndJaegerPrintIt() {
    return asZipkinAndJaegerPrintIt(traceId);
  }

  static String hex32(String traceId) {
    return "0".repeat(32 - traceId.length()) + traceId.toLowerCase(Locale.ROOT);
  }

  static String asZipkinAndJaegerPrintIt(String traceId) {
    String padded = hex32(traceId);
    return padded.startsWith("0".repeat(16)) ? padded.substring(16) : padded;
  }

  /** The spans in the order of a timeline: by start, then by span ID (unsigned). */
  List<Span> spansInTimelineOrder() {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparingLong(Span::startEpochNanos)
        .thenComparing(span -> Long.parseUnsignedLong(span.spanId(), 16), Long::compareUnsigned));
    return sorted;
  }

  /** Bytes, by their base64 text (a record over an array would compare by identity). */
  record Bytes(String base64) {}

  record Attribute(String key, Object value) {
    Attribute {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
    }
  }

  record Event(long epochNanos, String name, List<Attribute> attributes) {
    Event {
      attributes = List.copyOf(attributes);
    }
  }

  /** A link; {@code followsFrom} marks the seed's FollowsFrom reference. */
  record Link(String traceId, String spanId, boolean followsFrom, List<Attribute> attributes) {
    Link {
      attributes = List.copyOf(attributes);
    }
  }

  /** The status code is {@code UNSET}, {@code OK} or {@code ERROR}; the message may be empty. */
  record Status(String code, String message) {
    static final Status UNSET = new Status("UNSET", "");

    static Status error(String message) {
      return new Status("ERROR", message);
    }
  }

  /** The instrumentation scope; both empty when the protocol does not say (Zipkin). */
  record Scope(String name, String version) {
    static final Scope UNKNOWN = new Scope("", "");
  }

  /**
   * One span as stored. {@code parentSpanId} is empty for a root; {@code kind} is the model's
   * ({@code SERVER}, {@code CLIENT}, {@code INTERNAL}, ...); the resource attributes include
   * {@code service.name}; {@code flags} is the OTLP flags word.
   */
  record Span(
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      String serviceName,
      long startEpochNanos,
      long endEpochNanos,
      List<Attribute> attributes,
      List<Event> events,
      List<Link> links,
      Status status,
      List<Attribute> resource,
      Scope scope,
      String traceState,
      int flags) {
    Span {
      attributes = List.copyOf(attributes);
      events = List.copyOf(events);
      links = List.copyOf(links);
      resource = List.copyOf(resource);
    }

    static SpanBuilder builder(String spanId) {
      return new SpanBuilder(spanId);
    }

    boolean isRoot() {
      return parentSpanId.isEmpty();
    }

    /** The resource attributes as a map, to tell one process from another. */
    Map<String, Object> resourceMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      resource.forEach(attribute -> map.put(attribute.key(), attribute.value()));
      return map;
    }
  }

  static final class SpanBuilder {
    private final String spanId;
    private String parentSpanId = "";
    private String name;
    private String kind;
    private String serviceName;
    private long start;
    private long end;
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private Status status = Status.UNSET;
    private final List<Attribute> resource = new ArrayList<>();
    private Scope scope = Scope.UNKNOWN;
    private String traceState = "";
    private int flags;

    private SpanBuilder(String spanId) {
      this.spanId = requireNonNull(spanId, "spanId");
    }

    SpanBuilder parent(String parentSpanId) {
      this.parentSpanId = requireNonNull(parentSpanId, "parentSpanId");
      return this;
    }

    SpanBuilder name(String name) {
      this.name = name;
      return this;
    }

    SpanBuilder kind(String kind) {
      this.kind = kind;
      return this;
    }

    /** The service; also the resource's {@code service.name}, which comes first. */
    SpanBuilder service(String serviceName) {
      this.serviceName = serviceName;
      resource.add(0, new Attribute("service.name", serviceName));
      return this;
    }

    SpanBuilder time(long startEpochNanos, long endEpochNanos) {
      this.start = startEpochNanos;
      this.end = endEpochNanos;
      return this;
    }

    SpanBuilder attribute(String key, Object value) {
      attributes.add(new Attribute(key, value));
      return this;
    }

    SpanBuilder event(long epochNanos, String name, Attribute... attributes) {
      events.add(new Event(epochNanos, name, List.of(attributes)));
      return this;
    }

    SpanBuilder link(String traceId, String spanId, boolean followsFrom, Attribute... attributes) {
      links.add(new Link(traceId, spanId, followsFrom, List.of(attributes)));
      return this;
    }

    SpanBuilder status(Status status) {
      this.status = status;
      return this;
    }

    SpanBuilder resourceAttribute(String key, Object value) {
      resource.add(new Attribute(key, value));
      return this;
    }

    SpanBuilder scope(String name, String version) {
      this.scope = new Scope(name, version);
      return this;
    }

    SpanBuilder traceState(String traceState) {
      this.traceState = traceState;
      return this;
    }

    SpanBuilder flags(int flags) {
      this.flags = flags;
      return this;
    }

    Span build() {
      return new Span(spanId, parentSpanId, requireNonNull(name, "name"),
          requireNonNull(kind, "kind"), requireNonNull(serviceName, "serviceName"), start, end,
          attributes, events, links, status, resource, scope, traceState, flags);
    }
  }
}
