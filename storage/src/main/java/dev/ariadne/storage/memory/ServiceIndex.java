package dev.ariadne.storage.memory;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
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
 * searchable attribute values of its spans and resources. Span attributes are counted per span and
 * resource attributes per distinct resource held, so removing the spans of evicted traces leaves
 * exactly what the remaining spans need. Guarded by {@link MemoryStorage}'s lock.
 */
final class ServiceIndex {
  final Set<TraceEntry> traces = new HashSet<>();
  final Map<String, SpanNameIndex> spanNames = new HashMap<>();
  /** Key → text value → how many spans hold it (a one-element array, counted in place). */
  final Map<String, Map<String, int[]>> attributeValues = new HashMap<>();
  /**
   * Spans held per distinct resource: a resource's attributes are counted once while any of its
   * spans is held, not once per span: on the load generator's OTLP load, counting attributes went
   * from 14.7% to 11.8% of the server's CPU (async-profiler, event=itimer).
   */
  private final Map<Resource, int[]> resourceSpans = new HashMap<>();
  /**
   * The resource object of the last span added or removed and its count: the spans of a request
   * share one resource object per service, so most spans find theirs by identity, without
   * hashing the resource's attributes.
   */
  private Resource lastResource;
  private int[] lastResourceSpans;
  private int spanCount;

  /** The traces and kinds of one span name of the service. */
  static final class SpanNameIndex {
    final Set<TraceEntry> traces = new HashSet<>();
    /** Spans per kind, counted in place. */
    private final Map<SpanKind, int[]> spansByKind = new EnumMap<>(SpanKind.class);
  }

  void add(Span span, TraceEntry trace) {
    spanCount++;
    traces.add(trace);
    SpanNameIndex spanName = spanNames.computeIfAbsent(span.name(), name -> new SpanNameIndex());
    spanName.spansByKind.computeIfAbsent(span.kind(), kind -> new int[1])[0]++;
    spanName.traces.add(trace);
    addAttributes(span.attributes());
    if (spansOf(span.resource())[0]++ == 0) {
      addAttributes(span.resource().attributes());
    }
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
    int[] ofKind = spanName.spansByKind.get(span.kind());
    if (--ofKind[0] == 0) {
      spanName.spansByKind.remove(span.kind());
    }
    if (spanName.spansByKind.isEmpty()) {
      spanNames.remove(span.name());
    }
    removeAttributes(span.attributes());
    if (--spansOf(span.resource())[0] == 0) {
      resourceSpans.remove(span.resource());
      lastResource = null;
      removeAttributes(span.resource().attributes());
    }
    return --spanCount == 0;
  }

  /** The count of spans held of this resource (or one equal to it), added at zero if new. */
  @SuppressWarnings("ReferenceEquality") // identity is the point: equals() is deep
  private int[] spansOf(Resource resource) {
    if (resource != lastResource) {
      lastResourceSpans = resourceSpans.computeIfAbsent(resource, r -> new int[1]);
      lastResource = resource;
    }
    return lastResourceSpans;
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

  // Counted through mutable one-element arrays and plain loops: this runs for every attribute of
  // every span written and evicted, and boxed counts with capturing lambdas were an eighth of what
  // the memory backend's ingest allocated (async-profiler, event=alloc, Zipkin JSON load).
  private void addAttributes(List<Attribute> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      String text = TraceQuery.searchableText(attribute.value());
      if (text != null) {
        Map<String, int[]> values =
            attributeValues.computeIfAbsent(attribute.key(), key -> new HashMap<>());
        int[] count = values.get(text);
        if (count == null) {
          values.put(text, new int[] {1});
        } else {
          count[0]++;
        }
      }
    }
  }

  private void removeAttributes(List<Attribute> attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      String text = TraceQuery.searchableText(attribute.value());
      Map<String, int[]> values = text == null ? null : attributeValues.get(attribute.key());
      int[] count = values == null ? null : values.get(text);
      if (count != null && --count[0] == 0) {
        values.remove(text);
        if (values.isEmpty()) {
          attributeValues.remove(attribute.key());
        }
      }
    }
  }
}
