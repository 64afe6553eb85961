package dev.ariadne.exporter.otlp;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import java.util.List;

/** An immutable {@link SpanData} for tests, independent of the SDK's own span class. */
final class TestSpan implements SpanData {
  final String name;
  final SpanKind kind;
  final SpanContext spanContext;
  final SpanContext parentSpanContext;
  final long startEpochNanos;
  final long endEpochNanos;
  final Attributes attributes;
  final int droppedAttributesCount;
  final List<EventData> events;
  final int droppedEventsCount;
  final List<LinkData> links;
  final int droppedLinksCount;
  final StatusCode statusCode;
  final String statusDescription;
  final Resource resource;
  final InstrumentationScope instrumentationScope;

  private TestSpan(Builder b) {
    name = b.name;
    kind = b.kind;
    spanContext = b.spanContext;
    parentSpanContext = b.parentSpanContext;
    startEpochNanos = b.startEpochNanos;
    endEpochNanos = b.endEpochNanos;
    attributes = b.attributes;
    droppedAttributesCount = b.droppedAttributesCount;
    events = List.copyOf(b.events);
    droppedEventsCount = b.droppedEventsCount;
    links = List.copyOf(b.links);
    droppedLinksCount = b.droppedLinksCount;
    statusCode = b.statusCode;
    statusDescription = b.statusDescription;
    resource = b.resource;
    instrumentationScope = b.instrumentationScope;
  }

  static Builder builder() {
    return new Builder();
  }

  Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.kind = kind;
    b.spanContext = spanContext;
    b.parentSpanContext = parentSpanContext;
    b.startEpochNanos = startEpochNanos;
    b.endEpochNanos = endEpochNanos;
    b.attributes = attributes;
    b.droppedAttributesCount = droppedAttributesCount;
    b.events = events;
    b.droppedEventsCount = droppedEventsCount;
    b.links = links;
    b.droppedLinksCount = droppedLinksCount;
    b.statusCode = statusCode;
    b.statusDescription = statusDescription;
    b.resource = resource;
    b.instrumentationScope = instrumentationScope;
    return b;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parentSpanContext;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getDroppedAttributesCount() {
    return droppedAttributesCount;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public int getDroppedEventsCount() {
    return droppedEventsCount;
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public int getDroppedLinksCount() {
    return droppedLinksCount;
  }

  @Override
  public StatusCode getStatusCode() {
    return statusCode;
  }

  @Override
  public String getStatusDescription() {
    return statusDescription;
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScope getInstrumentationScope() {
    return instrumentationScope;
  }

  @Override
  public String toString() {
    return "TestSpan{" + name + ' ' + spanContext + '}';
  }

  static final class Builder {
    private String name = "span";
    private SpanKind kind = SpanKind.INTERNAL;
    private SpanContext spanContext = SpanContext.invalid();
    private SpanContext parentSpanContext = SpanContext.invalid();
    private long startEpochNanos;
    private long endEpochNanos;
    private Attributes attributes = Attributes.empty();
    private int droppedAttributesCount;
    private List<EventData> events = List.of();
    private int droppedEventsCount;
    private List<LinkData> links = List.of();
    private int droppedLinksCount;
    private StatusCode statusCode = StatusCode.UNSET;
    private String statusDescription = "";
    private Resource resource = Resource.empty();
    private InstrumentationScope instrumentationScope = InstrumentationScope.create("test", null);

    Builder name(String value) {
      name = value;
      return this;
    }

    Builder kind(SpanKind value) {
      kind = value;
      return this;
    }

    Builder spanContext(SpanContext value) {
      spanContext = value;
      return this;
    }

    Builder parentSpanContext(SpanContext value) {
      parentSpanContext = value;
      return this;
    }

    Builder startEpochNanos(long value) {
      startEpochNanos = value;
      return this;
    }

    Builder endEpochNanos(long value) {
      endEpochNanos = value;
      return this;
    }

    Builder attributes(Attributes value) {
      attributes = value;
      return this;
    }

    Builder droppedAttributesCount(int value) {
      droppedAttributesCount = value;
      return this;
    }

    Builder events(List<EventData> value) {
      events = value;
      return this;
    }

    Builder droppedEventsCount(int value) {
      droppedEventsCount = value;
      return this;
    }

    Builder links(List<LinkData> value) {
      links = value;
      return this;
    }

    Builder droppedLinksCount(int value) {
      droppedLinksCount = value;
      return this;
    }

    Builder status(StatusCode code, String description) {
      statusCode = code;
      statusDescription = description;
      return this;
    }

    Builder resource(Resource value) {
      resource = value;
      return this;
    }

    Builder instrumentationScope(InstrumentationScope value) {
      instrumentationScope = value;
      return this;
    }

    TestSpan build() {
      return new TestSpan(this);
    }
  }
}
