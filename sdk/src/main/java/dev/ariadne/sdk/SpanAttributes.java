package dev.ariadne.sdk;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

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
      Object value = attributes.getValue(i);
      if (value instanceof String && ((String) value).length() > maxValueLength) return false;
      if (value instanceof List) {
        for (Object element : (List<?>) value) {
          if (element instanceof String && ((String) element).length() > maxValueLength) return false;
        }
      }
    }
    return true;
  }

  void putAll(Attributes attributes) {
    for (int i = 0; i < attributes.size(); i++) put(attributes.getKey(i), attributes.getValue(i));
  }

  /**
   * Stores a value; invalid ones (null, empty name, a value not of the key's type, arrays holding
   * null) are ignored. Dispatches on the key's type rather than on {@code instanceof} an interface,
   * which is the slow kind of type check on the hot path.
   */
  void put(AttributeKey<?> key, Object value) {
    if (key == null || value == null) return;
    String name = key.getName();
    if (name.isEmpty()) return;
    Object stored = checked(key, value);
    if (stored == null) return;
    for (int i = 0; i < size; i += 2) {
      Object existing = entries[i];
      if (existing == key || ((AttributeKey<?>) existing).getName().equals(name)) {
        entries[i] = key;
        entries[i + 1] = stored;
        return;
      }
    }
    if (size / 2 >= capacity) {
      dropped++;
      return;
    }
    if (size == entries.length) entries = Arrays.copyOf(entries, Math.max(4, size * 2));
    entries[size] = key;
    entries[size + 1] = stored;
    size += 2;
  }

  /** The value to store for {@code key}: truncated and copied as needed, or null if invalid. */
  private Object checked(AttributeKey<?> key, Object value) {
    switch (key.getType()) {
      case STRING:
        return value instanceof String ? truncate((String) value, maxValueLength) : null;
      case LONG:
        return value instanceof Long ? value : null;
      case DOUBLE:
        return value instanceof Double ? value : null;
      case BOOLEAN:
        return value instanceof Boolean ? value : null;
      case STRING_ARRAY:
        return checkedList(value, String.class, maxValueLength);
      case LONG_ARRAY:
        return checkedList(value, Long.class, maxValueLength);
      case DOUBLE_ARRAY:
        return checkedList(value, Double.class, maxValueLength);
      default:
        return checkedList(value, Boolean.class, maxValueLength);
    }
  }

  private static String truncate(String value, int maxLength) {
    return value.length() > maxLength ? value.substring(0, maxLength) : value;
  }

  /**
   * An unmodifiable copy of a list whose elements are all of {@code type}, strings truncated; null
   * if it is not such a list.
   */
  private static List<?> checkedList(Object value, Class<?> type, int maxLength) {
    if (!(value instanceof List)) return null;
    List<?> list = (List<?>) value;
    Object[] copy = list.toArray();
    for (int i = 0; i < copy.length; i++) {
      if (!type.isInstance(copy[i])) return null;
      if (type == String.class) copy[i] = truncate((String) copy[i], maxLength);
    }
    return Collections.unmodifiableList(Arrays.asList(copy));
  }

  int getDroppedCount() {
    return dropped;
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
