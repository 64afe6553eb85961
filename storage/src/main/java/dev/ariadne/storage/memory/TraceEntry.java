package dev.ariadne.storage.memory;

import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.TraceSummary.ServiceSpans;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The spans of one trace in arrival order, with the figures a summary needs kept up to date as
 * spans arrive, so that search never walks a trace twice. Guarded by {@link MemoryStorage}'s lock.
 */
final class TraceEntry {
  final TraceId traceId;
  /** This trace's place in arrival order, from 1: the {@link ServiceIndex} keeps entries by it. */
  final long arrival;
  final List<Span> spans = new ArrayList<>();
  long minStart = Long.MAX_VALUE;
  long maxStart = Long.MIN_VALUE;
  private long maxEnd = Long.MIN_VALUE;
  private int errorCount;
  private Span root;
  private final Map<String, Integer> spansByService = new TreeMap<>();

  TraceEntry(TraceId traceId, long arrival) {
    this.traceId = traceId;
    this.arrival = arrival;
  }

  void add(Span span) {
    spans.add(span);
    minStart = Math.min(minStart, span.startEpochNanos());
    maxStart = Math.max(maxStart, span.startEpochNanos());
    maxEnd = Math.max(maxEnd, span.endEpochNanos());
    if (span.statusCode() == StatusCode.ERROR) {
      errorCount++;
    }
    if (span.parentSpanId() == 0
        && (root == null || span.startEpochNanos() < root.startEpochNanos())) {
      root = span;
    }
    spansByService.merge(span.serviceName(), 1, Integer::sum);
  }

  /** True if a span of the service is held. */
  boolean hasService(String serviceName) {
    return spansByService.containsKey(serviceName);
  }

  /** True if some span may start in {@code [start, end)}. */
  boolean overlaps(long start, long end) {
    return maxStart >= start && minStart < end;
  }

  TraceSummary summary() {
    List<ServiceSpans> services = new ArrayList<>(spansByService.size());
    spansByService.forEach((service, count) -> services.add(new ServiceSpans(service, count)));
    Optional<Span> rootSpan = Optional.ofNullable(root);
    return new TraceSummary(
        traceId,
        rootSpan.map(Span::serviceName),
        rootSpan.map(Span::name),
        minStart,
        maxEnd - minStart,
        spans.size(),
        errorCount,
        services);
  }
}
