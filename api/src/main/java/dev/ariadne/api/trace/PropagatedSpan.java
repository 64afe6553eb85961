package dev.ariadne.api.trace;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import java.util.concurrent.TimeUnit;

/** A span that records nothing and only carries a span context, for propagation and no-op use. */
final class PropagatedSpan implements Span {
  static final PropagatedSpan INVALID = new PropagatedSpan(SpanContext.invalid());

  private final SpanContext spanContext;

  PropagatedSpan(SpanContext spanContext) {
    this.spanContext = spanContext;
  }

  @Override
  public <T> Span setAttribute(AttributeKey<T> key, T value) {
    return this;
  }

  @Override
  public Span addEvent(String name, Attributes attributes) {
    return this;
  }

  @Override
  public Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
    return this;
  }

  @Override
  public Span recordException(Throwable exception, Attributes attributes) {
    return this;
  }

  @Override
  public Span setStatus(StatusCode code, String description) {
    return this;
  }

  @Override
  public Span updateName(String name) {
    return this;
  }

  @Override
  public void end() {}

  @Override
  public void end(long timestamp, TimeUnit unit) {}

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public boolean isRecording() {
    return false;
  }

  @Override
  public String toString() {
    return "PropagatedSpan{" + spanContext + '}';
  }
}
