package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.internal.samplers.HttpSamplingManager;
import io.jaegertracing.internal.samplers.RemoteControlledSampler;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.extension.trace.jaeger.sampler.JaegerRemoteSampler;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one server serves sampling strategies where Jaeger does: on the sampling port as the
 * Jaeger agent ({@code /sampling}, and {@code /} where jaeger-client-java 1.8.1 asks), on the
 * Jaeger Thrift HTTP port as the Jaeger collector ({@code /api/sampling}), and on the Jaeger gRPC
 * port ({@code jaeger.api_v2.SamplingManager}).
 */
class ServerSamplingTest {
  private static final String STRATEGIES = """
      {
        "default_strategy": {"type": "probabilistic", "param": 0.25},
        "service_strategies": [
          {"service": "frontend", "type": "probabilistic", "param": 1},
          {"service": "batch", "type": "ratelimiting", "param": 3,
           "operation_strategies": [{"operation": "nightly", "type": "probabilistic", "param": 1}]}
        ]
      }
      """;

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;
  private AriadneServer server;

  private AriadneServer start(Map<String, String> extra) throws Exception {
    server = AriadneServer.start(ServerConfig.from(Settings.load(null, Map.of(),
        LoopbackServer.settings(dir.resolve("data"), extra))));
    return server;
  }

  private AriadneServer startWithStrategies() throws Exception {
    Path file = dir.resolve("strategies.json");
    Files.writeString(file, STRATEGIES);
    return start(Map.of("sampling.strategies-file", file.toString()));
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private HttpResponse<String> get(String port, String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + LoopbackServer.port(server, port) + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void jaegerClientsRemoteSamplerAdoptsTheServedStrategy() throws Exception {
    startWithStrategies();
    RemoteControlledSampler sampler = new RemoteControlledSampler.Builder("frontend")
        .withSamplingManager(
            new HttpSamplingManager("127.0.0.1:" + LoopbackServer.port(server, "sampling")))
        .withInitialSampler(new ConstSampler(false))
        .withPollingInterval(50)
        .build();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!sampler.sample("GET /", 1L).isSampled()) {
        assertThat(System.nanoTime()).as("the sampler adopted the served strategy in time")
            .isLessThan(deadline);
        Thread.sleep(25);
      }
      assertThat(sampler.sample("GET /", 1L).getTags())
          .isEqualTo(Map.of("sampler.type", "probabilistic", "sampler.param", 1.0));
      RandomGenerator random = RandomGenerator.getDefault();
      for (int i = 0; i < 1000; i++) {
        assertThat(sampler.sample("GET /", random.nextLong()).isSampled()).isTrue();
      }
    } finally {
      sampler.close();
    }
  }

  @Test
  void theCollectorsAnswerIsTheAgentsByteForByte() throws Exception {
    startWithStrategies();
    for (String service : new String[] {"frontend", "batch", "unknown"}) {
      HttpResponse<String> collector =
          get("Jaeger Thrift HTTP", "/api/sampling?service=" + service);
      HttpResponse<String> agent = get("sampling", "/sampling?service=" + service);
      assertThat(collector.statusCode()).isEqualTo(200);
      assertThat(collector.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(collector.body()).isEqualTo(agent.body());
    }
    assertThat(get("sampling", "/sampling?service=batch").body()).isEqualTo(
        "{\"strategyType\":\"RATE_LIMITING\",\"rateLimitingSampling\":{\"maxTracesPerSecond\":3},"
            + "\"operationSampling\":{\"defaultSamplingProbability\":1.0,"
            + "\"defaultLowerBoundTracesPerSecond\":0.0,\"perOperationStrategies\":[{\"operation\":"
            + "\"nightly\",\"probabilisticSampling\":{\"samplingRate\":1.0}}],"
            + "\"defaultUpperBoundTracesPerSecond\":0.0}}");
    assertThat(get("sampling", "/?service=unknown").body()).isEqualTo(
        "{\"strategyType\":0,\"probabilisticSampling\":{\"samplingRate\":0.25}}");
  }

  @Test
  void openTelemetrysJaegerRemoteSamplerAdoptsTheServedStrategyOverGrpc() throws Exception {
    startWithStrategies();
    try (JaegerRemoteSampler sampler = JaegerRemoteSampler.builder()
        .setEndpoint("http://127.0.0.1:" + LoopbackServer.port(server, "Jaeger gRPC"))
        .setServiceName("frontend")
        .setPollingInterval(Duration.ofMillis(50))
        .setInitialSampler(Sampler.alwaysOff())
        .build()) {
      awaitRatioOne(sampler);
      RandomGenerator random = RandomGenerator.getDefault();
      for (int i = 0; i < 1000; i++) {
        String traceId = TraceId.fromLongs(random.nextLong(), random.nextLong());
        assertThat(sampler.shouldSample(Context.root(), traceId, "GET /", SpanKind.SERVER,
            Attributes.empty(), List.of()).getDecision())
            .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
      }
    }
  }

  @Test
  void aChangedFileIsServedAndABadVersionIsCountedAndLeavesTheStrategiesBefore()
      throws Exception {
    Path file = dir.resolve("strategies.json");
    Files.writeString(file, STRATEGIES);
    start(Map.of("sampling.strategies-file", file.toString(),
        "sampling.strategies-reload-interval", "50ms"));
    String before = get("sampling", "/sampling?service=unknown").body();
    assertThat(before).contains("\"samplingRate\":0.25");

    Files.writeString(file, STRATEGIES.replace("0.25", "0.75"));
    awaitAnswer(body -> body.contains("\"samplingRate\":0.75"));

    Files.writeString(file, STRATEGIES.replace("0.25", "7.5"));
    awaitFailures(1);
    Files.writeString(file, "{");
    awaitFailures(2);
    assertThat(get("sampling", "/sampling?service=unknown").body())
        .contains("\"samplingRate\":0.75");
    assertThat(get("Jaeger Thrift HTTP", "/api/sampling?service=unknown").body())
        .contains("\"samplingRate\":0.75");

    Files.writeString(file, STRATEGIES);
    awaitAnswer(body -> body.equals(before));
  }

  private void awaitAnswer(Predicate<String> wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!wanted.test(get("sampling", "/sampling?service=unknown").body())) {
      assertThat(System.nanoTime()).as("the file was read again in time").isLessThan(deadline);
      Thread.sleep(25);
    }
  }

