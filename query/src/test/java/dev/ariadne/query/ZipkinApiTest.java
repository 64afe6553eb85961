package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.BETWEEN_MICROSECONDS;
import static dev.ariadne.query.QueryFixtures.BETWEEN_MICROSECONDS_START;
import static dev.ariadne.query.QueryFixtures.HOUR;
import static dev.ariadne.query.QueryFixtures.RICH;
import static dev.ariadne.query.QueryFixtures.SUB_MICROSECOND;
import static dev.ariadne.query.QueryFixtures.SUB_MICROSECOND_START;
import static dev.ariadne.query.QueryFixtures.UNKNOWN;
import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.query.QueryFixtures.millis;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZipkinApiTest {
  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(QueryFixtures.storage());

  @RegisterExtension
  static final ServerExtension betweenMicrosecondsServer =
      QueryFixtures.server(QueryFixtures.betweenMicroseconds());

  /** The day from {@code TODAY}: spans from its first to its last microsecond, both included. */
  static final String DAY =
      "endTs=" + millis(TODAY + 24 * HOUR) + "&lookback=" + 24 * HOUR / MILLIS;
  static final String RICH_ID = RICH.toHex();

  @Test
  void listsServicesSpanNamesAndRemoteServices() {
    assertThat(json(get(server, "/api/v2/services")).toString())
        .isEqualTo("[\"cart\",\"frontend\",\"hostile\",\"payment\"]");
    assertThat(json(get(server, "/api/v2/spans?serviceName=frontend")).toString())
        .isEqualTo("[\"get /cart\",\"get /checkout\"]");
    assertThat(json(get(server, "/api/v2/remoteServices?serviceName=frontend")).toString())
        .isEqualTo("[\"cart\"]");
    assertThat(json(get(server, "/api/v2/remoteServices?serviceName=cart")).toString())
        .isEqualTo("[\"payment\"]");
    assertThat(json(get(server, "/api/v2/remoteServices?serviceName=payment")).toString())
        .isEqualTo("[]");
  }

  @Test
  void returnsTraceAsZipkinJson() {
    AggregatedHttpResponse response = get(server, "/api/v2/trace/" + RICH_ID);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode spans = json(response);
    assertThat(spans).hasSize(6);
    JsonNode root = byId(spans, "0000000000000001");
    assertThat(root.get("traceId").asText()).isEqualTo(RICH_ID);
    assertThat(root.has("parentId")).isFalse();
    assertThat(root.get("kind").asText()).isEqualTo("SERVER");
    assertThat(root.get("name").asText()).isEqualTo("get /checkout");
    assertThat(root.get("timestamp").asLong()).isEqualTo(TODAY / 1000);
    assertThat(root.get("duration").asLong()).isEqualTo(100_000);
    assertThat(root.get("localEndpoint").toString()).isEqualTo("{\"serviceName\":\"frontend\"}");
    assertThat(root.get("tags").get("http.response.status_code").asText()).isEqualTo("200");
    assertThat(root.get("tags").get("deployment.environment").asText()).isEqualTo("prod");

    JsonNode client = byId(spans, "0000000000000002");
    assertThat(client.get("parentId").asText()).isEqualTo("0000000000000001");
    assertThat(client.get("kind").asText()).isEqualTo("CLIENT");
    assertThat(client.get("remoteEndpoint").toString()).isEqualTo("{\"serviceName\":\"cart\"}");

    assertThat(byId(spans, "0000000000000003").get("annotations").toString()).isEqualTo(
        "[{\"timestamp\":" + (TODAY + 15 * MILLIS) / 1000 + ",\"value\":"
            + "\"\\\"cache.miss\\\":{\\\"cache.key\\\":\\\"cart:42\\\"}\"}]");
    assertThat(byId(spans, "0000000000000005").get("tags").get("error").asText())
        .isEqualTo("card declined");
  }

  @Test
  void saysHowCompleteATraceIsInHeaders() {
    AggregatedHttpResponse complete = get(server, "/api/v2/trace/" + RICH_ID);
    assertThat(complete.headers().get("ariadne-trace-complete")).isEqualTo("true");
    assertThat(complete.headers().get("ariadne-root-present")).isEqualTo("true");

    AggregatedHttpResponse incomplete = get(server, "/api/v2/trace/0000000000000abc");
    assertThat(incomplete.headers().get("ariadne-trace-complete")).isEqualTo("false");
    assertThat(incomplete.headers().get("ariadne-root-present")).isEqualTo("false");
    assertThat(incomplete.headers().get("ariadne-orphan-spans")).isEqualTo("1");
    assertThat(incomplete.headers().get("ariadne-clock-skew-spans")).isEqualTo("1");
    assertThat(json(incomplete).get(0).get("traceId").asText()).isEqualTo("0000000000000abc");
  }

  @Test
  void answersUnknownTraceWith404() {
    AggregatedHttpResponse response = get(server, "/api/v2/trace/" + UNKNOWN.toHex());

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(json(response).get("traceId").asText()).isEqualTo(UNKNOWN.toHex());
  }

  @Test
  void returnsManyTracesLeavingOutUnknownOnes() {
    JsonNode traces = json(get(server,
        "/api/v2/traceMany?traceIds=" + RICH_ID + ",abc," + UNKNOWN.toHex()));

    assertThat(traceIds(traces)).containsExactly(RICH_ID, "0000000000000abc");
  }

  @Test
  void searchesNewestFirst() {
    assertThat(traceIds(json(get(server, "/api/v2/traces?serviceName=cart&" + DAY))))
        .containsExactly("0000000000000abc", RICH_ID);
    assertThat(traceIds(json(get(server, "/api/v2/traces?serviceName=cart&limit=1&" + DAY))))
        .containsExactly("0000000000000abc");
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?serviceName=cart&spanName=GET%20%2Fcart&minDuration=40000&" + DAY))))
        .containsExactly("0000000000000abc");
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?serviceName=cart&maxDuration=30000&spanName=all&" + DAY))))
        .containsExactly("0000000000000abc", RICH_ID);
  }

  @Test
  void searchesTheMicrosecondsOfDurationItShows() {
    String search = "/api/v2/traces?serviceName=frontend&endTs="
        + millis(BETWEEN_MICROSECONDS_START) + "&lookback=1";
    String id = BETWEEN_MICROSECONDS.toHex();

    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&maxDuration=1500"))))
        .as("a span shown lasting 1500 us").containsExactly(id);
    assertThat(traceIds(json(get(betweenMicrosecondsServer,
        search + "&minDuration=1500&maxDuration=1500")))).containsExactly(id);
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&minDuration=1501"))))
        .isEmpty();
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&maxDuration=1499"))))
        .isEmpty();
  }

  @Test
  void findsASpanUnderAMicrosecondByTheDurationOfOneItShows() {
    String id = SUB_MICROSECOND.toHex();
    String search = "/api/v2/traces?serviceName=frontend&endTs=" + millis(SUB_MICROSECOND_START)
        + "&lookback=1";

    assertThat(json(get(betweenMicrosecondsServer, "/api/v2/trace/" + id)).get(0)
        .get("duration").asLong()).as("300 ns, shown as Zipkin shows it").isEqualTo(1);
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&minDuration=1"))))
        .containsExactly(id);
    assertThat(traceIds(json(get(betweenMicrosecondsServer,
        search + "&minDuration=1&maxDuration=1")))).containsExactly(id);
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&minDuration=2"))))
        .isEmpty();
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&maxDuration=0"))))
        .as("shown as 1, not 0").isEmpty();
  }

  @Test
  void searchesByAnnotationQuery() {
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?annotationQuery=http.route%3D%2Fcart&" + DAY))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?serviceName=payment&annotationQuery=error&" + DAY))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?annotationQuery=cache.miss%20and%20http.route%3D%2Fcart&" + DAY))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?serviceName=cart&annotationQuery=error&" + DAY))))
        .isEmpty();
  }

  @Test
  void searchesByTheTagsThatShowTheStatus() {
    String hour = "endTs=" + millis(TODAY + HOUR) + "&lookback=" + 2 * HOUR / MILLIS;

    assertThat(traceIds(json(get(server,
        "/api/v2/traces?annotationQuery=error%3Dcard%20declined&" + hour))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?annotationQuery=error%3Dinsufficient%20funds&" + hour))))
        .isEmpty();
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?annotationQuery=error%3Dtrue&" + hour))))
        .isEmpty();
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?serviceName=frontend&annotationQuery=otel.status_code%3DOK&" + hour))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?serviceName=cart&annotationQuery=otel.status_code%3DOK&" + hour))))
        .isEmpty();
    assertThat(traceIds(json(get(server, "/api/v2/traces?annotationQuery="
        + "otel.status_code%3DOK%20and%20error%3Dcard%20declined&" + hour))))
        .isEmpty();
  }

  @Test
  void parsesAnnotationQueryAsZipkin() {
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?annotationQuery=%20http.route%20%3D%20%2Fcart%20&" + DAY))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?annotationQuery=cache.miss%3D&" + DAY))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server,
        "/api/v2/traces?serviceName=payment&annotationQuery=error%3D%20&" + DAY))))
        .containsExactly(RICH_ID);
  }

  @Test
  void refusesATraceIdGivenTwice() {
    for (String ids : List.of(RICH_ID + "," + RICH_ID.toUpperCase(Locale.ROOT),
        "abc,0000000000000abc", "0000000000000abc,00000000000000000000000000000abc")) {
      AggregatedHttpResponse response = get(server, "/api/v2/traceMany?traceIds=" + ids);

      assertThat(response.status()).as(ids).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(json(response).get("parameter").asText()).isEqualTo("traceIds");
      assertThat(json(response).get("message").asText()).startsWith("traceIds: redundant traceId");
    }
  }

  @Test
  void refusesALookbackBelowOneMillisecondInOneWay() {
    for (String lookback : List.of("0", "-5", "soon")) {
      for (String path : List.of("/api/v2/traces?", "/api/v2/dependencies?endTs=1&")) {
        AggregatedHttpResponse response = get(server, path + "lookback=" + lookback);

        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json(response).get("message").asText())
            .isEqualTo("lookback: \"" + lookback + "\" (expected: an integer >= 1)");
      }
    }
  }

  @Test
  void searchesTheLastDayByDefault() {
    assertThat(traceIds(json(get(server, "/api/v2/traces?serviceName=frontend"))))
        .containsExactly(QueryFixtures.RECENT.toHex());
  }

  @Test
  void listsDependenciesWithErrorCounts() {
    assertThat(json(get(server, "/api/v2/dependencies?" + DAY)).toString()).isEqualTo(
        "[{\"parent\":\"cart\",\"child\":\"payment\",\"callCount\":2,\"errorCount\":1},"
            + "{\"parent\":\"frontend\",\"child\":\"cart\",\"callCount\":1}]");
  }

  @Test
  void autocompletesKeysAndValues() {
    assertThat(json(get(server, "/api/v2/autocompleteKeys")))
        .extracting(JsonNode::asText)
        .contains("http.route", "peer.service", "payment.amount")
        .doesNotContain("cache.key");
    assertThat(json(get(server, "/api/v2/autocompleteValues?key=http.route")).toString())
        .isEqualTo("[\"/cart\"]");
  }

  @Test
  void leavesPostToTheCollector() {
    AggregatedHttpResponse response = WebClient.of(server.httpUri())
        .post("/api/v2/spans", "[]").aggregate().join();

    assertThat(response.status()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
  }

  static JsonNode byId(JsonNode spans, String id) {
    for (JsonNode span : spans) {
      if (span.get("id").asText().equals(id)) {
        return span;
      }
    }
    throw new AssertionError("no span " + id + " in " + spans);
  }

  static List<String> traceIds(JsonNode traces) {
    List<String> ids = new ArrayList<>();
    traces.forEach(trace -> ids.add(trace.get(0).get("traceId").asText()));
    return ids;
  }
}
