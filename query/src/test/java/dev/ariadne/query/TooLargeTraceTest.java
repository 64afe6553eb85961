package dev.ariadne.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TestSpans;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trace with more spans than an answer reads ({@link QueryApi.Builder#maxTraceSpans}) is
 * refused alone and left out of lists of whole traces; one of exactly that many is answered.
 */
class TooLargeTraceTest {
  static final int MAX = 1_000;
  static final TraceId TOO_LARGE = new TraceId(0x7L, 0x1L);
  static final TraceId AT_THE_LIMIT = new TraceId(0x7L, 0x2L);
  static final String MESSAGE = "trace " + TOO_LARGE.toHex() + " has " + (MAX + 1)
      + " spans, more than the " + MAX + " an answer reads (the server's query.max-trace-spans)";

  /** Zipkin's time range: the day of {@link QueryFixtures#large}'s traces. */
  static final String ZIPKIN_DAY = "endTs=" + (TestSpans.TODAY / 1_000_000 + 86_400_000)
      + "&lookback=86400000";

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(
      QueryApi.builder(storage()).maxTraceSpans(MAX).build());

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(10 * MAX);
    storage.write(QueryFixtures.large(TOO_LARGE, MAX + 1));
    storage.write(QueryFixtures.large(AT_THE_LIMIT, MAX));
    return storage;
  }

  @Test
  void theNativeApiRefusesTheTraceAndItsCriticalPathWith422NamingItsSize() throws IOException {
    for (String path : List.of("/api/v1/traces/" + TOO_LARGE.toHex(),
        "/api/v1/traces/" + TOO_LARGE.toHex() + "/critical-path")) {
      AggregatedHttpResponse response = QueryFixtures.get(server, path);

      assertThat(response.status().code()).as(path).isEqualTo(422);
      JsonNode body = QueryFixtures.MAPPER.readTree(response.contentUtf8());
      assertThat(body.get("traceId").asText()).isEqualTo(TOO_LARGE.toHex());
      assertThat(body.get("message").asText()).isEqualTo(MESSAGE);
    }
  }

  @Test
  void aTraceOfExactlyTheMostSpansIsAnswered() throws IOException {
    AggregatedHttpResponse response =
        QueryFixtures.get(server, "/api/v1/traces/" + AT_THE_LIMIT.toHex());

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(QueryFixtures.MAPPER.readTree(response.contentUtf8()).get("spans")).hasSize(MAX);
  }

  @Test
  void theJaegerApiRefusesItAloneAndNamesItInTheErrorsOfAList() throws IOException {
    AggregatedHttpResponse alone = QueryFixtures.get(server, "/api/traces/" + TOO_LARGE.toHex());
    assertThat(alone.status().code()).isEqualTo(422);
    JsonNode error = QueryFixtures.MAPPER.readTree(alone.contentUtf8()).get("errors").get(0);
    assertThat(error.get("code").asInt()).isEqualTo(422);
    assertThat(error.get("msg").asText()).isEqualTo(MESSAGE);

    for (String path : List.of(
        "/api/traces?traceID=" + TOO_LARGE.toHex() + "&traceID=" + AT_THE_LIMIT.toHex(),
        "/api/traces?service=bulk&lookback=custom&start=0&limit=10")) {
      AggregatedHttpResponse list = QueryFixtures.get(server, path);

      assertThat(list.status().code()).as(path).isEqualTo(200);
      JsonNode body = QueryFixtures.MAPPER.readTree(list.contentUtf8());
      assertThat(body.get("data")).as(path).singleElement()
          .satisfies(trace -> assertThat(trace.get("traceID").asText())
              .isEqualTo(AT_THE_LIMIT.toHex()));
      assertThat(body.get("errors")).as(path).singleElement().satisfies(e -> {
        assertThat(e.get("code").asInt()).isEqualTo(422);
        assertThat(e.get("traceID").asText()).isEqualTo(TOO_LARGE.toHex());
        assertThat(e.get("msg").asText()).isEqualTo(MESSAGE);
      });
    }
  }

  @Test
  void theZipkinApiRefusesItAloneAndLeavesItOutOfLists() throws IOException {
    AggregatedHttpResponse alone = QueryFixtures.get(server, "/api/v2/trace/" + TOO_LARGE.toHex());
    assertThat(alone.status().code()).isEqualTo(422);
    assertThat(QueryFixtures.MAPPER.readTree(alone.contentUtf8()).get("message").asText())
        .isEqualTo(MESSAGE);

    for (String path : List.of(
        "/api/v2/traceMany?traceIds=" + TOO_LARGE.toHex() + "," + AT_THE_LIMIT.toHex(),
        "/api/v2/traces?serviceName=bulk&" + ZIPKIN_DAY,
        "/api/v2/traces?serviceName=bulk&annotationQuery=item.index&" + ZIPKIN_DAY)) {
      AggregatedHttpResponse list = QueryFixtures.get(server, path);

      assertThat(list.status().code()).as(path).isEqualTo(200);
      List<String> traceIds = new ArrayList<>();
      QueryFixtures.MAPPER.readTree(list.contentUtf8())
          .forEach(trace -> traceIds.add(trace.get(0).get("traceId").asText()));
      assertThat(traceIds).as(path).containsExactly(AT_THE_LIMIT.toHex());
    }
  }

  @Test
  void searchesStillListItsSummary() throws IOException {
    AggregatedHttpResponse response = QueryFixtures.get(server,
        "/api/v1/traces?service=bulk&start=0&end=" + Long.MAX_VALUE);

    assertThat(response.status().code()).isEqualTo(200);
    List<String> traceIds = new ArrayList<>();
    QueryFixtures.MAPPER.readTree(response.contentUtf8()).get("traces")
        .forEach(trace -> traceIds.add(trace.get("traceId").asText()));
    assertThat(traceIds).containsExactlyInAnyOrder(TOO_LARGE.toHex(), AT_THE_LIMIT.toHex());
  }
}
