package dev.ariadne.storage.embedded;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.FirstTexts;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names a set of spans uses, for listing and for skipping blocks without reading spans:
 * services, their operations, and the searchable attribute keys and {@linkplain
 * TraceQuery#searchableText text values} of their span and resource attributes. Only the {@value
 * Storage#MAX_SERVICES} services that sort first are kept, of each of them the {@value
 * Storage#MAX_NAMES_PER_SERVICE} span names and keys that sort first (a span name keeps every kind
 * it was seen with), and of each key the {@value Storage#MAX_VALUES_PER_KEY} values that sort
 * first (none longer than {@value Storage#MAX_LISTED_VALUE_LENGTH} chars), so that names and
 * values made from IDs (a pod in the service name, a span named after its URL, a request ID)
 * cannot grow it without bound, and so that the first names of several catalogs together are the
 * first names of all: a block's catalog is its head's when it is cut, and the union of its
 * sources' when it is compacted, exactly as if it were gathered from its spans again. Not
 * thread-safe.
 */
final class Catalog {
  private final FirstTexts<Names> services = new FirstTexts<>(Storage.MAX_SERVICES);
  private final RecentResources resourcesAdded = new RecentResources();

  /** What is kept of one service. */
  private static final class Names {
    /** Span name → the kinds it was seen with. */
    final FirstTexts<Set<SpanKind>> spanNames = new FirstTexts<>(Storage.MAX_NAMES_PER_SERVICE);
    /** Attribute key → text values. */
    final FirstTexts<FirstTexts<Boolean>> keys = new FirstTexts<>(Storage.MAX_NAMES_PER_SERVICE);
  }

  void add(Span span) {
    Names names = names(span.serviceName());
    if (names == null) {
      return;
    }
    addOperation(names.spanNames, span.name(), span.kind());
    addAttributes(names.keys, span.attributes());
    // Decoders share one resource among the spans of a request: its attributes are added once.
    if (resourcesAdded.get(span.resource()) < 0) {
      resourcesAdded.put(span.resource(), 0);
      addAttributes(names.keys, span.resource().attributes());
    }
  }

  /** Adds the names of a block, as its metadata lists them. */
  void addAll(BlockMeta meta) {
    addAll(meta.operations(), meta.attributeValues());
  }

  /** Adds the names that {@link #operations} and {@link #attributeValues} give. */
  void addAll(Map<String, Set<Operation>> operations,
      Map<String, Map<String, Set<String>>> attributeValues) {
    operations.forEach((service, serviceOperations) -> {
      Names names = names(service);
      if (names != null) {
        for (Operation operation : serviceOperations) {
          addOperation(names.spanNames, operation.spanName(), operation.kind());
        }
      }
    });
    attributeValues.forEach((service, values) -> {
      Names names = names(service);
      if (names != null) {
        values.forEach((key, texts) -> {
          // Added even without values: those of a key may all have been too long to list.
          FirstTexts<Boolean> kept = addKey(names.keys, key);
          if (kept != null) {
            texts.forEach(text -> addText(kept, text));
          }
        });
      }
    });
  }

  /** Service → its operations, in sets made for the call. */
  Map<String, Set<Operation>> operations() {
    Map<String, Set<Operation>> operations = new HashMap<>();
    for (String service : services.first()) {
      FirstTexts<Set<SpanKind>> spanNames = services.get(service).spanNames;
      Set<Operation> serviceOperations = new HashSet<>();
      for (String name : spanNames.first()) {
        for (SpanKind kind : spanNames.get(name)) {
          serviceOperations.add(new Operation(name, kind));
        }
      }
      operations.put(service, serviceOperations);
    }
    return operations;
  }

  /**
   * Service → attribute key → text values, in maps made for the call; the sets of values are
   * live, guarded by the owner.
   */
  Map<String, Map<String, Set<String>>> attributeValues() {
    Map<String, Map<String, Set<String>>> attributeValues = new HashMap<>();
    for (String service : services.first()) {
      FirstTexts<FirstTexts<Boolean>> keys = services.get(service).keys;
      Map<String, Set<String>> values = new HashMap<>();
      for (String key : keys.first()) {
        values.put(key, keys.get(key).first());
      }
      attributeValues.put(service, values);
    }
    return attributeValues;
  }

  /**
   * What is kept of {@code service}, made when it has nothing yet; null if it is past the first.
   */
  private Names names(String service) {
    Names names = services.get(service);
    if (names == null) {
      if (services.isPast(service)) {
        return null;
      }
      names = new Names();
      services.put(service, names);
    }
    return names;
  }

  private static void addOperation(FirstTexts<Set<SpanKind>> names, String name, SpanKind kind) {
    Set<SpanKind> kinds = names.get(name);
    if (kinds == null) {
      if (names.isPast(name)) {
        return;
      }
      kinds = EnumSet.noneOf(SpanKind.class);
      names.put(name, kinds);
    }
    kinds.add(kind);
  }

  // An index loop: the iterators of a span's lists escaped (async-profiler, event=alloc).
  private static void addAttributes(
      FirstTexts<FirstTexts<Boolean>> keys, List<Attribute> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      String text = TraceQuery.searchableText(attribute.value());
      if (text != null) {
        addValue(keys, attribute.key(), text);
      }
    }
  }

  /** The values of {@code key}, which is added if it has none yet; null if it is past the first. */
  private static FirstTexts<Boolean> addKey(FirstTexts<FirstTexts<Boolean>> keys, String key) {
    FirstTexts<Boolean> values = keys.get(key);
    if (values == null && !keys.isPast(key)) {
      values = new FirstTexts<>(Storage.MAX_VALUES_PER_KEY);
      keys.put(key, values);
    }
    return values;
  }

  /**
   * Adds a value to its key's first values, if the key is among the service's first keys; a value
   * too long to list adds only its key.
   */
  private static void addValue(FirstTexts<FirstTexts<Boolean>> keys, String key, String text) {
    FirstTexts<Boolean> values = addKey(keys, key);
    if (values != null) {
      addText(values, text);
    }
  }

  /** Adds a value to a key's first values, unless it is too long to list or past the first. */
  private static void addText(FirstTexts<Boolean> values, String text) {
    if (text.length() <= Storage.MAX_LISTED_VALUE_LENGTH
        && !values.isPast(text) && values.get(text) == null) {
      values.put(text, Boolean.TRUE);
    }
  }
}
