package dev.ariadne.sdk;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.ReferenceType;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanBuilder;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.sampling.SamplingDecision;
import dev.ariadne.sdk.sampling.SamplingResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Gathers a span's start options, asks the sampler, and starts a recording or a propagating span. */
final class SdkSpanBuilder implements SpanBuilder {
  private static final Attributes CHILD_OF =
      Attributes.of(LinkData.REFERENCE_TYPE, "child_of");
  private static final Attributes FOLLOWS_FROM =
      Attributes.of(LinkData.REFERENCE_TYPE, "follows_from");

  private final SdkTracerProvider provider;
  private final InstrumentationScope scope;
  private final String name;
  private Context parent;
  private boolean noParent;
  private SpanContext childOf;
  private SpanContext followsFrom;
  private SpanKind kind = SpanKind.INTERNAL;
  private SpanAttributes attributes;
  private List<LinkData> links;
  /** The links kept that count against the link limit: all but the first FOLLOWS_FROM's. */
  private int limitedLinks;
  private int droppedLinks;
  private long startEpochNanos;

  SdkSpanBuilder(SdkTracerProvider provider, InstrumentationScope scope, String name) {
    this.provider = provider;
    this.scope = scope;
    this.name = name;
  }

  @Override
  public SpanBuilder setParent(Context context) {
    if (context != null) {
      parent = context;
      noParent = false;
    }
    return this;
  }

  @Override
  public SpanBuilder setNoParent() {
    noParent = true;
    parent = null;
    return this;
  }

  @Override
  public SpanBuilder addReference(ReferenceType type, SpanContext context) {
    if (type == null || context == null || !context.isValid()) return this;
    if (type == ReferenceType.CHILD_OF) {
      if (childOf == null) {
        childOf = context;
      } else {
        addChildOfLink(context);
      }
    } else if (followsFrom == null) {
      followsFrom = context;
      // Exempt from the link limit: without its link the span would read as a child of the
      // reference it is parented to, or lose the reference altogether.
      links().add(LinkData.create(context, FOLLOWS_FROM, 0));
    } else if (roomForLink()) {
      links().add(LinkData.create(context, FOLLOWS_FROM, 0));
    }
    return this;
  }

  @Override
  public SpanBuilder addLink(SpanContext context, Attributes linkAttributes) {
    if (context == null || !context.isValid() || !roomForLink()) return this;
    SpanLimits limits = provider.getSpanLimits();
    Attributes limited =
        SpanAttributes.limit(
            linkAttributes, limits.getMaxAttributesPerLink(), limits.getMaxAttributeValueLength());
    int given = linkAttributes == null ? 0 : linkAttributes.size();
    links().add(LinkData.create(context, limited, given - limited.size()));
    return this;
  }

  /**
   * A CHILD_OF reference that is not the parent: a link like any other for the link limit, but its
   * mark is the reference's type, not an attribute, and is never cut.
   */
  private void addChildOfLink(SpanContext context) {
    if (roomForLink()) links().add(LinkData.create(context, CHILD_OF, 0));
  }

  /** Counts a link against the link limit: true if it is kept, false if it is dropped. */
  private boolean roomForLink() {
    if (limitedLinks >= provider.getSpanLimits().getMaxLinks()) {
      droppedLinks++;
      return false;
    }
    limitedLinks++;
    return true;
  }

  private List<LinkData> links() {
    if (links == null) links = new ArrayList<>();
    return links;
  }

  @Override
  public SpanBuilder setSpanKind(SpanKind kind) {
    if (kind != null) this.kind = kind;
    return this;
  }

  @Override
  public SpanBuilder setStartTimestamp(long timestamp, TimeUnit unit) {
    if (timestamp > 0 && unit != null) startEpochNanos = unit.toNanos(timestamp);
    return this;
  }

  @Override
  public <T> SpanBuilder setAttribute(AttributeKey<T> key, T value) {
    attributes().put(key, value);
    return this;
  }

  private SpanAttributes attributes() {
    if (attributes == null) {
      SpanLimits limits = provider.getSpanLimits();
      attributes = new SpanAttributes(limits.getMaxAttributes(), limits.getMaxAttributeValueLength());
    }
    return attributes;
  }

