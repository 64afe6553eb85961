package dev.ariadne.sdk;

import static dev.ariadne.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.CapturingSpanExporter.Behavior;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import dev.ariadne.sdk.export.SpanProcessor;
import dev.ariadne.sdk.sampling.Sampler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class SdkTracerProviderTest {
  private final CapturingSpanProcessor processor = new CapturingSpanProcessor();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder()
          .setClock(new TestClock())
          .setIdGenerator(TestObjects.sequentialIds())
          .addSpanProcessor(processor)
          .build();

  @Test
  void cachesOneTracerPerInstrumentationScope() {
    Tracer tracer = provider.get("http");

    assertThat(provider.get("http")).isSameAs(tracer);
    assertThat(provider.get("http", null)).isSameAs(tracer);
    assertThat(provider.get("http", "2.0"))
        .isNotSameAs(tracer)
        .isSameAs(provider.get("http", "2.0"));
    assertThat(provider.get("grpc")).isNotSameAs(tracer);
  }

  @Test
  void stampsSpansWithTheirTracersScope() {
    provider.get("http", "2.0").spanBuilder("a").startSpan().end();
    provider.get("grpc").spanBuilder("b").startSpan().end();

    assertThat(processor.ended())
        .extracting(SpanData::getInstrumentationScope)
        .containsExactly(
            InstrumentationScope.create("http", "2.0"), InstrumentationScope.create("grpc", null));
  }

  @Test
  void namesAScopeWithoutNameUnknown() {
    provider.get(null).spanBuilder("a").startSpan().end();
    provider.get("").spanBuilder("b").startSpan().end();

    assertThat(provider.get(null)).isSameAs(provider.get(""));
    assertThat(processor.ended())
        .extracting(s -> s.getInstrumentationScope().getName())
        .containsExactly("unknown", "unknown");
  }

  @Test
  void usesTheDefaultResourceUnlessOneIsSet() {
    assertThat(provider.getResource()).isEqualTo(Resource.getDefault());
    assertThat(provider.getResource().getServiceName()).isEqualTo("unknown_service:java");
  }

  @Test
  void mergesAGivenResourceOverTheDefault() {
    SdkTracerProvider withResource =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", "checkout")
                        .put("host.name", "web-1")
                        .build()))
            .addSpanProcessor(processor)
            .build();
    withResource.get("test").spanBuilder("span").startSpan().end();

    Resource resource = processor.onlyEnded().getResource();
    assertThat(resource).isSameAs(withResource.getResource());
    assertThat(resource.getServiceName()).isEqualTo("checkout");
    assertThat(resource.getAttribute(stringKey("host.name"))).isEqualTo("web-1");
    assertThat(resource.getAttribute(stringKey("telemetry.sdk.name"))).isEqualTo("ariadne");
    assertThat(resource.getAttribute(stringKey("telemetry.sdk.language"))).isEqualTo("java");
    assertThat(resource.getAttribute(stringKey("telemetry.sdk.version"))).isNotEmpty();
  }

  @Test
  void samplesParentBasedAlwaysOnByDefault() {
    assertThat(provider.getSampler().getDescription())
        .isEqualTo(Sampler.parentBased(Sampler.alwaysOn()).getDescription());
    assertThat(provider.getSpanLimits()).isSameAs(SpanLimits.getDefault());
  }

  @Test
  void shutdownStopsRecordingAndIsIdempotent() {
    CompletableFuture<Void> first = provider.shutdown();
    CompletableFuture<Void> second = provider.shutdown();

    assertThat(first).isDone();
    assertThat(second).isSameAs(first);
    assertThat(processor.shutdownCount()).isEqualTo(1);
    Span span = provider.get("test").spanBuilder("after-shutdown").startSpan();
    assertThat(span.isRecording()).isFalse();
    span.end();
    assertThat(processor.started()).isEmpty();
    assertThat(processor.ended()).isEmpty();
  }

  @Test
  void aSpanAfterShutdownCarriesItsParentsContextSoDownstreamKeepsTheDecision() {
    SpanContext parent = SpanContext.createFromRemoteParent(
        0x0af7651916cd43ddL, 0x8448eb211c80319cL, 0xb7ad6b7169203331L, SpanContext.FLAG_SAMPLED,
        TraceState.empty());
    provider.shutdown();

    Span child = provider.get("test").spanBuilder("after-shutdown").setParent(parent).startSpan();

    assertThat(child.isRecording()).isFalse();
    assertThat(child.getSpanContext()).isEqualTo(parent);
    assertThat(child.getSpanContext().isSampled()).isTrue();
  }

  @Test
  void aRootAfterShutdownHasNoContextSoDownstreamDecidesForItself() {
    provider.shutdown();

    Span root = provider.get("test").spanBuilder("after-shutdown").startSpan();

    assertThat(root.isRecording()).isFalse();
    assertThat(root.getSpanContext().isValid()).isFalse();
  }

  @Test
  void aSecondShutdownCompletesOnlyWithTheFirst() throws Exception {
    CapturingSpanExporter exporter = new CapturingSpanExporter().behave(Behavior.HOLD);
    SdkTracerProvider batched =
        SdkTracerProvider.builder()
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    batched.get("test").spanBuilder("queued").startSpan().end();

    CompletableFuture<Void> first = batched.shutdown();
    assertThat(exporter.awaitExportCalls(1)).as("the queued span handed to the exporter").isTrue();
    CompletableFuture<Void> second = batched.shutdown();

    assertThat(second).as("while the first shutdown still exports").isNotDone();
    exporter.release();
    first.get(10, TimeUnit.SECONDS);
    assertThat(second).isSameAs(first).isCompleted();
    assertThat(exporter.spans()).extracting(SpanData::getName).containsExactly("queued");
  }

  @Test
  void aProcessorThatThrowsNeverReachesTheApplication() {
    SdkTracerProvider broken =
        SdkTracerProvider.builder()
            .addSpanProcessor(new ThrowingProcessor(() -> new IllegalStateException("on purpose")))
            .build();

    Span span = broken.get("test").spanBuilder("span").startSpan();
    assertThat(span.isRecording()).isTrue();
    span.end();
    assertThat(span.isRecording()).isFalse();
    assertThat(broken.forceFlush()).isCompletedExceptionally();
    assertThat(broken.shutdown()).isCompletedExceptionally();
  }

  @Test
  void aProcessorsLinkageErrorIsCaughtToo() {
    SdkTracerProvider broken =
        SdkTracerProvider.builder()
            .addSpanProcessor(new ThrowingProcessor(() -> new NoClassDefFoundError("on/Purpose")))
            .build();

    broken.get("test").spanBuilder("span").startSpan().end();
    assertThat(broken.shutdown()).isCompletedExceptionally();
  }

  @Test
  void errorsThatLeaveTheJvmUnsoundStillReachTheCaller() {
    SdkTracerProvider broken =
        SdkTracerProvider.builder()
            .addSpanProcessor(new ThrowingProcessor(() -> new OutOfMemoryError("on purpose")))
            .build();

    assertThatThrownBy(() -> broken.get("test").spanBuilder("span").startSpan())
        .isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void aProcessorThatThrowsKeepsNothingFromTheOthers() {
    CapturingSpanProcessor after = new CapturingSpanProcessor();
    SdkTracerProvider broken =
        SdkTracerProvider.builder()
            .addSpanProcessor(new ThrowingProcessor(() -> new IllegalStateException("on purpose")))
            .addSpanProcessor(after)
            .build();

    broken.get("test").spanBuilder("span").startSpan().end();
    CompletableFuture<Void> flushed = broken.forceFlush();
    CompletableFuture<Void> shutDown = broken.shutdown();

    assertThat(after.started()).hasSize(1);
    assertThat(after.onlyEnded().getName()).isEqualTo("span");
    assertThat(List.of(after.flushCount(), after.shutdownCount())).containsOnly(1);
    assertThat(flushed).isCompletedExceptionally();
    assertThat(shutDown).isCompletedExceptionally();
  }

  @Test
  void aProcessorThatReturnsNoFutureFailsShutdown() {
    SdkTracerProvider broken =
        SdkTracerProvider.builder().addSpanProcessor(new ThrowingProcessor(() -> null)).build();

    assertThat(broken.forceFlush()).isCompletedExceptionally();
    assertThat(broken.shutdown()).isCompletedExceptionally();
  }

  @Test
  void warnsOfAThrowingProcessorAtMostOnceAMinuteWithTheException() {
    try (CapturedWarnings captured = CapturedWarnings.of(SdkTracerProvider.class)) {
      List<LogRecord> warnings = captured.records();
      IllegalStateException thrown = new IllegalStateException("on purpose");
      SdkTracerProvider broken =
          SdkTracerProvider.builder()
              .addSpanProcessor(new ThrowingProcessor(() -> thrown))
              .addSpanProcessor(new ThrowingProcessor(() -> new IllegalArgumentException("other")))
              .build();
      for (int i = 0; i < 10; i++) broken.get("test").spanBuilder("span").startSpan().end();
      broken.shutdown();

      assertThat(warnings).as("one for each processor within the minute").hasSize(2);
      assertThat(warnings.get(0).getMessage())
          .startsWith("span processor ThrowingProcessor failed 1 time since the last such line,"
              + " this time in onStart;");
      assertThat(warnings.get(0).getThrown()).isSameAs(thrown);
      assertThat(warnings.get(1).getThrown()).hasMessage("other");
    }
  }

  @Test
  void aSpanStartedBeforeShutdownStillEnds() {
    Span span = provider.get("test").spanBuilder("before-shutdown").startSpan();
    provider.shutdown();
    span.end();

    assertThat(processor.ended()).extracting(SpanData::getName).containsExactly("before-shutdown");
  }

  @Test
  void forceFlushReachesTheProcessors() {
    assertThat(provider.forceFlush()).isDone();
    assertThat(processor.flushCount()).isEqualTo(1);
  }

  @Test
  void callsProcessorsInTheOrderAdded() {
    List<String> log = new CopyOnWriteArrayList<>();
    SdkTracerProvider twoProcessors =
        SdkTracerProvider.builder()
            .addSpanProcessor(new CapturingSpanProcessor("first", log))
            .addSpanProcessor(new CapturingSpanProcessor("second", log))
            .build();
    twoProcessors.get("test").spanBuilder("span").startSpan().end();

    assertThat(log)
        .containsExactly("first:onStart", "second:onStart", "first:onEnd", "second:onEnd");
  }

  @Test
  void recordsWithoutAnyProcessor() {
    Span span = SdkTracerProvider.builder().build().get("test").spanBuilder("span").startSpan();

    assertThat(span.isRecording()).isTrue();
    span.end();
    assertThat(span.isRecording()).isFalse();
  }

  @Test
  void rejectsNullsNamingTheParameter() {
    SdkTracerProvider.Builder builder = SdkTracerProvider.builder();

    assertThatThrownBy(() -> builder.setResource(null)).hasMessage("resource");
    assertThatThrownBy(() -> builder.setSampler(null)).hasMessage("sampler");
    assertThatThrownBy(() -> builder.setSpanLimits(null)).hasMessage("spanLimits");
    assertThatThrownBy(() -> builder.setIdGenerator(null)).hasMessage("idGenerator");
    assertThatThrownBy(() -> builder.setClock(null)).hasMessage("clock");
    assertThatThrownBy(() -> builder.addSpanProcessor(null)).hasMessage("processor");
  }

  @Test
  void theRandomIdGeneratorNeverReturnsZero() {
    IdGenerator ids = IdGenerator.random();
    for (int i = 0; i < 10_000; i++) {
      assertThat(ids.generateSpanId()).isNotZero();
      assertThat(ids.generateTraceIdLow()).isNotZero();
    }
  }

  @Test
  void theSystemClockMapsAMonotonicReadingToTheWallClock() {
    long nanoTime = Clock.system().nanoTime();
    long epochNanos = Clock.system().epochNanosAt(nanoTime);
    long wallClock = Clock.system().now();

    assertThat(Math.abs(wallClock - epochNanos)).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
    // Equal unless the shared anchor is renewed in between, which may move it by the clocks' drift.
    assertThat(Clock.system().epochNanosAt(nanoTime + 5_000))
        .isCloseTo(epochNanos + 5_000, org.assertj.core.data.Offset.offset(1_000_000L));
  }

  @Test
  void theSystemClockReadsTheWallClockInNanoseconds() {
    long before = System.currentTimeMillis();
    long now = Clock.system().now();

    assertThat(now / 1_000_000).isBetween(before - 1_000, before + 60_000);
    assertThat(Clock.system().nanoTime()).isLessThanOrEqualTo(System.nanoTime());
  }

  /** Throws what it is given from every method, as a broken processor might. */
  private static final class ThrowingProcessor implements SpanProcessor {
    private final Supplier<Throwable> failure;

    ThrowingProcessor(Supplier<Throwable> failure) {
      this.failure = failure;
    }

    @Override
    public void onStart(Context parentContext, Span span) {
      fail();
    }

    @Override
    public void onEnd(SpanData span) {
      fail();
    }

    @Override
    public CompletableFuture<Void> forceFlush() {
      fail();
      return null;
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      fail();
      return null;
    }

    /** Throws the failure; returns when there is none, so that the caller returns null. */
    private void fail() {
      Throwable e = failure.get();
      if (e instanceof Error) throw (Error) e;
      if (e != null) throw (RuntimeException) e;
    }

    @Override
    public String toString() {
      return "ThrowingProcessor";
    }
  }
}
