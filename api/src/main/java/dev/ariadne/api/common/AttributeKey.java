package dev.ariadne.api.common;

import java.util.List;
import java.util.Objects;

/**
 * A typed attribute name. Keys are cheap values: create them once as constants and reuse them.
 *
 * @param <T> the Java type of the values under this key
 */
public final class AttributeKey<T> {
  private final String name;
  private final AttributeType type;

  private AttributeKey(String name, AttributeType type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
  }

  public static AttributeKey<String> stringKey(String name) {
    return new AttributeKey<>(name, AttributeType.STRING);
  }

  public static AttributeKey<Boolean> booleanKey(String name) {
    return new AttributeKey<>(name, AttributeType.BOOLEAN);
  }

  public static AttributeKey<Long> longKey(String name) {
    return new AttributeKey<>(name, AttributeType.LONG);
  }

  public static AttributeKey<Double> doubleKey(String name) {
    return new AttributeKey<>(name, AttributeType.DOUBLE);
  }

  public static AttributeKey<List<String>> stringArrayKey(String name) {
    return new AttributeKey<>(name, AttributeType.STRING_ARRAY);
  }

  public static AttributeKey<List<Boolean>> booleanArrayKey(String name) {
    return new AttributeKey<>(name, AttributeType.BOOLEAN_ARRAY);
  }

  public static AttributeKey<List<Long>> longArrayKey(String name) {
    return new AttributeKey<>(name, AttributeType.LONG_ARRAY);
  }

  public static AttributeKey<List<Double>> doubleArrayKey(String name) {
    return new AttributeKey<>(name, AttributeType.DOUBLE_ARRAY);
  }

  public String getName() {
    return name;
  }

  public AttributeType getType() {
    return type;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof AttributeKey)) return false;
    AttributeKey<?> that = (AttributeKey<?>) o;
    return name.equals(that.name) && type == that.type;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
