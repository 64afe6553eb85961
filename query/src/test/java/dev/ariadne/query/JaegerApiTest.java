package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.BETWEEN_MICROSECONDS;
import static dev.ariadne.query.QueryFixtures.BETWEEN_MICROSECONDS_START;
import static dev.ariadne.query.QueryFixtures.HOUR;
import static dev.ariadne.query.QueryFixtures.INCOMPLETE;
import static dev.ariadne.query.QueryFixtures.RECENT;
import static dev.ariadne.query.QueryFixtures.RICH;
import static dev.ariadne.query.QueryFixtures.SUB_MICROSECOND;
import static dev.ariadne.query.QueryFixtures.SUB_MICROSECOND_START;
import static dev.ariadne.query.QueryFixtures.UNKNOWN;
import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.query.QueryFixtures.micros;
import static dev.ariadne.query.QueryFixtures.millis;
import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JaegerApiTest {
  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(QueryFixtures.storage());

  static final String DAY =
      "start=" + micros(TODAY) + "&end=" + micros(TODAY + 24 * HOUR) + "&lookback=custom";
  static final String RICH_ID = "463ac35c9f6413ad48485a3953bb6124";

  static final TraceId OPEN_TRACING = new TraceId(0x5L, 0x6L);

  @RegisterExtension
  static final ServerExtension betweenMicrosecondsServer =
      QueryFixtures.server(QueryFixtures.betweenMicroseconds());

  /** A trace as the OpenTracing shim and jaeger-client send one; see {@link #openTracing()}. */
  @RegisterExtension
  static final ServerExtension openTracingServer = QueryFixtures.server(openTracing());

  /**
   * <pre>
   * 1 frontend SERVER "GET /checkout"  0..100 ms  a log with the fields event=cache.miss, key=k1
   * 2 frontend INTERNAL "send receipt" 50..60 ms follows from 1 alone: parent 1, and a
   *                                                follows-from link to 1
   * 3 frontend INTERNAL "audit"        60..70 ms  child of 1, and a plain link to 1; the client
   *                                               dropped 1 attribute, 3 events and 2 links
   * </pre>
   */
  static MemoryStorage openTracing() {
    MemoryStorage storage = MemoryStorage.create(100);
    Link toRoot = new Link(OPEN_TRACING, 1, "", List.of(), 0, true);
    storage.write(List.of(
        span(OPEN_TRACING, 1, 0, FRONTEND, "GET /checkout", SpanKind.SERVER, TODAY, 100 * MILLIS)
            .events(List.of(new Event(TODAY + MILLIS, "cache.miss",
                List.of(Attribute.of("event", "cache.miss"), Attribute.of("key", "k1")), 0)))
            .build(),
        span(OPEN_TRACING, 2, 1, FRONTEND, "send receipt", SpanKind.INTERNAL, TODAY + 50 * MILLIS,
            10 * MILLIS).links(List.of(toRoot)).build(),
        span(OPEN_TRACING, 3, 1, FRONTEND, "audit", SpanKind.INTERNAL, TODAY + 60 * MILLIS,
            10 * MILLIS).links(List.of(new Link(OPEN_TRACING, 1, "", List.of(), 0, false)))
            .droppedAttributesCount(1).droppedEventsCount(3).droppedLinksCount(2).build()));
    return storage;
  }

  @Test
  void aSpanThatOnlyFollowsFromItsParentHasOneReferenceFollowsFromAsJaegerShowsIt() {
    JsonNode spans = json(get(openTracingServer, "/api/traces/" + hex(OPEN_TRACING)))
        .get("data").get(0).get("spans");
    String root = "{\"refType\":\"%s\",\"traceID\":\"" + hex(OPEN_TRACING)
        + "\",\"spanID\":\"0000000000000001\"}";

    assertThat(spans.get(1).get("operationName").asText()).isEqualTo("send receipt");
    assertThat(spans.get(1).get("references").toString())
        .isEqualTo("[" + root.formatted("FOLLOWS_FROM") + "]");
    assertThat(spans.get(2).get("operationName").asText()).isEqualTo("audit");
    assertThat(spans.get(2).get("references").toString())
        .as("a plain link to the parent leaves the parent a CHILD_OF")
        .isEqualTo("[" + root.formatted("CHILD_OF") + "," + root.formatted("FOLLOWS_FROM") + "]");
  }

  @Test
  void aSpansWarningsCountWhatTheClientOrTheCollectorDroppedInWords() {
    JsonNode audit = json(get(openTracingServer, "/api/traces/" + hex(OPEN_TRACING)))
        .get("data").get(0).get("spans").get(2);

    assertThat(audit.get("warnings").toString()).isEqualTo("["
        + "\"1 attribute dropped by the client or the collector\","
        + "\"3 events dropped by the client or the collector\","
        + "\"2 links dropped by the client or the collector\"]");
  }

  @Test
  void anEventFieldThatRepeatsTheNameIsWrittenOnce() {
    JsonNode root = json(get(openTracingServer, "/api/traces/" + hex(OPEN_TRACING)))
        .get("data").get(0).get("spans").get(0);

    assertThat(root.get("logs").get(0).get("fields").toString()).isEqualTo("["
        + "{\"key\":\"event\",\"type\":\"string\",\"value\":\"cache.miss\"},"
        + "{\"key\":\"key\",\"type\":\"string\",\"value\":\"k1\"}]");
  }

  private static String hex(TraceId traceId) {
    return "%016x%016x".formatted(traceId.high(), traceId.low());
  }

  @Test
  void listsServicesInTheEnvelope() {
    assertThat(json(get(server, "/api/services")).toString()).isEqualTo(
        "{\"data\":[\"cart\",\"frontend\",\"hostile\",\"payment\"],"
            + "\"total\":4,\"limit\":0,\"offset\":0,\"errors\":null}");
  }

  @Test
  void listsOperationNamesOfAService() {
    assertThat(json(get(server, "/api/services/frontend/operations")).get("data").toString())
        .isEqualTo("[\"GET /cart\",\"GET /checkout\"]");
  }

  @Test
  void listsOperationsWithSpanKind() {
    assertThat(json(get(server, "/api/operations?service=frontend")).toString()).isEqualTo(
        "{\"data\":[{\"name\":\"GET /cart\",\"spanKind\":\"client\"},"
            + "{\"name\":\"GET /checkout\",\"spanKind\":\"server\"}],"
            + "\"total\":2,\"limit\":0,\"offset\":0,\"errors\":null}");
    assertThat(json(get(server, "/api/operations?service=frontend&spanKind=server"))
        .get("data").toString())
        .isEqualTo("[{\"name\":\"GET /checkout\",\"spanKind\":\"server\"}]");
  }

  @Test
  void returnsTraceWithProcessesAndReferences() {
    JsonNode response = json(get(server, "/api/traces/" + RICH_ID));

    assertThat(response.get("total").asInt()).isEqualTo(1);
    assertThat(response.get("errors").isNull()).isTrue();
    JsonNode trace = response.get("data").get(0);
    assertThat(trace.get("traceID").asText()).isEqualTo(RICH_ID);
    assertThat(trace.has("warnings")).isFalse();
    assertThat(trace.get("processes").toString()).isEqualTo("{"
        + "\"p1\":{\"serviceName\":\"frontend\",\"tags\":"
        + "[{\"key\":\"deployment.environment\",\"type\":\"string\",\"value\":\"prod\"}]},"
        + "\"p2\":{\"serviceName\":\"cart\",\"tags\":[]},"
        + "\"p3\":{\"serviceName\":\"payment\",\"tags\":[]}}");
    JsonNode spans = trace.get("spans");
    assertThat(spans).hasSize(6);
    JsonNode root = spans.get(0);
    assertThat(root.get("traceID").asText()).isEqualTo(RICH_ID);
    assertThat(root.get("spanID").asText()).isEqualTo("0000000000000001");
    assertThat(root.get("flags").asInt()).isEqualTo(1);
    assertThat(root.get("operationName").asText()).isEqualTo("GET /checkout");
    assertThat(root.get("references")).isEmpty();
    assertThat(root.get("startTime").asLong()).isEqualTo(TODAY / 1000);
    assertThat(root.get("duration").asLong()).isEqualTo(100_000);
    assertThat(root.get("processID").asText()).isEqualTo("p1");
    assertThat(root.get("logs")).isEmpty();
    assertThat(root.has("warnings")).isFalse();

    assertThat(spans.get(2).get("references").toString()).isEqualTo("["
        + "{\"refType\":\"CHILD_OF\",\"traceID\":\"" + RICH_ID
        + "\",\"spanID\":\"0000000000000002\"},"
        + "{\"refType\":\"FOLLOWS_FROM\",\"traceID\":\"00000000000000770000000000000088\","
        + "\"spanID\":\"0000000000000099\"}]");
    assertThat(spans.get(2).get("processID").asText()).isEqualTo("p2");
    assertThat(spans.get(5).get("references").toString()).isEqualTo("[{\"refType\":"
        + "\"FOLLOWS_FROM\",\"traceID\":\"" + RICH_ID + "\",\"spanID\":\"0000000000000005\"}]");
  }

  @Test
  void writesTypedTagsAndStatus() {
    JsonNode spans = json(get(server, "/api/traces/" + RICH_ID)).get("data").get(0).get("spans");

    assertThat(spans.get(0).get("tags").toString()).isEqualTo("["
        + "{\"key\":\"http.request.method\",\"type\":\"string\",\"value\":\"GET\"},"
        + "{\"key\":\"http.response.status_code\",\"type\":\"int64\",\"value\":200},"
        + "{\"key\":\"sampled\",\"type\":\"bool\",\"value\":true},"
        + "{\"key\":\"ratio\",\"type\":\"float64\",\"value\":0.25},"
        + "{\"key\":\"blob\",\"type\":\"binary\",\"value\":\"AQID\"},"
        + "{\"key\":\"list\",\"type\":\"string\",\"value\":\"[\\\"a\\\",2]\"},"
        + "{\"key\":\"map\",\"type\":\"string\",\"value\":\"{\\\"k\\\":true}\"},"
        + "{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"server\"},"
        + "{\"key\":\"otel.scope.name\",\"type\":\"string\",\"value\":\"io.ariadne.test\"},"
        + "{\"key\":\"otel.scope.version\",\"type\":\"string\",\"value\":\"1.2.3\"},"
        + "{\"key\":\"otel.status_code\",\"type\":\"string\",\"value\":\"OK\"},"
        + "{\"key\":\"w3c.tracestate\",\"type\":\"string\",\"value\":\"vendor=x\"}]");
    assertThat(spans.get(4).get("tags").toString()).isEqualTo("["
        + "{\"key\":\"payment.amount\",\"type\":\"float64\",\"value\":12.5},"
        + "{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"server\"},"
        + "{\"key\":\"error\",\"type\":\"bool\",\"value\":true},"
        + "{\"key\":\"otel.status_code\",\"type\":\"string\",\"value\":\"ERROR\"},"
        + "{\"key\":\"otel.status_description\",\"type\":\"string\",\"value\":\"card declined\"}]");
  }

  @Test
  void writesEventsAsLogsWithFields() {
    JsonNode cart = json(get(server, "/api/traces/" + RICH_ID)).get("data").get(0).get("spans")
        .get(2);

    assertThat(cart.get("logs").toString()).isEqualTo("[{\"timestamp\":"
        + (TODAY + 15 * MILLIS) / 1000 + ",\"fields\":["
        + "{\"key\":\"event\",\"type\":\"string\",\"value\":\"cache.miss\"},"
        + "{\"key\":\"cache.key\",\"type\":\"string\",\"value\":\"cart:42\"}]}]");
  }

  @Test
  void putsCompletenessIntoWarnings() {
    JsonNode trace = json(get(server, "/api/traces/abc")).get("data").get(0);

    assertThat(trace.get("traceID").asText()).isEqualTo("0000000000000abc");
    assertThat(trace.get("warnings").toString()).isEqualTo("["
        + "\"root span missing: no span without a parent was received\","
        + "\"1 orphan span, whose parent was never received: 0000000000000010\","
        + "\"1 span starts before or ends after its parent (possible clock skew; times are"
        + " shown as received): 0000000000000012\","
        + "\"1 span ID received more than once: 0000000000000011\"]");
    JsonNode spans = trace.get("spans");
    assertThat(spans.get(0).get("warnings").toString())
        .isEqualTo("[\"parent span 0000000000000001 was never received\"]");
    assertThat(spans.get(1).get("warnings").toString()).isEqualTo("["
        + "\"starts 2ms before its parent 0000000000000011 (possible clock skew; times are shown"
        + " as received)\",\"ends 5ms after its parent 0000000000000011 (possible clock skew;"
        + " times are shown as received)\"]");
    assertThat(spans.get(1).get("startTime").asLong())
        .isEqualTo((TODAY + HOUR + 3 * MILLIS) / 1000);
    assertThat(spans.get(2).get("warnings").toString())
        .isEqualTo("[\"span received more than once\"]");
  }

  @Test
  void answersUnknownTraceWith404InTheEnvelope() {
    AggregatedHttpResponse response = get(server, "/api/traces/" + UNKNOWN.toHex());

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(json(response).toString()).isEqualTo("{\"data\":null,\"total\":0,\"limit\":0,"
        + "\"offset\":0,\"errors\":[{\"code\":404,\"msg\":\"trace " + UNKNOWN.toHex()
        + ": not found\",\"traceID\":\"" + UNKNOWN.toHex() + "\"}]}");
  }

  @Test
  void searchesByServiceOperationTagsAndDuration() {
    QueryParams params = QueryParams.builder()
        .add("service", "cart")
        .add("operation", "GET /cart")
        .add("tags", "{\"http.route\":\"/cart\"}")
        .add("minDuration", "20ms")
        .add("maxDuration", "1.5s")
        .add("start", micros(TODAY))
        .add("end", micros(TODAY + 24 * HOUR))
        .add("lookback", "custom")
        .add("limit", "20")
        .build();

    JsonNode response = json(get(server, "/api/traces", params));

    assertThat(traceIds(response)).containsExactly(RICH_ID);
    assertThat(response.get("data").get(0).get("spans")).hasSize(6);
    assertThat(response.get("errors").isNull()).isTrue();
  }

  @Test
  void searchesByTypedTagsAsText() {
    assertThat(traceIds(json(get(server, "/api/traces?service=frontend&" + DAY + "&tags="
        + "%7B%22http.response.status_code%22%3A200%2C%22sampled%22%3Atrue%7D"))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=payment&tag=payment.amount:12.5&"
        + DAY)))).containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=payment&tag=payment.amount:12&"
        + DAY)))).isEmpty();
  }

  @Test
  void searchesTheStatusTagsItShowsByTheStatus() {
    assertThat(traceIds(json(get(server, "/api/traces?service=payment&" + DAY
        + "&tags=%7B%22error%22%3A%22true%22%7D")))).containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=payment&tag=error:true&" + DAY))))
        .containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=cart&" + DAY
        + "&tags=%7B%22error%22%3Atrue%7D")))).as("no failed span in the cart").isEmpty();
    assertThat(traceIds(json(get(server, "/api/traces?service=frontend&" + DAY
        + "&tags=%7B%22otel.status_code%22%3A%22OK%22%7D")))).containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=payment&" + DAY
        + "&tags=%7B%22otel.status_code%22%3A%22OK%22%7D")))).isEmpty();
  }

  @Test
  void searchesTheSpanKindTagItShowsByTheKind() {
    assertThat(traceIds(json(get(server, "/api/traces?service=cart&tag=span.kind:client&" + DAY))))
        .as("both traces have the cart's client span").containsExactly("0000000000000abc", RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=frontend&tag=span.kind:server&"
        + "tag=http.request.method:GET&" + DAY)))).containsExactly(RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=payment&tag=span.kind:client&"
        + DAY)))).isEmpty();
  }

  @Test
  void searchesTheMicrosecondsItShowsBothEndsIncluded() {
    String at = micros(BETWEEN_MICROSECONDS_START);
    String search = "/api/traces?service=frontend&lookback=custom&start=" + at + "&end=" + at;

    assertThat(traceIds(json(get(betweenMicrosecondsServer, search))))
        .as("a span shown starting at the end's microsecond")
        .containsExactly(hex(BETWEEN_MICROSECONDS));
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&maxDuration=1500us"))))
        .as("a span shown lasting 1500 us").containsExactly(hex(BETWEEN_MICROSECONDS));
    assertThat(traceIds(json(get(betweenMicrosecondsServer,
        search + "&minDuration=1500us&maxDuration=1500.9us"))))
        .containsExactly(hex(BETWEEN_MICROSECONDS));
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&minDuration=1500.1us"))))
        .isEmpty();
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&maxDuration=1499us"))))
        .isEmpty();
  }

  @Test
  void searchesASpanUnderAMicrosecondByTheDurationOfZeroItShows() {
    String id = hex(SUB_MICROSECOND);
    String at = micros(SUB_MICROSECOND_START);
    String search = "/api/traces?service=frontend&lookback=custom&start=" + at + "&end=" + at;

    assertThat(json(get(betweenMicrosecondsServer, "/api/traces/" + id)).get("data").get(0)
        .get("spans").get(0).get("duration").asLong()).as("300 ns in whole µs").isZero();
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&maxDuration=0us"))))
        .containsExactly(id);
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&maxDuration=300ns"))))
        .containsExactly(id);
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&minDuration=1us"))))
        .as("shown as 0 µs").isEmpty();
    assertThat(traceIds(json(get(betweenMicrosecondsServer, search + "&minDuration=300ns"))))
        .as("shown as 0 µs, less than 0.3").isEmpty();
  }

  @Test
  void searchesNewestFirstWithinLimit() {
    assertThat(traceIds(json(get(server, "/api/traces?service=cart&" + DAY))))
        .containsExactly("0000000000000abc", RICH_ID);
    assertThat(traceIds(json(get(server, "/api/traces?service=cart&limit=1&" + DAY))))
        .containsExactly("0000000000000abc");
  }

  @Test
  void searchLooksBackFromNow() {
    assertThat(traceIds(json(get(server, "/api/traces?service=frontend&lookback=1h"))))
        .containsExactly(RECENT.toHex());
    assertThat(traceIds(json(get(server, "/api/traces?service=frontend&lookback=1m"))))
        .isEmpty();
    assertThat(traceIds(json(get(server, "/api/traces?service=frontend"))))
        .containsExactly(RECENT.toHex());
  }

  @Test
  void searchesByTraceIdsAndReportsUnknownOnes() {
    JsonNode response = json(get(server,
        "/api/traces?traceID=" + RICH_ID + "&traceID=abc&traceID=" + UNKNOWN.toHex()));

    assertThat(traceIds(response)).containsExactly(RICH_ID, "0000000000000abc");
    assertThat(response.get("errors").toString()).isEqualTo("[{\"code\":404,\"msg\":"
        + "\"trace not found\",\"traceID\":\"" + UNKNOWN.toHex() + "\"}]");
  }

  @Test
  void listsDependencies() {
    String range = "endTs=" + millis(TODAY + 24 * HOUR) + "&lookback=" + 24 * HOUR / MILLIS;

    assertThat(json(get(server, "/api/dependencies?" + range)).toString()).isEqualTo(
        "{\"data\":[{\"parent\":\"cart\",\"child\":\"payment\",\"callCount\":2},"
            + "{\"parent\":\"frontend\",\"child\":\"cart\",\"callCount\":1}],"
            + "\"total\":2,\"limit\":0,\"offset\":0,\"errors\":null}");
    assertThat(json(get(server, "/api/dependencies?service=frontend&" + range)).get("data"))
        .hasSize(1);
    assertThat(json(get(server, "/api/dependencies")).get("data").toString()).isEqualTo(
        "[{\"parent\":\"cart\",\"child\":\"payment\",\"callCount\":1},"
            + "{\"parent\":\"frontend\",\"child\":\"cart\",\"callCount\":1}]");
  }

  static List<String> traceIds(JsonNode response) {
    List<String> ids = new ArrayList<>();
    response.get("data").forEach(trace -> ids.add(trace.get("traceID").asText()));
    return ids;
  }
}
