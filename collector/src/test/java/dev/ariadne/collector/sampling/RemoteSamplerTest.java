package dev.ariadne.collector.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.jaegertracing.internal.exceptions.SamplingStrategyErrorException;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.internal.samplers.HttpSamplingManager;
import io.jaegertracing.internal.samplers.RemoteControlledSampler;
import io.jaegertracing.internal.samplers.SamplingStatus;
import io.jaegertracing.internal.samplers.http.SamplingStrategyResponse;
import io.jaegertracing.spi.SamplingManager;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jaeger-client-java 1.8.1's own {@link RemoteControlledSampler} adopts what is served: through its
 * {@link HttpSamplingManager}, which asks the agent's {@code GET /?service=}, and through the
 * collector's {@code GET /api/sampling}, read with the Gson mapping that manager reads with (what
 * an agent passing the collector's answer through would hand it).
 */
class RemoteSamplerTest {
  /** Per service, with no operation strategies: each service gets its own strategy alone. */
  private static final String SERVICES = """
      {
        "service_strategies": [
          {"service": "everything", "type": "probabilistic", "param": 1},
          {"service": "nothing", "type": "probabilistic", "param": 0},
          {"service": "limited", "type": "ratelimiting", "param": 2}
        ]
      }
      """;
  /** Per operation: the default's operation strategies apply to every service. */
  private static final String OPERATIONS = """
      {
        "default_strategy": {"type": "probabilistic", "param": 0.5,
          "operation_strategies": [{"operation": "/health", "type": "probabilistic", "param": 0}]},
        "service_strategies": [
          {"service": "checkout", "type": "probabilistic", "param": 0,
           "operation_strategies": [{"operation": "POST /pay", "type": "probabilistic", "param": 1}]}
        ]
      }
      """;
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final int POLLING_MS = 50;

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) throws Exception {
      // HttpSamplingManager asks http://HOST:PORT/?service=, so a path in its host-port is a prefix.
      SamplingStrategies services = read(SERVICES);
      sb.service("/services/", services.legacyHttpService());
      sb.service("/services/api/sampling", services.httpService());
      SamplingStrategies operations = read(OPERATIONS);
      sb.service("/operations/", operations.legacyHttpService());
      sb.service("/operations/api/sampling", operations.httpService());
    }
  };

  private static SamplingStrategies read(String json) throws Exception {
    Path file = Files.createTempFile("strategies", ".json");
    Files.writeString(file, json);
    return SamplingStrategies.read(file);
  }

  private final RandomGenerator random = RandomGenerator.getDefault();

  private RemoteControlledSampler sampler(String service, boolean initiallySampled,
      SamplingManager manager) {
    return new RemoteControlledSampler.Builder(service)
        .withSamplingManager(manager)
        .withInitialSampler(new ConstSampler(initiallySampled))
        .withPollingInterval(POLLING_MS)
        .build();
  }

  /** jaeger-client's own manager, asking the agent's {@code GET /} under {@code prefix}. */
  private static SamplingManager agent(String prefix) {
    return new HttpSamplingManager("127.0.0.1:" + server.httpPort() + prefix);
  }

  /** Reads the collector's answer as HttpSamplingManager reads the agent's. */
  private static SamplingManager collector(String prefix) {
    HttpClient http = HttpClient.newHttpClient();
    return service -> {
      try {
        String body = http.send(HttpRequest.newBuilder(
                server.httpUri().resolve(prefix + "/api/sampling?service=" + service)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return new Gson().fromJson(body, SamplingStrategyResponse.class);
      } catch (IOException e) {
        throw new SamplingStrategyErrorException("cannot reach the collector", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SamplingStrategyErrorException("interrupted", e);
      }
    };
  }

  /**
   * Polls until the sampler has replaced its initial {@link ConstSampler} with what was served,
   * and answers the tags of its decision for {@code operation}.
   */
  private static Map<String, Object> awaitAdopted(RemoteControlledSampler sampler,
      String operation) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Map<String, Object> tags;
    while ("const".equals((tags = sampler.sample(operation, 1L).getTags()).get("sampler.type"))) {
      assertThat(System.nanoTime()).as("the sampler adopted the served strategy in time")
          .isLessThan(deadline);
      Thread.sleep(POLLING_MS / 2);
    }
    return tags;
  }

  private int sampled(RemoteControlledSampler sampler, String operation, int traces) {
    int sampled = 0;
    for (int i = 0; i < traces; i++) {
      SamplingStatus status = sampler.sample(operation, random.nextLong());
      if (status.isSampled()) sampled++;
    }
    return sampled;
  }

  @Test
  void probabilityOneSamplesEveryTrace() throws Exception {
    for (SamplingManager manager : List.of(agent("/services"), collector("/services"))) {
      RemoteControlledSampler sampler = sampler("everything", false, manager);
      try {
        assertThat(awaitAdopted(sampler, "GET /"))
            .isEqualTo(Map.of("sampler.type", "probabilistic", "sampler.param", 1.0));
        assertThat(sampled(sampler, "GET /", 1000)).isEqualTo(1000);
      } finally {
        sampler.close();
      }
    }
  }

  @Test
  void probabilityZeroSamplesNone() throws Exception {
    for (SamplingManager manager : List.of(agent("/services"), collector("/services"))) {
      RemoteControlledSampler sampler = sampler("nothing", true, manager);
      try {
        assertThat(awaitAdopted(sampler, "GET /"))
            .isEqualTo(Map.of("sampler.type", "probabilistic", "sampler.param", 0.0));
        assertThat(sampled(sampler, "GET /", 1000)).isZero();
      } finally {
        sampler.close();
      }
    }
  }

  @Test
  void rateLimitingSamplesAtMostItsRate() throws Exception {
    for (SamplingManager manager : List.of(agent("/services"), collector("/services"))) {
      RemoteControlledSampler sampler = sampler("limited", true, manager);
      try {
        assertThat(awaitAdopted(sampler, "GET /"))
            .isEqualTo(Map.of("sampler.type", "ratelimiting", "sampler.param", 2.0));
        long start = System.nanoTime();
        int sampled = sampled(sampler, "GET /", 1000);
        double seconds = (System.nanoTime() - start) / 1e9;
        // A bucket of 2 credits, refilled at 2 a second.
        assertThat(sampled).isLessThanOrEqualTo(2 + (int) Math.ceil(2 * seconds));
      } finally {
        sampler.close();
      }
    }
  }

  /**
   * The client's sampler per operation pairs each probability with a lower bound, here 0 traces a
   * second, whose rate limiter starts with one credit: an operation at probability 0 has its
   * first trace sampled, and no other.
   */
  @Test
  void operationStrategiesApplyPerOperation() throws Exception {
    for (SamplingManager manager : List.of(agent("/operations"), collector("/operations"))) {
      RemoteControlledSampler sampler = sampler("checkout", false, manager);
      try {
        assertThat(awaitAdopted(sampler, "POST /pay"))
            .isEqualTo(Map.of("sampler.type", "probabilistic", "sampler.param", 1.0));
        assertThat(sampled(sampler, "POST /pay", 1000)).isEqualTo(1000);
        // The service's own probability for the rest, and the default's /health.
        assertThat(sampled(sampler, "GET /cart", 1000)).isLessThanOrEqualTo(1);
        assertThat(sampled(sampler, "/health", 1000)).isLessThanOrEqualTo(1);
      } finally {
        sampler.close();
      }
    }
  }

  @Test
  void defaultOperationStrategiesApplyToServicesNotNamed() throws Exception {
    for (SamplingManager manager : List.of(agent("/operations"), collector("/operations"))) {
      RemoteControlledSampler sampler = sampler("unnamed", true, manager);
      try {
        awaitAdopted(sampler, "/health");
        assertThat(sampled(sampler, "/health", 1000)).isLessThanOrEqualTo(1);
        assertThat(sampled(sampler, "GET /", 1000)).isBetween(350, 650);
      } finally {
        sampler.close();
      }
    }
  }
}
