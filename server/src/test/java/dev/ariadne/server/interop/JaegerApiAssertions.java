package dev.ariadne.server.interop;

import static dev.ariadne.server.interop.JsonAssert.NODES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the Jaeger API ({@code GET /api/traces/{id}}) must answer for a trace, in Jaeger's {@code
 * model/json} shape inside its envelope, as {@code docs/api.md} maps it:
 *
 * <ul>
 *   <li>times in microseconds; one process per distinct resource, {@code p1}, {@code p2}, ... in
 *       timeline order, its tags the resource attributes but {@code service.name};
 *   <li>the parent as the first reference, {@code CHILD_OF}, or {@code FOLLOWS_FROM} when the
 *       span only follows from it (a follows-from link to the parent, which is then not repeated);
 *       then every link as {@code FOLLOWS_FROM}. Jaeger cannot tell a plain link from the seed's
 *       FollowsFrom, and drops link attributes: both kinds of link look the same here;
 *   <li>attributes as typed tags ({@code string}, {@code bool}, {@code int64}, {@code float64},
 *       {@code binary}); arrays and maps, which Jaeger has no type for, as string tags holding
 *       their JSON;
 *   <li>kind, scope, status and trace state as the tags {@code span.kind}, {@code
 *       otel.scope.name}/{@code version}, {@code error} + {@code otel.status_code} + {@code
 *       otel.status_description}, {@code w3c.tracestate};
 *   <li>events as logs whose first field is {@code event} = the name;
 *   <li>a complete trace has no {@code warnings}, neither on the trace nor on a span.
 * </ul>
 *
 * <p>{@code flags} holds Jaeger's own bits: sampled ({@code 1}) from the W3C sampled bit, debug
 * ({@code 2}) from Zipkin's debug flag; nothing else of the stored flags word.
 */
final class JaegerApiAssertions {
  private JaegerApiAssertions() {}

  static void assertAnswersTrace(QueryClient.Answer answer, ExpectedTrace expected) {
    assertThat(answer.status()).as("status of GET /api/traces/{id}").isEqualTo(200);
    assertThat(answer.header("content-type")).startsWith("application/json");
    // Sorting key-value lists as sets would hide a log whose "event" field is not first.
    for (JsonNode span : answer.body().path("data").path(0).path("spans")) {
      for (JsonNode log : span.path("logs")) {
        assertThat(log.path("fields").path(0).path("key").asText())
            .as("first field of a log of span %s", span.path("spanID").asText())
            .isEqualTo("event");
      }
    }
    JsonAssert.assertSameJson("the Jaeger API's trace", answer.body(), envelope(expected));
  }

  static ObjectNode envelope(ExpectedTrace expected) {
    ObjectNode envelope = NODES.objectNode();
    ObjectNode trace = envelope.putArray("data").addObject();
    envelope.put("total", 1);
    envelope.put("limit", 0);
    envelope.put("offset", 0);
    envelope.putNull("errors");

    String traceId = expected.traceIdAsZipkinAndJaegerPrintIt();
    trace.put("traceID", traceId);
    Map<Map<String, Object>, String> processIds = new LinkedHashMap<>();
    Map<String, ExpectedTrace.Span> processes = new LinkedHashMap<>();
    ArrayNode spans = trace.putArray("spans");
    for (ExpectedTrace.Span span : expected.spansInTimelineOrder()) {
      String processId = processIds.computeIfAbsent(span.resourceMap(), resource -> {
        String id = "p" + (processIds.size() + 1);
        processes.put(id, span);
        return id;
      });
      spans.add(span(traceId, span, processId));
    }
    ObjectNode processNodes = trace.putObject("processes");
    processes.forEach((id, span) -> {
      ObjectNode process = processNodes.putObject(id);
      process.put("serviceName", span.serviceName());
      ArrayNode tags = process.putArray("tags");
      for (ExpectedTrace.Attribute attribute : span.resource()) {
        if (!attribute.key().equals("service.name")) {
          tag(attribute.key(), attribute.value(), tags);
        }
      }
    });
    return envelope;
  }

