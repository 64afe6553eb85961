package dev.ariadne.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.jaegertracing.internal.samplers.HttpSamplingManager;
import io.jaegertracing.internal.samplers.http.SamplingStrategyResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The agent's sampling endpoint passes the collector's strategies through to Jaeger clients. */
class SamplingProxyTest {
  /** The services the collector was asked about, in order. */
  static final List<String> asked = new CopyOnWriteArrayList<>();

  /** A collector's {@code /api/sampling}: a strategy for "checkout", 404 for the rest. */
  @RegisterExtension
  @Order(1)
  static final ServerExtension collector = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) {
      sb.service("/api/sampling", (ctx, req) -> {
        String service = ctx.queryParam("service");
        asked.add(service);
        return "checkout".equals(service)
            ? HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8,
                "{\"strategyType\":\"PROBABILISTIC\","
                    + "\"probabilisticSampling\":{\"samplingRate\":0.25}}")
            : HttpResponse.of(HttpStatus.NOT_FOUND, MediaType.PLAIN_TEXT_UTF_8,
                "no strategy for " + service);
      });
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
  void jaegerClientsRemoteSamplerReadsTheCollectorsStrategy() throws Exception {
    HttpSamplingManager manager = new HttpSamplingManager("127.0.0.1:" + agent.httpPort());

    SamplingStrategyResponse strategy = manager.getSamplingStrategy("checkout");

    assertThat(strategy.getProbabilisticSampling().getSamplingRate()).isEqualTo(0.25);
  }

  @Test
  void passesTheCollectorsStatusAndBodyThrough() {
    AggregatedHttpResponse found = get(agent, "/sampling?service=checkout");
    AggregatedHttpResponse missing = get(agent, "/sampling?service=a%20b%26c");

    assertThat(found.status()).isEqualTo(HttpStatus.OK);
    assertThat(found.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(found.contentUtf8()).contains("\"samplingRate\":0.25");
    assertThat(missing.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(missing.contentUtf8()).isEqualTo("no strategy for a b&c");
    assertThat(asked).contains("a b&c");
  }

  @Test
  void theLegacyFormAtTheRootHasTheTypeAsItsNumberAsTheJaegerAgentGivesIt() {
    AggregatedHttpResponse legacy = get(agent, "/?service=checkout");

    assertThat(legacy.status()).isEqualTo(HttpStatus.OK);
    assertThat(legacy.contentUtf8()).isEqualTo(
        "{\"strategyType\":0,\"probabilisticSampling\":{\"samplingRate\":0.25}}");
    byte[] nested = SamplingProxy.numberedType(("{\"strategyType\":\"RATE_LIMITING\","
        + "\"operationSampling\":{\"strategyType\":\"X\"}}").getBytes(UTF_8));
    assertThat(new String(nested, UTF_8))
        .isEqualTo("{\"strategyType\":1,\"operationSampling\":{\"strategyType\":\"X\"}}");
    assertThat(get(agent, "/?service=other").contentUtf8()).isEqualTo("no strategy for other");
  }

  @Test
  void aRequestWithoutAServiceIs400() {
    AggregatedHttpResponse response = get(agent, "/sampling");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8())
        .isEqualTo("a service is required: GET /sampling?service=NAME");
  }

  @Test
  void aCollectorThatCannotBeReachedIs502NamingIt() {
    AggregatedHttpResponse response = get(orphan, "/sampling?service=checkout");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
    assertThat(response.contentUtf8()).matches("could not reach the collector's sampling endpoint"
        + " at http://127\\.0\\.0\\.1:[0-9]+: connection refused");
  }

  private static AggregatedHttpResponse get(AgentServer server, String path) {
    return WebClient.of(server.httpUri()).get(path).aggregate().join();
  }

  private static String closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
