package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.HOUR;
import static dev.ariadne.query.QueryFixtures.INCOMPLETE;
import static dev.ariadne.query.QueryFixtures.RICH;
import static dev.ariadne.query.QueryFixtures.UNKNOWN;
import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NativeApiTest {
  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(QueryFixtures.storage());

  static final String DAY = "start=" + TODAY + "&end=" + (TODAY + 24 * HOUR);

  @Test
  void returnsTraceByIdWithEverySpanField() {
    AggregatedHttpResponse response = get(server, "/api/v1/traces/" + RICH.toHex());

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode trace = json(response);
    assertThat(trace.get("traceId").asText()).isEqualTo(RICH.toHex());
    assertThat(trace.get("spanCount").asInt()).isEqualTo(6);
    assertThat(spanIds(trace)).containsExactly("0000000000000001", "0000000000000002",
        "0000000000000003", "0000000000000004", "0000000000000005", "0000000000000006");

    JsonNode root = trace.get("spans").get(0);
    assertThat(root.has("parentSpanId")).isFalse();
    assertThat(root.get("name").asText()).isEqualTo("GET /checkout");
    assertThat(root.get("kind").asText()).isEqualTo("SERVER");
    assertThat(root.get("serviceName").asText()).isEqualTo("frontend");
    assertThat(root.get("startEpochNanos").asText()).isEqualTo(Long.toString(TODAY));
    assertThat(root.get("endEpochNanos").asText()).isEqualTo(Long.toString(TODAY + 100 * MILLIS));
    assertThat(root.get("durationNanos").asLong()).isEqualTo(100 * MILLIS);
    assertThat(root.get("status").toString()).isEqualTo("{\"code\":\"OK\"}");
    assertThat(root.get("attributes").toString()).isEqualTo("["
        + "{\"key\":\"http.request.method\",\"type\":\"string\",\"value\":\"GET\"},"
        + "{\"key\":\"http.response.status_code\",\"type\":\"int\",\"value\":200},"
        + "{\"key\":\"sampled\",\"type\":\"bool\",\"value\":true},"
        + "{\"key\":\"ratio\",\"type\":\"double\",\"value\":0.25},"
        + "{\"key\":\"blob\",\"type\":\"bytes\",\"value\":\"AQID\"},"
        + "{\"key\":\"list\",\"type\":\"array\",\"value\":"
        + "[{\"type\":\"string\",\"value\":\"a\"},{\"type\":\"int\",\"value\":2}]},"
        + "{\"key\":\"map\",\"type\":\"map\",\"value\":"
        + "[{\"key\":\"k\",\"type\":\"bool\",\"value\":true}]}]");
    assertThat(root.get("resource").toString()).isEqualTo("{\"attributes\":["
        + "{\"key\":\"service.name\",\"type\":\"string\",\"value\":\"frontend\"},"
        + "{\"key\":\"deployment.environment\",\"type\":\"string\",\"value\":\"prod\"}]}");
    assertThat(root.get("scope").toString())
        .isEqualTo("{\"name\":\"io.ariadne.test\",\"version\":\"1.2.3\",\"attributes\":[]}");
    assertThat(root.get("traceState").asText()).isEqualTo("vendor=x");
    assertThat(root.get("flags").asInt()).isEqualTo(1);
    assertThat(root.get("events")).isEmpty();
    assertThat(root.get("links")).isEmpty();
  }

  @Test
  void returnsEventsLinksAndErrorStatus() {
    JsonNode spans = json(get(server, "/api/v1/traces/" + RICH.toHex())).get("spans");

    JsonNode cart = spans.get(2);
    assertThat(cart.get("parentSpanId").asText()).isEqualTo("0000000000000002");
    assertThat(cart.get("events").toString()).isEqualTo("[{\"epochNanos\":\""
        + (TODAY + 15 * MILLIS) + "\",\"name\":\"cache.miss\",\"attributes\":"
        + "[{\"key\":\"cache.key\",\"type\":\"string\",\"value\":\"cart:42\"}]}]");
    assertThat(cart.get("links").toString()).isEqualTo("[{\"traceId\":"
        + "\"00000000000000770000000000000088\",\"spanId\":\"0000000000000099\","
        + "\"followsFrom\":false,\"attributes\":"
        + "[{\"key\":\"link.reason\",\"type\":\"string\",\"value\":\"batch\"}]}]");
    assertThat(spans.get(4).get("status").toString())
        .isEqualTo("{\"code\":\"ERROR\",\"message\":\"card declined\"}");
    JsonNode email = spans.get(5);
    assertThat(email.has("parentSpanId")).isFalse();
    assertThat(email.get("links").get(0).get("spanId").asText()).isEqualTo("0000000000000005");
    assertThat(email.get("links").get(0).get("followsFrom").asBoolean()).isTrue();
  }

  @Test
  void saysACompleteTraceIsComplete() {
    JsonNode completeness = json(get(server, "/api/v1/traces/" + RICH.toHex()))
        .get("completeness");

    assertThat(completeness.toString()).isEqualTo("{\"complete\":true,\"rootPresent\":true,"
        + "\"orphanSpanIds\":[],\"cyclicSpanIds\":[],\"clockSkew\":[],\"duplicateSpanIds\":[],"
        + "\"collidingSpanIds\":[],\"droppedSpans\":[],\"unreadableSpans\":0}");
  }

  @Test
  void reportsMissingRootOrphansClockSkewAndDuplicates() {
    JsonNode trace = json(get(server, "/api/v1/traces/" + INCOMPLETE.toHex()));

    assertThat(trace.get("completeness").toString()).isEqualTo("{\"complete\":false,"
        + "\"rootPresent\":false,\"orphanSpanIds\":[\"0000000000000010\"],\"cyclicSpanIds\":[],"
        + "\"clockSkew\":[{\"spanId\":\"0000000000000012\",\"parentSpanId\":\"0000000000000011\","
        + "\"startsBeforeParentNanos\":" + 2 * MILLIS + ",\"endsAfterParentNanos\":" + 5 * MILLIS
        + "}],\"duplicateSpanIds\":[\"0000000000000011\"],\"collidingSpanIds\":[],"
        + "\"droppedSpans\":[],\"unreadableSpans\":0}");
    assertThat(trace.get("spanCount").asInt()).isEqualTo(4);
    assertThat(trace.get("spans").get(1).get("startEpochNanos").asText())
        .as("times are shown as received")
        .isEqualTo(Long.toString(TODAY + HOUR + 3 * MILLIS));
  }

  @Test
  void acceptsShortAndUpperCaseTraceIds() {
    assertThat(get(server, "/api/v1/traces/ABC").status()).isEqualTo(HttpStatus.OK);
    assertThat(json(get(server, "/api/v1/traces/abc")).get("traceId").asText())
        .isEqualTo(INCOMPLETE.toHex());
  }

  @Test
  void answersUnknownTraceWith404() {
    AggregatedHttpResponse response = get(server, "/api/v1/traces/" + UNKNOWN.toHex());

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(json(response).toString()).isEqualTo("{\"status\":404,\"traceId\":\""
        + UNKNOWN.toHex() + "\",\"message\":\"trace " + UNKNOWN.toHex() + ": not found\"}");
  }

  @Test
  void searchesByEveryCriterion() {
    QueryParams params = QueryParams.builder()
        .add("service", "cart")
        .add("operation", "GET /cart")
        .add("spanKind", "server")
        .add("attribute", "http.route=/cart")
        .add("minDuration", "20ms")
        .add("maxDuration", "1s")
        .add("start", "2024-01-01T00:00:00Z")
        .add("end", Long.toString(TODAY + 24 * HOUR))
        .add("limit", "5")
        .build();

    JsonNode traces = json(get(server, "/api/v1/traces", params)).get("traces");

    assertThat(traces).hasSize(1);
    assertThat(traces.get(0).toString()).isEqualTo("{\"traceId\":\"" + RICH.toHex() + "\","
        + "\"rootPresent\":true,\"rootServiceName\":\"frontend\",\"rootSpanName\":"
        + "\"GET /checkout\",\"startEpochNanos\":\"" + TODAY + "\",\"durationNanos\":"
        + 100 * MILLIS + ",\"spanCount\":6,\"errorCount\":1,\"services\":["
        + "{\"serviceName\":\"cart\",\"spanCount\":2},"
        + "{\"serviceName\":\"frontend\",\"spanCount\":2},"
        + "{\"serviceName\":\"payment\",\"spanCount\":2}]}");
  }

  @Test
  void searchSummarySaysWhenTheRootIsMissing() {
    JsonNode traces = json(get(server, "/api/v1/traces?service=cart&" + DAY)).get("traces");

    assertThat(traces).hasSize(2);
    assertThat(traces.get(0).get("traceId").asText()).isEqualTo(INCOMPLETE.toHex());
    assertThat(traces.get(0).get("rootPresent").asBoolean()).isFalse();
    assertThat(traces.get(0).get("rootServiceName").isNull()).isTrue();
    assertThat(traces.get(1).get("traceId").asText()).isEqualTo(RICH.toHex());
  }

  @Test
  void searchExcludesTracesByDurationAndLimit() {
    assertThat(json(get(server, "/api/v1/traces?service=cart&minDuration=40ms&" + DAY))
        .get("traces")).hasSize(1);
    assertThat(json(get(server, "/api/v1/traces?service=cart&maxDuration=10us&" + DAY))
        .get("traces")).isEmpty();
    assertThat(json(get(server, "/api/v1/traces?limit=1&" + DAY)).get("traces")).hasSize(1);
  }

  @Test
  void searchesByTheStatusOfTheSpanThatMeetsTheOtherCriteria() {
    assertThat(json(get(server, "/api/v1/traces?service=payment&status=error&" + DAY))
        .get("traces").findValuesAsText("traceId")).containsExactly(RICH.toHex());
    assertThat(json(get(server, "/api/v1/traces?service=cart&status=ERROR&" + DAY))
        .get("traces")).isEmpty();
    assertThat(json(get(server, "/api/v1/traces?service=frontend&status=ok&" + DAY))
        .get("traces").findValuesAsText("traceId")).containsExactly(RICH.toHex());
    assertThat(json(get(server, "/api/v1/traces?status=unset&spanKind=client&service=frontend&"
        + DAY)).get("traces").findValuesAsText("traceId")).containsExactly(RICH.toHex());
    assertThat(json(get(server, "/api/v1/traces?status=failed")).get("message").asText())
        .isEqualTo("status: \"failed\" (expected: one of error, ok, unset)");
    assertThat(json(get(server, "/api/v1/traces?spanKind=Sideways")).get("message").asText())
        .isEqualTo("spanKind: \"Sideways\" (expected: one of server, client, producer, consumer,"
            + " internal)");
  }

  @Test
  void searchDefaultsToTheLastDay() {
    JsonNode traces = json(get(server, "/api/v1/traces?service=frontend")).get("traces");

    assertThat(traces).hasSize(1);
    assertThat(traces.get(0).get("traceId").asText())
        .isEqualTo(QueryFixtures.RECENT.toHex());
  }

  @Test
  void listsServicesAndOperations() {
    assertThat(json(get(server, "/api/v1/services")).toString())
        .isEqualTo("{\"services\":[\"cart\",\"frontend\",\"hostile\",\"payment\"]}");
    assertThat(json(get(server, "/api/v1/services/frontend/operations")).toString())
        .isEqualTo("{\"operations\":[{\"name\":\"GET /cart\",\"spanKind\":\"CLIENT\"},"
            + "{\"name\":\"GET /checkout\",\"spanKind\":\"SERVER\"}]}");
    assertThat(json(get(server, "/api/v1/services/nobody/operations")).toString())
        .isEqualTo("{\"operations\":[]}");
  }

  @Test
  void listsAttributeKeysAndValues() {
    assertThat(json(get(server, "/api/v1/attributes/keys?service=cart")).toString())
        .isEqualTo("{\"keys\":[\"cache.hit\",\"http.route\",\"peer.service\","
            + "\"service.name\"]}");
    assertThat(json(get(server, "/api/v1/attributes/keys?limit=2")).get("keys")).hasSize(2);
    assertThat(json(get(server,
        "/api/v1/attributes/values?key=http.request.method&service=frontend")).toString())
        .isEqualTo("{\"values\":[\"GET\"]}");
    assertThat(json(get(server, "/api/v1/attributes/values?key=service.name")).get("values"))
        .hasSize(4);
  }

  @Test
  void listsDependenciesFromStorageWithoutAnalytics() {
    JsonNode map = json(get(server, "/api/v1/dependencies?" + DAY));

    assertThat(map.get("source").asText()).isEqualTo("storage");
    assertThat(map.get("links").toString()).isEqualTo("["
        + "{\"parent\":\"cart\",\"child\":\"payment\",\"connectionType\":null,"
        + "\"callCount\":2,\"errorCount\":1,\"p50\":null,\"p95\":null,\"p99\":null},"
        + "{\"parent\":\"frontend\",\"child\":\"cart\",\"connectionType\":null,"
        + "\"callCount\":1,\"errorCount\":0,\"p50\":null,\"p95\":null,\"p99\":null}]");
    assertThat(map.get("nodes").toString()).isEqualTo("["
        + "{\"name\":\"cart\",\"kind\":\"service\"},"
        + "{\"name\":\"frontend\",\"kind\":\"service\"},"
        + "{\"name\":\"payment\",\"kind\":\"service\"}]");
  }

  static List<String> spanIds(JsonNode trace) {
    List<String> ids = new ArrayList<>();
    trace.get("spans").forEach(span -> ids.add(span.get("spanId").asText()));
    return ids;
  }
}
