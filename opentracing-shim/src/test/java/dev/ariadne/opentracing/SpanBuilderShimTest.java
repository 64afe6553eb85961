package dev.ariadne.opentracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.sdk.Clock;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import dev.ariadne.sdk.sampling.Sampler;
import dev.ariadne.sdk.sampling.SamplingDecision;
import dev.ariadne.sdk.sampling.SamplingResult;
import io.opentracing.References;
import io.opentracing.Scope;
import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.tag.BooleanTag;
import io.opentracing.tag.StringTag;
import io.opentracing.tag.Tags;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpanBuilderShimTest {
  private final InMemoryExporter exported = new InMemoryExporter();
  private final Tracer tracer = OpenTracingShim.create(exported.provider(), InMemoryExporter.W3C);

  @Test
  void childOfSpanBecomesTheParent() {
    Span parent = tracer.buildSpan("parent").start();
    tracer.buildSpan("child").asChildOf(parent).start().finish();
    parent.finish();

    SpanData child = exported.span("child");
    assertThat(child.getParentSpanContext().getSpanId()).isEqualTo(parent.context().toSpanId());
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(parent.context().toTraceId());
    assertThat(child.getLinks()).isEmpty();
  }

  @Test
  void childOfSpanContextBecomesTheParent() {
    Span parent = tracer.buildSpan("parent").start();
    tracer.buildSpan("child").asChildOf(parent.context()).start().finish();

    assertThat(exported.span("child").getParentSpanContext().getSpanId())
        .isEqualTo(parent.context().toSpanId());
  }

  @Test
  void aLocalChildSharesItsParentsClockSoAWallClockStepCannotPutItFirst() {
    AtomicLong wallClock = new AtomicLong(2_000_000_000_000L);
    AtomicLong monotonic = new AtomicLong();
    Clock steppingBack =
        new Clock() {
          @Override
          public long now() {
            return wallClock.getAndAdd(-1_000_000_000L);
          }

          @Override
          public long nanoTime() {
            return monotonic.addAndGet(1_000);
          }
        };
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setClock(steppingBack)
            .addSpanProcessor(SimpleSpanProcessor.create(exported))
            .build();
    Tracer stepped = OpenTracingShim.create(provider, InMemoryExporter.W3C);

    Span parent = stepped.buildSpan("parent").start();
    stepped.buildSpan("child").asChildOf(parent.context()).start().finish();
    parent.finish();

    assertThat(exported.span("child").getStartEpochNanos())
        .isGreaterThan(exported.span("parent").getStartEpochNanos());
  }

  @Test
  void activeSpanIsTheImplicitParent() {
    Span parent = tracer.buildSpan("parent").start();
    try (Scope ignored = tracer.activateSpan(parent)) {
      tracer.buildSpan("child").start().finish();
    }

    assertThat(exported.span("child").getParentSpanContext().getSpanId())
        .isEqualTo(parent.context().toSpanId());
  }

  @Test
  void ignoringTheActiveSpanStartsANewTrace() {
    Span active = tracer.buildSpan("active").start();
    try (Scope ignored = tracer.activateSpan(active)) {
      tracer.buildSpan("root").ignoreActiveSpan().start().finish();
    }

    SpanData root = exported.span("root");
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getSpanContext().getTraceId()).isNotEqualTo(active.context().toTraceId());
  }

  @Test
  void explicitParentWinsOverTheActiveSpan() {
    Span explicit = tracer.buildSpan("explicit").start();
    Span active = tracer.buildSpan("active").start();
    try (Scope ignored = tracer.activateSpan(active)) {
      tracer.buildSpan("child").asChildOf(explicit).start().finish();
    }

    assertThat(exported.span("child").getParentSpanContext().getSpanId())
        .isEqualTo(explicit.context().toSpanId());
  }

  @Test
  void followsFromAloneIsTheParentAndALinkMarkedFollowsFrom() {
    Span cause = tracer.buildSpan("cause").start();
    tracer
        .buildSpan("effect")
        .addReference(References.FOLLOWS_FROM, cause.context())
        .start()
        .finish();

    SpanData effect = exported.span("effect");
    assertThat(effect.getParentSpanContext().getSpanId()).isEqualTo(cause.context().toSpanId());
    assertThat(effect.getLinks()).hasSize(1);
    LinkData link = effect.getLinks().get(0);
    assertThat(link.getSpanContext().getSpanId()).isEqualTo(cause.context().toSpanId());
    assertThat(link.getAttributes().get(LinkData.REFERENCE_TYPE)).isEqualTo("follows_from");
    assertThat(link.isFollowsFrom()).isTrue();
  }

  @Test
  void childOfWinsOverAnEarlierFollowsFromWhichStaysALink() {
    Span cause = tracer.buildSpan("cause").start();
    Span parent = tracer.buildSpan("parent").start();
    tracer
        .buildSpan("child")
        .addReference(References.FOLLOWS_FROM, cause.context())
        .addReference(References.CHILD_OF, parent.context())
        .start()
        .finish();

    SpanData child = exported.span("child");
    assertThat(child.getParentSpanContext().getSpanId()).isEqualTo(parent.context().toSpanId());
    assertThat(child.getLinks())
        .singleElement()
        .satisfies(
            link -> {
              assertThat(link.getSpanContext().getSpanId()).isEqualTo(cause.context().toSpanId());
              assertThat(link.isFollowsFrom()).isTrue();
            });
  }

  @Test
  void aSecondChildOfIsKeptAsALinkMarkedChildOf() {
    Span first = tracer.buildSpan("first").start();
    Span second = tracer.buildSpan("second").start();
    tracer.buildSpan("child").asChildOf(first).asChildOf(second).start().finish();

    SpanData child = exported.span("child");
    assertThat(child.getParentSpanContext().getSpanId()).isEqualTo(first.context().toSpanId());
    assertThat(child.getLinks())
        .singleElement()
        .satisfies(
            link -> {
              assertThat(link.getSpanContext().getSpanId()).isEqualTo(second.context().toSpanId());
              assertThat(link.getAttributes().get(LinkData.REFERENCE_TYPE)).isEqualTo("child_of");
            });
  }

  @Test
  void unknownReferenceTypesAndNullsAreIgnored() {
    Span other = tracer.buildSpan("other").start();
    tracer
        .buildSpan("root")
        .ignoreActiveSpan()
        .addReference("caused_by", other.context())
        .asChildOf((Span) null)
        .asChildOf((io.opentracing.SpanContext) null)
        .start()
        .finish();

    SpanData root = exported.span("root");
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getLinks()).isEmpty();
  }

  @Test
  void tagsOfEveryTypeBecomeTypedAttributes() {
    tracer
        .buildSpan("tagged")
        .withTag("string", "value")
        .withTag("boolean", true)
        .withTag("int", 42)
        .withTag("long", 1L << 40)
        .withTag("short", (short) 7)
        .withTag("float", 1.5f)
        .withTag("double", 2.25)
        .withTag("big.integer", BigInteger.valueOf(9))
        .withTag("huge.integer", BigInteger.ONE.shiftLeft(70))
        .withTag("decimal", new BigDecimal("0.1"))
        .withTag(Tags.COMPONENT, "jdbc")
        .withTag(Tags.HTTP_STATUS, 503)
        .withTag(new BooleanTag("cache.hit"), false)
        .withTag(Tags.PEER_HOSTNAME, "db-1")
        .start()
        .finish();

    Attributes attributes = exported.span("tagged").getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("string"))).isEqualTo("value");
    assertThat(attributes.get(AttributeKey.booleanKey("boolean"))).isTrue();
    assertThat(attributes.get(AttributeKey.longKey("int"))).isEqualTo(42L);
    assertThat(attributes.get(AttributeKey.longKey("long"))).isEqualTo(1L << 40);
    assertThat(attributes.get(AttributeKey.longKey("short"))).isEqualTo(7L);
    assertThat(attributes.get(AttributeKey.doubleKey("float"))).isEqualTo(1.5);
    assertThat(attributes.get(AttributeKey.doubleKey("double"))).isEqualTo(2.25);
    assertThat(attributes.get(AttributeKey.longKey("big.integer"))).isEqualTo(9L);
    assertThat(attributes.get(AttributeKey.stringKey("huge.integer")))
        .isEqualTo("1180591620717411303424");
    assertThat(attributes.get(AttributeKey.stringKey("decimal"))).isEqualTo("0.1");
    assertThat(attributes.get(AttributeKey.stringKey("component"))).isEqualTo("jdbc");
    assertThat(attributes.get(AttributeKey.longKey("http.status_code"))).isEqualTo(503L);
    assertThat(attributes.get(AttributeKey.booleanKey("cache.hit"))).isFalse();
    assertThat(attributes.get(AttributeKey.stringKey("peer.hostname"))).isEqualTo("db-1");
  }

  @Test
  void tagsAreSetBeforeTheStartWhereTheSamplerSeesThem() {
    AtomicReference<Attributes> seen = new AtomicReference<>();
    Sampler recordingSampler =
        new Sampler() {
          @Override
          public SamplingResult shouldSample(
              Context parentContext,
              long traceIdHigh,
              long traceIdLow,
              String name,
              SpanKind kind,
              Attributes attributes,
              List<LinkData> links) {
            seen.set(attributes);
            return SamplingResult.of(SamplingDecision.RECORD_AND_SAMPLE);
          }

          @Override
          public String getDescription() {
            return "recording";
          }
        };
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setSampler(recordingSampler)
            .addSpanProcessor(SimpleSpanProcessor.create(exported))
            .build();
    Tracer sampled = OpenTracingShim.create(provider, InMemoryExporter.W3C);

    sampled.buildSpan("op").withTag("http.route", "/orders").withTag("retry", 2).start();

    assertThat(seen.get().asMap())
        .containsOnly(
            entry(AttributeKey.stringKey("http.route"), "/orders"),
            entry(AttributeKey.longKey("retry"), 2L));
  }

  @ParameterizedTest
  @CsvSource({
    "client, CLIENT",
    "server, SERVER",
    "producer, PRODUCER",
    "consumer, CONSUMER",
    "batch, INTERNAL"
  })
  void spanKindTagSetsTheKind(String tag, SpanKind kind) {
    tracer.buildSpan("op").withTag(Tags.SPAN_KIND, tag).start().finish();

    SpanData span = exported.span("op");
    assertThat(span.getKind()).isEqualTo(kind);
    assertThat(span.getAttributes().isEmpty()).isTrue();
  }

  @Test
  void errorTagTrueSetsTheErrorStatus() {
    tracer.buildSpan("failed").withTag(Tags.ERROR, true).start().finish();
    tracer.buildSpan("failed-as-text").withTag("error", "true").start().finish();

    assertThat(exported.span("failed").getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(exported.span("failed-as-text").getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(exported.span("failed").getAttributes().isEmpty()).isTrue();
  }

  @Test
  void errorTagFalseLeavesTheStatusUnset() {
    tracer.buildSpan("fine").withTag(Tags.ERROR, false).start().finish();

    assertThat(exported.span("fine").getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void explicitStartAndFinishMicrosecondsAreKept() {
    long startMicros = 1_700_000_000_123_456L;
    tracer.buildSpan("timed").withStartTimestamp(startMicros).start().finish(startMicros + 250);

    SpanData timed = exported.span("timed");
    assertThat(timed.getStartEpochNanos()).isEqualTo(startMicros * 1000);
    assertThat(timed.getEndEpochNanos()).isEqualTo((startMicros + 250) * 1000);
  }

  @Test
  void spansComeFromTheTracerNamedOpentracingShimAtTheBuildsVersion() {
    tracer.buildSpan("op").start().finish();

    assertThat(exported.span("op").getInstrumentationScope().getName())
        .isEqualTo("opentracing-shim");
    assertThat(exported.span("op").getInstrumentationScope().getVersion())
        .isEqualTo(System.getProperty("ariadne.version"));
  }

  @Test
  void afterCloseSpansAreNotRecordedButStillCarryTheParentsContext() {
    Span parent = tracer.buildSpan("parent").start();
    tracer.close();

    Span child =
        tracer.buildSpan("child").asChildOf(parent).withTag(new StringTag("k"), "v").start();
    child.finish();
    parent.finish();

    assertThat(exported.spans()).extracting(SpanData::getName).containsExactly("parent");
    assertThat(child.context().toTraceId()).isEqualTo(parent.context().toTraceId());
  }
}
