package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.HOSTILE;
import static dev.ariadne.query.QueryFixtures.HOSTILE_NAME;
import static dev.ariadne.query.QueryFixtures.HOUR;
import static dev.ariadne.query.QueryFixtures.INCOMPLETE;
import static dev.ariadne.query.QueryFixtures.RICH;
import static dev.ariadne.query.QueryFixtures.UNKNOWN;
import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/v1/traces/{traceId}/critical-path} over a real server and memory storage. */
class CriticalPathApiTest {
  /** The seed's spans A, C, E, F and the FollowsFrom chain F, G, H (B and D left out), at +4 h. */
  static final TraceId SEED = new TraceId(0x5eedL, 0x3L);

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  static MemoryStorage storage() {
    MemoryStorage storage = QueryFixtures.storage();
    storage.write(seedWithoutB());
    return storage;
  }

  /** Times in ms after +4 h as the seed's timeline draws them, one column to a millisecond. */
  static List<Span> seedWithoutB() {
    long t = TODAY + 4 * HOUR;
    return List.of(
        span(SEED, 0xa, 0, "web", "A", SpanKind.SERVER, t + MILLIS, 58 * MILLIS).build(),
        span(SEED, 0xc, 0xa, "web", "C", SpanKind.INTERNAL, t + 4 * MILLIS, 47 * MILLIS).build(),
        span(SEED, 0xe, 0xc, "db", "E", SpanKind.CLIENT, t + 9 * MILLIS, 14 * MILLIS).build(),
        span(SEED, 0xf, 0xc, "queue", "F", SpanKind.PRODUCER, t + 32 * MILLIS, 9 * MILLIS)
            .build(),
        span(SEED, 0x10, 0xf, "worker", "G", SpanKind.CONSUMER, t + 43 * MILLIS, 9 * MILLIS)
            .links(List.of(new Link(SEED, 0xf, "", List.of(), 0, true)))
            .build(),
        span(SEED, 0x11, 0x10, "worker", "H", SpanKind.INTERNAL, t + 54 * MILLIS, 9 * MILLIS)
            .links(List.of(new Link(SEED, 0x10, "", List.of(), 0, true)))
            .build());
  }

  @Test
  void answersThePathWithEachSegmentsServiceAndName() {
    AggregatedHttpResponse response = get(server, criticalPath(RICH));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode answer = json(response);
    assertThat(answer.get("traceId").asText()).isEqualTo(RICH.toHex());
    assertThat(answer.get("segments").get(0).toString()).isEqualTo("{"
        + "\"spanId\":\"0000000000000001\",\"serviceName\":\"frontend\",\"name\":\"GET /checkout\","
        + "\"startEpochNanos\":\"" + TODAY + "\",\"endEpochNanos\":\"" + (TODAY + 10 * MILLIS)
        + "\",\"durationNanos\":" + 10 * MILLIS + "}");
    // The checkout waits for the cart, the cart for the payment; the email span follows from the
    // payment but nothing waits for it (it would count under 4, which ends as it starts).
    assertThat(segments(answer, TODAY)).containsExactly(
        "1 frontend GET /checkout 0..10", "2 frontend GET /cart 10..12", "3 cart GET /cart 12..20",
        "4 cart POST /pay 20..21", "5 payment POST /pay 21..29", "4 cart POST /pay 29..30",
        "3 cart GET /cart 30..38", "2 frontend GET /cart 38..40",
        "1 frontend GET /checkout 40..100");
  }

  @Test
  void saysACompleteTraceIsComplete() {
    assertThat(json(get(server, criticalPath(RICH))).get("completeness").toString())
        .isEqualTo("{\"complete\":true,\"rootPresent\":true,\"orphanSpanIds\":[],"
            + "\"cyclicSpanIds\":[],\"clockSkew\":[],\"duplicateSpanIds\":[],"
            + "\"collidingSpanIds\":[],\"droppedSpans\":[],\"unreadableSpans\":0}");
  }

