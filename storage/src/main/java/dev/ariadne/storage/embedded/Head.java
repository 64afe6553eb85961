package dev.ariadne.storage.embedded;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.DependencyLinker;
import dev.ariadne.storage.internal.SpanCodec;
import dev.ariadne.storage.internal.TracePart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 *
 * <p>Spans are kept in their byte form, not as objects: each WAL record holds its spans as one
 * {@link SpanCodec} call per trace (a group), and the head keeps a copy of the record and, per
 * trace, where its groups are, with what a search can rule a trace out by (its span starts and
 * durations) and its {@link TracePart}. A read decodes only the groups of the traces it needs.
 * Held as objects, the spans of a full head were most of the heap and lived just long enough to be
 * copied to the old generation and marked there before the cut let them go: durable ingest spent
 * more CPU in the garbage collector than anywhere else (see {@code docs/benchmarks.md}).
 */
final class Head {
  /** Unsigned order of trace IDs, the order of traces in a block. */
  static final Comparator<TraceId> TRACE_ID_ORDER = (a, b) -> {
    int high = Long.compareUnsigned(a.high(), b.high());
    return high != 0 ? high : Long.compareUnsigned(a.low(), b.low());
  };

  private final Lock readLock;
  private final Lock writeLock;
  /** The records added, each a copy of its bytes; grown by copying, so a copy taken stays valid. */
  private byte[][] records = new byte[64][];
  private int recordCount;
  private final Map<TraceId, Entry> traces = new HashMap<>();
  private final Catalog catalog = new Catalog();
  private final long createdNanos;
  private int spanCount;
  /** The bytes of the records added: most of what the head holds in memory. */
  private long byteCount;
  private long minStart = Long.MAX_VALUE;
  private long maxStart = Long.MIN_VALUE;

  /**
   * The spans of one trace in a record: a span codec call at {@code offset}, {@code length} bytes
   * long, in the record's bytes.
   */
  record Group(TraceId traceId, List<Span> spans, int offset, int length) {}

  /** Where a trace's groups are, and what a search or a summary needs without decoding them. */
  private static final class Entry {
    /** (record, offset, length) per group; slots are only ever appended to. */
    int[] groups = new int[3];
    int groupCount;
    /** Its summary here; the earliest start of its spans here is the part's start. */
    TracePart part;
    long maxStart = Long.MIN_VALUE;
    long minDuration = Long.MAX_VALUE;
    long maxDuration = Long.MIN_VALUE;
  }

  /**
   * A trace of the head as it was when read under the head's lock, decoded only when asked, after
   * the lock is let go: what a search goes through, newest first.
   */
  static final class Held {
    final TraceId traceId;
    final TracePart part;
    /** The latest start of its spans here. */
    final long maxStart;
    private final byte[][] records;
    private final int[] groups;
    private final int groupCount;

    private Held(TraceId traceId, Entry entry, byte[][] records) {
      this.traceId = traceId;
      this.part = entry.part;
      this.maxStart = entry.maxStart;
      this.records = records;
      this.groups = entry.groups;
      this.groupCount = entry.groupCount;
    }

    List<Span> spans() {
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < groupCount * 3; i += 3) {
        // The head decodes only what it encoded or checked when it read it back from the WAL.
        spans.addAll(SpanCodec.decodeHeld(
            records[groups[i]], groups[i + 1], groups[i + 2], "a span group of the head"));
      }
      return spans;
    }

