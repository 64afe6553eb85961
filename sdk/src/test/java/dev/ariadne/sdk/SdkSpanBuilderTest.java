package dev.ariadne.sdk;

import static dev.ariadne.api.common.AttributeKey.doubleKey;
import static dev.ariadne.api.common.AttributeKey.stringKey;
import static dev.ariadne.sdk.TestObjects.OTHER_SPAN_ID;
import static dev.ariadne.sdk.TestObjects.SPAN_ID;
import static dev.ariadne.sdk.TestObjects.THIRD_SPAN_ID;
import static dev.ariadne.sdk.TestObjects.TRACE_ID_HIGH;
import static dev.ariadne.sdk.TestObjects.TRACE_ID_LOW;
import static dev.ariadne.sdk.TestObjects.TRACE_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.Scope;
import dev.ariadne.api.trace.ReferenceType;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanBuilder;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import dev.ariadne.sdk.sampling.Sampler;
import dev.ariadne.sdk.sampling.SamplingDecision;
import dev.ariadne.sdk.sampling.SamplingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SdkSpanBuilderTest {
  private final CapturingSpanProcessor processor = new CapturingSpanProcessor();
  private final Tracer tracer = tracer(Sampler.alwaysOn());

  private Tracer tracer(Sampler sampler) {
    return SdkTracerProvider.builder()
        .setClock(new TestClock())
        .setIdGenerator(TestObjects.sequentialIds())
        .setSampler(sampler)
        .addSpanProcessor(processor)
        .build()
        .get("builder-test");
  }

  private static SpanData data(Span span) {
    return (SpanData) span;
  }

  private static SpanContext link(long spanId) {
    return TestObjects.contextWithSpanId(spanId);
  }

  @Test
  void usesTheSpanInAnExplicitParentContext() {
    Span parent = tracer.spanBuilder("parent").startSpan();
    Span child = tracer.spanBuilder("child").setParent(Context.root().with(parent)).startSpan();

    assertThat(data(child).getParentSpanContext()).isEqualTo(parent.getSpanContext());
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(child.getSpanContext().getSpanId())
        .isNotEqualTo(parent.getSpanContext().getSpanId());
  }

  @Test
  void usesTheCurrentSpanByDefault() {
    Span parent = tracer.spanBuilder("parent").startSpan();
    Span child;
    try (Scope ignored = parent.makeCurrent()) {
      child = tracer.spanBuilder("child").startSpan();
    }

    assertThat(data(child).getParentSpanContext()).isEqualTo(parent.getSpanContext());
  }

  @Test
  void aSpanWhoseScopeWasClosedOnAnotherThreadParentsNoNewSpan() throws Exception {
    Span closedElsewhere = tracer.spanBuilder("C").startSpan();
    Scope scope = closedElsewhere.makeCurrent();
    Thread other = new Thread(scope::close);
    other.start();
    other.join();

    Span next = tracer.spanBuilder("D").startSpan();

    assertThat(Span.current()).isSameAs(Span.invalid());
    assertThat(data(next).getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void anExplicitParentWinsOverTheCurrentSpan() {
    Span current = tracer.spanBuilder("current").startSpan();
    Span explicit = tracer.spanBuilder("explicit").setNoParent().startSpan();
    Span child;
    try (Scope ignored = current.makeCurrent()) {
      child = tracer.spanBuilder("child").setParent(Context.root().with(explicit)).startSpan();
    }

    assertThat(data(child).getParentSpanContext()).isEqualTo(explicit.getSpanContext());
  }

  @Test
  void anExplicitContextWithoutSpanMakesARoot() {
    Span current = tracer.spanBuilder("current").startSpan();
    Span child;
    try (Scope ignored = current.makeCurrent()) {
      child = tracer.spanBuilder("child").setParent(Context.root()).startSpan();
    }

    assertThat(data(child).getParentSpanContext().isValid()).isFalse();
    assertThat(child.getSpanContext().getTraceId())
        .isNotEqualTo(current.getSpanContext().getTraceId());
  }

  @Test
  void setNoParentIgnoresTheCurrentSpan() {
    Span current = tracer.spanBuilder("current").startSpan();
    Span root;
    try (Scope ignored = current.makeCurrent()) {
      root = tracer.spanBuilder("root").setNoParent().startSpan();
    }

    assertThat(data(root).getParentSpanContext()).isEqualTo(SpanContext.invalid());
    assertThat(root.getSpanContext().getTraceId())
        .isNotEqualTo(current.getSpanContext().getTraceId());
  }

  @Test
  void theLaterOfSetParentAndSetNoParentWins() {
    Span parent = tracer.spanBuilder("parent").startSpan();
    Context withParent = Context.root().with(parent);

    Span child = tracer.spanBuilder("child").setNoParent().setParent(withParent).startSpan();
    Span root = tracer.spanBuilder("root").setParent(withParent).setNoParent().startSpan();

    assertThat(data(child).getParentSpanContext()).isEqualTo(parent.getSpanContext());
    assertThat(data(root).getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void aChildOfReferenceBecomesTheParentAndNoLink() {
    SpanContext reference = TestObjects.localParent(true);
    Span span =
        tracer.spanBuilder("span").addReference(ReferenceType.CHILD_OF, reference).startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(reference);
    assertThat(data(span).getLinks()).isEmpty();
  }

  @Test
  void aReferenceWinsOverTheCurrentSpan() {
    Span current = tracer.spanBuilder("current").startSpan();
    SpanContext reference = TestObjects.localParent(true);
    Span span;
    try (Scope ignored = current.makeCurrent()) {
      span = tracer.spanBuilder("span").addReference(ReferenceType.CHILD_OF, reference).startSpan();
    }

    assertThat(data(span).getParentSpanContext()).isEqualTo(reference);
  }

  @Test
  void aReferenceWinsOverSetNoParent() {
    SpanContext reference = TestObjects.localParent(true);
    Span span =
        tracer
            .spanBuilder("span")
            .setNoParent()
            .addReference(ReferenceType.FOLLOWS_FROM, reference)
            .startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(reference);
  }

  @Test
  void aFollowsFromReferenceAloneBecomesTheParentAndALinkMarkedFollowsFrom() {
    SpanContext reference = TestObjects.localParent(true);
    Span span =
        tracer.spanBuilder("span").addReference(ReferenceType.FOLLOWS_FROM, reference).startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(reference);
    assertThat(span.getSpanContext().getTraceIdLow()).isEqualTo(TRACE_ID_LOW);
    LinkData link = data(span).getLinks().get(0);
    assertThat(data(span).getLinks()).hasSize(1);
    assertThat(link.getSpanContext()).isEqualTo(reference);
    assertThat(link.getAttributes().get(LinkData.REFERENCE_TYPE)).isEqualTo("follows_from");
    assertThat(link.isFollowsFrom()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void withBothKindsOfReferenceTheChildOfIsTheParent(boolean childOfFirst) {
    SpanContext childOf = link(OTHER_SPAN_ID);
    SpanContext followsFrom = link(THIRD_SPAN_ID);
    SpanBuilder builder = tracer.spanBuilder("span");
    if (childOfFirst) builder.addReference(ReferenceType.CHILD_OF, childOf);
    builder.addReference(ReferenceType.FOLLOWS_FROM, followsFrom);
    if (!childOfFirst) builder.addReference(ReferenceType.CHILD_OF, childOf);
    Span span = builder.startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(childOf);
    assertThat(data(span).getLinks())
        .singleElement()
        .satisfies(l -> assertThat(l.getSpanContext()).isEqualTo(followsFrom))
        .satisfies(l -> assertThat(l.isFollowsFrom()).isTrue());
  }

  @Test
  void extraChildOfReferencesBecomeLinksMarkedChildOf() {
    SpanContext first = link(SPAN_ID);
    SpanContext second = link(OTHER_SPAN_ID);
    SpanContext third = link(THIRD_SPAN_ID);
    Span span =
        tracer
            .spanBuilder("span")
            .addReference(ReferenceType.CHILD_OF, first)
            .addReference(ReferenceType.CHILD_OF, second)
            .addReference(ReferenceType.CHILD_OF, third)
            .startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(first);
    assertThat(data(span).getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(second, third);
    assertThat(data(span).getLinks())
        .allSatisfy(
            l -> assertThat(l.getAttributes().get(LinkData.REFERENCE_TYPE)).isEqualTo("child_of"))
        .noneMatch(LinkData::isFollowsFrom);
  }

  @Test
  void anExplicitParentWinsOverReferences() {
    Span explicit = tracer.spanBuilder("explicit").startSpan();
    SpanContext followsFrom = link(THIRD_SPAN_ID);
    Span span =
        tracer
            .spanBuilder("span")
            .addReference(ReferenceType.FOLLOWS_FROM, followsFrom)
            .setParent(Context.root().with(explicit))
            .startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(explicit.getSpanContext());
    assertThat(data(span).getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(followsFrom);
  }

  @Test
  void aChildOfReferenceOutrankedByAnExplicitParentIsKeptAsALinkMarkedChildOf() {
    Span explicit = tracer.spanBuilder("explicit").startSpan();
    SpanContext childOf = link(THIRD_SPAN_ID);
    Span span =
        tracer
            .spanBuilder("span")
            .addReference(ReferenceType.CHILD_OF, childOf)
            .setParent(Context.root().with(explicit))
            .startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(explicit.getSpanContext());
    assertThat(data(span).getLinks()).singleElement().satisfies(link -> {
      assertThat(link.getSpanContext()).isEqualTo(childOf);
      assertThat(link.getAttributes().get(LinkData.REFERENCE_TYPE)).isEqualTo("child_of");
    });
  }

  @Test
  void aChildOfReferenceToTheExplicitParentItselfAddsNoLink() {
    Span explicit = tracer.spanBuilder("explicit").startSpan();
    Span span =
        tracer
            .spanBuilder("span")
            .addReference(ReferenceType.CHILD_OF, explicit.getSpanContext())
            .setParent(Context.root().with(explicit))
            .startSpan();

    assertThat(data(span).getParentSpanContext()).isEqualTo(explicit.getSpanContext());
    assertThat(data(span).getLinks()).isEmpty();
  }

  @Test
  void ignoresInvalidReferencesAndLinks() {
    Span span =
        tracer
            .spanBuilder("span")
            .setNoParent()
            .addReference(ReferenceType.CHILD_OF, SpanContext.invalid())
            .addReference(ReferenceType.FOLLOWS_FROM, null)
            .addReference(null, link(SPAN_ID))
            .addLink(SpanContext.invalid())
            .addLink(null, Attributes.empty())
            .startSpan();

    assertThat(data(span).getParentSpanContext().isValid()).isFalse();
    assertThat(data(span).getLinks()).isEmpty();
    assertThat(data(span).getDroppedLinksCount()).isZero();
  }

  @Test
  void keepsPlainLinksWithTheirAttributes() {
    SpanContext other = TestObjects.otherTrace(OTHER_SPAN_ID);
    Span span =
        tracer
            .spanBuilder("span")
            .addLink(other, Attributes.of(stringKey("why"), "batch"))
            .addLink(link(THIRD_SPAN_ID))
            .startSpan();

    List<LinkData> links = data(span).getLinks();
    assertThat(links)
        .extracting(LinkData::getSpanContext)
        .containsExactly(other, link(THIRD_SPAN_ID));
    assertThat(links.get(0).getAttributes().asMap())
        .containsExactly(entry(stringKey("why"), "batch"));
    assertThat(links.get(1).getAttributes().isEmpty()).isTrue();
    assertThat(links).noneMatch(LinkData::isFollowsFrom);
  }

  @Test
  void aChildInheritsItsParentsTraceIdAndTraceState() {
    SpanContext parent = TestObjects.localParent(true);
    Span child = tracer.spanBuilder("child").setParent(parent).startSpan();

    assertThat(child.getSpanContext().getTraceIdHigh()).isEqualTo(TRACE_ID_HIGH);
    assertThat(child.getSpanContext().getTraceIdLow()).isEqualTo(TRACE_ID_LOW);
    assertThat(child.getSpanContext().getTraceState()).isEqualTo(TRACE_STATE);
    assertThat(child.getSpanContext().getSpanIdAsLong()).isNotEqualTo(SPAN_ID);
  }

  @Test
  void aChildOfARemoteParentContinuesItsTrace() {
    SpanContext remote = TestObjects.remoteParent(true);
    Span child = tracer.spanBuilder("server").setParent(remote).startSpan();

    assertThat(data(child).getParentSpanContext()).isEqualTo(remote);
    assertThat(data(child).getParentSpanContext().isRemote()).isTrue();
    assertThat(child.getSpanContext().isRemote()).isFalse();
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(remote.getTraceId());
    assertThat(child.getSpanContext().getTraceState()).isEqualTo(TRACE_STATE);
  }

  @Test
  void aRootGetsANewTraceIdFromTheIdGenerator() {
    Span root = tracer.spanBuilder("root").startSpan();

    // sequentialIds: trace low 1, then span 2
    assertThat(root.getSpanContext().getTraceId()).isEqualTo("01020304050607080000000000000001");
    assertThat(root.getSpanContext().getSpanId()).isEqualTo("0000000000000002");
    assertThat(root.getSpanContext().getTraceState().isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void aBlankNameBecomesUnnamed(String name) {
    tracer.spanBuilder(name).startSpan().end();
    tracer.spanBuilder(null).startSpan().end();

    assertThat(processor.ended()).extracting(SpanData::getName).containsOnly("<unnamed>");
  }

  @Test
  void keepsKindAndAttributesSetBeforeStart() {
    Span span =
        tracer
            .spanBuilder("span")
            .setSpanKind(SpanKind.CLIENT)
            .setSpanKind(null)
            .setAttribute("peer.service", "db")
            .setAttribute("retries", 2L)
            .setAttribute("ratio", 0.5)
            .setAttribute("cached", false)
            .setAttribute((String) null, "ignored")
            .startSpan();

    assertThat(data(span).getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(data(span).getAttributes().size()).isEqualTo(4);
    assertThat(data(span).getAttributes().get(stringKey("peer.service"))).isEqualTo("db");
  }

  @Test
  void ignoresNonPositiveStartTimestamps() {
    Span span =
        tracer
            .spanBuilder("span")
            .setStartTimestamp(0, TimeUnit.SECONDS)
            .setStartTimestamp(-5, TimeUnit.SECONDS)
            .setStartTimestamp(5, null)
            .setStartTimestamp(null)
            .startSpan();

    assertThat(data(span).getStartEpochNanos()).isEqualTo(TestObjects.EPOCH_NANOS);
  }

  @Test
  void theSamplerSeesWhatTheSpanWillStartWith() {
    List<Object> seen = new ArrayList<>();
    Sampler capturing =
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
            seen.add(Span.fromContext(parentContext).getSpanContext());
            seen.add(traceIdHigh);
            seen.add(traceIdLow);
            seen.add(name);
            seen.add(kind);
            seen.add(attributes.get(stringKey("route")));
            seen.add(links.size());
            return SamplingResult.of(SamplingDecision.RECORD_AND_SAMPLE);
          }

          @Override
          public String getDescription() {
            return "capturing";
          }
        };
    SpanContext parent = TestObjects.remoteParent(true);

    tracer(capturing)
        .spanBuilder("GET")
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("route", "/users")
        .addLink(TestObjects.otherTrace(OTHER_SPAN_ID))
        .startSpan();

    assertThat(seen)
        .containsExactly(parent, TRACE_ID_HIGH, TRACE_ID_LOW, "GET", SpanKind.SERVER, "/users", 1);
  }

  @Test
  void addsTheSamplersAttributesToTheSpan() {
    Span span = tracer(Sampler.rateLimiting(5)).spanBuilder("span").startSpan();

    assertThat(data(span).getAttributes().get(stringKey("sampler.type"))).isEqualTo("ratelimiting");
    assertThat(data(span).getAttributes().get(doubleKey("sampler.param"))).isEqualTo(5.0);
  }

  @Test
  void aDroppedRootIsANonRecordingSpanWithAValidUnsampledContext() {
    Span span = tracer(Sampler.alwaysOff()).spanBuilder("dropped").startSpan();

    assertThat(span).isNotInstanceOf(RecordingSpan.class);
    assertThat(span.isRecording()).isFalse();
    assertThat(span.getSpanContext().isValid()).isTrue();
    assertThat(span.getSpanContext().isSampled()).isFalse();
    span.setAttribute("ignored", true);
    span.end();
    assertThat(processor.started()).isEmpty();
    assertThat(processor.ended()).isEmpty();
  }

  @Test
  void aDroppedChildOfAnUnsampledLocalParentIsTheParentItself() {
    Tracer dropping = tracer(Sampler.alwaysOff());
    Span parent = dropping.spanBuilder("parent").startSpan();
    Span child = dropping.spanBuilder("child").setParent(Context.root().with(parent)).startSpan();

    assertThat(child).isSameAs(parent);
  }

  @Test
  void aDroppedChildOfAnUnsampledRemoteParentGetsItsOwnSpanId() {
    SpanContext remote = TestObjects.remoteParent(false);
    Span child =
        tracer(Sampler.parentBased(Sampler.alwaysOn()))
            .spanBuilder("child")
            .setParent(remote)
            .startSpan();

    assertThat(child.isRecording()).isFalse();
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(remote.getTraceId());
    assertThat(child.getSpanContext().getSpanIdAsLong()).isNotEqualTo(SPAN_ID);
    assertThat(child.getSpanContext().isSampled()).isFalse();
    assertThat(child.getSpanContext().isRemote()).isFalse();
    assertThat(child.getSpanContext().getTraceState()).isEqualTo(TRACE_STATE);
  }

  @Test
  void aDroppedChildOfARecordOnlyParentGetsItsOwnSpan() {
    Tracer recordOnlyRoots =
        tracer(
            TestObjects.sampler(
                SamplingDecision.RECORD_ONLY, "parent"::equals, SamplingDecision.DROP));
    Span parent = recordOnlyRoots.spanBuilder("parent").startSpan();
    Span child =
        recordOnlyRoots.spanBuilder("child").setParent(Context.root().with(parent)).startSpan();

    assertThat(parent.isRecording()).isTrue();
    assertThat(child).isNotSameAs(parent);
    assertThat(child.isRecording()).isFalse();
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
  }

  @Test
  void recordOnlySpansReachProcessorsButAreNotExported() throws Exception {
    CapturingSpanExporter simpleExporter = new CapturingSpanExporter();
    CapturingSpanExporter batchExporter = new CapturingSpanExporter();
    BatchSpanProcessor batch =
        BatchSpanProcessor.builder(batchExporter).setScheduleDelay(Duration.ofMinutes(1)).build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setClock(new TestClock())
            .setSampler(
                TestObjects.sampler(
                    SamplingDecision.RECORD_ONLY,
                    name -> name.startsWith("local"),
                    SamplingDecision.RECORD_AND_SAMPLE))
            .addSpanProcessor(processor)
            .addSpanProcessor(SimpleSpanProcessor.create(simpleExporter))
            .addSpanProcessor(batch)
            .build();
    Tracer tracer = provider.get("record-only");

    Span local = tracer.spanBuilder("local-only").startSpan();
    assertThat(local.isRecording()).isTrue();
    assertThat(local.getSpanContext().isSampled()).isFalse();
    local.end();
    tracer.spanBuilder("exported").startSpan().end();
    provider.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(processor.started()).hasSize(2);
    assertThat(processor.ended())
        .extracting(SpanData::getName)
        .containsExactly("local-only", "exported");
    assertThat(simpleExporter.spans()).extracting(SpanData::getName).containsExactly("exported");
    assertThat(batchExporter.spans()).extracting(SpanData::getName).containsExactly("exported");
    provider.shutdown().get(10, TimeUnit.SECONDS);
  }

  @Test
  void processorsSeeTheParentContextAtStart() {
    SpanContext remote = TestObjects.remoteParent(true);
    Context parentContext = Context.root().with(Span.wrap(remote));
    tracer.spanBuilder("child").setParent(parentContext).startSpan();

    assertThat(processor.parentContexts()).containsExactly(parentContext);
  }
}
