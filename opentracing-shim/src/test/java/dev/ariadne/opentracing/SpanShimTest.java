package dev.ariadne.opentracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.SpanData;
import io.opentracing.References;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.SpanContext;
import io.opentracing.Tracer;
import io.opentracing.log.Fields;
import io.opentracing.tag.BooleanTag;
import io.opentracing.tag.Tag;
import io.opentracing.tag.Tags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class SpanShimTest {
  private static final AttributeKey<String> EXCEPTION_TYPE =
      AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> EXCEPTION_MESSAGE =
      AttributeKey.stringKey("exception.message");
  private static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");

  private final InMemoryExporter exported = new InMemoryExporter();
  private final Tracer tracer = OpenTracingShim.create(exported.provider(), InMemoryExporter.W3C);

  @Test
  void setTagOfEveryTypeBecomesATypedAttribute() {
    Span span = tracer.buildSpan("tagged").start();
    span.setTag("string", "value")
        .setTag("boolean", true)
        .setTag("int", 3)
        .setTag("long", 4L)
        .setTag("float", 0.5f)
        .setTag("double", 0.25)
        .setTag(Tags.HTTP_METHOD, "GET")
        .setTag(Tags.HTTP_STATUS, 200)
        .setTag(new BooleanTag("cache.hit"), true);
    span.finish();

    Attributes attributes = exported.span("tagged").getAttributes();
    assertThat(attributes.asMap())
        .containsOnly(
            entry(AttributeKey.stringKey("string"), "value"),
            entry(AttributeKey.booleanKey("boolean"), true),
            entry(AttributeKey.longKey("int"), 3L),
            entry(AttributeKey.longKey("long"), 4L),
            entry(AttributeKey.doubleKey("float"), 0.5),
            entry(AttributeKey.doubleKey("double"), 0.25),
            entry(AttributeKey.stringKey("http.method"), "GET"),
            entry(AttributeKey.longKey("http.status_code"), 200L),
            entry(AttributeKey.booleanKey("cache.hit"), true));
  }

  @Test
  void nullTagsAreIgnoredWithoutThrowing() {
    Span span = tracer.buildSpan("nulls").start();
    span.setTag((String) null, "v")
        .setTag("string", (String) null)
        .setTag("number", (Number) null)
        .setTag(new BooleanTag("flag"), null)
        .setTag((Tag<String>) null, "v");
    span.finish();

    assertThat(exported.span("nulls").getAttributes().isEmpty()).isTrue();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void logFieldsWithNullValuesOrKeysThatAreNotStringsDoNotThrow() {
    Span span = tracer.buildSpan("logged").start();
    Map fields = new LinkedHashMap();
    fields.put(Fields.EVENT, "retry");
    fields.put(7, "seventh");
    fields.put(null, "no key");
    fields.put("empty", null);

    span.log(fields);
    span.finish();

    EventData event = exported.span("logged").getEvents().get(0);
    assertThat(event.getName()).isEqualTo("retry");
    assertThat(event.getAttributes().asMap())
        .containsOnly(
            entry(AttributeKey.stringKey(Fields.EVENT), "retry"),
            entry(AttributeKey.stringKey("7"), "seventh"));
  }

  @Test
  void errorTagOnTheSpanSetsTheErrorStatus() {
    Span failed = tracer.buildSpan("failed").start();
    Tags.ERROR.set(failed, true);
    failed.finish();
    Span failedAsText = tracer.buildSpan("failed-as-text").start();
    failedAsText.setTag("error", "true").finish();

    assertThat(exported.span("failed").getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(exported.span("failed").getAttributes().isEmpty()).isTrue();
    assertThat(exported.span("failed-as-text").getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void spanKindTagAfterTheStartChangesNothing() {
    Span span = tracer.buildSpan("op").withTag(Tags.SPAN_KIND, Tags.SPAN_KIND_CLIENT).start();
    span.setTag(Tags.SPAN_KIND, Tags.SPAN_KIND_SERVER).finish();

    SpanData op = exported.span("op");
    assertThat(op.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(op.getAttributes().isEmpty()).isTrue();
  }

  @Test
  void logWithFieldsBecomesAnEventNamedByTheEventField() {
    long micros = 1_700_000_000_000_001L;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(Fields.EVENT, "cache.miss");
    fields.put("key", "user:42");
    fields.put("size", 17);
    fields.put("ratio", 0.75);
    fields.put("cold", true);
    Span span = tracer.buildSpan("logged").start();
    span.log(micros, fields).finish();

    EventData event = exported.span("logged").getEvents().get(0);
    assertThat(event.getName()).isEqualTo("cache.miss");
    assertThat(event.getEpochNanos()).isEqualTo(micros * 1000);
    assertThat(event.getAttributes().asMap())
        .containsOnly(
            entry(AttributeKey.stringKey("event"), "cache.miss"),
            entry(AttributeKey.stringKey("key"), "user:42"),
            entry(AttributeKey.longKey("size"), 17L),
            entry(AttributeKey.doubleKey("ratio"), 0.75),
            entry(AttributeKey.booleanKey("cold"), true));
  }

  @Test
  void logWithoutAnEventFieldIsNamedLogAndStampedNow() {
    Span span = tracer.buildSpan("logged").start();
    span.log(Map.of("message", "hello")).finish();

    SpanData logged = exported.span("logged");
    EventData event = logged.getEvents().get(0);
    assertThat(event.getName()).isEqualTo("log");
    assertThat(event.getAttributes().get(AttributeKey.stringKey("message"))).isEqualTo("hello");
    assertThat(event.getEpochNanos())
        .isBetween(logged.getStartEpochNanos(), logged.getEndEpochNanos());
  }

  @Test
  void logOfAStringIsAnEventWithoutAttributes() {
    long micros = 1_700_000_000_000_002L;
    Span span = tracer.buildSpan("logged").start();
    span.log("started").log(micros, "stamped").finish();

    List<EventData> events = exported.span("logged").getEvents();
    assertThat(events).extracting(EventData::getName).containsExactly("started", "stamped");
    assertThat(events.get(0).getAttributes().isEmpty()).isTrue();
    assertThat(events.get(1).getEpochNanos()).isEqualTo(micros * 1000);
  }

  @Test
  void errorLogWithAThrowableBecomesAnExceptionEvent() {
    IllegalStateException failure = new IllegalStateException("pool exhausted");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(Fields.EVENT, "error");
    fields.put(Fields.ERROR_OBJECT, failure);
    fields.put("pool", "orders");
    Span span = tracer.buildSpan("failed").start();
    span.log(fields).finish();

    EventData event = exported.span("failed").getEvents().get(0);
    assertThat(event.getName()).isEqualTo("exception");
    Attributes attributes = event.getAttributes();
    assertThat(attributes.get(EXCEPTION_TYPE)).isEqualTo("java.lang.IllegalStateException");
    assertThat(attributes.get(EXCEPTION_MESSAGE)).isEqualTo("pool exhausted");
    assertThat(attributes.get(EXCEPTION_STACKTRACE))
        .startsWith("java.lang.IllegalStateException: pool exhausted")
        .contains("errorLogWithAThrowableBecomesAnExceptionEvent");
    assertThat(attributes.get(AttributeKey.stringKey("pool"))).isEqualTo("orders");
    assertThat(attributes.get(AttributeKey.stringKey(Fields.ERROR_OBJECT))).isNull();
  }

  @Test
  void errorLogWithoutAThrowableRenamesTheErrorFields() {
    long micros = 1_700_000_000_000_003L;
    Span span = tracer.buildSpan("failed").start();
    span.log(
            micros,
            Map.of(
                Fields.EVENT, "error",
                Fields.ERROR_KIND, "Timeout",
                Fields.MESSAGE, "no answer in 2s",
                Fields.STACK, "at Client.call"))
        .finish();

    EventData event = exported.span("failed").getEvents().get(0);
    assertThat(event.getName()).isEqualTo("exception");
    assertThat(event.getEpochNanos()).isEqualTo(micros * 1000);
    assertThat(event.getAttributes().asMap())
        .containsOnly(
            entry(AttributeKey.stringKey("event"), "error"),
            entry(EXCEPTION_TYPE, "Timeout"),
            entry(EXCEPTION_MESSAGE, "no answer in 2s"),
            entry(EXCEPTION_STACKTRACE, "at Client.call"));
  }

  @Test
  void aThrowableInANonErrorLogIsKeptAsText() {
    Span span = tracer.buildSpan("logged").start();
    span.log(Map.of(Fields.ERROR_OBJECT, new IllegalArgumentException("bad"))).finish();

    EventData event = exported.span("logged").getEvents().get(0);
    assertThat(event.getName()).isEqualTo("log");
    assertThat(event.getAttributes().get(AttributeKey.stringKey(Fields.ERROR_OBJECT)))
        .isEqualTo("java.lang.IllegalArgumentException: bad");
  }

  @Test
  void setOperationNameRenamesTheSpan() {
    tracer.buildSpan("draft").start().setOperationName("GET /orders").finish();

    assertThat(exported.spans()).extracting(SpanData::getName).containsExactly("GET /orders");
  }

  @Test
  void finishTwiceExportsOnceWithTheFirstTime() {
    long startMicros = 1_700_000_000_000_000L;
    Span span = tracer.buildSpan("op").withStartTimestamp(startMicros).start();
    span.finish(startMicros + 10);
    span.finish(startMicros + 20);

    assertThat(exported.spans()).hasSize(1);
    assertThat(exported.span("op").getEndEpochNanos()).isEqualTo((startMicros + 10) * 1000);
  }

  @Test
  void contextRendersTheIdsAsLowerCaseHex() {
    Span span = tracer.buildSpan("op").start();
    span.finish();

    SpanData op = exported.span("op");
    assertThat(span.context().toTraceId())
        .matches("[0-9a-f]{32}")
        .isEqualTo(op.getSpanContext().getTraceId());
    assertThat(span.context().toSpanId())
        .matches("[0-9a-f]{16}")
        .isEqualTo(op.getSpanContext().getSpanId());
  }

  @Test
  void baggageItemsAreSetReadAndListedByANewContext() {
    Span span = tracer.buildSpan("op").start();
    SpanContext before = span.context();
    span.setBaggageItem("tenant", "acme").setBaggageItem("plan", "gold");

    assertThat(span.getBaggageItem("tenant")).isEqualTo("acme");
    assertThat(span.getBaggageItem("missing")).isNull();
    assertThat(items(span.context()))
        .containsExactly(entry("tenant", "acme"), entry("plan", "gold"));
    assertThat(items(before)).isEmpty();
    assertThat(span.context().toSpanId()).isEqualTo(before.toSpanId());
  }

  @Test
  void aChildInheritsTheBaggageOfItsParent() {
    Span parent = tracer.buildSpan("parent").start().setBaggageItem("tenant", "acme");
    Span child = tracer.buildSpan("child").asChildOf(parent).start();
    child.setBaggageItem("step", "2");

    assertThat(child.getBaggageItem("tenant")).isEqualTo("acme");
    assertThat(parent.getBaggageItem("step")).isNull();
  }

  @Test
  void aChildOfTheActiveSpanInheritsBaggageSetAfterActivation() {
    Span parent = tracer.buildSpan("parent").start().setBaggageItem("tenant", "acme");
    Span child;
    try (Scope ignored = tracer.activateSpan(parent)) {
      parent.setBaggageItem("region", "eu");
      child = tracer.buildSpan("child").start();
    }

    assertThat(child.getBaggageItem("tenant")).isEqualTo("acme");
    assertThat(child.getBaggageItem("region")).isEqualTo("eu");
  }

  @Test
  void aSpanWithSeveralReferencesGetsTheUnionOfTheirBaggageWithTheParentWinning() {
    Span cause = tracer.buildSpan("cause").start();
    cause.setBaggageItem("tenant", "other").setBaggageItem("origin", "queue");
    Span parent = tracer.buildSpan("parent").start().setBaggageItem("tenant", "acme");

    Span child =
        tracer
            .buildSpan("child")
            .addReference(References.FOLLOWS_FROM, cause.context())
            .addReference(References.CHILD_OF, parent.context())
            .start();

    assertThat(items(child.context()))
        .containsExactly(entry("tenant", "acme"), entry("origin", "queue"));
  }

  @Test
  void ignoringTheActiveSpanAlsoIgnoresItsBaggage() {
    Span active = tracer.buildSpan("active").start().setBaggageItem("tenant", "acme");
    Span root;
    try (Scope ignored = tracer.activateSpan(active)) {
      root = tracer.buildSpan("root").ignoreActiveSpan().start();
    }

    assertThat(root.getBaggageItem("tenant")).isNull();
  }

  static List<Map.Entry<String, String>> items(SpanContext context) {
    return StreamSupport.stream(context.baggageItems().spliterator(), false)
        .collect(Collectors.toList());
  }
}
