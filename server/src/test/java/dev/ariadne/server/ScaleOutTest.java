package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.exporter.otlp.OtlpHttpSpanExporter;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import dev.ariadne.testservers.CassandraNode;
import dev.ariadne.testservers.KafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out path end to end, on a real Kafka broker and a real Cassandra node: spans sent to
 * {@code ariadne collector} go through Kafka to {@code ariadne ingester}, which stores them in
 * Cassandra, where {@code ariadne query} finds them; and the all-in-one server on Cassandra.
 */
class ScaleOutTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static KafkaBroker kafka;
  private static CassandraNode cassandra;
  private static int keyspaces;

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startServers() throws IOException {
    kafka = KafkaBroker.start(Files.createDirectory(dir.resolve("kafka")));
    cassandra = CassandraNode.start(Files.createDirectory(dir.resolve("cassandra")));
  }

  @AfterAll
  static void stopServers() {
    if (cassandra != null) cassandra.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void spansSentToTheCollectorAreFoundThroughTheQueryRole() throws Exception {
    String keyspace = newKeyspace();
    String topic = "spans-" + keyspace;
    try (AriadneServer collector = role(Role.COLLECTOR, Map.of("kafka.topic", topic));
        AriadneServer ingester = role(Role.INGESTER,
            Map.of("kafka.topic", topic, "cassandra.keyspace", keyspace));
        AriadneServer query = role(Role.QUERY, Map.of("cassandra.keyspace", keyspace))) {
      String traceId = send(collector, "checkout", "POST /cart");

      String trace = awaitTrace(query, traceId);

      assertThat(trace).contains("\"serviceName\":\"checkout\"").contains("POST /cart")
          .contains("http.request.method");
      int queryPort = LoopbackServer.port(query, "query");
      assertThat(get(queryPort, "/api/services").body()).contains("checkout");
      assertThat(get(queryPort, "/api/v2/services").body()).isEqualTo("[\"checkout\"]");
      assertThat(get(queryPort, "/api/v2/trace/" + traceId).body())
          .contains("\"serviceName\":\"checkout\"");
      assertThat(get(queryPort, "/api/v2/nope").body())
          .contains("no such endpoint of the Zipkin API");
      assertThat(get(queryPort, "/api/nope").body())
          .contains("no such endpoint of the Jaeger query API");
      assertThat(get(LoopbackServer.port(collector, "admin"), "/metrics").body())
          .contains("ariadne_collector");
      assertThat(get(LoopbackServer.port(ingester, "admin"), "/health").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void anIngesterStoppedAndAnotherStartedLoseNoSpanTheCollectorAcknowledged() throws Exception {
    String keyspace = newKeyspace();
    String topic = "spans-" + keyspace;
    List<String> traceIds = new ArrayList<>();
    try (AriadneServer collector = role(Role.COLLECTOR, Map.of("kafka.topic", topic));
        AriadneServer query = role(Role.QUERY, Map.of("cassandra.keyspace", keyspace))) {
      try (AriadneServer first = role(Role.INGESTER,
          Map.of("kafka.topic", topic, "cassandra.keyspace", keyspace))) {
        for (int i = 0; i < 20; i++) {
          traceIds.add(send(collector, "cart", "first " + i));
        }
      }
      // No ingester runs: the collector still acknowledges, Kafka holds the spans.
      for (int i = 0; i < 20; i++) {
        traceIds.add(send(collector, "cart", "between " + i));
      }
      try (AriadneServer second = role(Role.INGESTER,
          Map.of("kafka.topic", topic, "cassandra.keyspace", keyspace))) {
        for (String traceId : traceIds) {
          assertThat(awaitTrace(query, traceId)).contains(traceId);
        }
      }
    }
  }

  @Test
  void theCollectorRefusesSpansWithARetryHintWhileKafkaCannotBeReached() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (AriadneServer collector = role(Role.COLLECTOR, Map.of(
        "kafka.brokers", "127.0.0.1:" + closedPort, "kafka.send-timeout", "2s"))) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + LoopbackServer.port(collector, "Zipkin") + "/api/v2/spans"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("[{\"traceId\":\"463ac35c9f6413ad\","
                  + "\"id\":\"463ac35c9f6413ad\",\"name\":\"get\",\"timestamp\":1700000000000000,"
                  + "\"duration\":1000,\"localEndpoint\":{\"serviceName\":\"web\"}}]"))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    }
  }

  @Test
  void theAllInOneServerStoresInCassandraAndFindsTheSpansThere() throws Exception {
    String keyspace = newKeyspace();
    try (AriadneServer server = role(Role.SERVER, Map.of(
        "storage", "cassandra", "cassandra.keyspace", keyspace))) {
      String traceId = send(server, "inventory", "reserve");

      assertThat(awaitTrace(server, traceId)).contains("reserve");
      assertThat(get(LoopbackServer.port(server, "query"), "/api/services").body())
          .contains("inventory");
    }
  }

  @Test
  void theQueryRoleAnswersRedMetricsAndTheServiceMapFromWhatEveryWriterFlushed()
      throws Exception {
    String keyspace = newKeyspace();
    String topic = "spans-" + keyspace;
    try (AriadneServer collector = role(Role.COLLECTOR, Map.of("kafka.topic", topic));
        AriadneServer ingester = role(Role.INGESTER, Map.of("kafka.topic", topic,
            "cassandra.keyspace", keyspace, "analytics.flush-interval", "200ms"));
        AriadneServer server = role(Role.SERVER, Map.of("storage", "cassandra",
            "cassandra.keyspace", keyspace, "analytics.flush-interval", "200ms"));
        AriadneServer query = role(Role.QUERY, Map.of("cassandra.keyspace", keyspace))) {
      send(collector, "shop", "GET /shop");
      send(server, "shop", "GET /shop");
      sendCall(collector, "shop", "cart");
      int port = LoopbackServer.port(query, "query");

      String operations = await(port, "/api/v1/metrics/red/operations?service=shop",
          body -> body.contains("\"requests\":2"));
      assertThat(operations).contains("\"operation\":\"GET /shop\",\"spanKind\":\"server\","
          + "\"requests\":2,\"errors\":0").contains("\"missing\":[]");
      String map = await(port, "/api/v1/dependencies?lookback=1h",
          body -> body.contains("\"child\":\"cart\""));
      assertThat(map).contains("\"source\":\"analytics\"")
          .contains("\"parent\":\"shop\",\"child\":\"cart\",\"connectionType\":\"\","
              + "\"callCount\":1");
      assertThat(get(port, "/api/v1/metrics/red?service=cart").body())
          .contains("\"requests\":1");
      assertThat(get(LoopbackServer.port(ingester, "admin"), "/metrics").body())
          .contains("traces_spanmetrics_calls_total{service=\"shop\"");
    }
  }

  @Test
  void withAnalyticsOffTheQueryRoleSaysThereAreNoRedMetrics() throws Exception {
    try (AriadneServer query = role(Role.QUERY,
        Map.of("cassandra.keyspace", newKeyspace(), "analytics.enabled", "false"))) {
      HttpResponse<String> answer =
          get(LoopbackServer.port(query, "query"), "/api/v1/metrics/red?service=shop");
      assertThat(answer.statusCode()).isEqualTo(404);
      assertThat(answer.body()).contains("analytics.enabled: false");
    }
  }

  @Test
  void theQueryRoleDoesNotStartWithoutCassandraAndSaysWhere() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    assertThatThrownBy(() -> role(Role.QUERY,
            Map.of("cassandra.contact-points", "127.0.0.1:" + closedPort)))
        .isInstanceOf(StartException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort);
  }

  /** A role on free loopback ports, on the test's Kafka and Cassandra, with {@code extra}. */
  private static AriadneServer role(Role role, Map<String, String> extra) throws ConfigException {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("host", "127.0.0.1");
    for (String key : role.defaults().keySet()) {
      if (key.endsWith(".port")) {
        flags.put(key, "0");
      }
    }
    flags.put("shutdown.drain-seconds", "0");
    if (role.defaults().containsKey("kafka.brokers")) {
      flags.put("kafka.brokers", kafka.bootstrapServers());
    }
    if (role.defaults().containsKey("cassandra.contact-points")) {
      flags.put("cassandra.contact-points", "127.0.0.1:" + cassandra.port());
    }
    if (role == Role.SERVER) {
      flags.put("embedded.data-dir", dir.resolve("embedded-" + keyspaces).toString());
    }
    flags.putAll(extra);
    return AriadneServer.start(
        ServerConfig.from(Settings.load(role.defaults(), null, Map.of(), flags), role));
  }

  private static String newKeyspace() {
    return "scale_out_" + ++keyspaces;
  }

  /** Sends one span over OTLP/HTTP with Ariadne's SDK; its trace ID once acknowledged. */
  private static String send(AriadneServer receiver, String service, String name) {
    OtlpHttpSpanExporter exporter = exporter(receiver);
    SdkTracerProvider provider = provider(service, exporter);
    try {
      Span span = provider.get("test").spanBuilder(name).setSpanKind(SpanKind.SERVER).startSpan();
      span.setAttribute("http.request.method", "POST");
      span.end();
      provider.forceFlush().join();
      assertThat(exporter.getExportedCount()).as("spans the receiver acknowledged").isEqualTo(1);
      return span.getSpanContext().getTraceId();
    } finally {
      provider.shutdown().join();
    }
  }

  private static OtlpHttpSpanExporter exporter(AriadneServer receiver) {
    return OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + LoopbackServer.port(receiver, "OTLP HTTP"))
        .build();
  }

  /** A provider of {@code service} that exports each span at its end. */
  private static SdkTracerProvider provider(String service, OtlpHttpSpanExporter exporter) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(Resource.SERVICE_NAME, service)))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }

  /**
   * A call from {@code client} to {@code server}: a client span and the server span it parents,
   * in one trace, sent in one export.
   */
  private static void sendCall(AriadneServer receiver, String client, String server) {
    OtlpHttpSpanExporter exporter = exporter(receiver);
    SdkTracerProvider calling = provider(client, exporter);
    SdkTracerProvider called = provider(server, exporter);
    try {
      Span outgoing = calling.get("test").spanBuilder("call " + server)
          .setSpanKind(SpanKind.CLIENT).startSpan();
      Span incoming = called.get("test").spanBuilder("serve")
          .setParent(outgoing.getSpanContext()).setSpanKind(SpanKind.SERVER).startSpan();
      incoming.end();
      outgoing.end();
      called.forceFlush().join();
      calling.forceFlush().join();
      assertThat(exporter.getExportedCount()).as("spans the receiver acknowledged").isEqualTo(2);
    } finally {
      called.shutdown().join();
      calling.shutdown().join();
    }
  }

  /** The body of {@code path} once {@code ready} holds for it. */
  private String await(int port, String path, Predicate<String> ready)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> answer = get(port, path);
    while (!(answer.statusCode() == 200 && ready.test(answer.body()))
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
      answer = get(port, path);
    }
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(ready.test(answer.body())).as(path + " answered " + answer.body()).isTrue();
    return answer.body();
  }

  /** The trace as the Jaeger API of {@code query} answers it, once it has it. */
  private String awaitTrace(AriadneServer query, String traceId) throws Exception {
    int port = LoopbackServer.port(query, "query");
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> answer = get(port, "/api/traces/" + traceId);
    while (answer.statusCode() == 404 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
      answer = get(port, "/api/traces/" + traceId);
    }
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
