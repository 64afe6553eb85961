package dev.ariadne.sdk;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes of a span, event or link while it is built: a flat key/value array that enforces
 * the count and value-length limits and counts what it drops. Once its span ends it is no longer
 * written, and it is handed to exporters as is. Not thread-safe: the owning span guards it.
 */
final class SpanAttributes implements Attributes {
  private final int capacity;
  private final int maxValueLength;
  private Object[] entries;
  private int size;
  private int dropped;

  SpanAttributes(int capacity, int maxValueLength) {
    this.capacity = capacity;
    this.maxValueLength = maxValueLength;
    this.entries = new Object[Math.min(capacity, 8) * 2];
  }

  /**
   * Returns {@code attributes} itself if it fits the limits, else a copy cut to them. The number
   * dropped is then {@code attributes.size() - result.size()}.
   */
  static Attributes limit(Attributes attributes, int capacity, int maxValueLength) {
    if (attributes == null) return Attributes.empty();
    if (attributes.size() <= capacity && fitsLength(attributes, maxValueLength)) return attributes;
    SpanAttributes limited = new SpanAttributes(capacity, maxValueLength);
    limited.putAll(attributes);
    return limited;
  }

  private static boolean fitsLength(Attributes attributes, int maxValueLength) {
    if (maxValueLength == Integer.MAX_VALUE) return true;
    for (int i = 0; i < attributes.size(); i++) {
      if (truncate(attributes.getValue(i), maxValueLength) != attributes.getValue(i)) return false;
    }
    return true;
  }

  void putAll(Attributes attributes) {
    for (int i = 0; i < attributes.size(); i++) put(attributes.getKey(i), attributes.getValue(i));
  }

  /** Stores a value; invalid ones (null, empty name, arrays holding null) are ignored. */
  void put(AttributeKey<?> key, Object value) {
    if (key == null || value == null || key.getName().isEmpty()) return;
    if (value instanceof List) {
      value = copyOf((List<?>) value);
      if (value == null) return;
    }
    value = truncate(value, maxValueLength);
    String name = key.getName();
    for (int i = 0; i < size; i += 2) {
      if (((AttributeKey<?>) entries[i]).getName().equals(name)) {
        entries[i] = key;
        entries[i + 1] = value;
        return;
      }
    }
    if (size / 2 >= capacity) {
      dropped++;
      return;
    }
    if (size == entries.length) entries = Arrays.copyOf(entries, Math.max(4, size * 2));
    entries[size] = key;
    entries[size + 1] = value;
    size += 2;
  }

  int getDroppedCount() {
    return dropped;
  }

  private static Object truncate(Object value, int maxLength) {
    if (maxLength == Integer.MAX_VALUE) return value;
    if (value instanceof String) {
      String s = (String) value;
      return s.length() > maxLength ? s.substring(0, maxLength) : s;
    }
    if (value instanceof List && !((List<?>) value).isEmpty() && ((List<?>) value).get(0) instanceof String) {
      List<?> list = (List<?>) value;
      List<Object> cut = null;
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        Object truncated = truncate(element, maxLength);
        if (truncated != element && cut == null) cut = new ArrayList<>(list.subList(0, i));
        if (cut != null) cut.add(truncated);
      }
      return cut == null ? value : Collections.unmodifiableList(cut);
    }
    return value;
  }

  private static List<?> copyOf(List<?> list) {
    for (Object o : list) {
      if (o == null) return null;
    }
    return List.copyOf(list);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(AttributeKey<T> key) {
    for (int i = 0; i < size; i += 2) {
      if (key.equals(entries[i])) return (T) entries[i + 1];
    }
    return null;
  }

  @Override
  public int size() {
    return size / 2;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public AttributeKey<?> getKey(int index) {
    return (AttributeKey<?>) entries[index * 2];
  }

  @Override
  public Object getValue(int index) {
    return entries[index * 2 + 1];
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < size; i += 2) map.put((AttributeKey<?>) entries[i], entries[i + 1]);
    return Collections.unmodifiableMap(map);
  }

  /** A copy frozen as it is now, for readers of a span that has not ended. */
  Attributes snapshot() {
    SpanAttributes copy = new SpanAttributes(capacity, maxValueLength);
    copy.entries = Arrays.copyOf(entries, Math.max(size, 2));
    copy.size = size;
    copy.dropped = dropped;
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes && asMap().equals(((Attributes) o).asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
