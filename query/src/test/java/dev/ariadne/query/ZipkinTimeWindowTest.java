package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Zipkin's window: the spans whose microsecond timestamp is from {@code (endTs - lookback) * 1000}
 * to {@code endTs * 1000}, both included, in searches and in dependencies alike.
 */
class ZipkinTimeWindowTest {
  static final long END_MILLIS = TODAY / MILLIS + 3_600_000;
  static final long LOOKBACK_MILLIS = 600_000;
  static final long START = (END_MILLIS - LOOKBACK_MILLIS) * MILLIS;
  static final String WINDOW = "endTs=" + END_MILLIS + "&lookback=" + LOOKBACK_MILLIS;
  static final TraceId BEFORE_START = new TraceId(0xcL, 0x1L);
  static final TraceId AT_START = new TraceId(0xcL, 0x2L);
  /** 999 ns past endTs: still in its last microsecond. */
  static final TraceId AT_END = new TraceId(0xcL, 0x3L);
  static final TraceId PAST_END = new TraceId(0xcL, 0x4L);

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(100);
    storage.write(call(BEFORE_START, "before-start", START - 1));
    storage.write(call(AT_START, "at-start", START));
    storage.write(call(AT_END, "at-end", END_MILLIS * MILLIS + 999));
    storage.write(call(PAST_END, "past-end", END_MILLIS * MILLIS + 1_000));
    return storage;
  }

  /** A span "serve" starting at {@code start}, called by a "caller" span a millisecond before. */
  static List<Span> call(TraceId traceId, String callee, long start) {
    return List.of(
        span(traceId, 1, 0, "caller", "call", SpanKind.CLIENT, start - MILLIS, 3 * MILLIS)
            .build(),
        span(traceId, 2, 1, callee, "serve", SpanKind.SERVER, start, MILLIS).build());
  }

  @Test
  void searchesFromEndTsLessLookbackToEndTsBothIncluded() {
    List<String> ids = ZipkinApiTest.traceIds(
        json(get(server, "/api/v2/traces?spanName=serve&" + WINDOW)));

    assertThat(ids).containsExactly(AT_END.toHex(), AT_START.toHex());
  }

  @Test
  void countsTheCallsInTheSameWindow() {
    assertThat(json(get(server, "/api/v2/dependencies?" + WINDOW)).toString())
        .isEqualTo("[{\"parent\":\"caller\",\"child\":\"at-end\",\"callCount\":1},"
            + "{\"parent\":\"caller\",\"child\":\"at-start\",\"callCount\":1}]");
  }
}
