package dev.ariadne.api.baggage;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.ContextKey;
import dev.ariadne.api.context.ImplicitContextKeyed;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The seed's baggage items: immutable key/value entries, each with metadata, that travel with a
 * request across process boundaries alongside the span context. Carried in a {@link Context}.
 */
public final class Baggage implements ImplicitContextKeyed {
  private static final ContextKey<Baggage> KEY = ContextKey.named("ariadne-baggage");
  private static final Baggage EMPTY = new Baggage(Collections.emptyMap());

  private final Map<String, BaggageEntry> entries;

  private Baggage(Map<String, BaggageEntry> entries) {
    this.entries = entries;
  }

  public static Baggage empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder(new LinkedHashMap<>());
  }

  /** The baggage current on the calling thread, or empty. */
  public static Baggage current() {
    return fromContext(Context.current());
  }

  /** The baggage stored in {@code context}, or empty. */
  public static Baggage fromContext(Context context) {
    Baggage baggage = context == null ? null : context.get(KEY);
    return baggage == null ? EMPTY : baggage;
  }

  public Builder toBuilder() {
    return new Builder(new LinkedHashMap<>(entries));
  }

  /** The value under {@code key}, or null. */
  public String getEntryValue(String key) {
    BaggageEntry entry = entries.get(key);
    return entry == null ? null : entry.getValue();
  }

  /** The entry under {@code key}, or null. */
  public BaggageEntry getEntry(String key) {
    return entries.get(key);
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public void forEach(BiConsumer<String, BaggageEntry> consumer) {
    entries.forEach(consumer);
  }

  /** The entries in insertion order, read-only. */
  public Map<String, BaggageEntry> asMap() {
    return entries;
  }

  @Override
  public Context storeInContext(Context context) {
    return context.with(KEY, this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Baggage && entries.equals(((Baggage) o).entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "Baggage" + entries;
  }

  /** Builds {@link Baggage}; null or empty keys and null values are ignored. */
  public static final class Builder {
    private final Map<String, BaggageEntry> entries;

    private Builder(Map<String, BaggageEntry> entries) {
      this.entries = entries;
    }

    public Builder put(String key, String value) {
      return put(key, value, "");
    }

    public Builder put(String key, String value, String metadata) {
      if (key == null || key.isEmpty() || value == null) return this;
      entries.put(key, BaggageEntry.create(value, metadata));
      return this;
    }

    public Builder remove(String key) {
      if (key != null) entries.remove(key);
      return this;
    }

    public Baggage build() {
      if (entries.isEmpty()) return EMPTY;
      return new Baggage(Collections.unmodifiableMap(new LinkedHashMap<>(entries)));
    }
  }
}