  private void awaitFailures(double count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.registry().counter("ariadne.sampling.reload.failures").count() < count) {
      assertThat(System.nanoTime()).as("the bad version was counted in time").isLessThan(deadline);
      Thread.sleep(25);
    }
    assertThat(server.registry().counter("ariadne.sampling.reload.failures").count())
        .isEqualTo(count);
  }

  @Test
  void withoutAFileEveryServiceIsSampled() throws Exception {
    start(Map.of());
    assertThat(get("Jaeger Thrift HTTP", "/api/sampling?service=anything").body()).isEqualTo(
        "{\"strategyType\":\"PROBABILISTIC\",\"probabilisticSampling\":{\"samplingRate\":1.0}}");
  }

  @Test
  void aMissingServiceIsABadRequestAndALongOneIsHarmless() throws Exception {
    startWithStrategies();
    for (String[] endpoint : new String[][] {
        {"sampling", "/sampling"}, {"sampling", "/"}, {"Jaeger Thrift HTTP", "/api/sampling"}}) {
      HttpResponse<String> missing = get(endpoint[0], endpoint[1]);
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(missing.body()).isEqualTo("the service parameter is missing"
          + " (expected: one service parameter, such as ?service=frontend)");
      HttpResponse<String> longName =
          get(endpoint[0], endpoint[1] + "?service=" + "x".repeat(50_000));
      assertThat(longName.statusCode()).isEqualTo(200);
      assertThat(longName.body()).contains("0.25");
    }
  }

  @Test
  void theSamplingPortNamesWhatItServesAtOtherPaths() throws Exception {
    start(Map.of());
    HttpResponse<String> other = get("sampling", "/baggageRestrictions?service=a");
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).isEqualTo("no endpoint at GET /baggageRestrictions?service=a;"
        + " this port serves sampling strategies at GET /sampling?service=NAME"
        + " and GET /?service=NAME");
  }

  @Test
  void turnedOffTheSamplingPortIsNotOpenedAndTheCollectorStillAnswers() throws Exception {
    start(Map.of("sampling.enabled", "false"));
    assertThat(server.ports().keySet()).noneMatch(name -> name.startsWith("sampling"));
    assertThat(get("Jaeger Thrift HTTP", "/api/sampling?service=a").statusCode())
        .isEqualTo(200);
  }

  /**
   * Waits until {@code sampler} has adopted a served probabilistic strategy of rate 1.0: what it
   * makes of an answer is parent-based, the initial sampler is not.
   */
  static void awaitRatioOne(JaegerRemoteSampler sampler) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!sampler.toString().contains("sampler=ParentBased{root:TraceIdRatioBased{1.0")) {
      assertThat(System.nanoTime()).as("the sampler adopted the served strategy in time: %s",
          sampler).isLessThan(deadline);
      Thread.sleep(25);
    }
  }
}
