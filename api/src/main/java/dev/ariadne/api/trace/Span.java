package dev.ariadne.api.trace;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.ImplicitContextKeyed;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One named, timed operation in a trace. A span records attributes (the seed's tags), events (the
 * seed's logs) and a status until {@link #end()}; calls after that are ignored, and no method
 * throws. A null timestamp, or a null time unit, means now. A span that is not recording (not
 * sampled, or from a no-op tracer) still carries its {@link SpanContext} so propagation keeps
 * working. Safe to use from several threads.
 */
public interface Span extends ImplicitContextKeyed {

  /** The span current on the calling thread, or {@link #invalid()}. */
  static Span current() {
    return fromContext(Context.current());
  }

  /** The span stored in {@code context}, or {@link #invalid()}. */
  static Span fromContext(Context context) {
    Span span = context == null ? null : context.get(SpanKeys.SPAN);
    return span == null ? PropagatedSpan.INVALID : span;
  }

  /** A span that records nothing and has the invalid context. */
  static Span invalid() {
    return PropagatedSpan.INVALID;
  }

  /** A non-recording span that carries {@code spanContext}, for propagation. */
  static Span wrap(SpanContext spanContext) {
    if (spanContext == null || !spanContext.isValid()) return PropagatedSpan.INVALID;
    return new PropagatedSpan(spanContext);
  }

  <T> Span setAttribute(AttributeKey<T> key, T value);

  default Span setAttribute(String key, String value) {
    return key == null ? this : setAttribute(AttributeKey.stringKey(key), value);
  }

  default Span setAttribute(String key, long value) {
    return key == null ? this : setAttribute(AttributeKey.longKey(key), value);
  }

  default Span setAttribute(String key, double value) {
    return key == null ? this : setAttribute(AttributeKey.doubleKey(key), value);
  }

  default Span setAttribute(String key, boolean value) {
    return key == null ? this : setAttribute(AttributeKey.booleanKey(key), value);
  }

  default Span setAllAttributes(Attributes attributes) {
    if (attributes == null) return this;
    for (int i = 0; i < attributes.size(); i++) {
      @SuppressWarnings("unchecked")
      AttributeKey<Object> key = (AttributeKey<Object>) attributes.getKey(i);
      setAttribute(key, attributes.getValue(i));
    }
    return this;
  }

  /** Adds an event stamped now. */
  default Span addEvent(String name) {
    return addEvent(name, Attributes.empty());
  }

  /** Adds an event with attributes, stamped now. */
  Span addEvent(String name, Attributes attributes);

  /** Adds an event at {@code timestamp} since the epoch; stamped now if {@code unit} is null. */
  Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit);

  /**
   * Adds an event at {@code timestamp}, or now if it is null. An instant past what nanoseconds
   * since the epoch in a long hold (1677 to 2262) is clamped to them, as {@link TimeUnit#toNanos}
   * clamps the long form.
   */
  default Span addEvent(String name, Attributes attributes, Instant timestamp) {
    if (timestamp == null) return addEvent(name, attributes);
    return addEvent(name, attributes, Timestamps.toEpochNanos(timestamp), TimeUnit.NANOSECONDS);
  }

  /**
   * Adds an {@code exception} event with {@code exception.type}, {@code exception.message} and
   * {@code exception.stacktrace}, as the OpenTelemetry semantic conventions name them. Does not
   * change the status.
   */
  default Span recordException(Throwable exception) {
    return recordException(exception, Attributes.empty());
  }

  /** Like {@link #recordException(Throwable)}, with more attributes on the event. */
  Span recordException(Throwable exception, Attributes attributes);

  default Span setStatus(StatusCode code) {
    return setStatus(code, null);
  }

  /** Sets the status; the description is kept only with ERROR, and OK cannot be changed. */
  Span setStatus(StatusCode code, String description);

  /** Renames the span, for when a better name is known only after it started. */
  Span updateName(String name);

  /** Ends the span now. Later calls to any mutating method are ignored. */
  void end();

  /** Ends the span at {@code timestamp} since the epoch, or now if {@code unit} is null. */
  void end(long timestamp, TimeUnit unit);

  /**
   * Ends the span at {@code timestamp}, or now if it is null. An instant past what nanoseconds
   * since the epoch in a long hold (1677 to 2262) is clamped to them, as {@link TimeUnit#toNanos}
   * clamps the long form.
   */
  default void end(Instant timestamp) {
    if (timestamp == null) {
      end();
    } else {
      end(Timestamps.toEpochNanos(timestamp), TimeUnit.NANOSECONDS);
    }
  }

  SpanContext getSpanContext();

  /** True while the span records what is set on it: sampled or recording, and not ended. */
  boolean isRecording();

  @Override
  default Context storeInContext(Context context) {
    return context.with(SpanKeys.SPAN, this);
  }
}
