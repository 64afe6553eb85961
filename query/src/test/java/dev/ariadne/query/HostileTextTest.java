package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.HOSTILE;
import static dev.ariadne.query.QueryFixtures.HOSTILE_KEY;
import static dev.ariadne.query.QueryFixtures.HOSTILE_NAME;
import static dev.ariadne.query.QueryFixtures.HOSTILE_VALUE;
import static dev.ariadne.query.QueryFixtures.LONE_SURROGATE;
import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Span text is untrusted: it comes back exactly, as escaped JSON no page mistakes for HTML. */
class HostileTextTest {
  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(QueryFixtures.storage());

  @Test
  void nativeApiEscapesHostileText() {
    AggregatedHttpResponse response = get(server, "/api/v1/traces/" + HOSTILE.toHex());

    assertEscaped(response);
    JsonNode span = json(response).get("spans").get(0);
    assertThat(span.get("name").asText()).isEqualTo(HOSTILE_NAME);
    assertThat(span.get("attributes").get(0).get("key").asText()).isEqualTo(HOSTILE_KEY);
    assertThat(span.get("attributes").get(0).get("value").asText()).isEqualTo(HOSTILE_VALUE);
    assertThat(span.get("attributes").get(1).get("value").asText()).isEqualTo(LONE_SURROGATE);
  }

  @Test
  void jaegerApiEscapesHostileText() {
    AggregatedHttpResponse response = get(server, "/api/traces/" + HOSTILE.toHex());

    assertEscaped(response);
    JsonNode span = json(response).get("data").get(0).get("spans").get(0);
    assertThat(span.get("operationName").asText()).isEqualTo(HOSTILE_NAME);
    assertThat(span.get("tags").get(0).get("key").asText()).isEqualTo(HOSTILE_KEY);
    assertThat(span.get("tags").get(0).get("value").asText()).isEqualTo(HOSTILE_VALUE);
    assertThat(span.get("tags").get(1).get("value").asText()).isEqualTo(LONE_SURROGATE);
  }

  @Test
  void zipkinApiReturnsHostileTextAsValidJson() {
    AggregatedHttpResponse response = get(server, "/api/v2/trace/" + HOSTILE.toHex());

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    JsonNode span = json(response).get(0);
    assertThat(span.get("tags").get(HOSTILE_KEY).asText()).isEqualTo(HOSTILE_VALUE);
    assertThat(span.get("tags").has("lone.surrogate")).isTrue();
  }

  @Test
  void listingsEscapeHostileText() {
    AggregatedHttpResponse keys = get(server, "/api/v1/attributes/keys?service=hostile");
    assertEscaped(keys);
    assertThat(json(keys).get("keys").toString()).contains("\\\"");

    AggregatedHttpResponse operations = get(server, "/api/services/hostile/operations");
    assertEscaped(operations);
    assertThat(json(operations).get("data").get(0).asText()).isEqualTo(HOSTILE_NAME);
  }

  @Test
  void errorsEscapeTheValueTheyQuote() {
    AggregatedHttpResponse response =
        get(server, "/api/v1/traces?limit=%3Cscript%3Ealert(1)%3C%2Fscript%3E");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).doesNotContain("<");
    assertThat(json(response).get("message").asText()).isEqualTo(
        "limit: \"<script>alert(1)</script>\" (expected: an integer from 1 to 10000)");
  }

  @Test
  void hostileServiceNamesInThePathAreJustNames() {
    AggregatedHttpResponse response = get(server, "/api/v1/services/%3Cb%3E%22%2F/operations");

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentUtf8()).isEqualTo("{\"operations\":[]}");
  }

  static void assertEscaped(AggregatedHttpResponse response) {
    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentUtf8()).doesNotContain("<", ">", "&", "\u2028", "\u0000");
  }
}
