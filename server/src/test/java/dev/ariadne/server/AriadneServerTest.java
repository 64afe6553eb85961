package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.exporter.otlp.OtlpHttpSpanExporter;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import dev.ariadne.storage.TestSpans;
import dev.ariadne.storage.embedded.EmbeddedStorage;
import dev.ariadne.storage.embedded.WalFaults;
import io.jaegertracing.agent.thrift.Agent;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Process;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The all-in-one server on free loopback ports, fed by Ariadne's own SDK and read back. */
class AriadneServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private AriadneServer server;
  @TempDir Path dataDir;

  @BeforeEach
  void start() throws Exception {
    Map<String, String> flags =
        LoopbackServer.settings(dataDir, Map.of("shutdown.drain-seconds", "1"));
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(), flags)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int port(String prefix) {
    return server.ports().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aLookupOfAThousandTraceIdsFitsInTheUrlOfEachApi() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      ids.add(String.format("%032x", i));
    }
    HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String jaeger = "http://127.0.0.1:" + port("query") + "/api/traces?traceID="
        + String.join("&traceID=", ids);
    String zipkin = "http://127.0.0.1:" + port("Zipkin") + "/api/v2/traceMany?traceIds="
        + String.join(",", ids);

    HttpResponse<String> jaegerAnswer = http1.send(HttpRequest.newBuilder(URI.create(jaeger)).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> zipkinAnswer = http1.send(HttpRequest.newBuilder(URI.create(zipkin)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(jaeger.length()).isGreaterThan(40_000);
    assertThat(jaegerAnswer.statusCode()).isEqualTo(200);
    assertThat(jaegerAnswer.body().split("trace not found", -1)).hasSize(1001);
    assertThat(zipkinAnswer.statusCode()).as(zipkinAnswer.body()).isEqualTo(200);
    assertThat(zipkinAnswer.body()).isEqualTo("[]");
  }

  @Test
  void aSpanSentOverOtlpHttpIsReadBackThroughTheZipkinAndJaegerApis() throws Exception {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint("http://127.0.0.1:" + port("OTLP HTTP")).build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(Resource.create(Attributes.of(Resource.SERVICE_NAME, "checkout")))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    Span span =
        provider.get("test").spanBuilder("POST /cart").setSpanKind(SpanKind.SERVER).startSpan();
    span.setAttribute("http.request.method", "POST");
    span.end();
    provider.forceFlush().join();
    String traceId = span.getSpanContext().getTraceId();

    HttpResponse<String> zipkin = get(port("Zipkin"), "/api/v2/trace/" + traceId);
    HttpResponse<String> jaeger = get(port("query"), "/api/traces/" + traceId);

    assertThat(exporter.getExportedCount()).isEqualTo(1);
    assertThat(zipkin.statusCode()).isEqualTo(200);
    assertThat(zipkin.body()).contains(traceId).contains("\"serviceName\":\"checkout\"").contains("post /cart");
    assertThat(jaeger.statusCode()).isEqualTo(200);
    assertThat(jaeger.body()).contains(traceId).contains("POST /cart").contains("http.request.method");
    provider.shutdown().join();
  }

  @Test
  void aBatchPostedAsJaegerThriftIsReadBackThroughTheJaegerApi() throws Exception {
    long traceIdHigh = 0x463ac35c9f6413adL;
    long traceIdLow = ThreadLocalRandom.current().nextLong() | 1;
    io.jaegertracing.thriftjava.Span span = new io.jaegertracing.thriftjava.Span(
        traceIdLow, traceIdHigh, 0x42, 0, "reserve stock", 1, System.currentTimeMillis() * 1000, 1500);
    byte[] body = new TSerializer(new TBinaryProtocol.Factory())
        .serialize(new Batch(new Process("inventory"), new ArrayList<>(List.of(span))));
    String traceId = String.format("%016x%016x", traceIdHigh, traceIdLow);

    HttpResponse<String> posted = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("Jaeger Thrift HTTP") + "/api/traces"))
            .header("Content-Type", "application/x-thrift")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> jaeger = get(port("query"), "/api/traces/" + traceId);

    assertThat(posted.statusCode()).isEqualTo(202);
    assertThat(jaeger.statusCode()).isEqualTo(200);
    assertThat(jaeger.body()).contains(traceId).contains("\"serviceName\":\"inventory\"").contains("reserve stock");
  }

  @Test
  void anEmitBatchDatagramOfTheBinaryProtocolIsReadBackThroughTheJaegerApi() throws Exception {
    long traceIdLow = ThreadLocalRandom.current().nextLong() | 1;
    io.jaegertracing.thriftjava.Span span = new io.jaegertracing.thriftjava.Span(
        traceIdLow, 0, 0x42, 0, "reserve stock", 1, System.currentTimeMillis() * 1000, 1500);
    TMemoryBuffer datagram = new TMemoryBuffer(512);
    new Agent.Client(new TBinaryProtocol(datagram))
        .emitBatch(new Batch(new Process("inventory"), new ArrayList<>(List.of(span))));
    String traceId = String.format("%032x", traceIdLow);

    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(new DatagramPacket(datagram.getArray(), datagram.length(),
          InetAddress.getLoopbackAddress(), port("Jaeger binary Thrift (UDP)")));
    }

    HttpResponse<String> jaeger = get(port("query"), "/api/traces/" + traceId);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (jaeger.statusCode() == 404 && System.nanoTime() < deadline) {
      Thread.sleep(10);
      jaeger = get(port("query"), "/api/traces/" + traceId);
    }
    assertThat(jaeger.statusCode()).isEqualTo(200);
    assertThat(jaeger.body()).contains("\"serviceName\":\"inventory\"").contains("reserve stock");
    // Counted once the write has returned, a moment after the span became readable.
    String accepted = "ariadne_collector_spans_accepted_total{protocol=\"jaeger_binary\"} 1.0";
    while (!get(port("query"), "/metrics").body().contains(accepted)) {
      assertThat(System.nanoTime()).as("the span is counted in time").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void metricsAreServedInPrometheusFormat() throws Exception {
    assertThat(get(port("query"), "/api/v1/services").statusCode()).isEqualTo(200);

    HttpResponse<String> metrics = get(port("query"), "/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(metrics.body()).contains("ariadne_storage_head_spans").contains("ariadne_storage_head_bytes").contains("jvm_memory_used_bytes");
    assertThat(metrics.body()).as("the storage's background work")
        .contains("\nariadne_storage_cuts_total ", "\nariadne_storage_cut_seconds_total ",
            "\nariadne_storage_compaction_seconds_total ",
            "\nariadne_storage_background_failures_total ");
    assertThat(metrics.body()).as("the query APIs' requests")
        .containsPattern("ariadne_query_requests_seconds_count\\{[^}]*endpoint=\"/api/v1/services\"");
  }

  @ParameterizedTest(name = "{0} {1} on {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST | /v1/traces/v1/traces | OTLP HTTP | this port takes OTLP traces at POST /v1/traces",
        "POST | /api/v1/spans        | Zipkin    | this port takes Zipkin v2 spans at POST /api/v2/spans",
        "POST | /api/trace           | Jaeger    | this port takes Jaeger Thrift batches at POST /api/traces",
        "GET  | /favicon.ico         | query     | this port serves the web UI at /",
      })
  void aPathWithNoEndpointIsA404ThatSaysWhatThePortTakes(
      String method, String path, String portName, String endpoints) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(portName) + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .startsWith("no endpoint at " + method + " " + path + "; " + endpoints);
  }

  @Test
  void aLongPathIsShownCutShort() throws Exception {
    String path = "/" + "a".repeat(1000);

    HttpResponse<String> response = get(port("OTLP HTTP"), path);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("/" + "a".repeat(199) + "…;").hasSizeLessThan(300);
  }

  @Test
  void aWrongMethodIsStillA405() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("Zipkin") + "/api/v2/spans"))
                .PUT(HttpRequest.BodyPublishers.ofString("[]"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
  }

  /** A browser's CORS preflight for a POST with a Content-Type header from {@code origin}. */
  private HttpResponse<String> preflight(URI uri, String origin) throws Exception {
    return http.send(HttpRequest.newBuilder(uri)
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutAllowedOriginsOtlpHttpAnswersNoCorsHeaders() throws Exception {
    HttpResponse<String> preflight = preflight(
        URI.create("http://127.0.0.1:" + port("OTLP HTTP") + "/v1/traces"), "http://shop.example.com");

    assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void healthAnswersOnTheQueryPortAndOnTheZipkinPortAsZipkinsDoes() throws Exception {
    for (String portName : List.of("query", "Zipkin")) {
      HttpResponse<String> health = get(port(portName), "/health");

      assertThat(health.statusCode()).as(portName).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok");
    }
  }

  @Test
  void healthAnswers503WithTheReasonOnceTheStorageHasStoppedUntilARestart() throws Exception {
    server.close();
    Map<String, String> flags = onlyReceiversWithPorts("host", "127.0.0.1", "query.port", "0",
        "receivers.zipkin.port", "0", "embedded.sync", "interval",
        "embedded.sync-interval", "1h", "embedded.data-dir", dataDir.toString());
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(), flags)));

    WalFaults.failAnFsyncAfter((EmbeddedStorage) server.storage(),
        TestSpans.checkout(TestSpans.randomTraceId(), TestSpans.TODAY));

    for (String portName : List.of("query", "Zipkin")) {
      HttpResponse<String> health = get(port(portName), "/health");

      assertThat(health.statusCode()).as(portName).isEqualTo(503);
      assertThat(health.body()).startsWith("storage stopped: fsync of WAL segment ")
          .endsWith("refuses appends from now on: restart to replay it");
    }
  }

  @Test
  void theZipkinPortAllowsEveryOriginByDefaultAsZipkinDoes() throws Exception {
    URI spans = URI.create("http://127.0.0.1:" + port("Zipkin") + "/api/v2/spans");

    HttpResponse<String> preflight = preflight(spans, "http://shop.example.com");
    HttpResponse<String> services = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("Zipkin") + "/api/v2/services"))
            .header("Origin", "http://shop.example.com").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(services.statusCode()).isEqualTo(200);
    assertThat(services.headers().firstValue("access-control-allow-origin")).hasValue("*");
  }

  @Test
  void aBrowserOnAnAllowedOriginMaySendOtlpOverHttp() throws Exception {
    server.close();
    Map<String, String> flags = onlyReceiversWithPorts("host", "127.0.0.1", "query.port", "0",
        "receivers.otlp-http.port", "0",
        "receivers.otlp-http.cors-allowed-origins", "http://shop.example.com, https://a.example:8443",
        "embedded.data-dir", dataDir.toString());
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(), flags)));
    URI traces = URI.create("http://127.0.0.1:" + port("OTLP HTTP") + "/v1/traces");

    HttpResponse<String> preflight = preflight(traces, "http://shop.example.com");
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("access-control-allow-origin"))
        .hasValue("http://shop.example.com");
    assertThat(preflight.headers().firstValue("access-control-allow-methods"))
        .hasValueSatisfying(methods -> assertThat(methods).contains("POST"));

    HttpResponse<String> post = http.send(HttpRequest.newBuilder(traces)
            .header("Origin", "https://a.example:8443")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://a.example:8443");

    HttpResponse<String> other = preflight(traces, "http://evil.example");
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void aRequestInFlightWhenTheServerStopsIsAnsweredAndItsSpansKept() throws Exception {
    String traceId = TestSpans.randomTraceId().toHex();
    byte[] body = ("[{\"traceId\":\"" + traceId + "\",\"id\":\"086e83747d0e381e\","
        + "\"name\":\"post /api/v1/order\",\"timestamp\":" + System.currentTimeMillis() * 1000
        + ",\"duration\":303000,\"localEndpoint\":{\"serviceName\":\"frontend\"}}]")
        .getBytes(StandardCharsets.UTF_8);
    int half = body.length / 2;
    try (Socket client = new Socket("127.0.0.1", port("Zipkin"))) {
      OutputStream out = client.getOutputStream();
      out.write(("POST /api/v2/spans HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, half);
      out.flush();
      awaitInFlight();
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);

      // A slow client: the rest of its body comes once the collector is draining.
      awaitRefusing();
      out.write(body, half, body.length - half);
      out.flush();
      String status = new BufferedReader(
          new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();

      assertThat(status).isEqualTo("HTTP/1.1 202 Accepted");
      stopped.get(10, TimeUnit.SECONDS);
    }
    server = queryOnly();
    assertThat(get(port("query"), "/api/v1/traces/" + traceId).body()).contains("086e83747d0e381e");
  }

  /** Waits until the collector has taken a request it has not answered. */
  private void awaitInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.registry().get("ariadne.collector.requests.in.flight").gauge().value() < 1) {
      assertThat(System.nanoTime()).as("in flight before the deadline").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  /** Waits until a new Zipkin upload is refused as the collector drains. */
  private void awaitRefusing() throws Exception {
    HttpRequest upload = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port("Zipkin") + "/api/v2/spans"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[]"))
        .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (http.send(upload, HttpResponse.BodyHandlers.discarding()).statusCode() != 503) {
      assertThat(System.nanoTime()).as("refusing before the deadline").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void aClientStalledMidRequestDoesNotHoldTheStopPastTheDrainTime() throws Exception {
    try (Socket client = new Socket("127.0.0.1", port("Zipkin"))) {
      OutputStream out = client.getOutputStream();
      out.write(("POST /api/v2/spans HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);

      // The drain time is 1 s; the client never sends the rest of its body.
      stopped.get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    server = queryOnly();
  }

  @Test
  void aDisabledReceiverHasNoPort() throws Exception {
    server.close();
    Map<String, String> flags = onlyReceiversWithPorts("host", "127.0.0.1", "query.port", "0",
        "receivers.otlp-http.port", "0", "embedded.data-dir", dataDir.toString());
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(), flags)));

    assertThat(server.ports().keySet())
        .noneMatch(name -> name.startsWith("OTLP gRPC") || name.startsWith("Zipkin") || name.startsWith("Jaeger"));
    assertThat(server.ports().keySet()).anyMatch(name -> name.startsWith("OTLP HTTP"));
  }

  /** A server on the same data directory with only the query port, for a test that stopped it. */
  private AriadneServer queryOnly() throws Exception {
    return AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(),
        onlyReceiversWithPorts("host", "127.0.0.1", "query.port", "0",
            "embedded.data-dir", dataDir.toString()))));
  }

  /**
   * The settings {@code keysAndValues}, with every receiver, and the sampling port, whose port they
   * do not set off.
   */
  private static Map<String, String> onlyReceiversWithPorts(String... keysAndValues) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      flags.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    for (String key : Settings.DEFAULTS.keySet()) {
      boolean port = key.startsWith("receivers.") || key.startsWith("sampling.");
      if (port && key.endsWith(".port") && !flags.containsKey(key)) {
        flags.put(key.replace(".port", ".enabled"), "false");
      }
    }
    return flags;
  }
}