  /**
   * Kept short, with the recording path in its own method, so that the JIT can inline it into the
   * caller and drop the builder entirely on the dropped-span path.
   */
  @Override
  public Span startSpan() {
    Context parentContext = parentContext();
    Span parentSpan = Span.fromContext(parentContext);
    SpanContext parentSpanContext = parentSpan.getSpanContext();
    if (provider.isShutdown()) {
      // Stopping: record nothing, and decide nothing either. The parent's context (or, for a
      // root, none) goes on as it came, so the services this one calls keep the trace's decision,
      // or make their own, instead of being told "not sampled".
      return Span.wrap(parentSpanContext);
    }
    IdGenerator ids = provider.idGenerator();
    boolean hasParent = parentSpanContext.isValid();
    long traceIdHigh = hasParent ? parentSpanContext.getTraceIdHigh() : ids.generateTraceIdHigh();
    long traceIdLow = hasParent ? parentSpanContext.getTraceIdLow() : ids.generateTraceIdLow();
    SamplingResult result =
        provider
            .getSampler()
            .shouldSample(
                parentContext,
                traceIdHigh,
                traceIdLow,
                name,
                kind,
                attributes == null ? Attributes.empty() : attributes,
                links == null ? Collections.emptyList() : links);
    if (result.getDecision() != SamplingDecision.DROP) {
      return startRecording(parentContext, parentSpan, traceIdHigh, traceIdLow, result);
    }
    if (hasParent && !parentSpanContext.isSampled() && !parentSpanContext.isRemote()
        && !parentSpan.isRecording()) {
      // Under an unsampled local parent a new span would change nothing that a downstream
      // service sees: hand back the parent itself instead of allocating.
      return parentSpan;
    }
    // Dropped spans still carry a valid, unsampled context so downstream services keep the
    // decision instead of sampling a fragment of the trace.
    TraceState traceState = hasParent ? parentSpanContext.getTraceState() : TraceState.empty();
    return Span.wrap(
        SpanContext.create(traceIdHigh, traceIdLow, ids.generateSpanId(), (byte) 0, traceState));
  }

  private Span startRecording(
      Context parentContext, Span parentSpan, long traceIdHigh, long traceIdLow, SamplingResult result) {
    SpanContext parentSpanContext = parentSpan.getSpanContext();
    TraceState traceState =
        parentSpanContext.isValid() ? parentSpanContext.getTraceState() : TraceState.empty();
    byte flags =
        result.getDecision() == SamplingDecision.RECORD_AND_SAMPLE ? SpanContext.FLAG_SAMPLED : 0;
    SpanContext context =
        SpanContext.create(
            traceIdHigh, traceIdLow, provider.idGenerator().generateSpanId(), flags, traceState);
    if (!result.getAttributes().isEmpty()) attributes().putAll(result.getAttributes());
    List<LinkData> startLinks = links == null ? Collections.<LinkData>emptyList() : links;
    RecordingSpan span =
        RecordingSpan.start(
            provider,
            scope,
            name,
            kind,
            context,
            parentSpan,
            attributes,
            startLinks,
            droppedLinks,
            startEpochNanos);
    provider.processor().onStart(parentContext, span);
    return span;
  }

  private static boolean sameSpan(SpanContext a, SpanContext b) {
    return a.getSpanIdAsLong() == b.getSpanIdAsLong()
        && a.getTraceIdLow() == b.getTraceIdLow()
        && a.getTraceIdHigh() == b.getTraceIdHigh();
  }

  /** The parent in the order the API promises: explicit, CHILD_OF, FOLLOWS_FROM, current. */
  private Context parentContext() {
    if (parent != null) {
      if (childOf != null && !sameSpan(childOf, Span.fromContext(parent).getSpanContext())) {
        // An explicit parent outranks the reference, which is kept as a link so it is not lost.
        addChildOfLink(childOf);
      }
      childOf = null;
      return parent;
    }
    SpanContext reference = childOf != null ? childOf : followsFrom;
    if (reference != null) return Context.current().with(Span.wrap(reference));
    return noParent ? Context.root() : Context.current();
  }
}