  private static ObjectNode span(String traceId, ExpectedTrace.Span expected, String processId) {
    ObjectNode span = NODES.objectNode();
    span.put("traceID", traceId);
    span.put("spanID", expected.spanId());
    boolean debug =
        expected.attributes().contains(new ExpectedTrace.Attribute("zipkin.debug", true));
    span.put("flags", (expected.flags() & 1) | (debug ? 2 : 0));
    span.put("operationName", expected.name());
    ArrayNode references = span.putArray("references");
    ExpectedTrace.Link followedParent = expected.links().stream()
        .filter(link -> link.followsFrom() && !expected.isRoot()
            && link.spanId().equals(expected.parentSpanId())
            && ExpectedTrace.asZipkinAndJaegerPrintIt(link.traceId()).equals(traceId))
        .findFirst()
        .orElse(null);
    if (!expected.isRoot()) {
      references.addObject().put("refType", followedParent != null ? "FOLLOWS_FROM" : "CHILD_OF")
          .put("traceID", traceId).put("spanID", expected.parentSpanId());
    }
    for (ExpectedTrace.Link link : expected.links()) {
      if (link.equals(followedParent)) continue;
      // Plain links and FollowsFrom alike; the link's attributes have no place in a reference.
      references.addObject().put("refType", "FOLLOWS_FROM")
          .put("traceID", ExpectedTrace.asZipkinAndJaegerPrintIt(link.traceId()))
          .put("spanID", link.spanId());
    }
    span.put("startTime", expected.startEpochNanos() / 1000);
    span.put("duration", (expected.endEpochNanos() - expected.startEpochNanos()) / 1000);
    ArrayNode tags = span.putArray("tags");
    for (ExpectedTrace.Attribute attribute : expected.attributes()) {
      tag(attribute.key(), attribute.value(), tags);
    }
    if (!expected.kind().equals("UNSPECIFIED")) {
      tag("span.kind", expected.kind().toLowerCase(Locale.ROOT), tags);
    }
    if (!expected.scope().name().isEmpty()) {
      tag("otel.scope.name", expected.scope().name(), tags);
    }
    if (!expected.scope().version().isEmpty()) {
      tag("otel.scope.version", expected.scope().version(), tags);
    }
    switch (expected.status().code()) {
      case "ERROR" -> {
        tag("error", true, tags);
        tag("otel.status_code", "ERROR", tags);
      }
      case "OK" -> tag("otel.status_code", "OK", tags);
      default -> {}
    }
    if (!expected.status().message().isEmpty()) {
      tag("otel.status_description", expected.status().message(), tags);
    }
    if (!expected.traceState().isEmpty()) {
      tag("w3c.tracestate", expected.traceState(), tags);
    }
    ArrayNode logs = span.putArray("logs");
    for (ExpectedTrace.Event event : expected.events()) {
      ObjectNode log = logs.addObject();
      log.put("timestamp", event.epochNanos() / 1000);
      ArrayNode fields = log.putArray("fields");
      tag("event", event.name(), fields);
      for (ExpectedTrace.Attribute attribute : event.attributes()) {
        tag(attribute.key(), attribute.value(), fields);
      }
    }
    span.put("processID", processId);
    return span;
  }

  /** A typed tag; a list or map becomes a string tag holding its JSON. */
  private static void tag(String key, Object value, ArrayNode tags) {
    ObjectNode tag = tags.addObject().put("key", key);
    if (value instanceof String text) {
      tag.put("type", "string").put("value", text);
    } else if (value instanceof Boolean bool) {
      tag.put("type", "bool").put("value", bool);
    } else if (value instanceof Long number) {
      tag.put("type", "int64").put("value", number);
    } else if (value instanceof Double number) {
      tag.put("type", "float64").put("value", number);
    } else if (value instanceof ExpectedTrace.Bytes bytes) {
      tag.put("type", "binary").put("value", bytes.base64());
    } else {
      tag.put("type", "string").put("value", JsonAssert.plainText(value));
    }
  }
}
