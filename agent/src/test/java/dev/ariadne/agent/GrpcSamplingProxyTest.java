package dev.ariadne.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.collector.sampling.SamplingStrategies;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.extension.trace.jaeger.proto.api_v2.Sampling;
import io.opentelemetry.sdk.extension.trace.jaeger.proto.api_v2.SamplingManagerGrpc.SamplingManagerBlockingStub;
import io.opentelemetry.sdk.extension.trace.jaeger.sampler.JaegerRemoteSampler;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent's gRPC {@code SamplingManager/GetSamplingStrategy} answers with the strategies of the
 * collector's {@code /api/sampling}: read by OpenTelemetry's {@link JaegerRemoteSampler}, and
 * decoded with the classes protoc generated from Jaeger's {@code sampling.proto}.
 */
class GrpcSamplingProxyTest {
  private static final String STRATEGIES = """
      {
        "default_strategy": {"type": "probabilistic", "param": 0.25},
        "service_strategies": [
          {"service": "everything", "type": "probabilistic", "param": 1},
          {"service": "nothing", "type": "probabilistic", "param": 0},
          {"service": "limited", "type": "ratelimiting", "param": 7},
          {"service": "checkout", "type": "probabilistic", "param": 0,
           "operation_strategies": [{"operation": "POST /pay", "type": "probabilistic", "param": 1}]}
        ]
      }
      """;

  /**
   * What a Jaeger collector with adaptive sampling may answer: the type as its number, numbers as
   * strings, bounds a strategies file cannot set, null and unknown fields.
   */
  private static final String ADAPTIVE = """
      {"strategyType": 1, "rateLimitingSampling": null, "future": {"a": [1, {"b": null}]},
       "operationSampling": {"defaultSamplingProbability": "0.001",
         "defaultLowerBoundTracesPerSecond": 0.5, "defaultUpperBoundTracesPerSecond": "Infinity",
         "perOperationStrategies": [
           {"operation": "GET /", "probabilisticSampling": {"samplingRate": 0.125}},
           {"operation": "POST /pay", "probabilisticSampling": {}}]}}
      """;

