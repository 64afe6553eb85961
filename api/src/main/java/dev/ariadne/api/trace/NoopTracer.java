package dev.ariadne.api.trace;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import java.util.concurrent.TimeUnit;

/**
 * The tracer used when no SDK is installed. Its spans record nothing; they pass on the parent's
 * span context so that propagation through an uninstrumented process still works.
 */
final class NoopTracer implements Tracer {
  static final NoopTracer INSTANCE = new NoopTracer();
  static final TracerProvider PROVIDER = (name, version) -> INSTANCE;

  @Override
  public SpanBuilder spanBuilder(String operationName) {
    return new NoopSpanBuilder();
  }

  private static final class NoopSpanBuilder implements SpanBuilder {
    private SpanContext parent;
    private SpanContext childOf;
    private SpanContext followsFrom;
    private boolean noParent;

    @Override
    public SpanBuilder setParent(Context context) {
      if (context != null) parent = Span.fromContext(context).getSpanContext();
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
        if (childOf == null) childOf = context;
      } else if (followsFrom == null) {
        followsFrom = context;
      }
      return this;
    }

    @Override
    public SpanBuilder addLink(SpanContext context, Attributes attributes) {
      return this;
    }

    @Override
    public SpanBuilder setSpanKind(SpanKind kind) {
      return this;
    }

    @Override
    public SpanBuilder setStartTimestamp(long timestamp, TimeUnit unit) {
      return this;
    }

    @Override
    public <T> SpanBuilder setAttribute(AttributeKey<T> key, T value) {
      return this;
    }

    @Override
    public Span startSpan() {
      SpanContext chosen = parent != null ? parent : childOf != null ? childOf : followsFrom;
      if (chosen != null) return Span.wrap(chosen);
      if (noParent) return Span.invalid();
      Span current = Span.current();
      return current.getSpanContext().isValid() ? Span.wrap(current.getSpanContext()) : Span.invalid();
    }
  }
}
