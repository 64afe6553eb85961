package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.embedded.EmbeddedStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trace that reached the storage's per-trace span limit says so in every API: the spans not
 * stored, per service and span name, are part of its completeness.
 */
class DroppedSpansTest {
  private static final TraceId TRACE_ID = new TraceId(0x77, 0x88);
  private static final EmbeddedStorage STORAGE = limitedStorage();

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(STORAGE);

  private static EmbeddedStorage limitedStorage() {
    try {
      EmbeddedStorage storage = EmbeddedStorage.builder(Files.createTempDirectory("dropped-"))
          .retention(Duration.ofDays(365_000))
          .maxSpansPerTrace(3)
          .open();
      storage.write(checkout(TRACE_ID, TODAY));
      return storage;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theNativeApiListsTheDroppedSpansAndCallsTheTraceIncomplete() {
    JsonNode completeness = json(get(server, "/api/v1/traces/" + TRACE_ID.toHex()))
        .get("completeness");

    assertThat(completeness.get("complete").asBoolean()).isFalse();
    assertThat(completeness.get("droppedSpans").toString()).isEqualTo("["
        + "{\"serviceName\":\"cart\",\"spanName\":\"POST /pay\",\"count\":1},"
        + "{\"serviceName\":\"payment\",\"spanName\":\"POST /pay\",\"count\":1}]");
  }

  @Test
  void theJaegerApiWarnsOfThem() {
    JsonNode trace = json(get(server, "/api/traces/" + TRACE_ID.toHex())).get("data").get(0);

    assertThat(trace.get("spans")).hasSize(3);
    assertThat(trace.get("warnings").toString()).contains("2 spans not stored: the trace"
        + " reached the storage's per-trace span limit (cart POST /pay: 1, payment POST /pay: 1)");
  }

  @Test
  void theZipkinApiCountsThemInAHeader() {
    AggregatedHttpResponse response = get(server, "/api/v2/trace/" + TRACE_ID.toHex());

    assertThat(response.headers().get("ariadne-dropped-spans")).isEqualTo("2");
    assertThat(response.headers().get("ariadne-trace-complete")).isEqualTo("false");
  }
}
