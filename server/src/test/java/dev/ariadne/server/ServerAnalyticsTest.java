package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RED metrics end to end: spans in through a receiver, metrics out through the APIs. */
class ServerAnalyticsTest {
  private static final Pattern REQUESTS = Pattern.compile("\"requests\":(\\d+)");
  private final HttpClient http = HttpClient.newHttpClient();
  private AriadneServer server;
  @TempDir Path dataDir;

  private AriadneServer start(Map<String, String> extra) throws Exception {
    Map<String, String> flags = new HashMap<>(Map.of("analytics.flush-interval", "100ms"));
    flags.putAll(extra);
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(), LoopbackServer.settings(dataDir, flags))));
    return server;
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

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("query") + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void sendZipkin(int spans, long startMicros) throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < spans; i++) {
      long id = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE | 1;
      body.append(i == 0 ? "" : ",").append(String.format(
          "{\"traceId\":\"%016x\",\"id\":\"%016x\",\"name\":\"post /cart\",\"kind\":\"SERVER\","
              + "\"timestamp\":%d,\"duration\":%d,\"localEndpoint\":{\"serviceName\":\"checkout\"}%s}",
          id, id, startMicros, 1000L * (i + 1), i == 0 ? ",\"tags\":{\"error\":\"boom\"}" : ""));
    }
    HttpResponse<String> posted = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("Zipkin") + "/api/v2/spans"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.append("]").toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(202);
  }

  /** The requests the RED API counts for checkout over the last day, once it counts {@code n}. */
  private long awaitRequests(long n) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    long seen = -1;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> red = get("/api/v1/metrics/red?service=checkout&start="
          + (System.currentTimeMillis() - 86_400_000L) * 1_000_000 + "&step=1d");
      assertThat(red.statusCode()).isEqualTo(200);
      Matcher m = REQUESTS.matcher(red.body());
      seen = m.find() ? Long.parseLong(m.group(1)) : 0;
      if (seen >= n) {
        return seen;
      }
      Thread.sleep(100);
    }
    return seen;
  }

  @Test
  void spansBecomeRedMetricsThatSurviveARestart() throws Exception {
    start(Map.of());
    sendZipkin(20, System.currentTimeMillis() * 1000 - 60_000_000L);
    assertThat(awaitRequests(20)).isEqualTo(20);

    HttpResponse<String> prometheus = get("/metrics");
    assertThat(prometheus.body())
        .contains("traces_spanmetrics_calls_total{service=\"checkout\",span_kind=\"SPAN_KIND_SERVER\","
            + "span_name=\"post /cart\",status_code=\"STATUS_CODE_ERROR\"} 1.0")
        .contains("traces_spanmetrics_latency_bucket{");

    HttpResponse<String> jaeger = get("/api/metrics/errors?service=checkout&lookback=600000&step=60000");
    assertThat(jaeger.statusCode()).isEqualTo(200);
    assertThat(jaeger.body()).contains("\"name\":\"service_error_rate\"").contains("\"value\":\"checkout\"");

    server.close();
    server = null;
    try (java.util.stream.Stream<Path> files = Files.list(dataDir.resolve("metrics"))) {
      assertThat(files).isNotEmpty();
    }
    start(Map.of());
    assertThat(awaitRequests(20)).isEqualTo(20);
    sendZipkin(5, System.currentTimeMillis() * 1000 - 30_000_000L);
    assertThat(awaitRequests(25)).isEqualTo(25);
  }

  @Test
  void spansPastMaxPendingCallsAreNotHeldForPairingAndAreCounted() throws Exception {
    start(Map.of("analytics.max-pending-calls", "5", "analytics.pair-wait", "10m"));
    sendZipkin(20, System.currentTimeMillis() * 1000 - 60_000_000L);
    long deadline = System.nanoTime() + 20_000_000_000L;
    String dropped = "";
    while (System.nanoTime() < deadline) {
      Matcher m = Pattern.compile("(?m)^traces_service_graph_dropped_spans_total (\\S+)$")
          .matcher(get("/metrics").body());
      dropped = m.find() ? m.group(1) : "";
      if (dropped.equals("15.0")) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(dropped).isEqualTo("15.0");
  }

  @Test
  void maxPendingCallsOfZeroStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> start(Map.of("analytics.max-pending-calls", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("analytics.max-pending-calls (ARIADNE_ANALYTICS_MAX_PENDING_CALLS, from flag):"
            + " \"0\" is invalid (expected: a whole number >= 1)");
  }

  @Test
  void withAnalyticsOffTheMetricsApisAreNotThere() throws Exception {
    start(Map.of("analytics.enabled", "false"));
    assertThat(get("/api/v1/metrics/red?service=checkout").statusCode()).isEqualTo(404);
    assertThat(Files.exists(dataDir.resolve("metrics"))).isFalse();
  }

  @Test
  void aBucketThatDoesNotDivideAnHourStopsStartUp() {
    assertThatThrownBy(() -> start(Map.of("analytics.bucket", "7s")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("analytics.bucket (ARIADNE_ANALYTICS_BUCKET, from flag): \"7s\" is invalid"
            + " (expected: at least 1s, dividing an hour evenly, such as 10s, 1m or 5m)");
  }

  @Test
  void aRetentionUnderAnHourStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> start(Map.of("analytics.retention", "30m")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("analytics.retention (ARIADNE_ANALYTICS_RETENTION, from flag): \"30m\" is invalid"
            + " (expected: a duration of at least 1h, such as 30d)");
  }

  @Test
  void aMemoryBudgetOfZeroStopsStartUpNamingTheSetting() {
    assertThatThrownBy(() -> start(Map.of("storage", "memory", "analytics.memory-max", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("analytics.memory-max (ARIADNE_ANALYTICS_MEMORY_MAX, from flag): \"0\" is invalid"
            + " (expected: a size above 0, optionally with a unit: KiB, MiB, GiB or TiB)");
  }
}
