package dev.ariadne.sdk;

import static dev.ariadne.api.common.AttributeKey.booleanArrayKey;
import static dev.ariadne.api.common.AttributeKey.longArrayKey;
import static dev.ariadne.api.common.AttributeKey.longKey;
import static dev.ariadne.api.common.AttributeKey.stringArrayKey;
import static dev.ariadne.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.ReferenceType;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanBuilder;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.sampling.Sampler;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpanLimitsTest {
  private final CapturingSpanProcessor processor = new CapturingSpanProcessor();

  private Tracer tracer(SpanLimits limits) {
    return SdkTracerProvider.builder()
        .setClock(new TestClock())
        .setSampler(Sampler.alwaysOn())
        .setSpanLimits(limits)
        .addSpanProcessor(processor)
        .build()
        .get("limits-test");
  }

  private static Attributes threeAttributes() {
    return Attributes.builder().put("a", "1").put("b", "2").put("c", "3").build();
  }

  @Test
  void defaultsTo128OfEachAndValuesOfAnyLength() {
    SpanLimits limits = SpanLimits.getDefault();

    assertThat(limits.getMaxAttributes()).isEqualTo(128);
    assertThat(limits.getMaxEvents()).isEqualTo(128);
    assertThat(limits.getMaxLinks()).isEqualTo(128);
    assertThat(limits.getMaxAttributesPerEvent()).isEqualTo(128);
    assertThat(limits.getMaxAttributesPerLink()).isEqualTo(128);
    assertThat(limits.getMaxAttributeValueLength()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void keepsTheFirstAttributesUpToTheLimitAndCountsTheRest() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributes(2).build()).spanBuilder("span").startSpan();
    span.setAttribute("a", 1L);
    span.setAttribute("b", 2L);
    span.setAttribute("c", 3L);
    span.setAttribute("a", 10L); // replacing a kept attribute is not a drop
    span.setAttribute("d", 4L);
    span.end();

    SpanData data = processor.onlyEnded();
    assertThat(data.getAttributes().asMap())
        .containsExactly(entry(longKey("a"), 10L), entry(longKey("b"), 2L));
    assertThat(data.getDroppedAttributesCount()).isEqualTo(2);
  }

  @Test
  void countsAttributesSetBeforeStartAgainstTheSameLimit() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributes(1).build())
            .spanBuilder("span")
            .setAttribute("before", 1L)
            .startSpan();
    span.setAttribute("after", 2L);
    span.end();

    assertThat(processor.onlyEnded().getAttributes().asMap()).containsOnlyKeys(longKey("before"));
    assertThat(processor.onlyEnded().getDroppedAttributesCount()).isEqualTo(1);
  }

  @Test
  void aZeroLimitKeepsNothingAndCountsEverything() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributes(0).setMaxEvents(0).build())
            .spanBuilder("span")
            .startSpan();
    span.setAttribute("a", 1L);
    span.addEvent("e");
    span.end();

    assertThat(processor.onlyEnded().getAttributes().isEmpty()).isTrue();
    assertThat(processor.onlyEnded().getDroppedAttributesCount()).isEqualTo(1);
    assertThat(processor.onlyEnded().getEvents()).isEmpty();
    assertThat(processor.onlyEnded().getDroppedEventsCount()).isEqualTo(1);
  }

  @Test
  void truncatesStringsAndStringsInArraysToTheValueLengthLimit() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributeValueLength(3).build())
            .spanBuilder("span")
            .setAttribute("before-start", "abcdef")
            .startSpan();
    span.setAttribute("string", "abcdef");
    span.setAttribute("short", "ab");
    span.setAttribute(stringArrayKey("strings"), List.of("abcdef", "ab", "xyzxyz"));
    span.setAttribute("long", 123456L);
    span.setAttribute(longArrayKey("longs"), List.of(123456L));
    span.setAttribute(booleanArrayKey("booleans"), List.of(true, false, true, false));
    span.end();

    assertThat(processor.onlyEnded().getAttributes().asMap())
        .containsExactly(
            entry(stringKey("before-start"), "abc"),
            entry(stringKey("string"), "abc"),
            entry(stringKey("short"), "ab"),
            entry(stringArrayKey("strings"), List.of("abc", "ab", "xyz")),
            entry(longKey("long"), 123456L),
            entry(longArrayKey("longs"), List.of(123456L)),
            entry(booleanArrayKey("booleans"), List.of(true, false, true, false)));
    assertThat(processor.onlyEnded().getDroppedAttributesCount()).isZero();
  }

  @Test
  void truncatesEventAndLinkAttributeValuesToo() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributeValueLength(2).build())
            .spanBuilder("span")
            .addLink(TestObjects.otherTrace(1), Attributes.of(stringKey("k"), "long"))
            .startSpan();
    span.addEvent("event", Attributes.of(stringArrayKey("k"), List.of("long")));
    span.end();

    SpanData data = processor.onlyEnded();
    assertThat(data.getLinks().get(0).getAttributes().get(stringKey("k"))).isEqualTo("lo");
    assertThat(data.getEvents().get(0).getAttributes().get(stringArrayKey("k")))
        .containsExactly("lo");
    assertThat(data.getEvents().get(0).getDroppedAttributesCount()).isZero();
  }

  @Test
  void keepsTheFirstEventsUpToTheLimitAndCountsTheRest() {
    Span span =
        tracer(SpanLimits.builder().setMaxEvents(2).build()).spanBuilder("span").startSpan();
    for (int i = 0; i < 5; i++) span.addEvent("event-" + i);
    span.recordException(new RuntimeException());
    span.end();

    assertThat(processor.onlyEnded().getEvents())
        .extracting(EventData::getName)
        .containsExactly("event-0", "event-1");
    assertThat(processor.onlyEnded().getDroppedEventsCount()).isEqualTo(4);
  }

  @Test
  void keepsTheFirstLinksUpToTheLimitAndCountsTheRest() {
    Span span =
        tracer(SpanLimits.builder().setMaxLinks(1).build())
            .spanBuilder("span")
            .addLink(TestObjects.otherTrace(1))
            .addLink(TestObjects.otherTrace(2))
            .addReference(ReferenceType.CHILD_OF, TestObjects.otherTrace(3))
            .addReference(ReferenceType.CHILD_OF, TestObjects.otherTrace(4))
            .startSpan();
    span.end();

    assertThat(processor.onlyEnded().getParentSpanContext()).isEqualTo(TestObjects.otherTrace(3));
    assertThat(processor.onlyEnded().getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(TestObjects.otherTrace(1));
    assertThat(processor.onlyEnded().getDroppedLinksCount()).isEqualTo(2);
  }

  @Test
  void theFirstFollowsFromReferenceIsKeptAsAMarkedLinkWhateverTheLinkLimits() {
    SpanLimits none =
        SpanLimits.builder()
            .setMaxLinks(0)
            .setMaxAttributesPerLink(0)
            .setMaxAttributeValueLength(1)
            .build();
    Span span =
        tracer(none)
            .spanBuilder("consumer")
            .setNoParent()
            .addLink(TestObjects.otherTrace(1))
            .addReference(ReferenceType.FOLLOWS_FROM, TestObjects.otherTrace(2))
            .addReference(ReferenceType.FOLLOWS_FROM, TestObjects.otherTrace(3))
            .startSpan();
    span.end();

    SpanData data = processor.onlyEnded();
    assertThat(data.getParentSpanContext()).isEqualTo(TestObjects.otherTrace(2));
    assertThat(data.getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(TestObjects.otherTrace(2));
    assertThat(data.getLinks())
        .allSatisfy(link -> {
          assertThat(link.getAttributes().asMap())
              .containsExactly(entry(LinkData.REFERENCE_TYPE, "follows_from"));
          assertThat(link.getDroppedAttributesCount()).isZero();
        });
    assertThat(data.getDroppedLinksCount())
        .as("the plain link and the second follows-from, which the limit applies to")
        .isEqualTo(2);
  }

  @Test
  void limitsTheAttributesOfEachEventAndCountsWhatItDrops() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributesPerEvent(1).build())
            .spanBuilder("span")
            .startSpan();
    span.addEvent("three", threeAttributes());
    span.addEvent("one", Attributes.of(stringKey("only"), "x"));
    span.end();

    List<EventData> events = processor.onlyEnded().getEvents();
    assertThat(events.get(0).getAttributes().asMap()).containsExactly(entry(stringKey("a"), "1"));
    assertThat(events.get(0).getDroppedAttributesCount()).isEqualTo(2);
    assertThat(events.get(1).getAttributes().size()).isEqualTo(1);
    assertThat(events.get(1).getDroppedAttributesCount()).isZero();
  }

  @Test
  void limitsTheAttributesOfAnExceptionEvent() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributesPerEvent(2).build())
            .spanBuilder("span")
            .startSpan();
    span.recordException(new IllegalStateException("boom"));
    span.end();

    EventData event = processor.onlyEnded().getEvents().get(0);
    assertThat(event.getAttributes().asMap())
        .containsOnlyKeys(stringKey("exception.type"), stringKey("exception.message"));
    assertThat(event.getDroppedAttributesCount()).isEqualTo(1);
  }

  @Test
  void limitsTheAttributesOfEachLinkAndCountsWhatItDrops() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributesPerLink(2).build())
            .spanBuilder("span")
            .addLink(TestObjects.otherTrace(1), threeAttributes())
            .startSpan();
    span.end();

    LinkData link = processor.onlyEnded().getLinks().get(0);
    assertThat(link.getAttributes().asMap())
        .containsExactly(entry(stringKey("a"), "1"), entry(stringKey("b"), "2"));
    assertThat(link.getDroppedAttributesCount()).isEqualTo(1);
  }

  @Test
  void aReferenceLinkKeepsItsMarkWhateverTheLinkAttributeLimits() {
    Span span =
        tracer(SpanLimits.builder().setMaxAttributesPerLink(0).setMaxAttributeValueLength(1).build())
            .spanBuilder("span")
            .addReference(ReferenceType.CHILD_OF, TestObjects.otherTrace(1))
            .addReference(ReferenceType.CHILD_OF, TestObjects.otherTrace(2))
            .addReference(ReferenceType.FOLLOWS_FROM, TestObjects.otherTrace(3))
            .startSpan();
    span.end();

    assertThat(processor.onlyEnded().getLinks())
        .extracting(link -> link.getAttributes().get(LinkData.REFERENCE_TYPE))
        .containsExactly("child_of", "follows_from");
    assertThat(processor.onlyEnded().getLinks())
        .extracting(LinkData::getDroppedAttributesCount)
        .containsOnly(0);
  }

  static Stream<Arguments> setters() {
    return Stream.of(
        Arguments.of(
            "maxAttributes",
            (BiConsumer<SpanLimits.Builder, Integer>) SpanLimits.Builder::setMaxAttributes),
        Arguments.of(
            "maxAttributeValueLength",
            (BiConsumer<SpanLimits.Builder, Integer>)
                SpanLimits.Builder::setMaxAttributeValueLength),
        Arguments.of(
            "maxEvents",
            (BiConsumer<SpanLimits.Builder, Integer>) SpanLimits.Builder::setMaxEvents),
        Arguments.of(
            "maxLinks", (BiConsumer<SpanLimits.Builder, Integer>) SpanLimits.Builder::setMaxLinks),
        Arguments.of(
            "maxAttributesPerEvent",
            (BiConsumer<SpanLimits.Builder, Integer>) SpanLimits.Builder::setMaxAttributesPerEvent),
        Arguments.of(
            "maxAttributesPerLink",
            (BiConsumer<SpanLimits.Builder, Integer>) SpanLimits.Builder::setMaxAttributesPerLink));
  }

  @ParameterizedTest
  @MethodSource("setters")
  void rejectsANegativeLimitNamingIt(String name, BiConsumer<SpanLimits.Builder, Integer> setter) {
    SpanLimits.Builder builder = SpanLimits.builder();

    assertThatThrownBy(() -> setter.accept(builder, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(name + ": -1 (expected: >= 0)");
  }

  @Test
  void buildsWhatWasSet() {
    SpanLimits limits =
        SpanLimits.builder()
            .setMaxAttributes(1)
            .setMaxAttributeValueLength(2)
            .setMaxEvents(3)
            .setMaxLinks(4)
            .setMaxAttributesPerEvent(5)
            .setMaxAttributesPerLink(6)
            .build();

    assertThat(limits.toString())
        .isEqualTo(
            "SpanLimits{maxAttributes=1, maxAttributeValueLength=2, maxEvents=3, maxLinks=4,"
                + " maxAttributesPerEvent=5, maxAttributesPerLink=6}");
  }

  @Test
  void limitingHandsBackAttributesThatAlreadyFitAndCutsOthers() {
    Attributes fits = threeAttributes();

    assertThat(SpanAttributes.limit(fits, 3, 1)).isSameAs(fits);
    assertThat(SpanAttributes.limit(fits, 2, 1).size()).isEqualTo(2);
    assertThat(SpanAttributes.limit(fits, 3, 0).asMap())
        .containsExactly(
            entry(stringKey("a"), ""), entry(stringKey("b"), ""), entry(stringKey("c"), ""));
    assertThat(SpanAttributes.limit(null, 2, 1).isEmpty()).isTrue();
  }

  @Test
  void aZeroLinkLimitKeepsNoLinksAndCountsThem() {
    SpanBuilder builder = tracer(SpanLimits.builder().setMaxLinks(0).build()).spanBuilder("span");
    builder.addLink(TestObjects.otherTrace(1)).startSpan().end();

    assertThat(processor.onlyEnded().getLinks()).isEmpty();
    assertThat(processor.onlyEnded().getDroppedLinksCount()).isEqualTo(1);
  }
}
