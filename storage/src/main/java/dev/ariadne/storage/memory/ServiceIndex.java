package dev.ariadne.storage.memory;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.FirstTexts;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What one service has stored: its span names with their kinds, and the searchable attribute
 * values of its spans and resources. Each entry remembers the newest trace that holds it, by the
 * trace's arrival number; since eviction takes traces in arrival order, an entry is still held
 * exactly while that number is at least the oldest held trace's. Eviction therefore touches
 * nothing here, and entries whose trace is gone are swept later in bulk ({@link #sweep}). Of a key
 * with more values, {@link Storage#MAX_VALUES_PER_KEY} are kept: those that sort first among the
 * values seen since the key last had room.
 *
 * <p>Counting each value up on write and down on eviction took a fifth of the memory backend's
 * CPU on the load generator's OTLP load (async-profiler, event=itimer), most of it in hash
 * lookups of the same texts twice. Guarded by {@link MemoryStorage}'s lock.
 */
final class ServiceIndex {
  private static final int KINDS = SpanKind.values().length;

  /** The arrival number of the newest trace holding a span of this service. */
  private long newest;
  /** Span name → per kind (by ordinal) the newest trace holding a span of that name and kind. */
  private final Map<String, long[]> spanNames = new HashMap<>();
  private final Map<String, KeyIndex> attributeKeys = new HashMap<>();
  /** The resource of the spans added last, and the newest trace among them. */
  private Resource pendingResource;
  private long pendingArrival;

  /** The text values of one attribute key, each with its newest trace. */
  private static final class KeyIndex {
    long newest;
    /** Of a key with many values, those that sort first, as the embedded engine's catalog. */
    final FirstTexts<long[]> values = new FirstTexts<>(Storage.MAX_VALUES_PER_KEY);
    /** The value recorded last, by identity, and its entry: the decoders share repeated texts. */
    String lastText;
    long[] lastEntry;
  }

  /**
   * Records a span of the trace that arrived {@code arrival}-th. Its resource's attributes are
   * recorded once per run of spans sharing the resource object (a request's spans of one service
   * share one), when the run ends or at {@link #flush()}.
   *
   * @return how many entries this created
   */
  // Identity is the point: a resource's equals() is deep. Kinds index an array read back through
  // SpanKind.values(), never stored.
  @SuppressWarnings({"ReferenceEquality", "EnumOrdinal"})
  int add(Span span, long arrival) {
    newest = Math.max(newest, arrival);
    int created = 0;
    long[] kinds = spanNames.get(span.name());
    if (kinds == null) {
      kinds = new long[KINDS];
      spanNames.put(span.name(), kinds);
      created++;
    }
    int kind = span.kind().ordinal();
    kinds[kind] = Math.max(kinds[kind], arrival);
    created += record(span.attributes(), arrival);
    if (span.resource() != pendingResource) {
      created += flush();
      pendingResource = span.resource();
    }
    pendingArrival = Math.max(pendingArrival, arrival);
    return created;
  }

  /** True if spans were added since the last {@link #flush()}. */
  boolean hasPending() {
    return pendingResource != null;
  }

  /**
   * Records the attributes of the resource of the last spans added.
   *
   * @return how many entries this created
   */
  int flush() {
    int created = 0;
    if (pendingResource != null) {
      created = record(pendingResource.attributes(), pendingArrival);
      pendingResource = null;
      pendingArrival = 0;
    }
    return created;
  }

  // The same instance as the value recorded last: a shortcut past the lookup.
  @SuppressWarnings("ReferenceEquality")
  private int record(List<Attribute> attributes, long arrival) {
    int created = 0;
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      String text = TraceQuery.searchableText(attribute.value());
      if (text == null) {
        continue;
      }
      KeyIndex key = attributeKeys.get(attribute.key());
      if (key == null) {
        key = new KeyIndex();
        attributeKeys.put(attribute.key(), key);
        created++;
      }
      key.newest = Math.max(key.newest, arrival);
      if (text.length() > Storage.MAX_LISTED_VALUE_LENGTH) {
        continue;
      }
      if (text == key.lastText) {
        key.lastEntry[0] = Math.max(key.lastEntry[0], arrival);
        continue;
      }
      if (key.values.isPast(text)) {
        continue;
      }
      long[] newestOfValue = key.values.get(text);
      if (newestOfValue == null) {
        newestOfValue = new long[] {arrival};
        created += key.values.put(text, newestOfValue);
      }
      newestOfValue[0] = Math.max(newestOfValue[0], arrival);
      key.lastText = text;
      key.lastEntry = newestOfValue;
    }
    return created;
  }

  /** True while a trace holding a span of this service is held. */
  boolean isHeld(long oldest) {
    return newest >= oldest;
  }

  void addOperations(long oldest, Collection<Operation> operations) {
    SpanKind[] kinds = SpanKind.values();
    spanNames.forEach((name, newestOfKind) -> {
      for (int kind = 0; kind < KINDS; kind++) {
        if (newestOfKind[kind] >= oldest) {
          operations.add(new Operation(name, kinds[kind]));
        }
      }
    });
  }

  void addAttributeKeys(long oldest, Collection<String> keys) {
    attributeKeys.forEach((key, index) -> {
      if (index.newest >= oldest) {
        keys.add(key);
      }
    });
  }

  void addAttributeValues(long oldest, String key, Collection<String> values) {
    KeyIndex index = attributeKeys.get(key);
    if (index == null || index.newest < oldest) {
      return;
    }
    for (String value : index.values.first()) {
      if (index.values.get(value)[0] >= oldest) {
        values.add(value);
      }
    }
  }

  /**
   * Drops the entries of traces older than {@code oldest}.
   *
   * @return how many entries are left
   */
  int sweep(long oldest) {
    int left = 0;
    for (Iterator<long[]> it = spanNames.values().iterator(); it.hasNext(); ) {
      long[] newestOfKind = it.next();
      long newestOfName = 0;
      for (long arrival : newestOfKind) {
        newestOfName = Math.max(newestOfName, arrival);
      }
      if (newestOfName < oldest) {
        it.remove();
      } else {
        left++;
      }
    }
    for (Iterator<KeyIndex> keys = attributeKeys.values().iterator(); keys.hasNext(); ) {
      KeyIndex key = keys.next();
      if (key.newest < oldest) {
        keys.remove();
        continue;
      }
      if (key.values.removeIf(newestOfValue -> newestOfValue[0] < oldest)) {
        key.lastText = null;
        key.lastEntry = null;
      }
      left += 1 + key.values.size();
    }
    return left;
  }
}
