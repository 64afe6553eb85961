package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceGeneratorTest {
  private static final long START = 1_763_700_000_000_000_000L;

  @Test
  void tracesHaveTenToThirtySpansUnderOneRoot() {
    TraceGenerator generator = new TraceGenerator(1, START);
    for (int i = 0; i < 1000; i++) {
      List<SyntheticSpan> trace = generator.nextTrace();
      assertThat(trace).hasSizeBetween(TraceGenerator.MIN_SPANS, TraceGenerator.MAX_SPANS);
      assertThat(trace.get(0).parentId()).isZero();
      Set<Long> seen = new HashSet<>();
      for (SyntheticSpan span : trace) {
        assertThat(span.traceIdHigh()).isEqualTo(trace.get(0).traceIdHigh()).isNotZero();
        assertThat(span.traceIdLow()).isEqualTo(trace.get(0).traceIdLow());
        if (span != trace.get(0)) {
          assertThat(seen).contains(span.parentId()); // each parent comes before its children
        }
        assertThat(span.endEpochNanos()).isGreaterThan(span.startEpochNanos());
        seen.add(span.spanId());
      }
    }
  }

  @Test
  void spansSpreadOverEightServicesWithTenAttributesEach() {
    List<SyntheticSpan> spans = spans(new TraceGenerator(1, START), 1000);
    Set<String> services = new HashSet<>();
    spans.forEach(s -> services.add(s.service()));
    assertThat(services).containsExactlyInAnyOrderElementsOf(TraceGenerator.SERVICES);
    assertThat(spans).allSatisfy(s -> assertThat(s.attributes()).hasSize(10));
    assertThat(spans.stream().filter(s -> !s.events().isEmpty()).count())
        .isBetween(spans.size() / 4L, spans.size() / 2L);
  }

  @Test
  void aboutOneSpanInAHundredFails() {
    List<SyntheticSpan> spans = spans(new TraceGenerator(7, START), 5000);
    long errors = spans.stream().filter(SyntheticSpan::isError).count();
    assertThat((double) errors / spans.size()).isBetween(0.008, 0.012);
    assertThat(spans.stream().filter(SyntheticSpan::isError))
        .allSatisfy(s -> assertThat(s.events()).anySatisfy(e -> assertThat(e.name()).isEqualTo("exception")));
  }

  @Test
  void aTraceOfAGivenSizeIsOneTreeAcrossTheServicesAndGrowsDeepAndWide() {
    List<SyntheticSpan> trace = new TraceGenerator(1, START).nextTrace(5000);
    assertThat(trace).hasSize(5000);
    assertThat(trace.get(0).parentId()).isZero();
    Map<Long, Integer> depth = new HashMap<>();
    Map<Long, Integer> children = new HashMap<>();
    Set<String> services = new HashSet<>();
    for (SyntheticSpan span : trace) {
      if (span != trace.get(0)) {
        assertThat(depth).containsKey(span.parentId()); // each parent comes before its children
        depth.put(span.spanId(), depth.get(span.parentId()) + 1);
        children.merge(span.parentId(), 1, Integer::sum);
      } else {
        depth.put(span.spanId(), 0);
      }
      services.add(span.service());
    }
    assertThat(depth).hasSize(5000);
    assertThat(services).containsExactlyInAnyOrderElementsOf(TraceGenerator.SERVICES);
    assertThat(depth.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(15);
    assertThat(children.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(10);
  }

  @Test
  void aTraceOfOneSpanIsItsRootAndOfNoneIsRefused() {
    assertThat(new TraceGenerator(1, START).nextTrace(1)).singleElement()
        .satisfies(s -> assertThat(s.parentId()).isZero());
    assertThatThrownBy(() -> new TraceGenerator(1, START).nextTrace(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spans: 0 (expected: >= 1)");
  }

  @Test
  void theSameSeedGivesTheSameTraces() {
    assertThat(spans(new TraceGenerator(42, START), 50)).isEqualTo(spans(new TraceGenerator(42, START), 50));
    assertThat(spans(new TraceGenerator(42, START), 50)).isNotEqualTo(spans(new TraceGenerator(43, START), 50));
  }

  private static List<SyntheticSpan> spans(TraceGenerator generator, int traces) {
    List<SyntheticSpan> spans = new ArrayList<>();
    for (int i = 0; i < traces; i++) {
      spans.addAll(generator.nextTrace());
    }
    return spans;
  }
}
