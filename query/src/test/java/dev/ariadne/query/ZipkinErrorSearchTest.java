package dev.ariadne.query;

import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Zipkin's {@code annotationQuery=error} and {@code error=<message>} find failed traces however
 * many newer traces did not fail, where other bare keys examine only the newest candidates.
 */
class ZipkinErrorSearchTest {
  static final int NEWER = ZipkinApi.MAX_SCANNED_TRACES + 200;
  static final TraceId FAILED = new TraceId(0x8L, 0x1L);
  static final TraceId FAILED_LATER = new TraceId(0x8L, 0x2L);
  /** A minute into the day that {@link #DAY} searches. */
  static final long START = TODAY + 60_000 * MILLIS;
  static final String DAY = "endTs=" + (TODAY / MILLIS + 86_400_000) + "&lookback=86400000";

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(10 * NEWER);
    storage.write(List.of(span(FAILED, 1, 0, "cart", "charge", SpanKind.SERVER, START, MILLIS)
        .status(StatusCode.ERROR, "card declined").build()));
    storage.write(List.of(span(FAILED_LATER, 1, 0, "cart", "charge", SpanKind.SERVER,
        START + 2 * MILLIS, MILLIS).status(StatusCode.ERROR, "").build()));
    List<Span> newer = new ArrayList<>();
    for (int i = 0; i < NEWER; i++) {
      newer.add(span(new TraceId(0x9L, i + 1), 1, 0, "cart", "charge", SpanKind.SERVER,
          START + (10 + i) * MILLIS, MILLIS).build());
    }
    storage.write(newer);
    return storage;
  }

  @Test
  void errorFindsTheFailedTracesPastTheNewestThousandNewestFirst() {
    assertThat(traceIds("/api/v2/traces?serviceName=cart&annotationQuery=error&" + DAY))
        .containsExactly(FAILED_LATER.toHex(), FAILED.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=cart&annotationQuery=error&limit=1&" + DAY))
        .containsExactly(FAILED_LATER.toHex());
  }

  @Test
  void errorWithAnotherCriterionKeepsToTheSpansThatMeetBoth() {
    assertThat(traceIds(
        "/api/v2/traces?serviceName=cart&spanName=refund&annotationQuery=error&" + DAY))
        .isEmpty();
    assertThat(traceIds("/api/v2/traces?serviceName=payment&annotationQuery=error&" + DAY))
        .isEmpty();
  }

  @Test
  void errorWithAValueFindsTheFailedSpansWithThatMessagePastTheNewestThousand() {
    assertThat(traceIds(
        "/api/v2/traces?serviceName=cart&annotationQuery=error%3Dcard%20declined&" + DAY))
        .containsExactly(FAILED.toHex());
    assertThat(traceIds("/api/v2/traces?serviceName=cart&annotationQuery=error%3Dtrue&" + DAY))
        .containsExactly(FAILED_LATER.toHex());
    assertThat(traceIds(
        "/api/v2/traces?serviceName=cart&annotationQuery=error%3Dtimeout&" + DAY))
        .isEmpty();
  }

  private static List<String> traceIds(String path) {
    List<String> ids = new ArrayList<>();
    for (JsonNode trace : QueryFixtures.json(QueryFixtures.get(server, path))) {
      ids.add(trace.get(0).get("traceId").asText());
    }
    return ids;
  }
}
