package dev.ariadne.storage;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.Value;
import dev.ariadne.storage.internal.NumberTexts;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to search traces for. A trace matches when <em>one</em> of its spans meets every criterion
 * at once (the semantics of Jaeger and Zipkin): its service, span name, kind and status are the ones
 * asked for, it has every listed attribute, its own duration is within {@code [minDurationNanos,
 * maxDurationNanos]} and its start is within {@code [startEpochNanos, endEpochNanos)}. A criterion
 * left unset matches every span. Build with {@link #builder()}; immutable.
 */
public final class TraceQuery {
  /** The limit a query has unless set, as in Jaeger's UI. */
  public static final int DEFAULT_LIMIT = 20;

  private final String serviceName;
  private final String spanName;
  private final SpanKind kind;
  private final StatusCode statusCode;
  private final Map<String, String> attributes;
  private final long minDurationNanos;
  private final long maxDurationNanos;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final int limit;
  private final Cancellation cancellation;

  private TraceQuery(Builder builder) {
    serviceName = builder.serviceName;
    spanName = builder.spanName;
    kind = builder.kind;
    statusCode = builder.statusCode;
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.attributes));
    minDurationNanos = builder.minDurationNanos;
    maxDurationNanos = builder.maxDurationNanos;
    startEpochNanos = builder.startEpochNanos;
    endEpochNanos = builder.endEpochNanos;
    limit = builder.limit;
    cancellation = builder.cancellation;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<String> serviceName() {
    return Optional.ofNullable(serviceName);
  }

  public Optional<String> spanName() {
    return Optional.ofNullable(spanName);
  }

  public Optional<SpanKind> kind() {
    return Optional.ofNullable(kind);
  }

  /**
   * Attribute keys and the {@linkplain #searchableText text form} their value must have. A span
   * has an attribute when its own attributes or its resource's attributes hold it.
   */
  public Optional<StatusCode> statusCode() {
    return Optional.ofNullable(statusCode);
  }

  public Map<String, String> attributes() {
    return attributes;
  }

  public long minDurationNanos() {
    return minDurationNanos;
  }

  public long maxDurationNanos() {
    return maxDurationNanos;
  }

  public long startEpochNanos() {
    return startEpochNanos;
  }

  public long endEpochNanos() {
    return endEpochNanos;
  }

  public int limit() {
    return limit;
  }

  /** Asked by the backend as it searches; {@link Cancellation#NEVER} unless set. */
  public Cancellation cancellation() {
    return cancellation;
  }

  /** True when this one span meets every criterion, which makes its trace a match. */
  public boolean matches(Span span) {
    if (serviceName != null && !serviceName.equals(span.serviceName())) {
      return false;
    }
    if (spanName != null && !spanName.equals(span.name())) {
      return false;
    }
    if (kind != null && kind != span.kind()) {
      return false;
    }
    if (statusCode != null && statusCode != span.statusCode()) {
      return false;
    }
    long start = span.startEpochNanos();
    if (start < startEpochNanos || start >= endEpochNanos) {
      return false;
    }
    long duration = span.durationNanos();
    if (duration < minDurationNanos || duration > maxDurationNanos) {
      return false;
    }
    for (Map.Entry<String, String> wanted : attributes.entrySet()) {
      if (!contains(span.attributes(), wanted.getKey(), wanted.getValue())
          && !contains(span.resource().attributes(), wanted.getKey(), wanted.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(List<Attribute> attributes, String key, String text) {
    for (Attribute attribute : attributes) {
      if (attribute.key().equals(key)
          && text.equals(searchableText(attribute.value()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The text an attribute value is searched and listed by: a string as is, a boolean as {@code
   * true} or {@code false}, an integer in decimal, a double as {@link Double#toString(double)}
   * writes it ({@code 0.5}, {@code 2.0}). Bytes, arrays and maps are not searchable: null. (Not an
   * {@code Optional}: storage calls this for every attribute it writes.)
   */
  public static String searchableText(Value value) {
    if (value instanceof Value.Str str) {
      return str.value();
    } else if (value instanceof Value.Bool bool) {
      return Boolean.toString(bool.value());
    } else if (value instanceof Value.Int integer) {
      return NumberTexts.of(integer.value());
    } else if (value instanceof Value.Dbl dbl) {
      return NumberTexts.of(dbl.value());
    }
    return null;
  }

  @Override
  public String toString() {
    return "TraceQuery{serviceName=" + serviceName + ", spanName=" + spanName + ", kind=" + kind
        + ", statusCode=" + statusCode + ", attributes=" + attributes + ", minDurationNanos=" + minDurationNanos
        + ", maxDurationNanos=" + maxDurationNanos + ", startEpochNanos=" + startEpochNanos
        + ", endEpochNanos=" + endEpochNanos + ", limit=" + limit + "}";
  }

  /**
   * Builds a {@link TraceQuery}. A setter rejects a bad value at once, with a message naming the
   * field; {@link #build()} checks the fields against each other. Not thread-safe.
   */
  public static final class Builder {
    private String serviceName;
    private String spanName;
    private SpanKind kind;
    private StatusCode statusCode;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private long minDurationNanos;
    private long maxDurationNanos = Long.MAX_VALUE;
    private long startEpochNanos = Long.MIN_VALUE;
    private long endEpochNanos = Long.MAX_VALUE;
    private int limit = DEFAULT_LIMIT;
    private Cancellation cancellation = Cancellation.NEVER;

    private Builder() {}

    public Builder serviceName(String serviceName) {
      this.serviceName = notEmpty(serviceName, "serviceName");
      return this;
    }

    public Builder spanName(String spanName) {
      this.spanName = notEmpty(spanName, "spanName");
      return this;
    }

    public Builder kind(SpanKind kind) {
      this.kind = requireNonNull(kind, "kind");
      return this;
    }

    /** The span's status: {@code ERROR} finds the traces with a failed span. */
    public Builder statusCode(StatusCode statusCode) {
      this.statusCode = requireNonNull(statusCode, "statusCode");
      return this;
    }

    /** Adds an attribute criterion; a second one for the same key replaces the first. */
    public Builder attribute(String key, String text) {
      attributes.put(notEmpty(key, "attribute key"), requireNonNull(text, "text"));
      return this;
    }

    /** Inclusive; 0 (the default) admits every duration. */
    public Builder minDurationNanos(long minDurationNanos) {
      if (minDurationNanos < 0) {
        throw new IllegalArgumentException(
            "minDurationNanos: " + minDurationNanos + " (expected: >= 0)");
      }
      this.minDurationNanos = minDurationNanos;
      return this;
    }

    /** Inclusive; unbounded by default. */
    public Builder maxDurationNanos(long maxDurationNanos) {
      if (maxDurationNanos < 0) {
        throw new IllegalArgumentException(
            "maxDurationNanos: " + maxDurationNanos + " (expected: >= 0)");
      }
      this.maxDurationNanos = maxDurationNanos;
      return this;
    }

    /** Inclusive; unbounded by default. */
    public Builder startEpochNanos(long startEpochNanos) {
      this.startEpochNanos = startEpochNanos;
      return this;
    }

    /** Exclusive; unbounded by default. */
    public Builder endEpochNanos(long endEpochNanos) {
      this.endEpochNanos = endEpochNanos;
      return this;
    }

    /** At most this many traces; {@value TraceQuery#DEFAULT_LIMIT} by default. */
    public Builder limit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
      }
      this.limit = limit;
      return this;
    }

    /**
     * Stops the search, with a {@link CancelledException}, once {@code cancellation} says so:
     * when its request has timed out or its client has gone away.
     */
    public Builder cancellation(Cancellation cancellation) {
      this.cancellation = requireNonNull(cancellation, "cancellation");
      return this;
    }

    public TraceQuery build() {
      if (maxDurationNanos < minDurationNanos) {
        throw new IllegalArgumentException("maxDurationNanos: " + maxDurationNanos
            + " (expected: >= minDurationNanos " + minDurationNanos + ")");
      }
      if (endEpochNanos <= startEpochNanos) {
        throw new IllegalArgumentException("endEpochNanos: " + endEpochNanos
            + " (expected: > startEpochNanos " + startEpochNanos + ")");
      }
      return new TraceQuery(this);
    }

    private static String notEmpty(String value, String name) {
      requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + ": \"\" (expected: not empty)");
      }
      return value;
    }
  }
}
