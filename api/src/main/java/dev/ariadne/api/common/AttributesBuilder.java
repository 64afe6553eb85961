package dev.ariadne.api.common;

import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link Attributes}. A later value for the same name replaces the earlier one; null
 * values, null or empty names and arrays holding null are ignored, never thrown on.
 */
public final class AttributesBuilder {
  private Object[] entries = new Object[16];
  private int size;

  AttributesBuilder() {}

  public AttributesBuilder put(String key, String value) {
    return key == null ? this : put(AttributeKey.stringKey(key), value);
  }

  public AttributesBuilder put(String key, long value) {
    return key == null ? this : put(AttributeKey.longKey(key), value);
  }

  public AttributesBuilder put(String key, double value) {
    return key == null ? this : put(AttributeKey.doubleKey(key), value);
  }

  public AttributesBuilder put(String key, boolean value) {
    return key == null ? this : put(AttributeKey.booleanKey(key), value);
  }

  public AttributesBuilder put(String key, String... values) {
    if (key == null || values == null) return this;
    return put(AttributeKey.stringArrayKey(key), Arrays.asList(values));
  }

  public <T> AttributesBuilder put(AttributeKey<T> key, T value) {
    if (key == null || key.getName().isEmpty() || value == null) return this;
    Object stored = value instanceof List ? copyOfList((List<?>) value) : value;
    if (stored != null) store(key, stored);
    return this;
  }

  public AttributesBuilder putAll(Attributes attributes) {
    for (int i = 0; i < attributes.size(); i++) store(attributes.getKey(i), attributes.getValue(i));
    return this;
  }

  public AttributesBuilder remove(String name) {
    int i = indexOf(name);
    if (i >= 0) {
      System.arraycopy(entries, i + 2, entries, i, size - i - 2);
      size -= 2;
      entries[size] = null;
      entries[size + 1] = null;
    }
    return this;
  }

  public Attributes build() {
    return size == 0 ? Attributes.empty() : new ArrayAttributes(Arrays.copyOf(entries, size));
  }

  private void store(AttributeKey<?> key, Object value) {
    int i = indexOf(key.getName());
    if (i < 0) {
      if (size == entries.length) entries = Arrays.copyOf(entries, size * 2);
      i = size;
      size += 2;
    }
    entries[i] = key;
    entries[i + 1] = value;
  }

  private int indexOf(String name) {
    for (int i = 0; i < size; i += 2) {
      if (((AttributeKey<?>) entries[i]).getName().equals(name)) return i;
    }
    return -1;
  }

  /** An unmodifiable copy, or null when the list holds a null element and cannot be stored. */
  private static List<?> copyOfList(List<?> list) {
    for (Object o : list) {
      if (o == null) return null;
    }
    return List.copyOf(list);
  }
}
