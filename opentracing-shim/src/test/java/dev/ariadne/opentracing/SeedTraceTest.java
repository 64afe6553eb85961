package dev.ariadne.opentracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.SpanData;
import io.opentracing.References;
import io.opentracing.Span;
import io.opentracing.Tracer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The seed's eight-span trace, built purely through OpenTracing: A is the root, B and C are
 * children of A, D of B, E and F of C, G follows from F and H follows from G. Times follow the
 * seed's timeline, one unit being a millisecond.
 */
class SeedTraceTest {
  private static final long T0 = 1_700_000_000_000_000L;

  private final InMemoryExporter exported = new InMemoryExporter();
  private final Tracer tracer = OpenTracingShim.create(exported.provider(), InMemoryExporter.W3C);

  @Test
  void theSeedsEightSpanTraceKeepsItsParentsAndFollowsFromReferences() {
    Span a = start("A", 0, null, null);
    Span b = start("B", 1, References.CHILD_OF, a);
    Span d = start("D", 3, References.CHILD_OF, b);
    Span c = start("C", 2, References.CHILD_OF, a);
    Span e = start("E", 5, References.CHILD_OF, c);
    e.finish(micros(13));
    Span f = start("F", 22, References.CHILD_OF, c);
    f.finish(micros(27));
    Span g = start("G", 28, References.FOLLOWS_FROM, f);
    g.finish(micros(33));
    Span h = start("H", 34, References.FOLLOWS_FROM, g);
    h.finish(micros(39));
    c.finish(micros(42));
    d.finish(micros(44));
    b.finish(micros(48));
    a.finish(micros(50));

    Map<String, SpanData> spans =
        exported.spans().stream().collect(Collectors.toMap(SpanData::getName, Function.identity()));
    assertThat(spans).containsOnlyKeys("A", "B", "C", "D", "E", "F", "G", "H");
    assertThat(spans.values())
        .extracting(s -> s.getSpanContext().getTraceId())
        .containsOnly(a.context().toTraceId());
    assertThat(spans.get("A").getParentSpanContext().isValid()).isFalse();

    Map<String, String> spanIdToName = new HashMap<>();
    spans.forEach((name, span) -> spanIdToName.put(span.getSpanContext().getSpanId(), name));
    Map<String, String> parents = new HashMap<>();
    spans.forEach(
        (name, span) -> {
          String parent = spanIdToName.get(span.getParentSpanContext().getSpanId());
          if (parent != null) parents.put(name, parent);
        });
    assertThat(parents)
        .containsOnly(
            entry("B", "A"),
            entry("C", "A"),
            entry("D", "B"),
            entry("E", "C"),
            entry("F", "C"),
            entry("G", "F"),
            entry("H", "G"));

    assertFollowsFrom(spans.get("G"), f);
    assertFollowsFrom(spans.get("H"), g);
    assertThat(spans.values())
        .filteredOn(s -> !s.getLinks().isEmpty())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("G", "H");

    assertThat(spans.get("A").getStartEpochNanos()).isEqualTo(micros(0) * 1000);
    assertThat(spans.get("A").getEndEpochNanos()).isEqualTo(micros(50) * 1000);
    assertThat(spans.get("H").getStartEpochNanos()).isEqualTo(micros(34) * 1000);
  }

  private Span start(String name, long startMillis, String referenceType, Span referenced) {
    Tracer.SpanBuilder builder = tracer.buildSpan(name).withStartTimestamp(micros(startMillis));
    if (referenced != null) builder.addReference(referenceType, referenced.context());
    return builder.start();
  }

  private static long micros(long millis) {
    return T0 + millis * 1000;
  }

  private static void assertFollowsFrom(SpanData span, Span cause) {
    assertThat(span.getLinks())
        .singleElement()
        .satisfies(
            link -> {
              assertThat(link.getSpanContext().getSpanId()).isEqualTo(cause.context().toSpanId());
              assertThat(link.getAttributes().get(LinkData.REFERENCE_TYPE))
                  .isEqualTo(References.FOLLOWS_FROM);
            });
  }
}
