package dev.ariadne.api.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Vendor-specific trace data carried with a span context, as W3C {@code tracestate} defines it:
 * at most 32 entries, most recently updated first, with keys and values that follow the W3C rules.
 * Invalid entries are ignored by the builder, never thrown on.
 */
public final class TraceState {
  /** The W3C limit on list members. */
  public static final int MAX_ENTRIES = 32;

  private static final TraceState EMPTY = new TraceState(Collections.emptyList());

  /** Alternating keys and values, most recent first. */
  private final List<String> entries;

  private TraceState(List<String> entries) {
    this.entries = entries;
  }

  public static TraceState empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder(new ArrayList<>());
  }

  public Builder toBuilder() {
    return new Builder(new ArrayList<>(entries));
  }

  /** The value for {@code key}, or null. */
  public String get(String key) {
    for (int i = 0; i < entries.size(); i += 2) {
      if (entries.get(i).equals(key)) return entries.get(i + 1);
    }
    return null;
  }

  public int size() {
    return entries.size() / 2;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entries in order, most recent first. */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i += 2) map.put(entries.get(i), entries.get(i + 1));
    return Collections.unmodifiableMap(map);
  }

  /** True if {@code key} is a valid W3C tracestate key (simple or multi-tenant). */
  public static boolean isValidKey(String key) {
    int length = key.length();
    if (length == 0 || length > 256) return false;
    int at = key.indexOf('@');
    if (at < 0) return isKeyPart(key, 0, length, 256, true);
    // tenant-id@system-id: tenant up to 241 chars starting with a letter or digit, system up to 14.
    return key.indexOf('@', at + 1) < 0
        && isKeyPart(key, 0, at, 241, false)
        && isKeyPart(key, at + 1, length, 14, true);
  }

  private static boolean isKeyPart(String s, int from, int to, int max, boolean letterFirst) {
    int length = to - from;
    if (length == 0 || length > max) return false;
    char first = s.charAt(from);
    boolean firstOk = (first >= 'a' && first <= 'z') || (!letterFirst && first >= '0' && first <= '9');
    if (!firstOk) return false;
    for (int i = from + 1; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || c == '*' || c == '/';
      if (!ok) return false;
    }
    return true;
  }

  /** True if {@code value} is a valid W3C tracestate value: 1 to 256 printable ASCII, no ',' '='. */
  public static boolean isValidValue(String value) {
    int length = value.length();
    if (length == 0 || length > 256) return false;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
    }
    return value.charAt(length - 1) != ' ';
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceState && entries.equals(((TraceState) o).entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  /** Builds a {@link TraceState}; {@link #put} moves a key to the front, as W3C requires. */
  public static final class Builder {
    private final List<String> entries;

    private Builder(List<String> entries) {
      this.entries = entries;
    }

    /**
     * Puts {@code key=value} first. Invalid keys or values are ignored; past 32 entries the
     * oldest (last) entry is dropped.
     */
    public Builder put(String key, String value) {
      if (key == null || value == null || !isValidKey(key) || !isValidValue(value)) return this;
      remove(key);
      entries.add(0, value);
      entries.add(0, key);
      while (entries.size() > MAX_ENTRIES * 2) {
        entries.remove(entries.size() - 1);
        entries.remove(entries.size() - 1);
      }
      return this;
    }

    public Builder remove(String key) {
      Objects.requireNonNull(key, "key");
      for (int i = 0; i < entries.size(); i += 2) {
        if (entries.get(i).equals(key)) {
          entries.remove(i + 1);
          entries.remove(i);
          return this;
        }
      }
      return this;
    }

    public TraceState build() {
      return entries.isEmpty() ? EMPTY : new TraceState(List.copyOf(entries));
    }
  }
}
