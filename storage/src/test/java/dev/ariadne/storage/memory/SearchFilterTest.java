package dev.ariadne.storage.memory;

import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.randomTraceId;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.storage.TraceQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SearchFilterTest {
  private final Random random = new Random(42);

  @Test
  void holdsEveryNameAndSearchableAttributeOfItsSpansAndTheirResources() {
    List<Span> spans = randomSpans(50);
    long[] filter = SearchFilter.of(spans);

    for (Span span : spans) {
      assertThat(SearchFilter.mayMatch(filter, probe(q -> q.spanName(span.name())))).isTrue();
      for (Attribute attribute : span.attributes()) {
        assertThat(mayMatch(filter, attribute)).as(attribute.toString()).isTrue();
      }
      for (Attribute attribute : span.resource().attributes()) {
        assertThat(mayMatch(filter, attribute)).as(attribute.toString()).isTrue();
      }
    }
  }

  @Test
  void aQueryWithoutNameOrAttributesMatchesEveryGroup() {
    long[] filter = SearchFilter.of(randomSpans(3));

    assertThat(SearchFilter.mayMatch(filter, probe(q -> q.serviceName("s0")))).isTrue();
  }

  @Test
  void refusesNearlyEveryValueItDoesNotHold() {
    long[] filter = SearchFilter.of(randomSpans(50));
    int passed = 0;
    for (int i = 0; i < 10_000; i++) {
      String value = "absent-" + i;
      if (SearchFilter.mayMatch(filter, probe(q -> q.attribute("http.route", value)))) {
        passed++;
      }
    }

    assertThat(passed).as("false positives of 10,000").isLessThan(500);
  }

  @Test
  void aKeyAndValueAreHeldTogetherNotEachOnItsOwn() {
    Span span = span(randomTraceId(), 1, 0, "s", "op", SpanKind.SERVER, TODAY, MILLIS)
        .attributes(List.of(Attribute.of("a", "x"), Attribute.of("b", "y")))
        .build();
    long[] filter = SearchFilter.of(List.of(span));
    int passed = 0;
    for (int i = 0; i < 1_000; i++) {
      String key = "k" + i;
      if (SearchFilter.mayMatch(filter, probe(q -> q.attribute(key, "x")))) {
        passed++;
      }
    }

    assertThat(SearchFilter.mayMatch(filter, probe(q -> q.attribute("a", "x")))).isTrue();
    assertThat(passed).as("other keys with a held value, of 1,000").isLessThan(50);
  }

  private static boolean mayMatch(long[] filter, Attribute attribute) {
    String text = TraceQuery.searchableText(attribute.value());
    return text == null
        || SearchFilter.mayMatch(filter, probe(q -> q.attribute(attribute.key(), text)));
  }

  private interface Criteria {
    void set(TraceQuery.Builder builder);
  }

  private static long[] probe(Criteria criteria) {
    TraceQuery.Builder builder = TraceQuery.builder();
    criteria.set(builder);
    return SearchFilter.probe(builder.build());
  }

  /** Spans of a few services, each resource shared by the spans of its service. */
  private List<Span> randomSpans(int count) {
    TraceId traceId = randomTraceId();
    List<Resource> resources = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      resources.add(new Resource("s" + i, List.of(Attribute.of("service.name", "s" + i),
          Attribute.of("host.name", "host-" + random.nextInt(1000))), 0));
    }
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      spans.add(span(traceId, i + 1, 0, "s", "op " + random.nextInt(20), SpanKind.SERVER, TODAY,
          MILLIS)
          .resource(resources.get(random.nextInt(resources.size())))
          .attributes(List.of(
              Attribute.of("http.route", "/api/" + random.nextInt(100)),
              Attribute.of("http.response.status_code", (long) random.nextInt(600)),
              Attribute.of("ratio", random.nextDouble()),
              Attribute.of("cached", random.nextBoolean()),
              new Attribute("payload", new Value.Bytes(new byte[] {1, 2}))))
          .build());
    }
    return spans;
  }
}
