package dev.ariadne.sdk;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A span that records. While open it is guarded by its own monitor; once ended it never changes
 * again, and the same object is handed to span processors and exporters as its {@link SpanData}.
 */
final class RecordingSpan implements Span, SpanData {
  private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> EXCEPTION_MESSAGE =
      AttributeKey.stringKey("exception.message");
  private static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");

  private final SdkTracerProvider provider;
  private final InstrumentationScope scope;
  private final SpanKind kind;
  private final SpanContext context;
  private final SpanContext parentContext;
  private final List<LinkData> links;
  private final int droppedLinks;
  /** Wall-clock time at {@link #anchorNanoTime}, shared with local children for consistent times. */
  private final long anchorEpochNanos;
  private final long anchorNanoTime;
  private final long startEpochNanos;

  private String name;
  private SpanAttributes attributes;
  private List<EventData> events;
  private int totalEvents;
  private StatusCode statusCode = StatusCode.UNSET;
  private String statusDescription = "";
  private long endEpochNanos;
  private boolean ended;

  private RecordingSpan(
      SdkTracerProvider provider,
      InstrumentationScope scope,
      String name,
      SpanKind kind,
      SpanContext context,
      SpanContext parentContext,
      SpanAttributes attributes,
      List<LinkData> links,
      int droppedLinks,
      long anchorEpochNanos,
      long anchorNanoTime,
      long startEpochNanos) {
    this.provider = provider;
    this.scope = scope;
    this.name = name;
    this.kind = kind;
    this.context = context;
    this.parentContext = parentContext;
    this.attributes = attributes;
    this.links = links;
    this.droppedLinks = droppedLinks;
    this.anchorEpochNanos = anchorEpochNanos;
    this.anchorNanoTime = anchorNanoTime;
    this.startEpochNanos = startEpochNanos;
  }

  /**
   * Starts a span. A child of a local recording span shares its parent's clock anchor, so it can
   * never appear to start before its parent because the wall clock stepped.
   */
  static RecordingSpan start(
      SdkTracerProvider provider,
      InstrumentationScope scope,
      String name,
      SpanKind kind,
      SpanContext context,
      Span parent,
      SpanAttributes attributes,
      List<LinkData> links,
      int droppedLinks,
      long userStartEpochNanos) {
    Clock clock = provider.clock();
    long anchorEpoch;
    long anchorNano;
    long start;
    if (parent instanceof RecordingSpan) {
      RecordingSpan p = (RecordingSpan) parent;
      anchorEpoch = p.anchorEpochNanos;
      anchorNano = p.anchorNanoTime;
      start = anchorEpoch + (clock.nanoTime() - anchorNano);
    } else {
      anchorNano = clock.nanoTime();
      anchorEpoch = clock.epochNanosAt(anchorNano);
      start = anchorEpoch;
    }
    return new RecordingSpan(
        provider,
        scope,
        name,
        kind,
        context,
        parent.getSpanContext(),
        attributes,
        links,
        droppedLinks,
        anchorEpoch,
        anchorNano,
        userStartEpochNanos != 0 ? userStartEpochNanos : start);
  }

  private long now() {
    return anchorEpochNanos + (provider.clock().nanoTime() - anchorNanoTime);
  }

  @Override
  public <T> Span setAttribute(AttributeKey<T> key, T value) {
    if (key == null || value == null) return this;
    synchronized (this) {
      if (ended) return this;
      if (attributes == null) {
        SpanLimits limits = provider.getSpanLimits();
        attributes = new SpanAttributes(limits.getMaxAttributes(), limits.getMaxAttributeValueLength());
      }
      attributes.put(key, value);
    }
    return this;
  }

  @Override
  public Span addEvent(String name, Attributes attributes) {
    return addEvent(name, attributes, now());
  }

  @Override
  public Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
    return addEvent(name, attributes, unit == null ? now() : unit.toNanos(timestamp));
  }

  private Span addEvent(String name, Attributes given, long epochNanos) {
    if (name == null) return this;
    SpanLimits limits = provider.getSpanLimits();
    Attributes eventAttributes =
        SpanAttributes.limit(
            given, limits.getMaxAttributesPerEvent(), limits.getMaxAttributeValueLength());
    int dropped = given == null ? 0 : given.size() - eventAttributes.size();
    EventData event = EventData.create(name, epochNanos, eventAttributes, dropped);
    synchronized (this) {
      if (ended) return this;
      totalEvents++;
      if (events == null) events = new ArrayList<>(4);
      if (events.size() < limits.getMaxEvents()) events.add(event);
    }
    return this;
  }

  @Override
  public Span recordException(Throwable exception, Attributes additional) {
    if (exception == null) return this;
    StringWriter stack = new StringWriter();
    exception.printStackTrace(new PrintWriter(stack));
    var builder =
        Attributes.builder()
            .put(EXCEPTION_TYPE, exception.getClass().getName())
            .put(EXCEPTION_MESSAGE, exception.getMessage())
            .put(EXCEPTION_STACKTRACE, stack.toString());
    if (additional != null) builder.putAll(additional);
    return addEvent("exception", builder.build());
  }

  @Override
  public Span setStatus(StatusCode code, String description) {
    if (code == null || code == StatusCode.UNSET) return this;
    synchronized (this) {
      if (ended || statusCode == StatusCode.OK) return this;
      statusCode = code;
      statusDescription = code == StatusCode.ERROR && description != null ? description : "";
    }
    return this;
  }

  @Override
  public Span updateName(String name) {
    if (name == null) return this;
    synchronized (this) {
      if (!ended) this.name = name;
    }
    return this;
  }

  @Override
  public void end() {
    endAt(now());
  }

  @Override
  public void end(long timestamp, TimeUnit unit) {
    endAt(unit == null ? now() : unit.toNanos(timestamp));
  }

  private void endAt(long epochNanos) {
    synchronized (this) {
      if (ended) return;
      ended = true;
      endEpochNanos = Math.max(epochNanos, startEpochNanos);
    }
    provider.processor().onEnd(this);
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public synchronized boolean isRecording() {
    return !ended;
  }

  @Override
  public synchronized String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parentContext;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public synchronized long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public synchronized Attributes getAttributes() {
    if (attributes == null) return Attributes.empty();
    return ended ? attributes : attributes.snapshot();
  }

  @Override
  public synchronized int getDroppedAttributesCount() {
    return attributes == null ? 0 : attributes.getDroppedCount();
  }

  @Override
  public synchronized List<EventData> getEvents() {
    if (events == null) return Collections.emptyList();
    return ended ? Collections.unmodifiableList(events) : List.copyOf(events);
  }

  @Override
  public synchronized int getDroppedEventsCount() {
    return totalEvents - (events == null ? 0 : events.size());
  }

  @Override
  public List<LinkData> getLinks() {
    return Collections.unmodifiableList(links);
  }

  @Override
  public int getDroppedLinksCount() {
    return droppedLinks;
  }

  @Override
  public synchronized StatusCode getStatusCode() {
    return statusCode;
  }

  @Override
  public synchronized String getStatusDescription() {
    return statusDescription;
  }

  @Override
  public Resource getResource() {
    return provider.getResource();
  }

  @Override
  public InstrumentationScope getInstrumentationScope() {
    return scope;
  }

  @Override
  public synchronized String toString() {
    return "RecordingSpan{name=" + name + ", context=" + context + ", parent=" + parentContext.getSpanId()
        + ", kind=" + kind + ", ended=" + ended + '}';
  }
}
