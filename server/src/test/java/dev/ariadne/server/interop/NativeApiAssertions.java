package dev.ariadne.server.interop;

import static dev.ariadne.server.interop.JsonAssert.NODES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What Ariadne's own API ({@code GET /api/v1/traces/{id}}) must answer for a trace: the model as
 * stored, nothing dropped. Times are epoch nanoseconds as strings; attributes are typed ({@code
 * string}, {@code bool}, {@code int}, {@code double}, {@code bytes}, {@code array}, {@code map});
 * links keep their attributes and say whether they are the seed's FollowsFrom; the completeness
 * object says the root is present and nothing is orphaned. See {@code docs/api.md}.
 */
final class NativeApiAssertions {
  private NativeApiAssertions() {}

  static void assertAnswersTrace(QueryClient.Answer answer, ExpectedTrace expected) {
    assertThat(answer.status()).as("status of GET /api/v1/traces/{id}").isEqualTo(200);
    assertThat(answer.header("content-type")).startsWith("application/json");
    JsonAssert.assertSameJson("the native API's trace", answer.body(), trace(expected));
  }

  static ObjectNode trace(ExpectedTrace expected) {
    ObjectNode trace = NODES.objectNode();
    trace.put("traceId", expected.traceIdHex32());
    trace.put("spanCount", expected.spans().size());
    ObjectNode completeness = trace.putObject("completeness");
    completeness.put("complete", true);
    completeness.put("rootPresent", true);
    completeness.putArray("orphanSpanIds");
    completeness.putArray("cyclicSpanIds");
    completeness.putArray("clockSkew");
    completeness.putArray("duplicateSpanIds");
    completeness.putArray("collidingSpanIds");
    completeness.putArray("droppedSpans");
    completeness.put("unreadableSpans", 0);
    ArrayNode spans = trace.putArray("spans");
    expected.spansInTimelineOrder().forEach(span -> spans.add(span(span)));
    return trace;
  }

  private static ObjectNode span(ExpectedTrace.Span expected) {
    ObjectNode span = NODES.objectNode();
    span.put("spanId", expected.spanId());
    if (!expected.isRoot()) {
      span.put("parentSpanId", expected.parentSpanId());
    }
    span.put("name", expected.name());
    span.put("kind", expected.kind());
    span.put("serviceName", expected.serviceName());
    span.put("startEpochNanos", Long.toString(expected.startEpochNanos()));
    span.put("endEpochNanos", Long.toString(expected.endEpochNanos()));
    span.put("durationNanos", expected.endEpochNanos() - expected.startEpochNanos());
    ObjectNode status = span.putObject("status");
    status.put("code", expected.status().code());
    if (!expected.status().message().isEmpty()) {
      status.put("message", expected.status().message());
    }
    span.set("attributes", attributes(expected.attributes()));
    ArrayNode events = span.putArray("events");
    for (ExpectedTrace.Event expectedEvent : expected.events()) {
      ObjectNode event = events.addObject();
      event.put("epochNanos", Long.toString(expectedEvent.epochNanos()));
      event.put("name", expectedEvent.name());
      event.set("attributes", attributes(expectedEvent.attributes()));
    }
    ArrayNode links = span.putArray("links");
    for (ExpectedTrace.Link expectedLink : expected.links()) {
      ObjectNode link = links.addObject();
      link.put("traceId", ExpectedTrace.hex32(expectedLink.traceId()));
      link.put("spanId", expectedLink.spanId());
      link.put("followsFrom", expectedLink.followsFrom());
      link.set("attributes", attributes(expectedLink.attributes()));
    }
    span.putObject("resource").set("attributes", attributes(expected.resource()));
    ExpectedTrace.Scope scope = expected.scope();
    if (!scope.name().isEmpty() || !scope.version().isEmpty()) {
      ObjectNode scopeNode = span.putObject("scope");
      scopeNode.put("name", scope.name());
      scopeNode.put("version", scope.version());
      scopeNode.putArray("attributes");
    }
    if (!expected.traceState().isEmpty()) {
      span.put("traceState", expected.traceState());
    }
    span.put("flags", expected.flags());
    return span;
  }

  private static ArrayNode attributes(List<ExpectedTrace.Attribute> attributes) {
    ArrayNode list = NODES.arrayNode();
    for (ExpectedTrace.Attribute attribute : attributes) {
      ObjectNode entry = list.addObject();
      entry.put("key", attribute.key());
      typed(attribute.value(), entry);
    }
    return list;
  }

  /** The {@code type} and {@code value} fields of a typed value. */
  private static void typed(Object value, ObjectNode into) {
    if (value instanceof String text) {
      into.put("type", "string").put("value", text);
    } else if (value instanceof Boolean bool) {
      into.put("type", "bool").put("value", bool);
    } else if (value instanceof Long number) {
      into.put("type", "int").put("value", number);
    } else if (value instanceof Double number) {
      into.put("type", "double").put("value", number);
    } else if (value instanceof ExpectedTrace.Bytes bytes) {
      into.put("type", "bytes").put("value", bytes.base64());
    } else if (value instanceof List<?> list) {
      ArrayNode elements = into.put("type", "array").putArray("value");
      list.forEach(element -> typed(element, elements.addObject()));
    } else if (value instanceof Map<?, ?> map) {
      ArrayNode entries = into.put("type", "map").putArray("value");
      map.forEach((key, element) -> typed(element, entries.addObject().put("key", (String) key)));
    } else {
      throw new IllegalArgumentException("attribute value: " + value + " (expected: a string,"
          + " boolean, long, double, bytes, list or map)");
    }
  }
}
