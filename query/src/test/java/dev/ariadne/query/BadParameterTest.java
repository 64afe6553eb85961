package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every malformed parameter is answered with 400 and a JSON error that names it. */
class BadParameterTest {
  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(QueryFixtures.storage());

  @ParameterizedTest(name = "{0} names {1}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/traces/not-hex                              | traceId",
      "/api/v1/traces/123456789012345678901234567890123    | traceId",
      "/api/v1/traces?limit=0                              | limit",
      "/api/v1/traces?limit=abc                            | limit",
      "/api/v1/traces?limit=10001                          | limit",
      "/api/v1/traces?spanKind=sideways                    | spanKind",
      "/api/v1/traces?status=failed                        | status",
      "/api/v1/traces?attribute=novalue                    | attribute",
      "/api/v1/traces?attribute=%3Dvalue                   | attribute",
      "/api/v1/traces?minDuration=fast                     | minDuration",
      "/api/v1/traces?maxDuration=-5ms                     | maxDuration",
      "/api/v1/traces?minDuration=2s&maxDuration=1s        | maxDuration",
      "/api/v1/traces?start=yesterday                      | start",
      "/api/v1/traces?end=2024-13-01T00:00:00Z             | end",
      "/api/v1/traces?start=2000&end=1000                  | end",
      "/api/v1/traces?lookback=1y                          | lookback",
      "/api/v1/traces?lookback=0s                          | lookback",
      "/api/v1/traces?start=9223372036854775807            | start",
      "/api/v1/dependencies?lookback=0s                    | lookback",
      "/api/v1/attributes/keys?limit=-1                    | limit",
      "/api/v1/attributes/values                           | key",
      "/api/v1/attributes/values?key=k&limit=x             | limit",
      "/api/v1/dependencies?start=1.5                      | start",
      "/api/v2/trace/xyz                                   | traceId",
      "/api/v2/traceMany                                   | traceIds",
      "/api/v2/traceMany?traceIds=abc,,def                 | traceIds",
      "/api/v2/spans                                       | serviceName",
      "/api/v2/remoteServices                              | serviceName",
      "/api/v2/autocompleteValues                          | key",
      "/api/v2/traces?limit=-3                             | limit",
      "/api/v2/traces?minDuration=1ms                      | minDuration",
      "/api/v2/traces?minDuration=20&maxDuration=10        | maxDuration",
      "/api/v2/traces?endTs=now                            | endTs",
      "/api/v2/traces?endTs=99999999999999999              | endTs",
      "/api/v2/traces?lookback=0                           | lookback",
      "/api/v2/traces?annotationQuery=%3Dx                 | annotationQuery",
      "/api/v2/dependencies                                | endTs",
      "/api/v2/dependencies?endTs=1&lookback=x             | lookback",
  })
  void answersPlainApiErrorsNamingTheParameter(String path, String parameter) {
    AggregatedHttpResponse response = get(server, path);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode error = json(response);
    assertThat(error.get("status").asInt()).isEqualTo(400);
    assertThat(error.get("parameter").asText()).isEqualTo(parameter);
    assertThat(error.get("message").asText()).startsWith(parameter + ": ");
  }

  @ParameterizedTest(name = "{0} names {1}")
  @CsvSource(delimiter = '|', value = {
      "/api/traces/not-hex                                 | traceID",
      "/api/traces                                         | service",
      "/api/traces?traceID=zz                              | traceID",
      "/api/traces?service=cart&limit=0                    | limit",
      "/api/traces?service=cart&limit=many                 | limit",
      "/api/traces?service=cart&minDuration=5parsecs       | minDuration",
      "/api/traces?service=cart&maxDuration=1.2.3s         | maxDuration",
      "/api/traces?service=cart&minDuration=2s&maxDuration=1s | maxDuration",
      "/api/traces?service=cart&start=yesterday            | start",
      "/api/traces?service=cart&end=-1                     | end",
      "/api/traces?service=cart&start=2000&end=1000        | end",
      "/api/traces?service=cart&lookback=forever           | lookback",
      "/api/traces?service=cart&tags=not-json              | tags",
      "/api/traces?service=cart&tags=%5B%5D                | tags",
      "/api/traces?service=cart&tags=%7B%22a%22%3A%7B%7D%7D | tags",
      "/api/traces?service=cart&tags=%7B%22a%22%3Anull%7D  | tags",
      "/api/traces?service=cart&tags=%7B%7D%7B%7D          | tags",
      "/api/traces?service=cart&tag=nocolon                | tag",
      "/api/operations                                     | service",
      "/api/operations?service=cart&spanKind=sideways      | spanKind",
      "/api/dependencies?endTs=soon                        | endTs",
      "/api/dependencies?endTs=1&lookback=0                | lookback",
      "/api/dependencies?endTs=1&lookback=-5               | lookback",
  })
  void answersJaegerErrorsNamingTheParameter(String path, String parameter) {
    AggregatedHttpResponse response = get(server, path);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode body = json(response);
    assertThat(body.get("data").isNull()).isTrue();
    JsonNode error = body.get("errors").get(0);
    assertThat(error.get("code").asInt()).isEqualTo(400);
    assertThat(error.get("parameter").asText()).isEqualTo(parameter);
    assertThat(error.get("msg").asText()).startsWith(parameter + ": ");
  }
}
