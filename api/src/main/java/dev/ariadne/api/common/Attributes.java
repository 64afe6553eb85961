package dev.ariadne.api.common;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable, ordered set of attributes (the seed's "tags"), one value per attribute name.
 *
 * <p>Entries are reached by index so that exporters can walk them without allocating: {@code
 * for (int i = 0; i < attributes.size(); i++) use(attributes.getKey(i), attributes.getValue(i))}.
 * Array values are unmodifiable {@link java.util.List}s without null elements.
 */
public interface Attributes {

  /** Returns the value stored under {@code key}'s name if it has {@code key}'s type, else null. */
  <T> T get(AttributeKey<T> key);

  int size();

  boolean isEmpty();

  /** The key of the entry at {@code index}, in insertion order. */
  AttributeKey<?> getKey(int index);

  /** The value of the entry at {@code index}, whose Java type follows {@link #getKey(int)}. */
  Object getValue(int index);

  /** A read-only copy as a map in insertion order, for tests and tools; not for hot paths. */
  default Map<AttributeKey<?>, Object> asMap() {
    Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < size(); i++) map.put(getKey(i), getValue(i));
    return Collections.unmodifiableMap(map);
  }

  static Attributes empty() {
    return ArrayAttributes.EMPTY;
  }

  static AttributesBuilder builder() {
    return new AttributesBuilder();
  }

  static <T> Attributes of(AttributeKey<T> key, T value) {
    return builder().put(key, value).build();
  }

  static <T, U> Attributes of(AttributeKey<T> key1, T value1, AttributeKey<U> key2, U value2) {
    return builder().put(key1, value1).put(key2, value2).build();
  }
}
