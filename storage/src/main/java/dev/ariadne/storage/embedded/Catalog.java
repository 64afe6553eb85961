package dev.ariadne.storage.embedded;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.FirstTexts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names a set of spans uses, for listing and for skipping blocks without reading spans:
 * services, their operations, and the searchable attribute keys and {@linkplain
 * TraceQuery#searchableText text values} of their span and resource attributes. Every key is
 * kept, but for each only the {@value Storage#MAX_VALUES_PER_KEY} values that sort first, so that a
 * high-cardinality attribute (a request ID) cannot grow it without bound, and so that the first
 * values of several catalogs together are the first values of all: a block's catalog is its head's
 * when it is cut, and the union of its sources' when it is compacted, exactly as if it were
 * gathered from its spans again. Not thread-safe.
 */
final class Catalog {
  private final Map<String, Set<Operation>> operations = new HashMap<>();
  private final Map<String, Map<String, FirstTexts<Boolean>>> attributeValues = new HashMap<>();
  private final RecentResources resourcesAdded = new RecentResources();

  void add(Span span) {
    String service = span.serviceName();
    Set<Operation> serviceOperations = operations.get(service);
    if (serviceOperations == null) {
      serviceOperations = new HashSet<>();
      operations.put(service, serviceOperations);
    }
    serviceOperations.add(new Operation(span.name(), span.kind()));
    Map<String, FirstTexts<Boolean>> keys =
        attributeValues.computeIfAbsent(service, name -> new HashMap<>());
    addAttributes(keys, span.attributes());
    // Decoders share one resource among the spans of a request: its attributes are added once.
    if (resourcesAdded.get(span.resource()) < 0) {
      resourcesAdded.put(span.resource(), 0);
      addAttributes(keys, span.resource().attributes());
    }
  }

  /** Adds the names of a block, as its metadata lists them. */
  void addAll(BlockMeta meta) {
    meta.operations().forEach((service, names) ->
        operations.computeIfAbsent(service, name -> new HashSet<>()).addAll(names));
    meta.attributeValues().forEach((service, values) -> {
      Map<String, FirstTexts<Boolean>> keys =
          attributeValues.computeIfAbsent(service, name -> new HashMap<>());
      values.forEach((key, texts) -> {
        for (String text : texts) {
          addValue(keys, key, text);
        }
      });
    });
  }

  /** Service → its operations; live, guarded by the owner. */
  Map<String, Set<Operation>> operations() {
    return operations;
  }

  /**
   * Service → attribute key → text values, in maps made for the call; the sets of values are
   * live, guarded by the owner.
   */
  Map<String, Map<String, Set<String>>> attributeValues() {
    Map<String, Map<String, Set<String>>> services = new HashMap<>();
    attributeValues.forEach((service, keys) -> {
      Map<String, Set<String>> values = new HashMap<>();
      keys.forEach((key, texts) -> values.put(key, texts.first()));
      services.put(service, values);
    });
    return services;
  }

  // An index loop: the iterators of a span's lists escaped (async-profiler, event=alloc).
  private static void addAttributes(
      Map<String, FirstTexts<Boolean>> keys, List<Attribute> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      String text = TraceQuery.searchableText(attribute.value());
      if (text != null) {
        addValue(keys, attribute.key(), text);
      }
    }
  }

  /** Adds a value to its key's first values. */
  private static void addValue(Map<String, FirstTexts<Boolean>> keys, String key, String text) {
    FirstTexts<Boolean> values = keys.get(key);
    if (values == null) {
      values = new FirstTexts<>();
      keys.put(key, values);
    }
    if (!values.isPast(text) && values.get(text) == null) {
      values.put(text, Boolean.TRUE);
    }
  }
}
