package dev.ariadne.server.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spans for the web UI's tests, written by hand and sent as OTLP/JSON to the server's OTLP HTTP
 * receiver, so that every value (including hostile ones) reaches storage exactly as given.
 */
final class TestTraces {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TestTraces() {}

  /** A span of trace {@code traceId} (32 hex digits), starting at epoch nanos, with a duration. */
  static SpanSpec span(
      String traceId, String spanId, String service, String name, long startNanos,
      long durationNanos) {
    return new SpanSpec(traceId, spanId, service, name, startNanos, startNanos + durationNanos);
  }

  /** Milliseconds as nanoseconds, the unit of span times. */
  static long ms(long millis) {
    return millis * 1_000_000L;
  }

  /** The epoch nanoseconds of now minus the given milliseconds: inside the UI's default range. */
  static long millisAgo(long millis) {
    return (System.currentTimeMillis() - millis) * 1_000_000L;
  }

  /** Sends the spans in one OTLP/JSON request and fails unless the server accepted all. */
  static void send(int otlpHttpPort, List<SpanSpec> spans)
      throws IOException, InterruptedException {
    Map<String, List<SpanSpec>> byService = new LinkedHashMap<>();
    for (SpanSpec span : spans) {
      byService.computeIfAbsent(span.service, s -> new ArrayList<>()).add(span);
    }
    ObjectNode request = JSON.createObjectNode();
    ArrayNode resourceSpans = request.putArray("resourceSpans");
    byService.forEach((service, serviceSpans) -> {
      ObjectNode resource = resourceSpans.addObject();
      attributes(resource.putObject("resource"), Map.of("service.name", service));
      ArrayNode out = resource.putArray("scopeSpans").addObject().putArray("spans");
      serviceSpans.forEach(span -> span.writeTo(out.addObject()));
    });
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlpHttpPort + "/v1/traces"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || response.body().contains("rejectedSpans")) {
      throw new IllegalStateException(
          "the server did not take the test spans: " + response.statusCode() + " "
              + response.body());
    }
  }

  private static void attributes(ObjectNode owner, Map<String, ?> attributes) {
    ArrayNode out = owner.putArray("attributes");
    attributes.forEach((key, value) -> {
      ObjectNode attribute = out.addObject();
      attribute.put("key", key);
      ObjectNode v = attribute.putObject("value");
      if (value instanceof Long || value instanceof Integer) {
        v.put("intValue", value.toString());
      } else if (value instanceof Double d) {
        v.put("doubleValue", d);
      } else if (value instanceof Boolean b) {
        v.put("boolValue", b);
      } else {
        v.put("stringValue", String.valueOf(value));
      }
    });
  }

  private record Event(String name, long epochNanos, Map<String, ?> attributes) {}

  private record Link(String traceId, String spanId, boolean followsFrom) {}

  /** One span being written; every method returns it for chaining. */
  static final class SpanSpec {
    private final String traceId;
    private final String spanId;
    private final String service;
    private final String name;
    private final long startNanos;
    private final long endNanos;
    private String parentSpanId;
    private String kind = "SPAN_KIND_INTERNAL";
    private String errorMessage;
    private int droppedAttributes;
    private int droppedEvents;
    private int droppedLinks;
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private final List<Event> events = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();

    private SpanSpec(
        String traceId, String spanId, String service, String name, long startNanos,
        long endNanos) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.service = service;
      this.name = name;
      this.startNanos = startNanos;
      this.endNanos = endNanos;
    }

    SpanSpec parent(String parentSpanId) {
      this.parentSpanId = parentSpanId;
      return this;
    }

    /** SERVER, CLIENT, PRODUCER, CONSUMER or INTERNAL. */
    SpanSpec kind(String kind) {
      this.kind = "SPAN_KIND_" + kind;
      return this;
    }

    /** A string, long, double or boolean attribute. */
    SpanSpec attribute(String key, Object value) {
      attributes.put(key, value);
      return this;
    }

    /** An event {@code offsetNanos} after the span's start. */
    SpanSpec event(String eventName, long offsetNanos, Map<String, ?> eventAttributes) {
      events.add(new Event(eventName, startNanos + offsetNanos, eventAttributes));
      return this;
    }

    /** Status ERROR with this message. */
    SpanSpec error(String message) {
      this.errorMessage = message;
      return this;
    }

    /** A FollowsFrom reference (an OTLP link marked {@code opentracing.ref_type=follows_from}). */
    SpanSpec followsFrom(String linkedTraceId, String linkedSpanId) {
      links.add(new Link(linkedTraceId, linkedSpanId, true));
      return this;
    }

    /** What the client says it dropped past its limits. */
    SpanSpec dropped(int attributes, int events, int links) {
      this.droppedAttributes = attributes;
      this.droppedEvents = events;
      this.droppedLinks = links;
      return this;
    }

    /** A plain link. */
    SpanSpec link(String linkedTraceId, String linkedSpanId) {
      links.add(new Link(linkedTraceId, linkedSpanId, false));
      return this;
    }

    String traceId() {
      return traceId;
    }

    String spanId() {
      return spanId;
    }

    private void writeTo(ObjectNode out) {
      out.put("traceId", traceId);
      out.put("spanId", spanId);
      if (parentSpanId != null) {
        out.put("parentSpanId", parentSpanId);
      }
      out.put("name", name);
      out.put("kind", kind);
      out.put("startTimeUnixNano", Long.toString(startNanos));
      out.put("endTimeUnixNano", Long.toString(endNanos));
      attributes(out, attributes);
      ArrayNode eventsOut = out.putArray("events");
      for (Event event : events) {
        ObjectNode e = eventsOut.addObject();
        e.put("name", event.name());
        e.put("timeUnixNano", Long.toString(event.epochNanos()));
        attributes(e, event.attributes());
      }
      ArrayNode linksOut = out.putArray("links");
      for (Link link : links) {
        ObjectNode l = linksOut.addObject();
        l.put("traceId", link.traceId());
        l.put("spanId", link.spanId());
        attributes(l,
            link.followsFrom() ? Map.of("opentracing.ref_type", "follows_from") : Map.of());
      }
      out.put("droppedAttributesCount", droppedAttributes);
      out.put("droppedEventsCount", droppedEvents);
      out.put("droppedLinksCount", droppedLinks);
      if (errorMessage != null) {
        out.putObject("status").put("code", "STATUS_CODE_ERROR").put("message", errorMessage);
      }
    }
  }
}
