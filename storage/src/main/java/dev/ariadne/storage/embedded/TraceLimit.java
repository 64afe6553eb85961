package dev.ariadne.storage.embedded;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.DroppedSpans;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-trace span limit: splits each write into the spans to store and, per trace, the spans
 * past the limit, counted per service and span name. Counts of recently written traces are kept
 * (at most {@link #TRACKED_TRACES}); a trace not among them is counted afresh from storage.
 * Thread-safe: decisions are taken one write at a time, so two writes of one trace cannot both
 * take its last places.
 */
final class TraceLimit {
  /** Traces whose counts are kept between writes; the least recently written are forgotten. */
  static final int TRACKED_TRACES = 100_000;

  /** Counts the spans of a trace already stored. */
  @FunctionalInterface
  interface StoredCount {
    int spans(TraceId traceId) throws IOException;
  }

  /** A write split by the limit. */
  record Split(List<Span> kept, Map<TraceId, List<DroppedSpans>> dropped) {}

  private final int maxSpansPerTrace;
  private final StoredCount stored;
  private final Map<TraceId, int[]> counts =
      new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<TraceId, int[]> eldest) {
          return size() > TRACKED_TRACES;
        }
      };

  TraceLimit(int maxSpansPerTrace, StoredCount stored) {
    this.maxSpansPerTrace = maxSpansPerTrace;
    this.stored = stored;
  }

  synchronized Split split(List<Span> spans) throws IOException {
    List<Span> kept = new ArrayList<>(spans.size());
    Map<TraceId, Map<List<String>, Long>> dropped = null;
    for (Span span : spans) {
      int[] count = counts.get(span.traceId());
      if (count == null) {
        count = new int[] {stored.spans(span.traceId())};
        counts.put(span.traceId(), count);
      }
      if (count[0] < maxSpansPerTrace) {
        count[0]++;
        kept.add(span);
      } else {
        if (dropped == null) {
          dropped = new LinkedHashMap<>();
        }
        dropped.computeIfAbsent(span.traceId(), id -> new TreeMap<>(TraceLimit::compareKeys))
            .merge(List.of(span.serviceName(), span.name()), 1L, Long::sum);
      }
    }
    if (dropped == null) {
      return new Split(spans, Map.of());
    }
    Map<TraceId, List<DroppedSpans>> byTrace = new LinkedHashMap<>();
    dropped.forEach((traceId, keys) -> {
      List<DroppedSpans> list = new ArrayList<>(keys.size());
      keys.forEach((key, count) -> list.add(new DroppedSpans(key.get(0), key.get(1), count)));
      byTrace.put(traceId, list);
    });
    return new Split(kept, byTrace);
  }

  private static int compareKeys(List<String> a, List<String> b) {
    int service = a.get(0).compareTo(b.get(0));
    return service != 0 ? service : a.get(1).compareTo(b.get(1));
  }
}
