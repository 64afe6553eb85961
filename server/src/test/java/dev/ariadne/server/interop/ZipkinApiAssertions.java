package dev.ariadne.server.interop;

import static dev.ariadne.server.interop.JsonAssert.NODES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the Zipkin API ({@code GET /api/v2/trace/{id}} on the Zipkin port) must answer for a trace:
 * Zipkin v2 JSON as the {@code ZipkinEncoder} maps the model ({@code
 * model/src/main/java/dev/ariadne/model/zipkin/package-info.java}).
 *
 * <ul>
 *   <li>times in microseconds; names and service names lower-cased; no kind for INTERNAL;
 *   <li>{@code service.name}, {@code host.ip} and {@code network.local.port} as the local endpoint,
 *       other resource attributes as tags; {@code peer.service}, {@code network.peer.address} and
 *       {@code network.peer.port} as the remote endpoint; {@code zipkin.debug} and {@code
 *       zipkin.shared} as {@code debug} and {@code shared} (Zipkin drops {@code shared} on a
 *       CLIENT span);
 *   <li>tags are strings only: every other attribute as its text, arrays and maps as JSON;
 *   <li>status ERROR as the tag {@code error} = the message, OK as {@code otel.status_code}; the
 *       scope as {@code otel.scope.name} and {@code otel.scope.version};
 *   <li>events as annotations, an event with attributes as {@code "name":{attributes}};
 *   <li>no links, trace state, flags or scope attributes: Zipkin v2 has no field for them, and
 *       since the whole span is compared, none may appear in any other guise;
 *   <li>completeness in the {@code ariadne-*} response headers, as Zipkin's JSON has no place.
 * </ul>
 */
final class ZipkinApiAssertions {
  private ZipkinApiAssertions() {}

  static void assertAnswersTrace(QueryClient.Answer answer, ExpectedTrace expected) {
    assertThat(answer.status()).as("status of GET /api/v2/trace/{id}").isEqualTo(200);
    assertThat(answer.header("content-type")).startsWith("application/json");
    assertThat(answer.header("ariadne-trace-complete")).isEqualTo("true");
    assertThat(answer.header("ariadne-root-present")).isEqualTo("true");
    assertThat(answer.header("ariadne-orphan-spans")).isEqualTo("0");
    assertThat(answer.header("ariadne-clock-skew-spans")).isEqualTo("0");
    // Zipkin fixes no order of a trace's spans: compare them ordered by ID and kind.
    JsonAssert.assertSameJson("the Zipkin API's trace", byIdAndKind(answer.body()),
        byIdAndKind(spans(expected)));
  }

  static ArrayNode spans(ExpectedTrace expected) {
    ArrayNode spans = NODES.arrayNode();
    String traceId = expected.traceIdAsZipkinAndJaegerPrintIt();
    expected.spans().forEach(span -> spans.add(span(traceId, span)));
    return spans;
  }

  private static ObjectNode span(String traceId, ExpectedTrace.Span expected) {
    ObjectNode span = NODES.objectNode();
    span.put("traceId", traceId);
    if (!expected.isRoot()) {
      span.put("parentId", expected.parentSpanId());
    }
    span.put("id", expected.spanId());
    if (!expected.kind().equals("INTERNAL") && !expected.kind().equals("UNSPECIFIED")) {
      span.put("kind", expected.kind());
    }
    span.put("name", expected.name().toLowerCase(Locale.ROOT));
    span.put("timestamp", expected.startEpochNanos() / 1000);
    long durationNanos = expected.endEpochNanos() - expected.startEpochNanos();
    if (durationNanos > 0) {
      span.put("duration", Math.max(1, durationNanos / 1000));
    }
    ObjectNode tags = NODES.objectNode();

    ObjectNode local = span.putObject("localEndpoint");
    local.put("serviceName", expected.serviceName().toLowerCase(Locale.ROOT));
    for (ExpectedTrace.Attribute attribute : expected.resource()) {
      switch (attribute.key()) {
        case "service.name" -> {}
        case "host.ip" -> local.put("ipv4", only(attribute.value()));
        case "network.local.port" -> local.put("port", (Long) attribute.value());
        default -> tags.put(attribute.key(), text(attribute.value()));
      }
    }
    ObjectNode remote = NODES.objectNode();
    for (ExpectedTrace.Attribute attribute : expected.attributes()) {
      switch (attribute.key()) {
        case "peer.service" -> remote.put("serviceName",
            ((String) attribute.value()).toLowerCase(Locale.ROOT));
        case "network.peer.address" -> remote.put("ipv4", (String) attribute.value());
        case "network.peer.port" -> remote.put("port", (Long) attribute.value());
        case "zipkin.debug" -> span.put("debug", (Boolean) attribute.value());
        case "zipkin.shared" -> {
          if (!expected.kind().equals("CLIENT")) {
            span.put("shared", (Boolean) attribute.value());
          }
        }
        default -> tags.put(attribute.key(), text(attribute.value()));
      }
    }
    if (!remote.isEmpty()) {
      span.set("remoteEndpoint", remote);
    }
    if (!expected.events().isEmpty()) {
      ArrayNode annotations = span.putArray("annotations");
      for (ExpectedTrace.Event event : expected.events()) {
        annotations.addObject()
            .put("timestamp", event.epochNanos() / 1000)
            .put("value", annotation(event));
      }
    }
    if (!expected.scope().name().isEmpty()) {
      tags.put("otel.scope.name", expected.scope().name());
      if (!expected.scope().version().isEmpty()) {
        tags.put("otel.scope.version", expected.scope().version());
      }
    }
    switch (expected.status().code()) {
      case "ERROR" -> tags.put("error",
          expected.status().message().isEmpty() ? "true" : expected.status().message());
      case "OK" -> tags.put("otel.status_code", "OK");
      default -> {}
    }
    if (!tags.isEmpty()) {
      span.set("tags", tags);
    }
    return span;
  }

  /** An attribute as Zipkin's string tag: scalars as Java prints them, lists and maps as JSON. */
  private static String text(Object value) {
    if (value instanceof ExpectedTrace.Bytes bytes) {
      return bytes.base64();
    } else if (value instanceof List<?> || value instanceof Map<?, ?>) {
      return JsonAssert.plainText(value);
    }
    return String.valueOf(value);
  }

  /** The event name, or {@code "name":{attributes as JSON}} as OpenTelemetry's exporter writes. */
  private static String annotation(ExpectedTrace.Event event) {
    if (event.attributes().isEmpty()) {
      return event.name();
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    event.attributes().forEach(attribute -> attributes.put(attribute.key(), attribute.value()));
    return JsonAssert.plainText(event.name()) + ":" + JsonAssert.plainText(attributes);
  }

  private static String only(Object ips) {
    List<?> list = (List<?>) ips;
    assertThat(list).as("host.ip of a client here: one IPv4 address").hasSize(1);
    return (String) list.get(0);
  }

  private static ArrayNode byIdAndKind(JsonNode spans) {
    assertThat(spans.isArray()).as("a JSON array of spans: %s", spans).isTrue();
    List<JsonNode> sorted = new ArrayList<>();
    spans.forEach(sorted::add);
    sorted.sort(Comparator.<JsonNode, String>comparing(span -> span.path("id").asText())
        .thenComparing(span -> span.path("kind").asText()));
    ArrayNode array = NODES.arrayNode();
    sorted.forEach(array::add);
    return array;
  }
}
