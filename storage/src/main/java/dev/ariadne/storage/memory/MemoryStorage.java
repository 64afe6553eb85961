package dev.ariadne.storage.memory;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.CancelledException;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.internal.DependencyLinker;
import dev.ariadne.storage.internal.Operations;
import dev.ariadne.storage.internal.SpanCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps spans in memory, for tests and for {@code --storage=memory}. Holds at most {@code
 * maxSpanCount} spans: a write that goes past the bound evicts whole traces, oldest first arrival
 * first, and counts them ({@link #evictedTraces()}, {@link #evictedSpans()}). An index per service
 * serves the listings of services, operations and attribute values without walking the spans.
 *
 * <p>Spans are held in their byte form ({@link SpanCodec}, as the embedded engine's head holds
 * them), one codec call per trace per write, and decoded when read. Held as objects, a span was
 * about thirty objects, which lived just long enough for young collections to copy them: on the
 * load generator's OTLP load a quarter of the server's CPU went to the garbage collector, and the
 * heap held up to two and a half times as much (see {@code docs/benchmarks.md}).
 *
 * <p>Thread-safe: writes take an exclusive lock, reads a shared one, and encoding and decoding
 * happen outside it. Nothing is durable.
 */
public final class MemoryStorage implements Storage {
  /** Newest trace start first; ties broken by trace ID so the order is stable. */
  private static final Comparator<Candidate> NEWEST_FIRST =
      Comparator.comparingLong((Candidate candidate) -> candidate.minStart).reversed()
          .thenComparing(candidate -> candidate.traceId().high(), Long::compareUnsigned)
          .thenComparing(candidate -> candidate.traceId().low(), Long::compareUnsigned);

  /** Index entries made before the first sweep, however few the index held then. */
  static final int SWEEP_AFTER_ENTRIES = 4096;

  private final int maxSpanCount;
  private final Lock readLock;
  private final Lock writeLock;
  /** In order of first arrival, which is the eviction order. */
  private final LinkedHashMap<TraceId, TraceEntry> traces = new LinkedHashMap<>();
  private final Map<String, ServiceIndex> services = new HashMap<>();
  /** Traces that have arrived, evicted ones included: the last one's arrival number. */
  private long arrivals;
  private int spanCount;
  /** Index entries made since the last sweep, and how many the sweep left. */
  private int indexEntriesMade;
  private int indexEntriesSwept;
  /** Spans evicted since the last sweep. */
  private long evictedSinceSweep;
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

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if an attribute value nests deeper than {@link
   *     SpanCodec#MAX_VALUE_DEPTH}; then none of {@code spans} is stored
   */
  @Override
  public void write(List<Span> spans) {
    requireNonNull(spans, "spans");
    List<Group> groups = encode(spans);
    writeLock.lock();
    try {
      add(groups);
      spanCount += spans.size();
      evictOldestWhileOverBound();
      sweepIfDue();
    } finally {
      writeLock.unlock();
    }
  }

  /** The spans of one trace in one write, and their byte form and filter. */
  private static final class Group {
    final TraceId traceId;
    final List<Span> spans;
    final byte[] bytes;
    final long[] filter;

    Group(TraceId traceId, List<Span> spans, byte[] bytes, long[] filter) {
      this.traceId = traceId;
      this.spans = spans;
      this.bytes = bytes;
      this.filter = filter;
    }
  }

  // The steps of a write are methods of their own, each with its loops, so that the JIT compiles
  // them one by one: written as one method, it was compiled whole (35 KB of machine code, about
  // two seconds of the C2 compiler each time) and again at each path first taken under load (the
  // first eviction, the first sweep, a contended lock), nine times in the first three minutes of
  // the load generator's run, a seventh of all the compiler's time (see docs/benchmarks.md).

  /** Groups {@code spans} by trace, in order of first appearance, and encodes each group. */
  private static List<Group> encode(List<Span> spans) {
    Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span span : spans) {
      requireNonNull(span, "span");
      byTrace.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
    }
    List<Group> groups = new ArrayList<>(byTrace.size());
    for (Map.Entry<TraceId, List<Span>> trace : byTrace.entrySet()) {
      List<Span> traceSpans = trace.getValue();
      groups.add(new Group(trace.getKey(), traceSpans, SpanCodec.encode(traceSpans),
          SearchFilter.of(traceSpans)));
    }
    return groups;
  }

  /** Adds encoded groups to their traces and indexes their spans; under the write lock. */
  private void add(List<Group> groups) {
    List<ServiceIndex> touched = new ArrayList<>();
    for (Group group : groups) {
      TraceEntry trace = traces.get(group.traceId);
      if (trace == null) {
        trace = new TraceEntry(group.traceId, ++arrivals);
        traces.put(group.traceId, trace);
      }
      trace.add(group.bytes, group.filter, group.spans);
      index(group.spans, trace.arrival, touched);
    }
    for (ServiceIndex service : touched) {
      indexEntriesMade += service.flush();
    }
  }

  private void index(List<Span> spans, long arrival, List<ServiceIndex> touched) {
    for (Span span : spans) {
      ServiceIndex service = services.get(span.serviceName());
      if (service == null) {
        service = new ServiceIndex();
        services.put(span.serviceName(), service);
        indexEntriesMade++;
      }
      if (!service.hasPending()) {
        touched.add(service);
      }
      indexEntriesMade += service.add(span, arrival);
    }
  }

  private void evictOldestWhileOverBound() {
    Iterator<TraceEntry> oldestFirst = traces.values().iterator();
    while (spanCount > maxSpanCount) {
      TraceEntry trace = oldestFirst.next();
      oldestFirst.remove();
      spanCount -= trace.spanCount;
      evictedTraces.incrementAndGet();
      evictedSpans.addAndGet(trace.spanCount);
      evictedSinceSweep += trace.spanCount;
    }
  }

  private void sweepIfDue() {
    if (indexEntriesMade > Math.max(SWEEP_AFTER_ENTRIES, indexEntriesSwept)
        || evictedSinceSweep >= maxSpanCount) {
      sweep();
    }
  }

  /** The arrival number of the oldest trace held: index entries older than it are not held. */
  private long oldestHeld() {
    return traces.isEmpty() ? arrivals + 1 : traces.values().iterator().next().arrival;
  }

  /**
   * Drops the index entries of evicted traces. Runs once the entries made since the last sweep
   * outnumber those it left, so its cost per entry made is constant and the index holds at most
   * about twice what the held spans need; and once as many spans were evicted as the bound holds,
   * so that a key full of values from evicted traces gets room again for the values of held ones
   * (a full key takes no new value that sorts after its last, so makes no entries to count).
   */
  private void sweep() {
    long oldest = oldestHeld();
    int left = 0;
    for (Iterator<ServiceIndex> it = services.values().iterator(); it.hasNext(); ) {
      ServiceIndex service = it.next();
      if (service.isHeld(oldest)) {
        left += 1 + service.sweep(oldest);
      } else {
        it.remove();
      }
    }
    indexEntriesSwept = left;
    indexEntriesMade = 0;
    evictedSinceSweep = 0;
  }

  /** Index entries now, swept or not; for tests. */
  int indexEntries() {
    readLock.lock();
    try {
      return indexEntriesSwept + indexEntriesMade;
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public int spanCount(TraceId traceId) {
    requireNonNull(traceId, "traceId");
    readLock.lock();
    try {
      TraceEntry trace = traces.get(traceId);
      return trace == null ? 0 : trace.spanCount;
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<Span> trace(TraceId traceId) {
    requireNonNull(traceId, "traceId");
    TraceEntry.Held held;
    readLock.lock();
    try {
      TraceEntry trace = traces.get(traceId);
      if (trace == null) {
        return List.of();
      }
      held = trace.held();
    } finally {
      readLock.unlock();
    }
    return List.copyOf(held.spans());
  }

  /** A trace that may match a search, as it was under the lock: newest first by its start. */
  private record Candidate(TraceEntry.Held held, long minStart) {
    TraceId traceId() {
      return held.trace.traceId;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Under the lock, only what each trace's figures rule out is ruled out; the traces left are
   * gone through without the lock, newest first, until {@code limit} match, decoding only the
   * groups whose {@link SearchFilter} may hold the span name and attributes searched for.
   */
  @Override
  public List<TraceSummary> search(TraceQuery query) throws CancelledException {
    requireNonNull(query, "query");
    query.cancellation().check();
    List<Candidate> candidates = new ArrayList<>();
    readLock.lock();
    try {
      for (TraceEntry trace : traces.values()) {
        if (trace.overlaps(query.startEpochNanos(), query.endEpochNanos())
            && trace.mayLast(query.minDurationNanos(), query.maxDurationNanos())
            && (query.serviceName().isEmpty() || trace.hasService(query.serviceName().get()))) {
          candidates.add(new Candidate(trace.held(), trace.minStart));
        }
      }
    } finally {
      readLock.unlock();
    }
    candidates.sort(NEWEST_FIRST);
    long[] probe = SearchFilter.probe(query);
    List<TraceEntry> found = new ArrayList<>();
    for (Iterator<Candidate> it = candidates.iterator();
        it.hasNext() && found.size() < query.limit(); ) {
      query.cancellation().check();
      TraceEntry.Held held = it.next().held();
      if (held.matches(query, probe)) {
        found.add(held.trace);
      }
    }
    List<TraceSummary> summaries = new ArrayList<>(found.size());
    readLock.lock();
    try {
      for (TraceEntry trace : found) {
        summaries.add(trace.summary());
      }
    } finally {
      readLock.unlock();
    }
    return List.copyOf(summaries);
  }

  @Override
  public List<String> services() {
    readLock.lock();
    try {
      return listedServices(oldestHeld());
    } finally {
      readLock.unlock();
    }
  }

  /** The first {@value Storage#MAX_SERVICES} services that traces from {@code oldest} on hold. */
  private List<String> listedServices(long oldest) {
    TreeSet<String> held = new TreeSet<>();
    services.forEach((name, service) -> {
      if (service.isHeld(oldest)) {
        held.add(name);
      }
    });
    return held.stream().limit(Storage.MAX_SERVICES).toList();
  }

  /**
   * The services that traces from {@code oldest} on hold and {@link #services} lists, by name;
   * only {@code serviceName} if given.
   */
  private Map<String, ServiceIndex> listed(Optional<String> serviceName, long oldest) {
    Map<String, ServiceIndex> listed = new HashMap<>();
    if (serviceName.isPresent()) {
      ServiceIndex service = services.get(serviceName.get());
      if (service != null && service.isHeld(oldest)) {
        listed.put(serviceName.get(), service);
      }
    } else {
      services.forEach((name, service) -> {
        if (service.isHeld(oldest)) {
          listed.put(name, service);
        }
      });
    }
    // Only then can a service be past those listed.
    if (services.size() > Storage.MAX_SERVICES) {
      List<String> first = listedServices(oldest);
      listed.keySet().removeIf(name -> Collections.binarySearch(first, name) < 0);
    }
    return listed;
  }

  @Override
  public List<Operation> operations(String serviceName) {
    requireNonNull(serviceName, "serviceName");
    readLock.lock();
    try {
      long oldest = oldestHeld();
      TreeSet<Operation> operations = new TreeSet<>(Operations.ORDER);
      for (ServiceIndex service : listed(Optional.of(serviceName), oldest).values()) {
        service.addOperations(oldest, operations);
      }
      return Operations.ofFirstNames(operations);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<String> attributeKeys(Optional<String> serviceName, int limit) {
    return firstSorted(
        serviceName, limit, Storage.MAX_NAMES_PER_SERVICE, ServiceIndex::addAttributeKeys);
  }

  @Override
  public List<String> attributeValues(Optional<String> serviceName, String key, int limit) {
    requireNonNull(key, "key");
    return firstSorted(serviceName, limit, Storage.MAX_VALUES_PER_KEY,
        (service, oldest, values) -> service.addAttributeValues(oldest, key, values));
  }

  /** Adds the strings of a service that traces from {@code oldest} on hold. */
  private interface Strings {
    void addTo(ServiceIndex service, long oldest, Collection<String> strings);
  }

  /**
   * The first {@code limit} of the sorted union, over one or all listed services, of the first
   * {@code kept} of some strings of each.
   */
  private List<String> firstSorted(
      Optional<String> serviceName, int limit, int kept, Strings strings) {
    requireNonNull(serviceName, "serviceName");
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    readLock.lock();
    try {
      long oldest = oldestHeld();
      TreeSet<String> sorted = new TreeSet<>();
      for (ServiceIndex service : listed(serviceName, oldest).values()) {
        TreeSet<String> ofService = new TreeSet<>();
        strings.addTo(service, oldest, ofService);
        ofService.stream().limit(kept).forEach(sorted::add);
      }
      return sorted.stream().limit(limit).toList();
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos,
      Cancellation cancellation) throws CancelledException {
    requireNonNull(cancellation, "cancellation");
    if (endEpochNanos <= startEpochNanos) {
      throw new IllegalArgumentException("endEpochNanos: " + endEpochNanos
          + " (expected: > startEpochNanos " + startEpochNanos + ")");
    }
    cancellation.check();
    List<TraceEntry.Held> overlapping = new ArrayList<>();
    readLock.lock();
    try {
      for (TraceEntry trace : traces.values()) {
        if (trace.overlaps(startEpochNanos, endEpochNanos)) {
          overlapping.add(trace.held());
        }
      }
    } finally {
      readLock.unlock();
    }
    DependencyLinker linker = new DependencyLinker(startEpochNanos, endEpochNanos);
    for (TraceEntry.Held trace : overlapping) {
      cancellation.check();
      linker.putTrace(trace.spans());
    }
    return List.copyOf(linker.links());
  }

  /** Nothing to release; the spans stay readable. */
  @Override
  public void close() {}
}
