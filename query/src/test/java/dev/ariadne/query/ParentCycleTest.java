package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parent links no tree can hold, as a buggy or hostile client sends them: a span that is its own
 * parent, two spans that name each other as parent (with a child under one of them), and two
 * different spans under one span ID. Every API answers with every span and flags them.
 */
class ParentCycleTest {
  static final TraceId SELF = new TraceId(0x5e1fL, 1);
  static final TraceId LOOP = new TraceId(0x5e1fL, 2);
  static final TraceId COLLISION = new TraceId(0x5e1fL, 3);

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(100);
    storage.write(List.of(
        span(SELF, 1, 0, "frontend", "GET /", SpanKind.SERVER, TODAY, 100 * MILLIS).build(),
        span(SELF, 2, 1, "frontend", "render", SpanKind.INTERNAL, TODAY + MILLIS, 50 * MILLIS)
            .build(),
        span(SELF, 3, 3, "cart", "itself", SpanKind.SERVER, TODAY + 2 * MILLIS, 20 * MILLIS)
            .build(),
        span(LOOP, 1, 0, "frontend", "GET /", SpanKind.SERVER, TODAY, 100 * MILLIS).build(),
        span(LOOP, 0xa, 0xb, "cart", "a", SpanKind.CLIENT, TODAY + MILLIS, 50 * MILLIS).build(),
        span(LOOP, 0xb, 0xa, "payment", "b", SpanKind.SERVER, TODAY + 2 * MILLIS, 40 * MILLIS)
            .build(),
        span(LOOP, 0xc, 0xa, "cart", "under a", SpanKind.INTERNAL, TODAY + 3 * MILLIS, 10 * MILLIS)
            .build(),
        span(COLLISION, 1, 0, "frontend", "GET /", SpanKind.SERVER, TODAY, 100 * MILLIS).build(),
        span(COLLISION, 9, 1, "cart", "one", SpanKind.CLIENT, TODAY + MILLIS, 60 * MILLIS).build(),
        span(COLLISION, 9, 1, "payment", "two", SpanKind.CLIENT, TODAY + 2 * MILLIS, 30 * MILLIS)
            .build()));
    return storage;
  }

  private static JsonNode nativeTrace(TraceId traceId) {
    AggregatedHttpResponse response = get(server, "/api/v1/traces/" + traceId.toHex());
    assertThat(response.status().code()).isEqualTo(200);
    return json(response);
  }

  private static List<String> spanIds(JsonNode trace) {
    List<String> ids = new ArrayList<>();
    trace.get("spans").forEach(span -> ids.add(span.get("spanId").asText()));
    return ids;
  }

  @Test
  void aSpanThatIsItsOwnParentIsListedAndTheTraceIsIncomplete() {
    JsonNode trace = nativeTrace(SELF);

    assertThat(spanIds(trace))
        .containsExactly("0000000000000001", "0000000000000002", "0000000000000003");
    JsonNode completeness = trace.get("completeness");
    assertThat(completeness.get("cyclicSpanIds").toString()).isEqualTo("[\"0000000000000003\"]");
    assertThat(completeness.get("complete").asBoolean()).isFalse();
    assertThat(completeness.get("rootPresent").asBoolean()).isTrue();
  }

  @Test
  void twoSpansNamingEachOtherAreListedButNotTheSpanUnderThem() {
    JsonNode trace = nativeTrace(LOOP);

    assertThat(spanIds(trace)).hasSize(4);
    assertThat(trace.get("completeness").get("cyclicSpanIds").toString())
        .isEqualTo("[\"000000000000000a\",\"000000000000000b\"]");
    assertThat(trace.get("completeness").get("complete").asBoolean()).isFalse();
  }

  @Test
  void theCriticalPathOfACyclicTraceLeavesTheCycleOut() {
    JsonNode path = json(get(server, "/api/v1/traces/" + LOOP.toHex() + "/critical-path"));

    assertThat(path.get("segments")).hasSize(1);
    assertThat(path.get("segments").get(0).get("spanId").asText()).isEqualTo("0000000000000001");
    assertThat(path.get("completeness").get("cyclicSpanIds")).hasSize(2);
  }

  @Test
  void differentSpansUnderOneIdAreBothAnsweredAndTheIdIsListed() {
    JsonNode trace = nativeTrace(COLLISION);

    assertThat(spanIds(trace))
        .containsExactly("0000000000000001", "0000000000000009", "0000000000000009");
    JsonNode completeness = trace.get("completeness");
    assertThat(completeness.get("collidingSpanIds").toString())
        .isEqualTo("[\"0000000000000009\"]");
    assertThat(completeness.get("duplicateSpanIds")).isEmpty();
  }

  @Test
  void jaegersWarningsNameTheCycleAndTheCollision() {
    JsonNode loop = json(get(server, "/api/traces/" + LOOP.toHex())).get("data").get(0);
    assertThat(loop.get("warnings").toString()).contains(
        "2 spans whose parents form a cycle, hanging from no root: "
            + "000000000000000a, 000000000000000b");
    assertThat(loop.get("spans")).hasSize(4);
    assertThat(loop.get("spans").get(1).get("warnings").toString())
        .contains("its parents form a cycle");

    JsonNode self = json(get(server, "/api/traces/" + SELF.toHex())).get("data").get(0);
    assertThat(self.get("spans").get(2).get("warnings").toString()).contains("its own parent");

    JsonNode collision = json(get(server, "/api/traces/" + COLLISION.toHex())).get("data").get(0);
    assertThat(collision.get("warnings").toString())
        .contains("1 span ID given to different spans: 0000000000000009");
    assertThat(collision.get("spans").get(2).get("warnings").toString())
        .contains("another span of this trace has the same span ID");
  }

  @Test
  void zipkinsHeadersCountTheCycleAndTheCollision() {
    AggregatedHttpResponse loop = get(server, "/api/v2/trace/" + LOOP.toHex());
    assertThat(loop.headers().get("ariadne-trace-complete")).isEqualTo("false");
    assertThat(loop.headers().get("ariadne-cyclic-spans")).isEqualTo("2");
    assertThat(json(loop)).hasSize(4);

    AggregatedHttpResponse collision = get(server, "/api/v2/trace/" + COLLISION.toHex());
    assertThat(collision.headers().get("ariadne-colliding-span-ids")).isEqualTo("1");
    assertThat(json(collision)).hasSize(3);
  }
}
