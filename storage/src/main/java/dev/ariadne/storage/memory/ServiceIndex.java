package dev.ariadne.storage.memory;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.TraceQuery;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one service has stored: its traces, its span names with their kinds and traces, and the
 * searchable attribute values of its spans. Counts are per span, so removing the spans of evicted
 * traces leaves exactly what the remaining spans need. Guarded by {@link MemoryStorage}'s lock.
 */
final class ServiceIndex {
  final Set<TraceEntry> traces = new HashSet<>();
  final Map<String, SpanNameIndex> spanNames = new HashMap<>();
  final Map<String, Map<String, Integer>> attributeValues = new HashMap<>();
  private int spanCount;

  /** The traces and kinds of one span name of the service. */
  static final class SpanNameIndex {
    final Set<TraceEntry> traces = new HashSet<>();
    private final Map<SpanKind, Integer> spansByKind = new EnumMap<>(SpanKind.class);
  }

  void add(Span span, TraceEntry trace) {
    spanCount++;
    traces.add(trace);
    SpanNameIndex spanName = spanNames.computeIfAbsent(span.name(), name -> new SpanNameIndex());
    spanName.spansByKind.merge(span.kind(), 1, Integer::sum);
    spanName.traces.add(trace);
    addAttributes(span.attributes());
    addAttributes(span.resource().attributes());
  }

  /**
   * Forgets one span of a trace that is being evicted whole.
   *
   * @return true when the service has no spans left
   */
  boolean removeEvicted(Span span, TraceEntry trace) {
    traces.remove(trace);
    SpanNameIndex spanName = spanNames.get(span.name());
    spanName.traces.remove(trace);
    spanName.spansByKind.computeIfPresent(span.kind(), ServiceIndex::decrement);
    if (spanName.spansByKind.isEmpty()) {
      spanNames.remove(span.name());
    }
    removeAttributes(span.attributes());
    removeAttributes(span.resource().attributes());
    return --spanCount == 0;
  }

  List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    spanNames.forEach((name, index) -> {
      for (SpanKind kind : index.spansByKind.keySet()) {
        operations.add(new Operation(name, kind));
      }
    });
    return operations;
  }

  private void addAttributes(List<Attribute> attributes) {
    for (Attribute attribute : attributes) {
      TraceQuery.searchableText(attribute.value()).ifPresent(text ->
          attributeValues.computeIfAbsent(attribute.key(), key -> new HashMap<>())
              .merge(text, 1, Integer::sum));
    }
  }

  private void removeAttributes(List<Attribute> attributes) {
    for (Attribute attribute : attributes) {
      TraceQuery.searchableText(attribute.value()).ifPresent(text ->
          attributeValues.computeIfPresent(attribute.key(), (key, values) -> {
            values.computeIfPresent(text, ServiceIndex::decrement);
            return values.isEmpty() ? null : values;
          }));
    }
  }

  /** A count one lower, or null (which removes it from its map) when it reaches 0. */
  private static Integer decrement(Object key, Integer count) {
    return count == 1 ? null : count - 1;
  }
}
