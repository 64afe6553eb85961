package dev.ariadne.sdk;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.sampling.Sampler;
import dev.ariadne.sdk.sampling.SamplingDecision;
import dev.ariadne.sdk.sampling.SamplingResult;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Deterministic objects for the SDK's unit tests, kept in one place: fixed times and IDs, parent
 * contexts for each parent case, stub spans for processors and queues, and samplers with a fixed
 * answer. Random IDs appear only where a test sweeps many of them from a seeded source.
 */
public final class TestObjects {
  /** 2024-01-02T03:04:05Z in nanoseconds since the epoch: where every {@link TestClock} starts. */
  public static final long EPOCH_NANOS = toEpochNanos(Instant.parse("2024-01-02T03:04:05Z"));

  /** The W3C trace context specification's example trace ID. */
  public static final long TRACE_ID_HIGH = 0x4bf92f3577b34da6L;

  public static final long TRACE_ID_LOW = 0xa3ce929d0e0e4736L;
  public static final long SPAN_ID = 0x00f067aa0ba902b7L;
  public static final long OTHER_SPAN_ID = 0x53995c3f42cd8ad8L;
  public static final long THIRD_SPAN_ID = 0x1122334455667788L;
  public static final TraceState TRACE_STATE = TraceState.builder().put("vendor", "value").build();

  private TestObjects() {}

  public static long toEpochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** A parent context extracted from another process. */
  public static SpanContext remoteParent(boolean sampled) {
    return SpanContext.createFromRemoteParent(
        TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID, flags(sampled), TRACE_STATE);
  }

  /** A parent context created in this process. */
  public static SpanContext localParent(boolean sampled) {
    return SpanContext.create(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID, flags(sampled), TRACE_STATE);
  }

  /** A sampled local context in the same trace as the parents, with its own span ID. */
  public static SpanContext contextWithSpanId(long spanId) {
    return SpanContext.create(
        TRACE_ID_HIGH, TRACE_ID_LOW, spanId, SpanContext.FLAG_SAMPLED, TraceState.empty());
  }

  /** A sampled context in another trace, for links. */
  public static SpanContext otherTrace(long spanId) {
    return SpanContext.create(1, 2, spanId, SpanContext.FLAG_SAMPLED, TraceState.empty());
  }

  private static byte flags(boolean sampled) {
    return sampled ? SpanContext.FLAG_SAMPLED : 0;
  }

  /** Trace and span IDs that count up from 1, so each span of a test has a known ID. */
  public static IdGenerator sequentialIds() {
    AtomicLong next = new AtomicLong();
    return new IdGenerator() {
      @Override
      public long generateSpanId() {
        return next.incrementAndGet();
      }

      @Override
      public long generateTraceIdHigh() {
        return 0x0102030405060708L;
      }

      @Override
      public long generateTraceIdLow() {
        return next.incrementAndGet();
      }
    };
  }

  /** A sampler that always answers {@code decision}. */
  public static Sampler sampler(SamplingDecision decision) {
    return sampler(decision, ignored -> true, SamplingDecision.DROP);
  }

  /**
   * A sampler that answers {@code match} for span names passing {@code test}, else {@code other}.
   */
  public static Sampler sampler(
      SamplingDecision match, Predicate<String> test, SamplingDecision other) {
    return new Sampler() {
      @Override
      public SamplingResult shouldSample(
          Context parentContext,
          long traceIdHigh,
          long traceIdLow,
          String name,
          SpanKind kind,
          Attributes attributes,
          List<LinkData> links) {
        return SamplingResult.of(test.test(name) ? match : other);
      }

      @Override
      public String getDescription() {
        return "Fixed{" + match + '}';
      }
    };
  }

  /**
   * A finished span, for processors and queues, whose span ID is {@code index} (plus one, as zero
   * is invalid) in the fixed trace.
   */
  public static SpanData span(long index, boolean sampled) {
    SpanContext context =
        SpanContext.create(
            TRACE_ID_HIGH, TRACE_ID_LOW, index + 1, flags(sampled), TraceState.empty());
    return new StubSpan("span-" + index, context);
  }

  /** The index that {@link #span(long, boolean)} was given. */
  public static long indexOf(SpanData span) {
    return span.getSpanContext().getSpanIdAsLong() - 1;
  }

  private static final class StubSpan implements SpanData {
    private final String name;
    private final SpanContext context;

    StubSpan(String name, SpanContext context) {
      this.name = name;
      this.context = context;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public SpanKind getKind() {
      return SpanKind.INTERNAL;
    }

    @Override
    public SpanContext getSpanContext() {
      return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
      return SpanContext.invalid();
    }

    @Override
    public long getStartEpochNanos() {
      return EPOCH_NANOS;
    }

    @Override
    public long getEndEpochNanos() {
      return EPOCH_NANOS + 1_000_000;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.empty();
    }

    @Override
    public int getDroppedAttributesCount() {
      return 0;
    }

    @Override
    public List<EventData> getEvents() {
      return List.of();
    }

    @Override
    public int getDroppedEventsCount() {
      return 0;
    }

    @Override
    public List<LinkData> getLinks() {
      return List.of();
    }

    @Override
    public int getDroppedLinksCount() {
      return 0;
    }

    @Override
    public StatusCode getStatusCode() {
      return StatusCode.UNSET;
    }

    @Override
    public String getStatusDescription() {
      return "";
    }

    @Override
    public Resource getResource() {
      return Resource.getDefault();
    }

    @Override
    public InstrumentationScope getInstrumentationScope() {
      return InstrumentationScope.create("test", null);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