  @Test
  void followsTheSeedsFollowsFromChainInsideTheSpanWaitingForIt() {
    JsonNode answer = json(get(server, criticalPath(SEED)));

    // G follows F, which C waits for: G counts as C's child, clipped to C's end (51); H starts
    // after C has ended, so nothing on the path waits for it.
    assertThat(segments(answer, TODAY + 4 * HOUR)).containsExactly(
        "a web A 1..4", "c web C 4..9", "e db E 9..23", "c web C 23..32", "f queue F 32..41",
        "c web C 41..43", "10 worker G 43..51", "a web A 51..59");
  }

  @Test
  void pathOfATraceWithoutRootStartsAtTheOrphanAndSaysTheRootIsMissing() {
    JsonNode answer = json(get(server, criticalPath(INCOMPLETE)));

    JsonNode completeness = answer.get("completeness");
    assertThat(completeness.get("complete").asBoolean()).isFalse();
    assertThat(completeness.get("rootPresent").asBoolean()).isFalse();
    assertThat(completeness.get("orphanSpanIds").toString()).isEqualTo("[\"0000000000000010\"]");
    assertThat(completeness.get("duplicateSpanIds").toString())
        .isEqualTo("[\"0000000000000011\"]");
    // 0x12 starts 2 ms before and ends 5 ms after its parent 0x11: clipped to 0x11's 5..20 ms.
    assertThat(segments(answer, TODAY + HOUR)).containsExactly(
        "10 cart GET /cart 0..5", "12 payment POST /pay 5..20", "10 cart GET /cart 20..50");
  }

  @Test
  void acceptsShortAndUpperCaseTraceIds() {
    AggregatedHttpResponse response = get(server, "/api/v1/traces/ABC/critical-path");

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(json(response).get("traceId").asText()).isEqualTo(INCOMPLETE.toHex());
  }

  @Test
  void escapesHostileNames() {
    AggregatedHttpResponse response = get(server, criticalPath(HOSTILE));

    assertThat(response.contentUtf8()).doesNotContain("<");
    assertThat(json(response).get("segments").get(0).get("name").asText())
        .isEqualTo(HOSTILE_NAME);
  }

  @Test
  void answersUnknownTraceWith404() {
    AggregatedHttpResponse response = get(server, criticalPath(UNKNOWN));

    assertThat(response.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(json(response).toString()).isEqualTo("{\"status\":404,\"traceId\":\""
        + UNKNOWN.toHex() + "\",\"message\":\"trace " + UNKNOWN.toHex() + ": not found\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-hex", "123456789012345678901234567890123", "%20abc", "-1", "0x1f",
      "%F0%9F%98%80"})
  void answersMalformedTraceIdWith400(String traceId) {
    AggregatedHttpResponse response = get(server, "/api/v1/traces/" + traceId + "/critical-path");

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode error = json(response);
    assertThat(error.get("status").asInt()).isEqualTo(400);
    assertThat(error.get("parameter").asText()).isEqualTo("traceId");
    assertThat(error.get("message").asText()).startsWith("traceId: ");
  }

  static String criticalPath(TraceId traceId) {
    return "/api/v1/traces/" + traceId.toHex() + "/critical-path";
  }

  /** Each segment as "spanId service name from..to", hex without leading zeros, ms after t. */
  static List<String> segments(JsonNode answer, long t) {
    List<String> segments = new ArrayList<>();
    for (JsonNode segment : answer.get("segments")) {
      long start = Long.parseLong(segment.get("startEpochNanos").asText());
      long end = Long.parseLong(segment.get("endEpochNanos").asText());
      assertThat(segment.get("durationNanos").asLong()).isEqualTo(end - start);
      segments.add(Long.toHexString(Long.parseUnsignedLong(segment.get("spanId").asText(), 16))
          + " " + segment.get("serviceName").asText() + " " + segment.get("name").asText()
          + " " + (start - t) / MILLIS + ".." + (end - t) / MILLIS);
    }
    return segments;
  }
}
