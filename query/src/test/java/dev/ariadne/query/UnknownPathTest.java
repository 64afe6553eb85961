package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A GET of a path under an API's prefix that is none of its endpoints is a 404 in that API's own
 * JSON error format, not the HTTP server's plain text; without analytics, so are the metrics
 * endpoints, saying why.
 */
class UnknownPathTest {
  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(QueryFixtures.storage());

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/nothing              | no such endpoint of the native API",
      "/api/v1/traces/abc/nothing   | no such endpoint of the native API",
      "/api/v2/nothing              | no such endpoint of the Zipkin API",
      "/api/v1/metrics/red?service=a | analytics is off (analytics.enabled: false)",
  })
  void thePlainApisAnswerA404ThatSaysWhy(String path, String message) {
    AggregatedHttpResponse response = get(server, path);

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode error = json(response);
    assertThat(error.get("status").asInt()).isEqualTo(404);
    assertThat(error.get("message").asText()).startsWith(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/api/nothing                 | no such endpoint of the Jaeger query API",
      "/api/metrics/calls?service=a | analytics is off (analytics.enabled: false)",
  })
  void theJaegerApiAnswersA404InItsOwnShape(String path, String message) {
    AggregatedHttpResponse response = get(server, path);

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    JsonNode error = json(response).get("errors").get(0);
    assertThat(error.get("code").asInt()).isEqualTo(404);
    assertThat(error.get("msg").asText()).startsWith(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/api/v1/services", "/api/services", "/api/v2/services",
      "/api/v1/traces/463ac35c9f6413ad48485a3953bb6124"})
  void anEndpointAskedWithHeadAnswersItsHeadersWithoutABody(String path) {
    AggregatedHttpResponse response = WebClient.of(server.httpUri()).head(path).aggregate().join();

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    assertThat(response.content().isEmpty()).isTrue();
  }

  @Test
  void anEndpointAskedWithAnotherMethodIsStillA405() {
    AggregatedHttpResponse response =
        WebClient.of(server.httpUri()).post("/api/v1/services", "").aggregate().join();

    assertThat(response.status()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
  }
}
