package dev.ariadne.storage.embedded;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.DependencyLinker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;

/**
 * The recent spans, in memory, from the WAL records not yet covered by a block: readable by trace
 * ID and by search as soon as they are added. Once cut, a head takes no more spans and stays
 * readable until its block is in place. Thread-safe.
 */
final class Head {
  /** Unsigned order of trace IDs, the order of traces in a block. */
  static final Comparator<TraceId> TRACE_ID_ORDER = (a, b) -> {
    int high = Long.compareUnsigned(a.high(), b.high());
    return high != 0 ? high : Long.compareUnsigned(a.low(), b.low());
  };

  private final Lock readLock;
  private final Lock writeLock;
  private final Map<TraceId, List<Span>> traces = new HashMap<>();
  private final Catalog catalog = new Catalog();
  private final long createdNanos;
  private int spanCount;
  private long minStart = Long.MAX_VALUE;
  private long maxStart = Long.MIN_VALUE;

  Head(long createdNanos) {
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    readLock = lock.readLock();
    writeLock = lock.writeLock();
    this.createdNanos = createdNanos;
  }

  /** When the head was started, on {@link System#nanoTime()}'s scale. */
  long createdNanos() {
    return createdNanos;
  }

  void add(List<Span> spans) {
    writeLock.lock();
    try {
      for (Span span : spans) {
        traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>(4)).add(span);
        catalog.add(span);
        minStart = Math.min(minStart, span.startEpochNanos());
        maxStart = Math.max(maxStart, span.startEpochNanos());
      }
      spanCount += spans.size();
    } finally {
      writeLock.unlock();
    }
  }

  int spanCount() {
    readLock.lock();
    try {
      return spanCount;
    } finally {
      readLock.unlock();
    }
  }

  List<Span> trace(TraceId traceId) {
    readLock.lock();
    try {
      List<Span> spans = traces.get(traceId);
      return spans == null ? List.of() : List.copyOf(spans);
    } finally {
      readLock.unlock();
    }
  }

  Optional<TracePart> part(TraceId traceId) {
    readLock.lock();
    try {
      List<Span> spans = traces.get(traceId);
      return spans == null ? Optional.empty() : Optional.of(TracePart.of(traceId, spans));
    } finally {
      readLock.unlock();
    }
  }

  /** The parts of the traces that have a span here matching {@code query}. */
  List<TracePart> search(TraceQuery query) {
    readLock.lock();
    try {
      List<TracePart> parts = new ArrayList<>();
      if (!overlaps(query.startEpochNanos(), query.endEpochNanos())) {
        return parts;
      }
      for (Map.Entry<TraceId, List<Span>> trace : traces.entrySet()) {
        for (Span span : trace.getValue()) {
          if (query.matches(span)) {
            parts.add(TracePart.of(trace.getKey(), trace.getValue()));
            break;
          }
        }
      }
      return parts;
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Gives {@code sink} every call between services in each trace's spans here, if a span here may
   * start in {@code [start, end)}, and adds to {@code open} the traces with a span whose parent is
   * not here.
   */
  void calls(long start, long end, DependencyLinker.CallSink sink, Set<TraceId> open) {
    readLock.lock();
    try {
      if (overlaps(start, end)) {
        for (Map.Entry<TraceId, List<Span>> trace : traces.entrySet()) {
          DependencyLinker.calls(trace.getValue(), sink);
          if (DependencyLinker.hasMissingParent(trace.getValue())) {
            open.add(trace.getKey());
          }
        }
      }
    } finally {
      readLock.unlock();
    }
  }

  /** Passes the catalog's two maps to {@code reader} under the head's lock. */
  void readCatalog(
      BiConsumer<Map<String, Set<Operation>>, Map<String, Map<String, Set<String>>>> reader) {
    readLock.lock();
    try {
      reader.accept(catalog.operations(), catalog.attributeValues());
    } finally {
      readLock.unlock();
    }
  }

  /** The names of the head's spans, for writing a block; only for a head that takes no more spans. */
  Catalog catalog() {
    return catalog;
  }

  /**
   * The traces in trace-ID order, for writing a block; only for a head that takes no more spans.
   */
  Iterator<List<Span>> sortedTraces() {
    readLock.lock();
    try {
      List<TraceId> ids = new ArrayList<>(traces.keySet());
      ids.sort(TRACE_ID_ORDER);
      Iterator<TraceId> next = ids.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return next.hasNext();
        }

        @Override
        public List<Span> next() {
          return trace(next.next());
        }
      };
    } finally {
      readLock.unlock();
    }
  }

  private boolean overlaps(long start, long end) {
    return spanCount > 0 && maxStart >= start && minStart < end;
  }
}
