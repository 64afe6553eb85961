package dev.ariadne.opentracing;

import dev.ariadne.api.common.AttributeKey;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How OpenTracing tag and log values become attribute values: integral numbers become longs,
 * {@code float} and {@code double} become doubles, booleans stay booleans, and everything else
 * (strings, {@code BigDecimal}, a {@code BigInteger} past 64 bits, any other object) becomes its
 * string form, so no value is lost or rounded silently.
 */
final class TagValues {
  private TagValues() {}

  /** Returns {@code value} as a Long, Double, Boolean or String. */
  static Object normalize(Object value) {
    if (value instanceof Boolean || value instanceof Long || value instanceof Double) return value;
    if (value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof AtomicInteger
        || value instanceof AtomicLong) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) return ((Float) value).doubleValue();
    if (value instanceof BigInteger && ((BigInteger) value).bitLength() < Long.SIZE) {
      return ((BigInteger) value).longValue();
    }
    return String.valueOf(value);
  }

  /** The attribute key named {@code name} whose type matches a {@link #normalize}d value. */
  @SuppressWarnings("unchecked")
  static AttributeKey<Object> key(String name, Object normalized) {
    AttributeKey<?> key;
    if (normalized instanceof Long) {
      key = AttributeKey.longKey(name);
    } else if (normalized instanceof Double) {
      key = AttributeKey.doubleKey(name);
    } else if (normalized instanceof Boolean) {
      key = AttributeKey.booleanKey(name);
    } else {
      key = AttributeKey.stringKey(name);
    }
    return (AttributeKey<Object>) key;
  }
}
