package dev.ariadne.storage.embedded;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

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
  private final Map<String, Map<String, Set<String>>> attributeValues = new HashMap<>();
  private final RecentResources resourcesAdded = new RecentResources();

  void add(Span span) {
    String service = span.serviceName();
    Set<Operation> serviceOperations = operations.get(service);
    if (serviceOperations == null) {
      serviceOperations = new HashSet<>();
      operations.put(service, serviceOperations);
    }
    serviceOperations.add(new Operation(span.name(), span.kind()));
    Map<String, Set<String>> keys =
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
      Map<String, Set<String>> keys =
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

  /** Service → attribute key → text values; live, guarded by the owner. */
  Map<String, Map<String, Set<String>>> attributeValues() {
    return attributeValues;
  }

  // An index loop: the iterators of a span's lists escaped (async-profiler, event=alloc).
  private static void addAttributes(Map<String, Set<String>> keys, List<Attribute> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      String text = TraceQuery.searchableText(attribute.value());
      if (text != null) {
        addValue(keys, attribute.key(), text);
      }
    }
  }

  /**
   * Adds a value to its key's set: a hash set while the key has few values, a sorted set that
   * keeps the first {@link Storage#MAX_VALUES_PER_KEY} once it has more, so the common case (a value
   * already seen) costs one hash lookup.
   */
  private static void addValue(Map<String, Set<String>> keys, String key, String text) {
    Set<String> values = keys.computeIfAbsent(key, k -> new HashSet<>());
    if (values instanceof HashSet<String> few) {
      if (few.add(text) && few.size() > Storage.MAX_VALUES_PER_KEY) {
        NavigableSet<String> first = new TreeSet<>(few);
        first.pollLast();
        keys.put(key, first);
      }
    } else {
      NavigableSet<String> first = (NavigableSet<String>) values;
      if (text.compareTo(first.last()) < 0 && first.add(text)) {
        first.pollLast();
      }
    }
  }
}
