package dev.ariadne.opentracing;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.baggage.BaggageEntry;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.ReferenceType;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanBuilder;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import io.opentracing.References;
import io.opentracing.SpanContext;
import io.opentracing.Tracer;
import io.opentracing.tag.Tag;
import io.opentracing.tag.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTracing's span builder over an Ariadne one. Tags are set before the start, where samplers
 * see them, except {@code span.kind}, which sets the kind, and {@code error}, which sets the status
 * once the span has started. References go to {@link SpanBuilder#addReference}: the first CHILD_OF
 * (else the first FOLLOWS_FROM) is the parent, and FOLLOWS_FROM references stay links marked
 * {@code follows_from}. The new span's baggage is the union of its references' baggage, the
 * parent's winning on equal keys, or without references the current baggage. Not thread-safe; use
 * once.
 */
final class SpanBuilderShim implements Tracer.SpanBuilder {
  private final SpanBuilder builder;
  private final ScopeManagerShim scopeManager;
  private final List<SpanContextShim> references = new ArrayList<>(2);
  private SpanContextShim childOf;
  private SpanContextShim followsFrom;
  private boolean ignoreActiveSpan;
  private boolean error;

  SpanBuilderShim(SpanBuilder builder, ScopeManagerShim scopeManager) {
    this.builder = builder;
    this.scopeManager = scopeManager;
  }

  @Override
  public Tracer.SpanBuilder asChildOf(SpanContext parent) {
    return addReference(References.CHILD_OF, parent);
  }

  @Override
  public Tracer.SpanBuilder asChildOf(io.opentracing.Span parent) {
    return parent == null ? this : addReference(References.CHILD_OF, parent.context());
  }

  /** Adds a CHILD_OF or FOLLOWS_FROM reference; other reference types and null are ignored. */
  @Override
  public Tracer.SpanBuilder addReference(String referenceType, SpanContext referencedContext) {
    ReferenceType type = referenceType(referenceType);
    if (type == null || referencedContext == null) return this;
    SpanContextShim reference = SpanContextShim.of(referencedContext);
    references.add(reference);
    builder.addReference(type, reference.spanContext());
    if (reference.spanContext().isValid()) {
      if (type == ReferenceType.CHILD_OF && childOf == null) childOf = reference;
      if (type == ReferenceType.FOLLOWS_FROM && followsFrom == null) followsFrom = reference;
    }
    return this;
  }

  private static ReferenceType referenceType(String referenceType) {
    if (References.CHILD_OF.equals(referenceType)) return ReferenceType.CHILD_OF;
    if (References.FOLLOWS_FROM.equals(referenceType)) return ReferenceType.FOLLOWS_FROM;
    return null;
  }

  @Override
  public Tracer.SpanBuilder ignoreActiveSpan() {
    ignoreActiveSpan = true;
    return this;
  }

  @Override
  public Tracer.SpanBuilder withTag(String key, String value) {
    if (key == null || value == null) return this;
    if (Tags.SPAN_KIND.getKey().equals(key)) {
      builder.setSpanKind(spanKind(value));
    } else if (Tags.ERROR.getKey().equals(key)) {
      error = Boolean.parseBoolean(value);
    } else {
      builder.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public Tracer.SpanBuilder withTag(String key, boolean value) {
    if (key == null) return this;
    if (Tags.ERROR.getKey().equals(key)) {
      error = value;
    } else {
      builder.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public Tracer.SpanBuilder withTag(String key, Number value) {
    if (key == null || value == null) return this;
    Object normalized = TagValues.normalize(value);
    builder.setAttribute(TagValues.key(key, normalized), normalized);
    return this;
  }

  @Override
  public <T> Tracer.SpanBuilder withTag(Tag<T> tag, T value) {
    if (tag == null || value == null) return this;
    if (value instanceof Boolean) return withTag(tag.getKey(), ((Boolean) value).booleanValue());
    if (value instanceof Number) return withTag(tag.getKey(), (Number) value);
    return withTag(tag.getKey(), value.toString());
  }

  private static SpanKind spanKind(String value) {
    switch (value) {
      case Tags.SPAN_KIND_CLIENT:
        return SpanKind.CLIENT;
      case Tags.SPAN_KIND_SERVER:
        return SpanKind.SERVER;
      case Tags.SPAN_KIND_PRODUCER:
        return SpanKind.PRODUCER;
      case Tags.SPAN_KIND_CONSUMER:
        return SpanKind.CONSUMER;
      default:
        return SpanKind.INTERNAL;
    }
  }

  @Override
  public Tracer.SpanBuilder withStartTimestamp(long microseconds) {
    builder.setStartTimestamp(microseconds, TimeUnit.MICROSECONDS);
    return this;
  }

  @Override
  public io.opentracing.Span start() {
    Baggage baggage;
    if (!references.isEmpty()) {
      SpanContextShim parent = childOf != null ? childOf : followsFrom;
      if (parent != null) {
        // The live parent span, not only its context, so a local child shares the parent's clock.
        builder.setParent(Context.current().with(parent.span()));
      } else {
        builder.setNoParent();
      }
      baggage = unionOfReferencedBaggage(parent);
    } else if (ignoreActiveSpan) {
      builder.setNoParent();
      baggage = Baggage.empty();
    } else {
      baggage = scopeManager.activeBaggage();
    }
    Span span = builder.startSpan();
    if (error) span.setStatus(StatusCode.ERROR);
    return new SpanShim(span, baggage);
  }

  private Baggage unionOfReferencedBaggage(SpanContextShim parent) {
    if (references.size() == 1) return references.get(0).baggage();
    Map<String, BaggageEntry> union = new LinkedHashMap<>();
    if (parent != null) union.putAll(parent.baggage().asMap());
    for (SpanContextShim reference : references) {
      reference.baggage().asMap().forEach(union::putIfAbsent);
    }
    Baggage.Builder result = Baggage.builder();
    union.forEach((key, entry) -> result.put(key, entry.getValue(), entry.getMetadata()));
    return result.build();
  }
}