  /** Answers that are not a strategy, by the service they are given for. */
  private static final Map<String, HttpResponse> ODD_ANSWERS = Map.of(
      "refused", HttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.PLAIN_TEXT_UTF_8,
          "no such\nservice " + "x".repeat(10_000)),
      "failing", HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR, MediaType.PLAIN_TEXT_UTF_8,
          "storage failed"),
      "page", HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8, "<html>sign in</html>"),
      "status", HttpResponse.of(HttpStatus.OK, MediaType.JSON, "{\"status\": \"ok\"}"),
      "truncated", HttpResponse.of(HttpStatus.OK, MediaType.JSON,
          "{\"strategyType\": \"PROBABILISTIC\", \"probabilisticSampling\": {\"sampl"),
      "adaptive", HttpResponse.of(HttpStatus.OK, MediaType.JSON, ADAPTIVE));

  /** A collector's strategies, from a file, over HTTP and gRPC; odd answers for some services. */
  @RegisterExtension
  @Order(1)
  static final ServerExtension collector = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) throws Exception {
      Path file = Files.createTempFile("strategies", ".json");
      Files.writeString(file, STRATEGIES);
      SamplingStrategies strategies = SamplingStrategies.read(file);
      HttpService http = strategies.httpService();
      sb.service("/api/sampling", (ctx, req) -> {
        HttpResponse odd = ODD_ANSWERS.get(ctx.queryParam("service"));
        return odd != null ? odd : http.serve(ctx, req);
      });
      sb.service(strategies.grpcService());
    }
  };

  @RegisterExtension
  @Order(2)
  static final AgentServer agent = new AgentServer(() -> "http://127.0.0.1:4318",
      builder -> builder.samplingEndpoint(collector.httpUri()));

  @RegisterExtension
  @Order(3)
  static final AgentServer orphan = new AgentServer(() -> "http://127.0.0.1:4318",
      builder -> builder.samplingEndpoint(URI.create(closedPort())));

  @Test
  void openTelemetrysJaegerRemoteSamplerAdoptsTheCollectorsStrategiesAtTheAgent()
      throws Exception {
    try (JaegerRemoteSampler everything = adopted("everything", Sampler.alwaysOff());
        JaegerRemoteSampler nothing = adopted("nothing", Sampler.alwaysOn());
        JaegerRemoteSampler checkout = adopted("checkout", Sampler.alwaysOn());
        JaegerRemoteSampler limited = adopted("limited", Sampler.alwaysOn())) {
      assertThat(sampled(everything, "GET /", 1000)).isEqualTo(1000);
      assertThat(sampled(nothing, "GET /", 1000)).isZero();
      assertThat(sampled(checkout, "POST /pay", 1000)).isEqualTo(1000);
      assertThat(sampled(checkout, "GET /cart", 1000)).isZero();
      assertThat(limited.toString()).contains("RateLimitingSampler{7.00}");
    }
  }

  @Test
  void eachAnswerIsTheCollectorsOwnGrpcAnswer() {
    for (String service : List.of("everything", "nothing", "limited", "checkout", "unnamed")) {
      assertThat(ask(agent, service)).as(service).isEqualTo(ask(collector, service));
    }
  }

  @Test
  void whatAFileCannotSetComesThroughFieldByField() {
    Sampling.SamplingStrategyResponse adaptive = ask(agent, "adaptive");

    assertThat(adaptive.getStrategyType()).isEqualTo(Sampling.SamplingStrategyType.RATE_LIMITING);
    assertThat(adaptive.hasRateLimitingSampling()).isFalse();
    assertThat(adaptive.hasProbabilisticSampling()).isFalse();
    Sampling.PerOperationSamplingStrategies operations = adaptive.getOperationSampling();
    assertThat(operations.getDefaultSamplingProbability()).isEqualTo(0.001);
    assertThat(operations.getDefaultLowerBoundTracesPerSecond()).isEqualTo(0.5);
    assertThat(operations.getDefaultUpperBoundTracesPerSecond())
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(operations.getPerOperationStrategiesList()).satisfiesExactly(
        get -> {
          assertThat(get.getOperation()).isEqualTo("GET /");
          assertThat(get.getProbabilisticSampling().getSamplingRate()).isEqualTo(0.125);
        },
        pay -> {
          assertThat(pay.getOperation()).isEqualTo("POST /pay");
          assertThat(pay.hasProbabilisticSampling()).isTrue();
          assertThat(pay.getProbabilisticSampling().getSamplingRate()).isZero();
        });
    assertThat(adaptive.getUnknownFields().asMap()).isEmpty();
  }

  @Test
  void aRequestWithoutAServiceNameIsAnInvalidArgument() {
    assertStatus(() -> ask(agent, ""), Status.Code.INVALID_ARGUMENT,
        "serviceName is missing or empty");
  }

  @Test
  void aCollectorThatCannotBeReachedIsUnavailableNamingIt() {
    assertThatThrownBy(() -> ask(orphan, "checkout"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).matches("could not reach the collector's"
              + " sampling endpoint at http://127\\.0\\.0\\.1:[0-9]+: connection refused");
        });
  }

  @Test
  void aRefusalOfTheCollectorIsAnInvalidArgumentQuotingItOnOneLine() {
    assertStatus(() -> ask(agent, "refused"), Status.Code.INVALID_ARGUMENT,
        "the collector's sampling endpoint at " + collectorUrl() + " refused the request: no such"
            + " service " + "x".repeat(184) + "…");
  }

  @Test
  void anAnswerThatIsNotAStrategyIsUnavailableNamingTheCollector() {
    String collector = "the collector's sampling endpoint at " + collectorUrl();
    assertStatus(() -> ask(agent, "failing"), Status.Code.UNAVAILABLE,
        collector + " answered 500 Internal Server Error: storage failed");
    assertStatus(() -> ask(agent, "page"), Status.Code.UNAVAILABLE,
        collector + " answered what is not a sampling strategy: not JSON: Unexpected character"
            + " ('<' (code 60)): expected a valid value (JSON String, Number, Array, Object or"
            + " token 'null', 'true' or 'false')");
    assertStatus(() -> ask(agent, "status"), Status.Code.UNAVAILABLE,
        collector + " answered what is not a sampling strategy: strategyType PROBABILISTIC"
            + " without probabilisticSampling or operationSampling");
    assertStatus(() -> ask(agent, "truncated"), Status.Code.UNAVAILABLE,
        collector + " answered what is not a sampling strategy: not JSON: Unexpected end-of-input"
            + " in field name");
  }

  @Test
  void jsonThatIsNotAStrategyIsRefusedNamingThePlace() {
    assertNotAStrategy("[]", "not a JSON object");
    assertNotAStrategy("{\"strategyType\": \"ADAPTIVE\"}",
        "strategyType: \"ADAPTIVE\" is invalid (expected: PROBABILISTIC, RATE_LIMITING, 0 or 1)");
    assertNotAStrategy("{\"strategyType\": 2}",
        "strategyType: 2 is invalid (expected: PROBABILISTIC, RATE_LIMITING, 0 or 1)");
    assertNotAStrategy("{\"strategyType\": \"RATE_LIMITING\"}",
        "strategyType RATE_LIMITING without rateLimitingSampling or operationSampling");
    assertNotAStrategy("{\"probabilisticSampling\": {\"samplingRate\": \"half\"}}",
        "probabilisticSampling.samplingRate: \"half\" is invalid (expected: a number)");
    assertNotAStrategy("{\"strategyType\": 1, \"rateLimitingSampling\": {\"maxTracesPerSecond\":"
            + " 1.5}}",
        "rateLimitingSampling.maxTracesPerSecond: 1.5 is invalid (expected: a whole number within"
            + " 32 bits)");
    assertNotAStrategy("{\"operationSampling\": {\"perOperationStrategies\": [{\"operation\":"
            + " 7}]}}",
        "operationSampling.perOperationStrategies[0].operation: 7 is invalid (expected: a"
            + " string)");
    assertNotAStrategy("{\"operationSampling\": {\"perOperationStrategies\": {}}}",
        "operationSampling.perOperationStrategies: an object is invalid (expected: an array)");
    assertNotAStrategy("{\"probabilisticSampling\": {}, \"probabilisticSampling\": {}}",
        "not JSON: Duplicate field 'probabilisticSampling'");
    assertNotAStrategy("{\"probabilisticSampling\": {}} {}", "more after the JSON object");
  }

  private static void assertNotAStrategy(String json, String problem) {
    assertThatThrownBy(() -> StrategyProtobuf.of(json.getBytes(UTF_8)))
        .as(json)
        .isInstanceOf(StrategyProtobuf.NotAStrategy.class)
        .hasMessage(problem);
  }

  private static void assertStatus(ThrowingCallable call, Status.Code code, String description) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(description);
    });
  }

  private static Sampling.SamplingStrategyResponse ask(ServerExtension server, String service) {
    return GrpcClients.newClient(server.httpUri(), SamplingManagerBlockingStub.class)
        .getSamplingStrategy(
            Sampling.SamplingStrategyParameters.newBuilder().setServiceName(service).build());
  }

  private static String collectorUrl() {
    String url = collector.httpUri().toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static int sampled(Sampler sampler, String operation, int traces) {
    RandomGenerator random = RandomGenerator.getDefault();
    int sampled = 0;
    for (int i = 0; i < traces; i++) {
      String traceId = TraceId.fromLongs(random.nextLong(), random.nextLong());
      if (sampler.shouldSample(Context.root(), traceId, operation, SpanKind.SERVER,
          Attributes.empty(), List.of()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE) {
        sampled++;
      }
    }
    return sampled;
  }

  /**
   * OpenTelemetry's sampler, polling the agent every 50 ms, once it has replaced {@code initial}
   * with what it made of an answer.
   */
  private static JaegerRemoteSampler adopted(String service, Sampler initial)
      throws InterruptedException {
    JaegerRemoteSampler sampler = JaegerRemoteSampler.builder()
        .setEndpoint(agent.httpUri().toString())
        .setServiceName(service)
        .setPollingInterval(Duration.ofMillis(50))
        .setInitialSampler(initial)
        .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    // What it makes of an answer is parent-based; the initial sampler is not.
    while (!sampler.toString().contains("sampler=ParentBased{")) {
      assertThat(System.nanoTime()).as("the sampler adopted the served strategy in time: %s",
          sampler).isLessThan(deadline);
      Thread.sleep(25);
    }
    return sampler;
  }

  private static String closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
