package dev.ariadne.collector.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.extension.trace.jaeger.proto.api_v2.Sampling;
import io.opentelemetry.sdk.extension.trace.jaeger.proto.api_v2.SamplingManagerGrpc;
import io.opentelemetry.sdk.extension.trace.jaeger.proto.api_v2.SamplingManagerGrpc.SamplingManagerBlockingStub;
import io.opentelemetry.sdk.extension.trace.jaeger.sampler.JaegerRemoteSampler;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gRPC {@code jaeger.api_v2.SamplingManager/GetSamplingStrategy}: each answer decoded with the
 * classes protoc generated from Jaeger's {@code sampling.proto} (as OpenTelemetry's Jaeger remote
 * sampler publishes them), and OpenTelemetry's {@link JaegerRemoteSampler} adopting what is served.
 */
class GrpcSamplingTest {
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

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) throws Exception {
      Path file = Files.createTempFile("strategies", ".json");
      Files.writeString(file, STRATEGIES);
      sb.service(SamplingStrategies.read(file).grpcService());
    }
  };

  private static Sampling.SamplingStrategyResponse ask(String service) {
    SamplingManagerBlockingStub stub =
        GrpcClients.newClient(server.httpUri(), SamplingManagerBlockingStub.class);
    return stub.getSamplingStrategy(
        Sampling.SamplingStrategyParameters.newBuilder().setServiceName(service).build());
  }

  @Test
  void eachStrategyFieldByField() {
    Sampling.SamplingStrategyResponse everything = ask("everything");
    assertThat(everything.getStrategyType())
        .isEqualTo(Sampling.SamplingStrategyType.PROBABILISTIC);
    assertThat(everything.hasProbabilisticSampling()).isTrue();
    assertThat(everything.getProbabilisticSampling().getSamplingRate()).isEqualTo(1.0);
    assertThat(everything.hasRateLimitingSampling()).isFalse();
    assertThat(everything.hasOperationSampling()).isFalse();

    Sampling.SamplingStrategyResponse nothing = ask("nothing");
    assertThat(nothing.hasProbabilisticSampling()).isTrue();
    assertThat(nothing.getProbabilisticSampling().getSamplingRate()).isZero();

    Sampling.SamplingStrategyResponse limited = ask("limited");
    assertThat(limited.getStrategyType()).isEqualTo(Sampling.SamplingStrategyType.RATE_LIMITING);
    assertThat(limited.hasProbabilisticSampling()).isFalse();
    assertThat(limited.getRateLimitingSampling().getMaxTracesPerSecond()).isEqualTo(7);

    Sampling.SamplingStrategyResponse checkout = ask("checkout");
    Sampling.PerOperationSamplingStrategies operations = checkout.getOperationSampling();
    assertThat(operations.getDefaultSamplingProbability()).isZero();
    assertThat(operations.getDefaultLowerBoundTracesPerSecond()).isZero();
    assertThat(operations.getDefaultUpperBoundTracesPerSecond()).isZero();
    assertThat(operations.getPerOperationStrategiesList()).singleElement().satisfies(one -> {
      assertThat(one.getOperation()).isEqualTo("POST /pay");
      assertThat(one.getProbabilisticSampling().getSamplingRate()).isEqualTo(1.0);
    });

    assertThat(ask("x".repeat(10_000)).getProbabilisticSampling().getSamplingRate())
        .isEqualTo(0.25);
  }

  @Test
  void aRequestWithoutAServiceNameIsAnInvalidArgument() {
    assertThatThrownBy(() -> ask(""))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("serviceName is missing or empty");
        });
  }

  @Test
  void theServiceNameIsReadPastOtherFieldsAndATruncatedMessageIsRefused() throws Exception {
    assertThat(SamplingManagerGrpc.SERVICE_NAME).isEqualTo(SamplingGrpcService.SERVICE_NAME);
    assertThat(SamplingGrpcService.serviceName(new byte[] {0x10, 0x01, 0x0a, 0x01, 'a'}))
        .isEqualTo("a");
    assertThatThrownBy(() -> SamplingGrpcService.serviceName(new byte[] {0x0a, 0x05, 'a'}))
        .isInstanceOf(InvalidProtocolBufferException.class);
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
   * OpenTelemetry's sampler, polling this server every 50 ms, once it has replaced {@code
   * initial} with what it made of an answer.
   */
  private static JaegerRemoteSampler adopted(String service, Sampler initial)
      throws InterruptedException {
    JaegerRemoteSampler sampler = JaegerRemoteSampler.builder()
        .setEndpoint(server.httpUri().toString())
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

  @Test
  void openTelemetrysJaegerRemoteSamplerAdoptsTheServedStrategies() throws Exception {
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
}
