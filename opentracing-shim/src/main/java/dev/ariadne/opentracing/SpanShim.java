package dev.ariadne.opentracing;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.common.AttributesBuilder;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.StatusCode;
import io.opentracing.log.Fields;
import io.opentracing.tag.Tag;
import io.opentracing.tag.Tags;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An OpenTracing span over an Ariadne span: tags become attributes, logs become events, and the
 * {@code error} tag sets the status. The baggage lives in the span's {@link SpanContextShim}, which
 * {@link #setBaggageItem} replaces atomically. Safe to use from several threads.
 */
final class SpanShim implements io.opentracing.Span {
  private static final String DEFAULT_EVENT = "log";
  private static final String ERROR_EVENT = "error";
  private static final String EXCEPTION_EVENT = "exception";
  private static final AttributeKey<String> EXCEPTION_TYPE =
      AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> EXCEPTION_MESSAGE =
      AttributeKey.stringKey("exception.message");
  private static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");
  /** Stands for "no explicit timestamp"; OpenTracing timestamps are positive. */
  private static final long NOW = -1;

  private final Span span;
  private volatile SpanContextShim context;

  SpanShim(Span span, Baggage baggage) {
    this.span = span;
    this.context = new SpanContextShim(span, baggage);
  }

  /**
   * Returns {@code span} itself if this shim made it; otherwise a span that carries the foreign
   * span's context and baggage but records nothing.
   */
  static SpanShim of(io.opentracing.Span span) {
    if (span instanceof SpanShim) return (SpanShim) span;
    SpanContextShim context = SpanContextShim.of(span.context());
    return new SpanShim(context.span(), context.baggage());
  }

  /** The Ariadne span this shim records into. */
  Span span() {
    return span;
  }

  @Override
  public SpanContextShim context() {
    return context;
  }

  @Override
  public io.opentracing.Span setTag(String key, String value) {
    if (key == null || value == null) return this;
    if (Tags.ERROR.getKey().equals(key)) {
      markError(Boolean.parseBoolean(value));
    } else if (!Tags.SPAN_KIND.getKey().equals(key)) {
      // The kind is fixed when the span starts; a later span.kind tag is ignored.
      span.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public io.opentracing.Span setTag(String key, boolean value) {
    if (key == null) return this;
    if (Tags.ERROR.getKey().equals(key)) {
      markError(value);
    } else {
      span.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public io.opentracing.Span setTag(String key, Number value) {
    if (key == null || value == null) return this;
    Object normalized = TagValues.normalize(value);
    span.setAttribute(TagValues.key(key, normalized), normalized);
    return this;
  }

  @Override
  public <T> io.opentracing.Span setTag(Tag<T> tag, T value) {
    if (tag != null && value != null) tag.set(this, value);
    return this;
  }

  /** {@code error=true} sets the ERROR status; {@code false} leaves the status as it is. */
  private void markError(boolean error) {
    if (error) span.setStatus(StatusCode.ERROR);
  }

  @Override
  public io.opentracing.Span log(Map<String, ?> fields) {
    addLog(NOW, fields);
    return this;
  }

  @Override
  public io.opentracing.Span log(long timestampMicroseconds, Map<String, ?> fields) {
    addLog(timestampMicroseconds, fields);
    return this;
  }

  @Override
  public io.opentracing.Span log(String event) {
    addEvent(NOW, event, Attributes.empty());
    return this;
  }

  @Override
  public io.opentracing.Span log(long timestampMicroseconds, String event) {
    addEvent(timestampMicroseconds, event, Attributes.empty());
    return this;
  }

  /**
   * Adds the fields as an event named by the {@code event} field, or {@code log}. An {@code
   * event=error} log becomes an {@code exception} event as the OpenTelemetry specification of the
   * OpenTracing shim says: with a Throwable under {@code error.object}, its type, message and stack
   * trace become the {@code exception.*} attributes; without one, {@code error.kind}, {@code
   * message} and {@code stack} are renamed to them.
   */
  private void addLog(long timestampMicroseconds, Map<String, ?> fields) {
    Map<String, Object> given = fields == null ? Map.of() : fieldsOf(fields);
    Object event = given.get(Fields.EVENT);
    String name = event == null ? DEFAULT_EVENT : event.toString();
    boolean error = ERROR_EVENT.equals(name);
    Object errorObject = error ? given.get(Fields.ERROR_OBJECT) : null;
    Throwable throwable = errorObject instanceof Throwable ? (Throwable) errorObject : null;
    AttributesBuilder attributes = Attributes.builder();
    if (throwable != null) putException(attributes, throwable);
    for (Map.Entry<String, Object> field : given.entrySet()) {
      String key = field.getKey();
      if (throwable != null && key.equals(Fields.ERROR_OBJECT)) continue;
      if (error && throwable == null) key = exceptionKey(key);
      Object value = TagValues.normalize(field.getValue());
      attributes.put(TagValues.key(key, value), value);
    }
    addEvent(timestampMicroseconds, error ? EXCEPTION_EVENT : name, attributes.build());
  }

  /**
   * The fields with a key and a value, keys as strings: an application that logs a raw map may give
   * keys of another type, which must not fail its call with a ClassCastException.
   */
  private static Map<String, Object> fieldsOf(Map<?, ?> fields) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> field : fields.entrySet()) {
      if (field.getKey() != null && field.getValue() != null) {
        result.put(String.valueOf(field.getKey()), field.getValue());
      }
    }
    return result;
  }

  private static void putException(AttributesBuilder attributes, Throwable throwable) {
    StringWriter stack = new StringWriter();
    throwable.printStackTrace(new PrintWriter(stack));
    attributes
        .put(EXCEPTION_TYPE, throwable.getClass().getName())
        .put(EXCEPTION_MESSAGE, throwable.getMessage())
        .put(EXCEPTION_STACKTRACE, stack.toString());
  }

  private static String exceptionKey(String key) {
    switch (key) {
      case Fields.ERROR_KIND:
        return EXCEPTION_TYPE.getName();
      case Fields.MESSAGE:
        return EXCEPTION_MESSAGE.getName();
      case Fields.STACK:
        return EXCEPTION_STACKTRACE.getName();
      default:
        return key;
    }
  }

  private void addEvent(long timestampMicroseconds, String name, Attributes attributes) {
    if (timestampMicroseconds == NOW) {
      span.addEvent(name, attributes);
    } else {
      span.addEvent(name, attributes, timestampMicroseconds, TimeUnit.MICROSECONDS);
    }
  }

  @Override
  public io.opentracing.Span setBaggageItem(String key, String value) {
    if (key == null || value == null) return this;
    synchronized (this) {
      context = context.withBaggageItem(key, value);
    }
    return this;
  }

  @Override
  public String getBaggageItem(String key) {
    return key == null ? null : context.baggage().getEntryValue(key);
  }

  @Override
  public io.opentracing.Span setOperationName(String operationName) {
    span.updateName(operationName);
    return this;
  }

  @Override
  public void finish() {
    span.end();
  }

  @Override
  public void finish(long finishMicros) {
    span.end(finishMicros, TimeUnit.MICROSECONDS);
  }

  @Override
  public String toString() {
    return "SpanShim{" + span + '}';
  }
}
