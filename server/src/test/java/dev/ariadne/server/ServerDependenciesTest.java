package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service map end to end: spans in over OTLP/HTTP, their calls found by the analytics' service
 * graph at ingest, and served by {@code /api/v1/dependencies} again after a restart.
 */
class ServerDependenciesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long MS = 1_000_000L;
  private final HttpClient http = HttpClient.newHttpClient();
  private final long startNanos = (System.currentTimeMillis() - 60_000) * MS;
  private AriadneServer server;
  @TempDir Path dataDir;

  private void start(Map<String, String> extra) throws ConfigException {
    Map<String, String> flags = new HashMap<>(
        Map.of("analytics.flush-interval", "100ms", "analytics.pair-wait", "200ms"));
    flags.putAll(extra);
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(), LoopbackServer.settings(dataDir, flags))));
  }

  private void restart(Map<String, String> extra) throws ConfigException {
    server.close();
    server = null;
    start(extra);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int port(String prefix) {
    return LoopbackServer.port(server, prefix);
  }

  /** The service map over the last day. */
  private JsonNode dependencies() throws Exception {
    long now = System.currentTimeMillis() * MS;
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + port("query") + "/api/v1/dependencies?start="
            + (now - 86_400_000L * MS) + "&end=" + now)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return MAPPER.readTree(response.body());
  }

  private JsonNode awaitLinks(int n) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    JsonNode map = dependencies();
    while (map.get("links").size() < n && System.nanoTime() < deadline) {
      Thread.sleep(100);
      map = dependencies();
    }
    return map;
  }

  /** An OTLP/JSON span of the test's trace, starting {@code offsetMillis} after the start. */
  private String span(String spanId, String parentSpanId, String name, int kind,
      long offsetMillis, long durationMillis, String attributes) {
    long begin = startNanos + offsetMillis * MS;
    return String.format("{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"%s\","
            + "\"parentSpanId\":\"%s\",\"name\":\"%s\",\"kind\":%d,"
            + "\"startTimeUnixNano\":\"%d\",\"endTimeUnixNano\":\"%d\",\"attributes\":[%s]}",
        spanId, parentSpanId, name, kind, begin, begin + durationMillis * MS, attributes);
  }

  private static String resourceSpans(String service, String spans) {
    return "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\""
        + service + "\"}}]},\"scopeSpans\":[{\"spans\":[" + spans + "]}]}";
  }

  /**
   * A frontend CLIENT span calling a cart SERVER span, which queries a PostgreSQL database that
   * sends no spans.
   */
  private void sendCheckout() throws Exception {
    String client = span("1111111111111111", "", "GET /cart", 3, 0, 30, "");
    String server = span("2222222222222222", "1111111111111111", "GET /cart", 2, 2, 20, "");
    String query = span("3333333333333333", "2222222222222222", "SELECT orders", 3, 5, 4,
        "{\"key\":\"db.system\",\"value\":{\"stringValue\":\"postgresql\"}},"
            + "{\"key\":\"peer.service\",\"value\":{\"stringValue\":\"orders-db\"}}");
    String body = "{\"resourceSpans\":[" + resourceSpans("frontend", client) + ","
        + resourceSpans("cart", server + "," + query) + "]}";
    HttpResponse<String> posted = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("OTLP HTTP") + "/v1/traces"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
  }

  private static void assertServiceMap(JsonNode map) {
    assertThat(map.get("source").asText()).isEqualTo("analytics");
    assertThat(map.get("links")).hasSize(2);
    JsonNode database = map.get("links").get(0);
    assertThat(database.get("parent").asText()).isEqualTo("cart");
    assertThat(database.get("child").asText()).isEqualTo("orders-db");
    assertThat(database.get("connectionType").asText()).isEqualTo("database");
    assertThat(database.get("callCount").asLong()).isEqualTo(1);
    JsonNode call = map.get("links").get(1);
    assertThat(call.get("parent").asText()).isEqualTo("frontend");
    assertThat(call.get("child").asText()).isEqualTo("cart");
    assertThat(call.get("connectionType").asText()).isEmpty();
    assertThat(call.get("callCount").asLong()).isEqualTo(1);
    assertThat(call.get("p50").asDouble()).isBetween(19.8, 20.2);
    assertThat(map.get("nodes").toString()).isEqualTo("["
        + "{\"name\":\"cart\",\"kind\":\"service\"},"
        + "{\"name\":\"frontend\",\"kind\":\"service\"},"
        + "{\"name\":\"orders-db\",\"kind\":\"peer\"}]");
  }

  @Test
  void theServiceGraphIsServedAndSurvivesARestart() throws Exception {
    start(Map.of());
    sendCheckout();
    assertServiceMap(awaitLinks(2));

    restart(Map.of());
    assertServiceMap(dependencies());

    restart(Map.of("analytics.enabled", "false"));
    JsonNode fromStorage = dependencies();
    assertThat(fromStorage.get("source").asText()).isEqualTo("storage");
    assertThat(fromStorage.get("links").toString()).isEqualTo("[{\"parent\":\"frontend\","
        + "\"child\":\"cart\",\"connectionType\":null,\"callCount\":1,\"errorCount\":0,"
        + "\"p50\":null,\"p95\":null,\"p99\":null}]");
  }
}
