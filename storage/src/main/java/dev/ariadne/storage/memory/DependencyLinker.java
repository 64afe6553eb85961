package dev.ariadne.storage.memory;

import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Storage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts calls between services trace by trace, as {@link Storage#dependencies} defines them.
 * Not thread-safe: one per request.
 */
final class DependencyLinker {
  private final long startEpochNanos;
  private final long endEpochNanos;
  /** parent service → child service → {calls, errors}. */
  private final Map<String, Map<String, long[]>> counts = new TreeMap<>();

  DependencyLinker(long startEpochNanos, long endEpochNanos) {
    this.startEpochNanos = startEpochNanos;
    this.endEpochNanos = endEpochNanos;
  }

  void putTrace(List<Span> spans) {
    Map<Long, Span> byId = new HashMap<>(spans.size() * 2);
    for (Span span : spans) {
      byId.merge(span.spanId(), span, (first, second) -> isCallerSide(first) ? second : first);
    }
    for (Span span : spans) {
      long start = span.startEpochNanos();
      if (span.parentSpanId() == 0 || span.parentSpanId() == span.spanId()
          || start < startEpochNanos || start >= endEpochNanos) {
        continue;
      }
      Span parent = byId.get(span.parentSpanId());
      if (parent == null || parent.serviceName().equals(span.serviceName())) {
        continue;
      }
      long[] link = counts.computeIfAbsent(parent.serviceName(), name -> new TreeMap<>())
          .computeIfAbsent(span.serviceName(), name -> new long[2]);
      link[0]++;
      if (span.statusCode() == StatusCode.ERROR
          || (isCallerSide(parent) && parent.statusCode() == StatusCode.ERROR)) {
        link[1]++;
      }
    }
  }

  List<DependencyLink> links() {
    List<DependencyLink> links = new ArrayList<>();
    counts.forEach((parent, children) -> children.forEach((child, link) ->
        links.add(new DependencyLink(parent, child, link[0], link[1]))));
    return links;
  }

  private static boolean isCallerSide(Span span) {
    return span.kind() == SpanKind.CLIENT || span.kind() == SpanKind.PRODUCER;
  }
}
