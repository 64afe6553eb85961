package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.analytics.ServiceEdge;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dependency endpoints of the three APIs: from the analytics' service graph when analytics is
 * on (over an empty storage, so nothing can come from it), from storage when it is off.
 */
class DependenciesApiTest {
  static final long MINUTE_MILLIS = 60_000;
  /** Half an hour ago or more, on ten minutes; the calls below start 10 s after it. */
  static final long BASE_MILLIS =
      (System.currentTimeMillis() / (10 * MINUTE_MILLIS) - 3) * 10 * MINUTE_MILLIS;
  static final long END_MILLIS = BASE_MILLIS + 10 * MINUTE_MILLIS;
  static final String WINDOW = "start=" + BASE_MILLIS * MILLIS + "&end=" + END_MILLIS * MILLIS;
  static final String ZIPKIN_WINDOW = "endTs=" + END_MILLIS + "&lookback=" + 10 * MINUTE_MILLIS;
  static final String HOSTILE_PEER = "</script><ads>";
  static final int EDGES = 5;

  static final Analytics analytics = analytics();

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) {
      QueryApi api = QueryApi.builder(MemoryStorage.create(10)).analytics(analytics).build();
      api.serveNative(sb);
      api.serveJaeger(sb);
      api.serveZipkin(sb);
    }
  };

  @RegisterExtension
  static final ServerExtension withoutAnalytics = QueryFixtures.server(storage());

  /**
   * <pre>
   * trace 1, at base + 10 s:
   * 1 frontend SERVER   "GET /checkout"  100 ms
   * 2 frontend CLIENT   "GET /cart"       30 ms  peer.service=cart
   * 3 cart     SERVER   "GET /cart"       20 ms
   * 4 cart     CLIENT   "SELECT cart"      5 ms  db.system=postgresql, peer.service=cart-db
   * 5 cart     CLIENT   "POST /pay"       10 ms
   * 6 payment  SERVER   "POST /pay"        8 ms
   * 7 cart     PRODUCER "cart.updated"     1 ms
   * 8 payment  CONSUMER "cart.updated"     2 ms
   * 9 frontend CLIENT   "GET /ads"         3 ms  peer.service=HOSTILE_PEER (sends no spans)
   * trace 2, at base + 20 s:
   * 1 frontend SERVER   "GET /checkout"  60 ms
   * 2 frontend CLIENT   "GET /cart"      50 ms
   * 3 cart     SERVER   "GET /cart"      40 ms   ERROR
   * </pre>
   */
  static List<Span> spans() {
    TraceId one = new TraceId(7, 1);
    TraceId two = new TraceId(7, 2);
    long t = (BASE_MILLIS + 10_000) * MILLIS;
    long u = (BASE_MILLIS + 20_000) * MILLIS;
    return List.of(
        span(one, 1, 0, "frontend", "GET /checkout", SpanKind.SERVER, t, 100 * MILLIS).build(),
        span(one, 2, 1, "frontend", "GET /cart", SpanKind.CLIENT, t + MILLIS, 30 * MILLIS)
            .attributes(List.of(Attribute.of("peer.service", "cart")))
            .build(),
        span(one, 3, 2, "cart", "GET /cart", SpanKind.SERVER, t + 2 * MILLIS, 20 * MILLIS).build(),
        span(one, 4, 3, "cart", "SELECT cart", SpanKind.CLIENT, t + 3 * MILLIS, 5 * MILLIS)
            .attributes(List.of(Attribute.of("db.system", "postgresql"),
                Attribute.of("peer.service", "cart-db")))
            .build(),
        span(one, 5, 3, "cart", "POST /pay", SpanKind.CLIENT, t + 4 * MILLIS, 10 * MILLIS).build(),
        span(one, 6, 5, "payment", "POST /pay", SpanKind.SERVER, t + 5 * MILLIS, 8 * MILLIS)
            .build(),
        span(one, 7, 3, "cart", "cart.updated", SpanKind.PRODUCER, t + 6 * MILLIS, MILLIS).build(),
        span(one, 8, 7, "payment", "cart.updated", SpanKind.CONSUMER, t + 7 * MILLIS, 2 * MILLIS)
            .build(),
        span(one, 9, 1, "frontend", "GET /ads", SpanKind.CLIENT, t + 8 * MILLIS, 3 * MILLIS)
            .attributes(List.of(Attribute.of("peer.service", HOSTILE_PEER)))
            .build(),
        span(two, 1, 0, "frontend", "GET /checkout", SpanKind.SERVER, u, 60 * MILLIS).build(),
        span(two, 2, 1, "frontend", "GET /cart", SpanKind.CLIENT, u + MILLIS, 50 * MILLIS).build(),
        span(two, 3, 2, "cart", "GET /cart", SpanKind.SERVER, u + 2 * MILLIS, 40 * MILLIS)
            .status(StatusCode.ERROR, "out of carts")
            .build());
  }

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(1_000);
    storage.write(spans());
    return storage;
  }

  /**
   * Analytics fed {@link #spans}, once the calls to peers (known only when the pair wait is over)
   * are flushed too.
   */
  private static Analytics analytics() {
    try {
      Analytics analytics = Analytics.builder()
          .pairWait(Duration.ofMillis(100))
          .flushInterval(Duration.ofMillis(50))
          .build();
      analytics.record(spans());
      long deadline = System.nanoTime() + 10_000_000_000L;
      List<ServiceEdge> edges = List.of();
      while (System.nanoTime() < deadline) {
        edges = analytics.edges(BASE_MILLIS, END_MILLIS, List.of());
        if (edges.size() == EDGES) {
          return analytics;
        }
        Thread.sleep(20);
      }
      throw new AssertionError("expected " + EDGES + " edges, found " + edges);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @AfterAll
  static void close() throws IOException {
    analytics.close();
  }

  @Test
  void aClientServerPairIsALinkWithItsCallsErrorsAndLatencies() {
    JsonNode map = json(get(server, "/api/v1/dependencies?" + WINDOW));

    assertThat(map.get("source").asText()).isEqualTo("analytics");
    JsonNode frontendCart = link(map, "frontend", "cart", "");
    assertThat(frontendCart.get("callCount").asLong()).isEqualTo(2);
    assertThat(frontendCart.get("errorCount").asLong()).isEqualTo(1);
    double p50 = frontendCart.get("p50").asDouble();
    double p95 = frontendCart.get("p95").asDouble();
    double p99 = frontendCart.get("p99").asDouble();
    assertThat(p50).isBetween(19.8, 40.4);
    assertThat(p95).isBetween(p50, p99);
    assertThat(p99).isBetween(19.8, 40.4);

    JsonNode cartPayment = link(map, "cart", "payment", "");
    assertThat(cartPayment.get("callCount").asLong()).isEqualTo(1);
    assertThat(cartPayment.get("errorCount").asLong()).isEqualTo(0);
    assertThat(cartPayment.get("p50").asDouble()).isCloseTo(8.0, within(0.08));
    JsonNode messaging = link(map, "cart", "payment", "messaging_system");
    assertThat(messaging.get("callCount").asLong()).isEqualTo(1);
    assertThat(messaging.get("p99").asDouble()).isCloseTo(2.0, within(0.02));
    assertThat(map.get("links")).hasSize(EDGES);
  }

  @Test
  void aDatabaseNamedByItsClientSpansIsAPeerNode() {
    JsonNode map = json(get(server, "/api/v1/dependencies?" + WINDOW));

    JsonNode database = link(map, "cart", "cart-db", "database");
    assertThat(database.get("callCount").asLong()).isEqualTo(1);
    assertThat(database.get("p50").asDouble()).isCloseTo(5.0, within(0.05));
    assertThat(link(map, "frontend", HOSTILE_PEER, "virtual_node").get("callCount").asLong())
        .isEqualTo(1);
    assertThat(map.get("nodes").toString()).isEqualTo("["
        + "{\"name\":\"" + HOSTILE_PEER + "\",\"kind\":\"peer\"},"
        + "{\"name\":\"cart\",\"kind\":\"service\"},"
        + "{\"name\":\"cart-db\",\"kind\":\"peer\"},"
        + "{\"name\":\"frontend\",\"kind\":\"service\"},"
        + "{\"name\":\"payment\",\"kind\":\"service\"}]");
  }

  @Test
  void aPeerNameIsEscapedAsUntrustedText() {
    String body = get(server, "/api/v1/dependencies?" + WINDOW).contentUtf8();

    assertThat(body).doesNotContain("<").contains("\\u003C/script\\u003E\\u003Cads\\u003E");
  }

  @Test
  void jaegerGetsOneLinkPerParentAndChild() {
    String range = "endTs=" + END_MILLIS + "&lookback=" + 10 * MINUTE_MILLIS;

    assertThat(json(get(server, "/api/dependencies?" + range)).toString()).isEqualTo(
        "{\"data\":["
            + "{\"parent\":\"cart\",\"child\":\"cart-db\",\"callCount\":1},"
            + "{\"parent\":\"cart\",\"child\":\"payment\",\"callCount\":2},"
            + "{\"parent\":\"frontend\",\"child\":\"" + HOSTILE_PEER + "\",\"callCount\":1},"
            + "{\"parent\":\"frontend\",\"child\":\"cart\",\"callCount\":2}],"
            + "\"total\":4,\"limit\":0,\"offset\":0,\"errors\":null}");
    assertThat(json(get(server, "/api/dependencies?service=cart-db&" + range)).get("data")
        .toString()).isEqualTo("[{\"parent\":\"cart\",\"child\":\"cart-db\",\"callCount\":1}]");
  }

  @Test
  void zipkinGetsOneLinkPerParentAndChildWithErrorsWhenThereAreAny() {
    assertThat(json(get(server, "/api/v2/dependencies?" + ZIPKIN_WINDOW)).toString()).isEqualTo(
        "[{\"parent\":\"cart\",\"child\":\"cart-db\",\"callCount\":1},"
            + "{\"parent\":\"cart\",\"child\":\"payment\",\"callCount\":2},"
            + "{\"parent\":\"frontend\",\"child\":\"" + HOSTILE_PEER + "\",\"callCount\":1},"
            + "{\"parent\":\"frontend\",\"child\":\"cart\",\"callCount\":2,\"errorCount\":1}]");
  }

  @Test
  void aWindowWithoutCallsIsAnEmptyMap() {
    long hourBefore = (BASE_MILLIS - 60 * MINUTE_MILLIS) * MILLIS;
    String before = "start=" + hourBefore + "&end=" + (BASE_MILLIS - 5 * MINUTE_MILLIS) * MILLIS;

    assertThat(json(get(server, "/api/v1/dependencies?" + before)).toString())
        .isEqualTo("{\"source\":\"analytics\",\"links\":[],\"missing\":[],\"nodes\":[]}");
    assertThat(json(get(server, "/api/dependencies?endTs=" + (BASE_MILLIS - 5 * MINUTE_MILLIS)
        + "&lookback=60000")).get("data")).isEmpty();
    assertThat(json(get(server, "/api/v2/dependencies?endTs=" + (END_MILLIS + 5 * MINUTE_MILLIS)
        + "&lookback=60000")).toString()).isEqualTo("[]");
  }

  @Test
  void aWindowIsWidenedToTheWholeBucketsItTouches() {
    long inside = (BASE_MILLIS + 30_000) * MILLIS;
    String second = "start=" + inside + "&end=" + (inside + 1_000 * MILLIS);

    assertThat(json(get(server, "/api/v1/dependencies?" + second)).get("links")).hasSize(EDGES);
    assertThat(json(get(server, "/api/v1/dependencies?start=" + (BASE_MILLIS + 60_000) * MILLIS
        + "&end=" + END_MILLIS * MILLIS)).get("links")).isEmpty();
  }

  @Test
  void theWidestWindowStillAnswers() {
    assertThat(json(get(server, "/api/v1/dependencies?start=0&end=" + Long.MAX_VALUE))
        .get("links")).hasSize(EDGES);
    assertThat(json(get(server, "/api/v1/dependencies?end=" + Long.MAX_VALUE
        + "&lookback=2500000h")).get("links")).hasSize(EDGES);
    assertThat(json(get(server, "/api/dependencies?endTs=9223372036854&lookback="
        + Long.MAX_VALUE / MILLIS)).get("data")).hasSize(4);
  }

  @ParameterizedTest(name = "{0} names {1}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/dependencies?start=1.5                   | start",
      "/api/v1/dependencies?start=2000&end=1000         | end",
      "/api/v1/dependencies?start=5&end=5               | end",
      "/api/v1/dependencies?end=99999999999999999999    | end",
      "/api/v1/dependencies?lookback=soon               | lookback",
      "/api/v1/dependencies?lookback=-1h                | lookback",
      "/api/dependencies?endTs=soon                     | endTs",
      "/api/dependencies?endTs=-5                       | endTs",
      "/api/dependencies?endTs=99999999999999           | endTs",
      "/api/dependencies?endTs=1&lookback=0             | lookback",
      "/api/v2/dependencies                             | endTs",
      "/api/v2/dependencies?endTs=1&lookback=x          | lookback",
      "/api/v2/dependencies?endTs=1&lookback=0          | lookback",
  })
  void badParametersAreStillRefusedNamingTheParameter(String path, String parameter) {
    AggregatedHttpResponse response = get(server, path);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    JsonNode body = json(response);
    JsonNode error = body.has("errors") ? body.get("errors").get(0) : body;
    assertThat(error.get("parameter").asText()).isEqualTo(parameter);
  }

  @Test
  void withoutAnalyticsTheMapComesFromStorage() {
    JsonNode map = json(get(withoutAnalytics, "/api/v1/dependencies?" + WINDOW));

    assertThat(map.get("source").asText()).isEqualTo("storage");
    assertThat(map.get("links").toString()).isEqualTo("["
        + "{\"parent\":\"cart\",\"child\":\"payment\",\"connectionType\":null,"
        + "\"callCount\":2,\"errorCount\":0,\"p50\":null,\"p95\":null,\"p99\":null},"
        + "{\"parent\":\"frontend\",\"child\":\"cart\",\"connectionType\":null,"
        + "\"callCount\":2,\"errorCount\":1,\"p50\":null,\"p95\":null,\"p99\":null}]");
    assertThat(map.get("nodes").findValuesAsText("kind")).containsOnly("service");
    assertThat(json(get(withoutAnalytics, "/api/v2/dependencies?" + ZIPKIN_WINDOW)).toString())
        .isEqualTo("[{\"parent\":\"cart\",\"child\":\"payment\",\"callCount\":2},"
            + "{\"parent\":\"frontend\",\"child\":\"cart\",\"callCount\":2,\"errorCount\":1}]");
  }

  /** The one link from {@code parent} to {@code child} of a connection type. */
  static JsonNode link(JsonNode map, String parent, String child, String connectionType) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode link : map.get("links")) {
      if (link.get("parent").asText().equals(parent) && link.get("child").asText().equals(child)
          && link.get("connectionType").asText().equals(connectionType)) {
        found.add(link);
      }
    }
    assertThat(found).as("links %s -> %s (%s) in %s", parent, child, connectionType, map)
        .hasSize(1);
    return found.get(0);
  }
}