    /** Whether a span of the trace here matches {@code query}. */
    boolean matches(TraceQuery query) {
      for (Span span : spans()) {
        if (query.matches(span)) {
          return true;
        }
      }
      return false;
    }
  }

  Head(long createdNanos) {
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    readLock = lock.readLock();
    writeLock = lock.writeLock();
    this.createdNanos = createdNanos;
  }

  /**
   * Appends the groups of {@code spans}, one per trace in order of first appearance, to {@code
   * out}: their count, then each group's span codec call.
   *
   * @throws IllegalArgumentException if an attribute value nests deeper than {@link
   *     SpanCodec#MAX_VALUE_DEPTH}
   */
  static List<Group> encode(List<Span> spans, ByteSink out) {
    Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span span : spans) {
      byTrace.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
    }
    out.writeVarInt(byTrace.size());
    List<Group> groups = new ArrayList<>(byTrace.size());
    byTrace.forEach((traceId, traceSpans) -> {
      int offset = out.size();
      SpanCodec.encode(traceSpans, out);
      groups.add(new Group(traceId, traceSpans, offset, out.size() - offset));
    });
    return groups;
  }

  /**
   * Reads what {@link #encode} wrote, decoding each group, and leaves {@code in} just after.
   *
   * @throws CorruptDataException if the bytes are not such groups, or a group mixes traces
   */
  static List<Group> readGroups(ByteSource in) throws CorruptDataException {
    int count = in.readCount(in.remaining());
    List<Group> groups = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int offset = in.position();
      List<Span> spans = SpanCodec.decode(in);
      if (spans.isEmpty()) {
        throw in.corrupt("group " + i + " holds no spans");
      }
      TraceId traceId = spans.get(0).traceId();
      for (Span span : spans) {
        if (!span.traceId().equals(traceId)) {
          throw in.corrupt("group " + i + " mixes traces " + traceId + " and " + span.traceId());
        }
      }
      groups.add(new Group(traceId, spans, offset, in.position() - offset));
    }
    return groups;
  }

  /** When the head was started, on {@link System#nanoTime()}'s scale. */
  long createdNanos() {
    return createdNanos;
  }

  /**
   * Adds the spans of {@code groups}, which {@link #encode} or {@link #readGroups} found in {@code
   * bytes}, whose first {@code length} bytes from {@code offset} the head copies.
   */
  void add(byte[] bytes, int offset, int length, List<Group> groups) {
    byte[] record = Arrays.copyOfRange(bytes, offset, offset + length);
    TracePart[] parts = new TracePart[groups.size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = TracePart.of(groups.get(i).traceId(), groups.get(i).spans());
    }
    writeLock.lock();
    try {
      if (recordCount == records.length) {
        records = Arrays.copyOf(records, recordCount * 2);
      }
      int recordIndex = recordCount;
      records[recordCount++] = record;
      byteCount += record.length;
      for (int i = 0; i < parts.length; i++) {
        Group group = groups.get(i);
        Entry entry = traces.computeIfAbsent(group.traceId(), id -> new Entry());
        if (entry.groupCount * 3 == entry.groups.length) {
          entry.groups = Arrays.copyOf(entry.groups, entry.groups.length * 2);
        }
        int slot = entry.groupCount * 3;
        entry.groups[slot] = recordIndex;
        entry.groups[slot + 1] = group.offset() - offset;
        entry.groups[slot + 2] = group.length();
        entry.groupCount++;
        entry.part = entry.part == null ? parts[i] : entry.part.merge(parts[i]);
        for (Span span : group.spans()) {
          catalog.add(span);
          long duration = span.durationNanos();
          entry.maxStart = Math.max(entry.maxStart, span.startEpochNanos());
          entry.minDuration = Math.min(entry.minDuration, duration);
          entry.maxDuration = Math.max(entry.maxDuration, duration);
        }
        minStart = Math.min(minStart, entry.part.startEpochNanos());
        maxStart = Math.max(maxStart, entry.maxStart);
        spanCount += group.spans().size();
      }
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

  /** Whether the head holds {@code maxSpans} spans or {@code maxBytes} bytes: time to cut it. */
  boolean isFull(int maxSpans, long maxBytes) {
    readLock.lock();
    try {
      return spanCount >= maxSpans || byteCount >= maxBytes;
    } finally {
      readLock.unlock();
    }
  }

  /** The bytes of the records added, as the WAL holds them. */
  long byteCount() {
    readLock.lock();
    try {
      return byteCount;
    } finally {
      readLock.unlock();
    }
  }

  /** The spans of {@code traceId} here, without decoding them. */
  int spanCount(TraceId traceId) {
    readLock.lock();
    try {
      Entry entry = traces.get(traceId);
      return entry == null ? 0 : entry.part.spanCount();
    } finally {
      readLock.unlock();
    }
  }

  /** The spans of {@code traceId} here, in the order they were added. */
  List<Span> trace(TraceId traceId) {
    Held held;
    readLock.lock();
    try {
      Entry entry = traces.get(traceId);
      if (entry == null) {
        return List.of();
      }
      held = new Held(traceId, entry, records);
    } finally {
      readLock.unlock();
    }
    return held.spans();
  }

  Optional<TracePart> part(TraceId traceId) {
    readLock.lock();
    try {
      Entry entry = traces.get(traceId);
      return entry == null ? Optional.empty() : Optional.of(entry.part);
    } finally {
      readLock.unlock();
    }
  }

  /**
   * The traces that may have a span matching {@code query}, latest {@link Held#maxStart} first:
   * those whose span starts and durations overlap the query's.
   */
  List<Held> candidates(TraceQuery query) {
    List<Held> candidates = new ArrayList<>();
    readLock.lock();
    try {
      if (!overlaps(query.startEpochNanos(), query.endEpochNanos())) {
        return candidates;
      }
      traces.forEach((traceId, entry) -> {
        if (entry.maxStart >= query.startEpochNanos() && entry.part.startEpochNanos() < query.endEpochNanos()
            && entry.maxDuration >= query.minDurationNanos()
            && entry.minDuration <= query.maxDurationNanos()) {
          candidates.add(new Held(traceId, entry, records));
        }
      });
    } finally {
      readLock.unlock();
    }
    candidates.sort(Comparator.comparingLong((Held held) -> held.maxStart).reversed());
    return candidates;
  }

  /**
   * Gives {@code sink} every call between services in each trace's spans here, if a span here may
   * start in {@code [start, end)}, and adds to {@code open} the traces with a span whose parent is
   * not here.
   */
  void calls(long start, long end, DependencyLinker.CallSink sink, Set<TraceId> open) {
    List<Held> all = new ArrayList<>();
    readLock.lock();
    try {
      if (!overlaps(start, end)) {
        return;
      }
      traces.forEach((traceId, entry) -> all.add(new Held(traceId, entry, records)));
    } finally {
      readLock.unlock();
    }
    for (Held trace : all) {
      List<Span> spans = trace.spans();
      DependencyLinker.calls(spans, sink);
      if (DependencyLinker.hasMissingParent(spans)) {
        open.add(trace.traceId);
      }
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
   * The traces in trace-ID order, each decoded when it is reached, for writing a block; only for a
   * head that takes no more spans.
   */
  Iterator<List<Span>> sortedTraces() {
    List<Held> sorted = new ArrayList<>();
    readLock.lock();
    try {
      traces.forEach((traceId, entry) -> sorted.add(new Held(traceId, entry, records)));
    } finally {
      readLock.unlock();
    }
    sorted.sort((a, b) -> TRACE_ID_ORDER.compare(a.traceId, b.traceId));
    Iterator<Held> next = sorted.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return next.hasNext();
      }

      @Override
      public List<Span> next() {
        return next.next().spans();
      }
    };
  }

  private boolean overlaps(long start, long end) {
    return spanCount > 0 && maxStart >= start && minStart < end;
  }
}
