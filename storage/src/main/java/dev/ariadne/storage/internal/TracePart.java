package dev.ariadne.storage.internal;

import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.TraceSummary.ServiceSpans;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one part of a trace (the spans of it in the head, or in one block) contributes to the
 * trace's {@link TraceSummary}. The parts of a trace held in different places merge into the
 * summary of the whole trace; a backend that reads a trace whole makes its summary as one part.
 * Immutable.
 *
 * @param rootServiceName the service of this part's root span (the earliest span without a
 *     parent), or null when this part has none
 * @param rootSpanName that root span's name, or null
 * @param rootStartEpochNanos that root span's start, or {@link Long#MAX_VALUE}
 * @param serviceSpans the spans per service, sorted by service name
 */
public record TracePart(
    TraceId traceId,
    long startEpochNanos,
    long endEpochNanos,
    String rootServiceName,
    String rootSpanName,
    long rootStartEpochNanos,
    int spanCount,
    int errorCount,
    Map<String, Integer> serviceSpans) {

  public TracePart {
    Objects.requireNonNull(traceId, "traceId");
    serviceSpans = Map.copyOf(serviceSpans);
  }

  /** The part made of {@code spans}, which all belong to {@code traceId}; not empty. */
  public static TracePart of(TraceId traceId, List<Span> spans) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    Span root = null;
    int errors = 0;
    Map<String, Integer> services = new TreeMap<>();
    for (Span span : spans) {
      start = Math.min(start, span.startEpochNanos());
      end = Math.max(end, span.endEpochNanos());
      if (span.statusCode() == StatusCode.ERROR) {
        errors++;
      }
      if (span.parentSpanId() == 0
          && (root == null || span.startEpochNanos() < root.startEpochNanos())) {
        root = span;
      }
      services.merge(span.serviceName(), 1, Integer::sum);
    }
    return new TracePart(traceId, start, end,
        root == null ? null : root.serviceName(),
        root == null ? null : root.name(),
        root == null ? Long.MAX_VALUE : root.startEpochNanos(),
        spans.size(), errors, services);
  }

  /** This part and another of the same trace, as one. */
  public TracePart merge(TracePart other) {
    if (!traceId.equals(other.traceId)) {
      throw new IllegalArgumentException("parts of two traces: " + traceId + ", " + other.traceId);
    }
    Map<String, Integer> services = new TreeMap<>(serviceSpans);
    other.serviceSpans.forEach((service, count) -> services.merge(service, count, Integer::sum));
    boolean otherRoot = other.rootServiceName != null
        && (rootServiceName == null || other.rootStartEpochNanos < rootStartEpochNanos);
    return new TracePart(traceId,
        Math.min(startEpochNanos, other.startEpochNanos),
        Math.max(endEpochNanos, other.endEpochNanos),
        otherRoot ? other.rootServiceName : rootServiceName,
        otherRoot ? other.rootSpanName : rootSpanName,
        otherRoot ? other.rootStartEpochNanos : rootStartEpochNanos,
        spanCount + other.spanCount,
        errorCount + other.errorCount,
        services);
  }

  /** The summary of the trace, if this part is all of it. */
  public TraceSummary summary() {
    List<ServiceSpans> services = new ArrayList<>(serviceSpans.size());
    new TreeMap<>(serviceSpans).forEach((service, count) -> services.add(new ServiceSpans(service, count)));
    return new TraceSummary(traceId, Optional.ofNullable(rootServiceName),
        Optional.ofNullable(rootSpanName), startEpochNanos, endEpochNanos - startEpochNanos,
        spanCount, errorCount, services);
  }
}
