package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Zipkin shared span (client and server halves under one span ID) whose parent never arrived is
 * one orphan: each API names its ID once.
 */
class SharedOrphanTest {
  static final TraceId TRACE = new TraceId(0x5L, 0x5L);

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(100);
    storage.write(List.of(
        span(TRACE, 0x20, 0x10, "frontend", "get /cart", SpanKind.CLIENT, TODAY, 10 * MILLIS)
            .build(),
        span(TRACE, 0x20, 0x10, "cart", "get /cart", SpanKind.SERVER, TODAY + MILLIS, 8 * MILLIS)
            .build(),
        span(TRACE, 0x30, 0x20, "cart", "select", SpanKind.CLIENT, TODAY + 2 * MILLIS, MILLIS)
            .build()));
    return storage;
  }

  @Test
  void theNativeApiListsTheSharedOrphanOnce() {
    assertThat(json(get(server, "/api/v1/traces/" + TRACE.toHex()))
        .get("completeness").get("orphanSpanIds").toString())
        .isEqualTo("[\"0000000000000020\"]");
  }

  @Test
  void jaegersWarningCountsTheSharedOrphanOnce() {
    assertThat(json(get(server, "/api/traces/" + TRACE.toHex())).get("data").get(0)
        .get("warnings").toString())
        .contains("\"1 orphan span, whose parent was never received: 0000000000000020\"");
  }

  @Test
  void zipkinsHeaderCountsTheSharedOrphanOnce() {
    assertThat(get(server, "/api/v2/trace/" + TRACE.toHex()).headers()
        .get("ariadne-orphan-spans")).isEqualTo("1");
  }
}
