package dev.ariadne.storage.cassandra;

import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.TraceSummary.ServiceSpans;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Summaries of whole traces, as {@link TraceSummary} defines them. */
final class Summaries {
  /** Newest start first; of equal starts, by trace ID, so that an answer does not vary. */
  static final Comparator<TraceSummary> NEWEST_FIRST =
      Comparator.comparingLong(TraceSummary::startEpochNanos).reversed()
          .thenComparing(TraceSummary::traceId,
              Comparator.comparingLong(TraceId::high).thenComparingLong(TraceId::low));

  private Summaries() {}

  /** The summary of a trace's spans; {@code spans} is not empty. */
  static TraceSummary of(TraceId traceId, List<Span> spans) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int errors = 0;
    Span root = null;
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
    List<ServiceSpans> serviceSpans = new ArrayList<>(services.size());
    services.forEach((name, count) -> serviceSpans.add(new ServiceSpans(name, count)));
    return new TraceSummary(traceId,
        Optional.ofNullable(root).map(Span::serviceName),
        Optional.ofNullable(root).map(Span::name),
        start, end - start, spans.size(), errors, serviceSpans);
  }
}
