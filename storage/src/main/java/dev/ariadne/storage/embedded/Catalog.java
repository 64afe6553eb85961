package dev.ariadne.storage.embedded;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.TraceQuery;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names a set of spans uses, for listing without reading spans: services, their operations,
 * and the searchable attribute keys and values of their span and resource attributes. Values are
 * capped at {@link #MAX_VALUES_PER_KEY} per service and key, so a high-cardinality attribute (a
 * request ID) cannot grow it without bound; keys are always kept. Not thread-safe.
 */
final class Catalog {
  /** The most values kept per service and attribute key. */
  static final int MAX_VALUES_PER_KEY = 1000;

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
    Map<String, Set<String>> values =
        attributeValues.computeIfAbsent(service, name -> new HashMap<>());
    addAttributes(span.attributes(), values);
    // Decoders share one resource among the spans of a request: its attributes are added once.
    if (resourcesAdded.get(span.resource()) < 0) {
      resourcesAdded.put(span.resource(), 0);
      addAttributes(span.resource().attributes(), values);
    }
  }

  private static void addAttributes(List<Attribute> attributes, Map<String, Set<String>> values) {
    for (Attribute attribute : attributes) {
      String text = TraceQuery.searchableText(attribute.value());
      if (text != null) {
        Set<String> seen = values.computeIfAbsent(attribute.key(), key -> new HashSet<>());
        if (seen.size() < MAX_VALUES_PER_KEY) {
          seen.add(text);
        }
      }
    }
  }

  /** Service → its operations; live, guarded by the owner. */
  Map<String, Set<Operation>> operations() {
    return operations;
  }

  /** Service → attribute key → text values; live, guarded by the owner. */
  Map<String, Map<String, Set<String>>> attributeValues() {
    return attributeValues;
  }
}
