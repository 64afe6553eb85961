package dev.ariadne.api.trace;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Configures and starts one span, the seed's {@code StartSpan} with its options. The parent is, in
 * order: one set with {@link #setParent}, the first CHILD_OF reference, the first FOLLOWS_FROM
 * reference, or else the span current on the calling thread (unless {@link #setNoParent()}). Not
 * thread-safe; use a builder once.
 */
public interface SpanBuilder {

  /** Uses the span in {@code context} as the parent (none if it holds no valid span). */
  SpanBuilder setParent(Context context);

  /** Uses {@code parent} as the parent span context. */
  default SpanBuilder setParent(SpanContext parent) {
    return setParent(Context.root().with(Span.wrap(parent)));
  }

  /** Makes the span a root span, ignoring the current context. */
  SpanBuilder setNoParent();

  /**
   * Adds a causal reference. The first CHILD_OF reference becomes the parent unless one was set
   * explicitly; every other reference is kept as a link marked with its type (child-of or
   * follows-from), and the first FOLLOWS_FROM becomes the parent if nothing else does. An SDK's
   * limits on links never drop the first FOLLOWS_FROM reference's link or any reference's mark.
   * Invalid contexts are ignored.
   */
  SpanBuilder addReference(ReferenceType type, SpanContext context);

  /** Adds a plain link to a span in this or another trace. */
  default SpanBuilder addLink(SpanContext context) {
    return addLink(context, Attributes.empty());
  }

  SpanBuilder addLink(SpanContext context, Attributes attributes);

  SpanBuilder setSpanKind(SpanKind kind);

  /**
   * Sets the start time since the epoch instead of now. A null unit or a timestamp of 0 or less is
   * ignored, so the span starts now unless an earlier call set a time.
   */
  SpanBuilder setStartTimestamp(long timestamp, TimeUnit unit);

  /**
   * Sets the start time instead of now; null is ignored, as a null unit is. An instant past what
   * nanoseconds since the epoch in a long hold (1677 to 2262) is clamped to them, as {@link
   * TimeUnit#toNanos} clamps the long form.
   */
  default SpanBuilder setStartTimestamp(Instant timestamp) {
    if (timestamp == null) return this;
    return setStartTimestamp(Timestamps.toEpochNanos(timestamp), TimeUnit.NANOSECONDS);
  }

  /** Sets an attribute before the start, where samplers can see it. */
  <T> SpanBuilder setAttribute(AttributeKey<T> key, T value);

  default SpanBuilder setAttribute(String key, String value) {
    return key == null ? this : setAttribute(AttributeKey.stringKey(key), value);
  }

  default SpanBuilder setAttribute(String key, long value) {
    return key == null ? this : setAttribute(AttributeKey.longKey(key), value);
  }

  default SpanBuilder setAttribute(String key, double value) {
    return key == null ? this : setAttribute(AttributeKey.doubleKey(key), value);
  }

  default SpanBuilder setAttribute(String key, boolean value) {
    return key == null ? this : setAttribute(AttributeKey.booleanKey(key), value);
  }

  /** Starts the span. The caller ends it; making it current is a separate step. */
  Span startSpan();
}
