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
 * TraceQuery#searchableText text values} of their span and resource attributes. Of each service
 * only the {@value Storage#MAX_NAMES_PER_SERVICE} span names and keys that sort first are kept
 * (a span name keeps every kind it was seen with), and of each key the {@value
 * Storage#MAX_VALUES_PER_KEY} values that sort first (none longer than {@value
 * Storage#MAX_LISTED_VALUE_LENGTH} chars), so that names and values made from IDs (a
 * span named after its URL, a request ID) cannot grow it without bound, and so that the first
 * names of several catalogs together are the first names of all: a block's catalog is its head's
 * when it is cut, and the union of its sources' when it is compacted, exactly as if it were
 * gathered from its spans again. Not thread-safe.
 */
final class Catalog {
  /** Service → span name → the kinds it was seen with. */
  private final Map<String, FirstTexts<Set<SpanKind>>> operations = new HashMap<>();
  /** Service → attribute key → text values. */
  private final Map<String, FirstTexts<FirstTexts<Boolean>>> attributeValues = new HashMap<>();
  private final RecentResources resourcesAdded = new RecentResources();

  void add(Span span) {
    String service = span.serviceName();
    addOperation(spanNames(service), span.name(), span.kind());
    FirstTexts<FirstTexts<Boolean>> keys = keys(service);
    addAttributes(keys, span.attributes());
    // Decoders share one resource among the spans of a request: its attributes are added once.
    if (resourcesAdded.get(span.resource()) < 0) {
      resourcesAdded.put(span.resource(), 0);
      addAttributes(keys, span.resource().attributes());
    }
  }

  /** Adds the names of a block, as its metadata lists them. */
  void addAll(BlockMeta meta) {
    meta.operations().forEach((service, serviceOperations) -> {
      FirstTexts<Set<SpanKind>> names = spanNames(service);
      for (Operation operation : serviceOperations) {
        addOperation(names, operation.spanName(), operation.kind());
      }
    });
    meta.attributeValues().forEach((service, values) -> {
      FirstTexts<FirstTexts<Boolean>> keys = keys(service);
      values.forEach((key, texts) -> {
        for (String text : texts) {
          addValue(keys, key, text);
        }
      });
    });
  }

  /** Service → its operations, in sets made for the call. */
  Map<String, Set<Operation>> operations() {
    Map<String, Set<Operation>> services = new HashMap<>();
    operations.forEach((service, names) -> {
      Set<Operation> serviceOperations = new HashSet<>();
      for (String name : names.first()) {
        for (SpanKind kind : names.get(name)) {
          serviceOperations.add(new Operation(name, kind));
        }
      }
      services.put(service, serviceOperations);
    });
    return services;
  }

  /**
   * Service → attribute key → text values, in maps made for the call; the sets of values are
   * live, guarded by the owner.
   */
  Map<String, Map<String, Set<String>>> attributeValues() {
    Map<String, Map<String, Set<String>>> services = new HashMap<>();
    attributeValues.forEach((service, keys) -> {
      Map<String, Set<String>> values = new HashMap<>();
      for (String key : keys.first()) {
        values.put(key, keys.get(key).first());
      }
      services.put(service, values);
    });
    return services;
  }

  private FirstTexts<Set<SpanKind>> spanNames(String service) {
    return firstNames(operations, service);
  }

  private FirstTexts<FirstTexts<Boolean>> keys(String service) {
    return firstNames(attributeValues, service);
  }

  /** The first names of {@code service} in {@code byService}, made when it has none yet. */
  private static <V> FirstTexts<V> firstNames(
      Map<String, FirstTexts<V>> byService, String service) {
    FirstTexts<V> names = byService.get(service);
    if (names == null) {
      names = new FirstTexts<>(Storage.MAX_NAMES_PER_SERVICE);
      byService.put(service, names);
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

  /**
   * Adds a value to its key's first values, if the key is among the service's first keys; a value
   * too long to list adds only its key.
   */
  private static void addValue(FirstTexts<FirstTexts<Boolean>> keys, String key, String text) {
    FirstTexts<Boolean> values = keys.get(key);
    if (values == null) {
      if (keys.isPast(key)) {
        return;
      }
      values = new FirstTexts<>(Storage.MAX_VALUES_PER_KEY);
      keys.put(key, values);
    }
    if (text.length() <= Storage.MAX_LISTED_VALUE_LENGTH
        && !values.isPast(text) && values.get(text) == null) {
      values.put(text, Boolean.TRUE);
    }
  }
}
