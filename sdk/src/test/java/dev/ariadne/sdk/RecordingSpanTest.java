package dev.ariadne.sdk;

import static dev.ariadne.api.common.AttributeKey.booleanArrayKey;
import static dev.ariadne.api.common.AttributeKey.booleanKey;
import static dev.ariadne.api.common.AttributeKey.doubleArrayKey;
import static dev.ariadne.api.common.AttributeKey.doubleKey;
import static dev.ariadne.api.common.AttributeKey.longArrayKey;
import static dev.ariadne.api.common.AttributeKey.longKey;
import static dev.ariadne.api.common.AttributeKey.stringArrayKey;
import static dev.ariadne.api.common.AttributeKey.stringKey;
import static dev.ariadne.sdk.TestObjects.EPOCH_NANOS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.Scope;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.sampling.Sampler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecordingSpanTest {
  private final TestClock clock = new TestClock();
  private final CapturingSpanProcessor processor = new CapturingSpanProcessor();
  private Tracer tracer;

  @BeforeEach
  void setUp() {
    tracer =
        SdkTracerProvider.builder()
            .setClock(clock)
            .setIdGenerator(TestObjects.sequentialIds())
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(processor)
            .build()
            .get("recording-span-test", "1.0");
  }

  private Span start() {
    return tracer.spanBuilder("operation").startSpan();
  }

  private static SpanData data(Span span) {
    return (SpanData) span;
  }

  @Test
  void recordsAttributesOfEveryTypeIncludingArrays() {
    Span span = start();
    span.setAttribute("string", "value");
    span.setAttribute("long", 42L);
    span.setAttribute("double", 0.5);
    span.setAttribute("boolean", true);
    span.setAttribute(stringArrayKey("strings"), List.of("a", "b"));
    span.setAttribute(longArrayKey("longs"), List.of(1L, 2L));
    span.setAttribute(doubleArrayKey("doubles"), List.of(1.5, 2.5));
    span.setAttribute(booleanArrayKey("booleans"), List.of(true, false));
    span.end();

    Attributes attributes = processor.onlyEnded().getAttributes();
    assertThat(attributes.asMap())
        .containsExactly(
            entry(stringKey("string"), "value"),
            entry(longKey("long"), 42L),
            entry(doubleKey("double"), 0.5),
            entry(booleanKey("boolean"), true),
            entry(stringArrayKey("strings"), List.of("a", "b")),
            entry(longArrayKey("longs"), List.of(1L, 2L)),
            entry(doubleArrayKey("doubles"), List.of(1.5, 2.5)),
            entry(booleanArrayKey("booleans"), List.of(true, false)));
    assertThat(attributes.get(longKey("long"))).isEqualTo(42L);
    assertThat(processor.onlyEnded().getDroppedAttributesCount()).isZero();
  }

  @Test
  void aLaterValueReplacesAnEarlierOneOfTheSameName() {
    Span span = start();
    span.setAttribute("key", "first");
    span.setAttribute("other", 1L);
    span.setAttribute("key", 2L);
    span.end();

    assertThat(processor.onlyEnded().getAttributes().asMap())
        .containsExactly(entry(longKey("key"), 2L), entry(longKey("other"), 1L));
  }

  @Test
  void ignoresNullKeysNullValuesEmptyNamesAndArraysHoldingNull() {
    Span span = start();
    span.setAttribute((String) null, "value");
    span.setAttribute(stringKey("null-value"), null);
    span.setAttribute("", "empty name");
    span.setAttribute(stringArrayKey("holds-null"), Arrays.asList("a", null));
    span.setAttribute((AttributeKey<String>) null, "value");
    span.setAllAttributes(null);
    span.setAttribute("kept", "yes");
    span.end();

    assertThat(processor.onlyEnded().getAttributes().asMap())
        .containsExactly(entry(stringKey("kept"), "yes"));
  }

  @Test
  void copiesArrayValuesSoLaterChangesByTheCallerDoNotShow() {
    List<String> values = new ArrayList<>(List.of("a"));
    Span span = start();
    span.setAttribute(stringArrayKey("values"), values);
    values.add("b");
    span.end();

    assertThat(processor.onlyEnded().getAttributes().get(stringArrayKey("values")))
        .containsExactly("a");
  }

  @Test
  void addsEventsAtExplicitTimestamps() {
    Span span = start();
    span.addEvent("seconds", Attributes.of(stringKey("k"), "v"), 5, TimeUnit.SECONDS);
    span.addEvent("instant", Attributes.empty(), Instant.ofEpochSecond(7, 3));
    span.end();

    List<EventData> events = processor.onlyEnded().getEvents();
    assertThat(events).extracting(EventData::getName).containsExactly("seconds", "instant");
    assertThat(events)
        .extracting(EventData::getEpochNanos)
        .containsExactly(5_000_000_000L, 7_000_000_003L);
    assertThat(events.get(0).getAttributes().asMap()).containsExactly(entry(stringKey("k"), "v"));
    assertThat(events.get(0).getDroppedAttributesCount()).isZero();
  }

  @Test
  void stampsEventsWithoutTimestampFromTheClock() {
    Span span = start();
    clock.advance(Duration.ofMillis(10));
    span.addEvent("first");
    clock.advance(Duration.ofMillis(5));
    span.addEvent("second", Attributes.of(longKey("n"), 2L));
    span.end();

    assertThat(processor.onlyEnded().getEvents())
        .extracting(EventData::getEpochNanos)
        .containsExactly(EPOCH_NANOS + 10_000_000, EPOCH_NANOS + 15_000_000);
  }

  @Test
  void recordsAnExceptionAsAnEventWithTypeMessageAndStacktrace() {
    Span span = start();
    span.recordException(
        new IllegalStateException("boom"), Attributes.of(stringKey("handled"), "no"));
    span.end();

    EventData event = processor.onlyEnded().getEvents().get(0);
    assertThat(event.getName()).isEqualTo("exception");
    Attributes attributes = event.getAttributes();
    assertThat(attributes.get(stringKey("exception.type")))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(attributes.get(stringKey("exception.message"))).isEqualTo("boom");
    assertThat(attributes.get(stringKey("exception.stacktrace")))
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("at dev.ariadne.sdk.RecordingSpanTest.recordsAnExceptionAsAnEvent");
    assertThat(attributes.get(stringKey("handled"))).isEqualTo("no");
    assertThat(processor.onlyEnded().getStatusCode())
        .as("recording an exception does not change the status")
        .isEqualTo(StatusCode.UNSET);
  }

  @Test
  void recordsAnExceptionWithoutMessageWithoutTheMessageAttribute() {
    Span span = start();
    span.recordException(new NullPointerException());
    span.end();

    Attributes attributes = processor.onlyEnded().getEvents().get(0).getAttributes();
    assertThat(attributes.get(stringKey("exception.type")))
        .isEqualTo("java.lang.NullPointerException");
    assertThat(attributes.get(stringKey("exception.message"))).isNull();
    assertThat(attributes.get(stringKey("exception.stacktrace"))).isNotEmpty();
  }

  @Test
  void okIsFinal() {
    Span span = start();
    span.setStatus(StatusCode.OK);
    span.setStatus(StatusCode.ERROR, "too late");
    span.end();

    assertThat(processor.onlyEnded().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(processor.onlyEnded().getStatusDescription()).isEmpty();
  }

  @Test
  void unsetIsIgnored() {
    Span span = start();
    span.setStatus(StatusCode.ERROR, "failed");
    span.setStatus(StatusCode.UNSET);
    span.setStatus(null);
    span.end();

    assertThat(processor.onlyEnded().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(processor.onlyEnded().getStatusDescription()).isEqualTo("failed");
  }

  @Test
  void keepsTheDescriptionOnlyWithError() {
    Span ok = start();
    ok.setStatus(StatusCode.OK, "fine");
    ok.end();
    Span error = start();
    error.setStatus(StatusCode.ERROR, "broken");
    error.end();

    assertThat(processor.ended())
        .extracting(SpanData::getStatusCode, SpanData::getStatusDescription)
        .containsExactly(tuple(StatusCode.OK, ""), tuple(StatusCode.ERROR, "broken"));
  }

  @Test
  void anErrorWithoutDescriptionHasAnEmptyOne() {
    Span span = start();
    span.setStatus(StatusCode.ERROR, null);
    span.end();

    assertThat(processor.onlyEnded().getStatusDescription()).isEmpty();
  }

  @Test
  void anErrorMayStillBeSetToOk() {
    Span span = start();
    span.setStatus(StatusCode.ERROR, "retrying");
    span.setStatus(StatusCode.OK);
    span.end();

    assertThat(processor.onlyEnded().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(processor.onlyEnded().getStatusDescription()).isEmpty();
  }

  @Test
  void updateNameRenamesTheSpanAndIgnoresNull() {
    Span span = start();
    span.updateName("GET /users/{id}");
    span.updateName(null);
    span.end();

    assertThat(processor.onlyEnded().getName()).isEqualTo("GET /users/{id}");
  }

  @Test
  void endStampsTheEndFromTheClock() {
    Span span = start();
    clock.advance(Duration.ofMillis(250));
    span.end();

    SpanData data = processor.onlyEnded();
    assertThat(data.getStartEpochNanos()).isEqualTo(EPOCH_NANOS);
    assertThat(data.getEndEpochNanos()).isEqualTo(EPOCH_NANOS + 250_000_000);
  }

  @Test
  void endAtAnExplicitTimestamp() {
    Span seconds = start();
    seconds.end(EPOCH_NANOS / 1_000_000 + 3_000, TimeUnit.MILLISECONDS);
    Span instant = start();
    instant.end(Instant.ofEpochSecond(0, EPOCH_NANOS).plusMillis(4));

    assertThat(processor.ended())
        .extracting(SpanData::getEndEpochNanos)
        .containsExactly(EPOCH_NANOS + 3_000_000_000L, EPOCH_NANOS + 4_000_000);
  }

  @Test
  void endWithoutUnitEndsNow() {
    Span span = start();
    clock.advance(Duration.ofMillis(1));
    span.end(123, null);

    assertThat(processor.onlyEnded().getEndEpochNanos()).isEqualTo(EPOCH_NANOS + 1_000_000);
  }

  @Test
  void startsAtAnExplicitStartTimestamp() {
    Span span =
        tracer.spanBuilder("operation").setStartTimestamp(Instant.ofEpochSecond(100)).startSpan();
    span.end(Instant.ofEpochSecond(101));

    assertThat(processor.onlyEnded().getStartEpochNanos()).isEqualTo(100_000_000_000L);
    assertThat(processor.onlyEnded().getEndEpochNanos()).isEqualTo(101_000_000_000L);
  }

  @Test
  void clampsInstantsPastWhatNanosecondsSinceTheEpochHoldToTheLatestTheyDo() {
    Instant farFuture = Instant.parse("2300-01-01T00:00:00Z");
    Span span = tracer.spanBuilder("operation").setStartTimestamp(farFuture).startSpan();
    span.addEvent("latest", Attributes.empty(), Instant.MAX);
    span.end(farFuture.plusSeconds(1));

    SpanData ended = processor.onlyEnded();
    assertThat(ended.getStartEpochNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(ended.getEvents().get(0).getEpochNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(ended.getEndEpochNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void clampsInstantsBeforeWhatNanosecondsSinceTheEpochHoldToTheEarliestTheyDo() {
    Span span =
        tracer.spanBuilder("operation").setStartTimestamp(Instant.ofEpochSecond(100)).startSpan();
    span.addEvent("earliest", Attributes.empty(), Instant.MIN);
    span.end(Instant.parse("1600-01-01T00:00:00Z"));

    SpanData ended = processor.onlyEnded();
    assertThat(ended.getEvents().get(0).getEpochNanos()).isEqualTo(Long.MIN_VALUE);
    assertThat(ended.getEndEpochNanos()).as("not before the start").isEqualTo(100_000_000_000L);
  }

  @Test
  void isRecordingUntilEnded() {
    Span span = start();
    assertThat(span.isRecording()).isTrue();

    span.end();

    assertThat(span.isRecording()).isFalse();
    assertThat(span.getSpanContext().isValid()).isTrue();
  }

  @Test
  void ignoresEverythingAfterEndAndNeverThrows() {
    Span span = start();
    span.setAttribute("before", "end");
    clock.advance(Duration.ofMillis(1));
    span.end();
    clock.advance(Duration.ofMillis(1));

    span.setAttribute("after", "end");
    span.setAttribute((String) null, "x");
    span.setAttribute(stringKey("null"), null);
    span.setAllAttributes(Attributes.of(stringKey("all"), "x"));
    span.addEvent("after");
    span.addEvent(null);
    span.addEvent("after", null);
    span.addEvent("after", Attributes.empty(), 1, null);
    span.addEvent("after", Attributes.empty(), (Instant) null);
    span.recordException(new RuntimeException("after"));
    span.recordException(null);
    span.recordException(null, null);
    span.setStatus(StatusCode.ERROR, "after");
    span.setStatus(null, null);
    span.updateName("after");
    span.updateName(null);
    span.end();
    span.end(1, TimeUnit.SECONDS);
    span.end(5, null);
    span.end((Instant) null);

    SpanData data = processor.onlyEnded();
    assertThat(data.getName()).isEqualTo("operation");
    assertThat(data.getAttributes().asMap()).containsExactly(entry(stringKey("before"), "end"));
    assertThat(data.getEvents()).isEmpty();
    assertThat(data.getDroppedEventsCount()).isZero();
    assertThat(data.getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(data.getEndEpochNanos()).isEqualTo(EPOCH_NANOS + 1_000_000);
  }

  @Test
  void nullsBeforeEndAreIgnoredToo() {
    Span span = start();
    span.addEvent(null);
    span.addEvent(null, Attributes.empty(), 1, TimeUnit.SECONDS);
    span.addEvent("no-attributes", null);
    span.recordException(null);
    span.recordException(new RuntimeException(), null);
    span.end();

    assertThat(processor.onlyEnded().getEvents())
        .extracting(EventData::getName)
        .containsExactly("no-attributes", "exception");
  }

  @Test
  void aNullTimestampOrUnitMeansNow() {
    Span span = start();
    clock.advance(Duration.ofMillis(1));
    span.addEvent("null-instant", Attributes.empty(), (Instant) null);
    clock.advance(Duration.ofMillis(1));
    span.addEvent("null-unit", Attributes.empty(), 5, null);
    clock.advance(Duration.ofMillis(1));
    span.end((Instant) null);

    SpanData data = processor.onlyEnded();
    assertThat(data.getEvents())
        .extracting(EventData::getName, EventData::getEpochNanos)
        .containsExactly(
            tuple("null-instant", EPOCH_NANOS + 1_000_000),
            tuple("null-unit", EPOCH_NANOS + 2_000_000));
    assertThat(data.getEndEpochNanos()).isEqualTo(EPOCH_NANOS + 3_000_000);
  }

  @Test
  void measuresDurationsWithTheMonotonicClockNotTheWallClock() {
    Span span = start();
    clock.stepWallClock(Duration.ofHours(-1)); // an NTP step back during the span
    clock.advance(Duration.ofMillis(250));
    span.addEvent("midway");
    clock.stepWallClock(Duration.ofMinutes(30));
    clock.advance(Duration.ofMillis(250));
    span.end();

    SpanData data = processor.onlyEnded();
    assertThat(data.getEndEpochNanos() - data.getStartEpochNanos()).isEqualTo(500_000_000);
    assertThat(data.getEvents().get(0).getEpochNanos()).isEqualTo(EPOCH_NANOS + 250_000_000);
  }

  @Test
  void aLocalChildSharesItsParentsClockAnchor() {
    Span parent = start();
    clock.stepWallClock(Duration.ofHours(1));
    clock.advance(Duration.ofMillis(5));
    Span child;
    try (Scope ignored = parent.makeCurrent()) {
      child = tracer.spanBuilder("child").startSpan();
    }
    clock.advance(Duration.ofMillis(5));
    child.end();
    parent.end();

    SpanData childData = processor.ended().get(0);
    SpanData parentData = processor.ended().get(1);
    assertThat(childData.getStartEpochNanos()).isEqualTo(EPOCH_NANOS + 5_000_000);
    assertThat(childData.getEndEpochNanos()).isEqualTo(EPOCH_NANOS + 10_000_000);
    assertThat(parentData.getEndEpochNanos()).isEqualTo(EPOCH_NANOS + 10_000_000);
  }

  @Test
  void aNewRootReadsTheWallClockAfresh() {
    start().end();
    clock.stepWallClock(Duration.ofHours(1));
    start().end();

    assertThat(processor.ended().get(1).getStartEpochNanos())
        .isEqualTo(EPOCH_NANOS + Duration.ofHours(1).toNanos());
  }

  @Test
  void clampsAnEndBeforeTheStartToTheStart() {
    Span span = start();
    span.end(EPOCH_NANOS - 1_000, TimeUnit.NANOSECONDS);

    assertThat(processor.onlyEnded().getEndEpochNanos()).isEqualTo(EPOCH_NANOS);
  }

  @Test
  void clampsAnEndBeforeAnExplicitStartToTheStart() {
    Span span =
        tracer.spanBuilder("operation").setStartTimestamp(500, TimeUnit.SECONDS).startSpan();
    span.end(400, TimeUnit.SECONDS);

    assertThat(processor.onlyEnded().getEndEpochNanos()).isEqualTo(500_000_000_000L);
  }

  @Test
  void reachesProcessorsOnceAtStartAndOnceAtEnd() {
    Span span = start();
    assertThat(processor.started()).containsExactly(span);
    assertThat(processor.ended()).isEmpty();

    span.end();
    span.end();

    assertThat(processor.ended()).containsExactly(data(span));
  }

  @Test
  void aSnapshotOfAnOpenSpanDoesNotChangeLater() {
    Span span = start();
    span.setAttribute("first", 1L);
    span.addEvent("first");
    Attributes attributes = data(span).getAttributes();
    List<EventData> events = data(span).getEvents();

    span.setAttribute("second", 2L);
    span.addEvent("second");

    assertThat(attributes.size()).isEqualTo(1);
    assertThat(events).hasSize(1);
    assertThat(data(span).getAttributes().size()).isEqualTo(2);
  }

  @Test
  void describesItselfAsSpanData() {
    Span span = tracer.spanBuilder("operation").setSpanKind(SpanKind.SERVER).startSpan();
    span.end();

    SpanData data = processor.onlyEnded();
    assertThat(data.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(data.getSpanContext()).isEqualTo(span.getSpanContext());
    assertThat(data.getParentSpanContext()).isEqualTo(SpanContext.invalid());
    assertThat(data.getInstrumentationScope().getName()).isEqualTo("recording-span-test");
    assertThat(data.getInstrumentationScope().getVersion()).isEqualTo("1.0");
    assertThat(data.getResource().getServiceName()).isEqualTo("unknown_service:java");
    assertThat(data.getLinks()).isEmpty();
    assertThat(data.getDroppedLinksCount()).isZero();
    assertThat(data.getSpanContext().isSampled()).isTrue();
    assertThat(data.getSpanContext().isRemote()).isFalse();
  }

  @Test
  void canBeMadeCurrent() {
    Span span = start();
    try (Scope ignored = span.makeCurrent()) {
      assertThat(Span.current()).isSameAs(span);
    }
    assertThat(Span.fromContext(Context.current())).isSameAs(Span.invalid());
  }
}
