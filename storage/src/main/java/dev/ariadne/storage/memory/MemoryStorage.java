package dev.ariadne.storage.memory;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.internal.DependencyLinker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Keeps spans in memory, for tests and for {@code --storage=memory}. Holds at most {@code
 * maxSpanCount} spans: a write that goes past the bound evicts whole traces, oldest first arrival
 * first, and counts them ({@link #evictedTraces()}, {@link #evictedSpans()}). A service and span
 * name index keeps searches that name a service from walking every trace.
 *
 * <p>Thread-safe: writes take an exclusive lock, reads a shared one. Nothing is durable.
 */
public final class MemoryStorage implements Storage {
  /** Newest trace start first; ties broken by trace ID so the order is stable. */
  private static final Comparator<TraceEntry> NEWEST_FIRST =
      Comparator.comparingLong((TraceEntry trace) -> trace.minStart).reversed()
          .thenComparing(trace -> trace.traceId.high(), Long::compareUnsigned)
          .thenComparing(trace -> trace.traceId.low(), Long::compareUnsigned);

  private final int maxSpanCount;
  private final Lock readLock;
  private final Lock writeLock;
  /** In order of first arrival, which is the eviction order. */
  private final LinkedHashMap<TraceId, TraceEntry> traces = new LinkedHashMap<>();
  private final Map<String, ServiceIndex> services = new HashMap<>();
  private int spanCount;
  private final AtomicLong evictedTraces = new AtomicLong();
  private final AtomicLong evictedSpans = new AtomicLong();

  private MemoryStorage(int maxSpanCount) {
    this.maxSpanCount = maxSpanCount;
    ReadWriteLock lock = new ReentrantReadWriteLock();
    readLock = lock.readLock();
    writeLock = lock.writeLock();
  }

  /** A store that holds at most {@code maxSpanCount} spans. */
  public static MemoryStorage create(int maxSpanCount) {
    if (maxSpanCount < 1) {
      throw new IllegalArgumentException("maxSpanCount: " + maxSpanCount + " (expected: >= 1)");
    }
    return new MemoryStorage(maxSpanCount);
  }

  public int maxSpanCount() {
    return maxSpanCount;
  }

  /** Spans held now. */
  public int spanCount() {
    readLock.lock();
    try {
      return spanCount;
    } finally {
      readLock.unlock();
    }
  }

  /** Traces held now. */
  public int traceCount() {
    readLock.lock();
    try {
      return traces.size();
    } finally {
      readLock.unlock();
    }
  }

  /** Traces evicted to respect the bound, since creation. */
  public long evictedTraces() {
    return evictedTraces.get();
  }

  /** Spans evicted to respect the bound, since creation. */
  public long evictedSpans() {
    return evictedSpans.get();
  }

  @Override
  public void write(List<Span> spans) {
    requireNonNull(spans, "spans");
    for (Span span : spans) {
      requireNonNull(span, "span");
    }
    writeLock.lock();
    try {
      for (Span span : spans) {
        TraceEntry trace = traces.computeIfAbsent(span.traceId(), TraceEntry::new);
        trace.add(span);
        services.computeIfAbsent(span.serviceName(), name -> new ServiceIndex()).add(span, trace);
      }
      spanCount += spans.size();
      evictOldestWhileOverBound();
    } finally {
      writeLock.unlock();
    }
  }

  private void evictOldestWhileOverBound() {
    Iterator<TraceEntry> oldestFirst = traces.values().iterator();
    while (spanCount > maxSpanCount) {
      TraceEntry trace = oldestFirst.next();
      oldestFirst.remove();
      for (Span span : trace.spans) {
        ServiceIndex service = services.get(span.serviceName());
        if (service.removeEvicted(span, trace)) {
          services.remove(span.serviceName());
        }
      }
      spanCount -= trace.spans.size();
      evictedTraces.incrementAndGet();
      evictedSpans.addAndGet(trace.spans.size());
    }
  }

  @Override
  public List<Span> trace(TraceId traceId) {
    requireNonNull(traceId, "traceId");
    readLock.lock();
    try {
      TraceEntry trace = traces.get(traceId);
      return trace == null ? List.of() : List.copyOf(trace.spans);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<TraceSummary> search(TraceQuery query) {
    requireNonNull(query, "query");
    readLock.lock();
    try {
      // The head of the queue is the oldest of the newest traces found so far.
      PriorityQueue<TraceEntry> newest = new PriorityQueue<>(NEWEST_FIRST.reversed());
      for (TraceEntry trace : candidates(query)) {
        if (!trace.overlaps(query.startEpochNanos(), query.endEpochNanos())
            || (newest.size() == query.limit() && NEWEST_FIRST.compare(trace, newest.peek()) > 0)
            || !anySpanMatches(trace, query)) {
          continue;
        }
        newest.add(trace);
        if (newest.size() > query.limit()) {
          newest.poll();
        }
      }
      List<TraceEntry> found = new ArrayList<>(newest);
      found.sort(NEWEST_FIRST);
      List<TraceSummary> summaries = new ArrayList<>(found.size());
      for (TraceEntry trace : found) {
        summaries.add(trace.summary());
      }
      return List.copyOf(summaries);
    } finally {
      readLock.unlock();
    }
  }

  /** The traces worth looking into: the index narrows them when the query names a service. */
  private Collection<TraceEntry> candidates(TraceQuery query) {
    if (query.serviceName().isEmpty()) {
      return traces.values();
    }
    ServiceIndex service = services.get(query.serviceName().get());
    if (service == null) {
      return List.of();
    }
    if (query.spanName().isEmpty()) {
      return service.traces;
    }
    ServiceIndex.SpanNameIndex spanName = service.spanNames.get(query.spanName().get());
    return spanName == null ? List.of() : spanName.traces;
  }

  private static boolean anySpanMatches(TraceEntry trace, TraceQuery query) {
    for (Span span : trace.spans) {
      if (query.matches(span)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<String> services() {
    readLock.lock();
    try {
      return List.copyOf(new TreeSet<>(services.keySet()));
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<Operation> operations(String serviceName) {
    requireNonNull(serviceName, "serviceName");
    readLock.lock();
    try {
      ServiceIndex service = services.get(serviceName);
      if (service == null) {
        return List.of();
      }
      List<Operation> operations = service.operations();
      operations.sort(Comparator.comparing(Operation::spanName).thenComparing(Operation::kind));
      return List.copyOf(operations);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<String> attributeKeys(Optional<String> serviceName, int limit) {
    return firstSorted(serviceName, limit, service -> service.attributeValues.keySet());
  }

  @Override
  public List<String> attributeValues(Optional<String> serviceName, String key, int limit) {
    requireNonNull(key, "key");
    return firstSorted(serviceName, limit,
        service -> service.attributeValues.getOrDefault(key, Map.of()).keySet());
  }

  /** The first {@code limit} of the sorted union of some strings of one or all services. */
  private List<String> firstSorted(
      Optional<String> serviceName, int limit, Function<ServiceIndex, Collection<String>> strings) {
    requireNonNull(serviceName, "serviceName");
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    readLock.lock();
    try {
      TreeSet<String> sorted = new TreeSet<>();
      if (serviceName.isPresent()) {
        ServiceIndex service = services.get(serviceName.get());
        if (service != null) {
          sorted.addAll(strings.apply(service));
        }
      } else {
        for (ServiceIndex service : services.values()) {
          sorted.addAll(strings.apply(service));
        }
      }
      return sorted.stream().limit(limit).toList();
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos) {
    if (endEpochNanos <= startEpochNanos) {
      throw new IllegalArgumentException("endEpochNanos: " + endEpochNanos
          + " (expected: > startEpochNanos " + startEpochNanos + ")");
    }
    readLock.lock();
    try {
      DependencyLinker linker = new DependencyLinker(startEpochNanos, endEpochNanos);
      for (TraceEntry trace : traces.values()) {
        if (trace.overlaps(startEpochNanos, endEpochNanos)) {
          linker.putTrace(trace.spans);
        }
      }
      return List.copyOf(linker.links());
    } finally {
      readLock.unlock();
    }
  }

  /** Nothing to release; the spans stay readable. */
  @Override
  public void close() {}
}
