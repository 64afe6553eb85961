package dev.ariadne.storage;

import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceQueryTest {

  @Test
  void defaultQueryMatchesEverySpanAndReturnsTwentyTraces() {
    TraceQuery query = TraceQuery.builder().build();

    assertThat(query.serviceName()).isEmpty();
    assertThat(query.spanName()).isEmpty();
    assertThat(query.kind()).isEmpty();
    assertThat(query.attributes()).isEmpty();
    assertThat(query.limit()).isEqualTo(20);
    assertThat(query.matches(span(TRACE_ID, 1, 0, "a", "b", SpanKind.INTERNAL, 0, 0).build()))
        .isTrue();
  }

  @Test
  void laterAttributeForTheSameKeyReplacesTheEarlier() {
    TraceQuery query = TraceQuery.builder().attribute("k", "1").attribute("k", "2").build();

    assertThat(query.attributes()).isEqualTo(Map.of("k", "2"));
  }

  @Test
  void matchesNeedsEveryCriterionOnTheSpan() {
    Span span = span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, 5 * MILLIS)
        .attributes(List.of(Attribute.of("http.response.status_code", 200L)))
        .build();
    TraceQuery.Builder query = TraceQuery.builder()
        .serviceName(FRONTEND)
        .spanName("GET /")
        .kind(SpanKind.SERVER)
        .attribute("http.response.status_code", "200")
        .attribute("deployment.environment", "prod")
        .minDurationNanos(5 * MILLIS)
        .maxDurationNanos(5 * MILLIS)
        .startEpochNanos(TODAY)
        .endEpochNanos(TODAY + 1);

    assertThat(query.build().matches(span)).isTrue();
    assertThat(query.kind(SpanKind.CLIENT).build().matches(span)).isFalse();
  }

  @Test
  void searchableTextOfEachValueType() {
    assertThat(TraceQuery.searchableText(Value.of("GET"))).isEqualTo("GET");
    assertThat(TraceQuery.searchableText(Value.of(true))).isEqualTo("true");
    assertThat(TraceQuery.searchableText(Value.of(-42L))).isEqualTo("-42");
    assertThat(TraceQuery.searchableText(Value.of(0L))).isEqualTo("0");
    assertThat(TraceQuery.searchableText(Value.of(200L))).isEqualTo("200");
    assertThat(TraceQuery.searchableText(Value.of(1023L))).isEqualTo("1023");
    assertThat(TraceQuery.searchableText(Value.of(1024L))).isEqualTo("1024");
    assertThat(TraceQuery.searchableText(Value.of(Long.MIN_VALUE))).isEqualTo("-9223372036854775808");
    assertThat(TraceQuery.searchableText(Value.of(2.0))).isEqualTo("2.0");
    assertThat(TraceQuery.searchableText(new Value.Bytes(new byte[] {1}))).isNull();
    assertThat(TraceQuery.searchableText(new Value.Array(List.of(Value.of("a"))))).isNull();
    assertThat(TraceQuery.searchableText(new Value.KvList(List.of(Attribute.of("k", "v")))))
        .isNull();
  }

  @Test
  void rejectsALimitBelowOne() {
    assertThatThrownBy(() -> TraceQuery.builder().limit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit: 0 (expected: >= 1)");
  }

  @Test
  void rejectsNegativeDurations() {
    assertThatThrownBy(() -> TraceQuery.builder().minDurationNanos(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minDurationNanos: -1 (expected: >= 0)");
    assertThatThrownBy(() -> TraceQuery.builder().maxDurationNanos(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDurationNanos: -1 (expected: >= 0)");
  }

  @Test
  void rejectsAMaxDurationBelowTheMinDuration() {
    TraceQuery.Builder query = TraceQuery.builder().minDurationNanos(10).maxDurationNanos(9);

    assertThatThrownBy(query::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDurationNanos: 9 (expected: >= minDurationNanos 10)");
  }

  @Test
  void rejectsATimeRangeThatEndsAtOrBeforeItsStart() {
    TraceQuery.Builder query = TraceQuery.builder().startEpochNanos(10).endEpochNanos(10);

    assertThatThrownBy(query::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endEpochNanos: 10 (expected: > startEpochNanos 10)");
  }

  @Test
  void rejectsEmptyNames() {
    assertThatThrownBy(() -> TraceQuery.builder().serviceName(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceName: \"\" (expected: not empty)");
    assertThatThrownBy(() -> TraceQuery.builder().spanName(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spanName: \"\" (expected: not empty)");
    assertThatThrownBy(() -> TraceQuery.builder().attribute("", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attribute key: \"\" (expected: not empty)");
  }

  @Test
  void rejectsNullsNamingTheParameter() {
    assertThatThrownBy(() -> TraceQuery.builder().serviceName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("serviceName");
    assertThatThrownBy(() -> TraceQuery.builder().attribute("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text");
  }
}
