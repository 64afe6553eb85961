package dev.ariadne.storage.embedded;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.DroppedSpans;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The counts of spans not stored because their trace had reached the per-trace limit: a log of
 * its own, synced like the WAL before the write that dropped them is acknowledged, and held in
 * memory per trace for trace lookups.
 *
 * <p>Each record carries the time it was written, and the counts follow the engine's retention as
 * spans do: a trace's counts are forgotten once its latest record is past retention, and a
 * segment of the log is deleted once its latest record is. The log starts a new segment when its
 * current one's first record is {@link #rollAfter} old, so that a segment spans a small part of
 * the retention. Records written before they carried a time are read as written when the log is
 * opened.
 *
 * <p>A record is {@code 0}, the time as a u64 LE of epoch milliseconds, then the trace count and
 * for each trace its ID (two u64 LE), the count of (service, span name) pairs and each pair's
 * service, span name and count (a varint above zero). A record without a time starts with the
 * trace count, which is never zero.
 */
final class DroppedLog implements Closeable {
  private static final int TIMED = 0;

  /** The first and the latest time of the records in a segment. */
  private record Times(long first, long latest) {
    Times with(long millis) {
      return new Times(Math.min(first, millis), Math.max(latest, millis));
    }
  }

  /** A trace's counts per (service, span name), and the time of its latest record. */
  private static final class Counts {
    final Map<List<String>, Long> byKey = new HashMap<>();
    long latestMillis = Long.MIN_VALUE;
  }

  private final Wal wal;
  /** Appends hold it shared, from the append to the bookkeeping of its time; a roll exclusively. */
  private final ReentrantReadWriteLock rollLock = new ReentrantReadWriteLock();
  /** The traces, least recently written first; guarded by {@code this}. */
  private final LinkedHashMap<TraceId, Counts> traces = new LinkedHashMap<>();
  /** Each segment that holds records, by id; guarded by {@code this}. */
  private final TreeMap<Long, Times> segments = new TreeMap<>();
  private final AtomicLong spanCount = new AtomicLong();

  private DroppedLog(Path directory, SyncPolicy policy, Duration syncInterval, long openedMillis)
      throws IOException {
    wal = Wal.open(directory, policy, syncInterval, (segment, bytes, offset, length) -> {
      ByteSource in = new ByteSource(bytes, offset, length, "dropped-spans record");
      long millis = openedMillis;
      if (bytes[offset] == TIMED) {
        in.readByte();
        millis = in.readLongLe();
      }
      add(segment, millis, decode(in));
    });
  }

  /** Opens the log in {@code directory}, replaying what it holds; {@code nowMillis} is now. */
  static DroppedLog open(Path directory, SyncPolicy policy, Duration syncInterval, long nowMillis)
      throws IOException {
    return new DroppedLog(directory, policy, syncInterval, nowMillis);
  }

  /**
   * How old the current segment's first record gets before a new segment starts: a 24th of the
   * retention, between a second and an hour.
   */
  static Duration rollAfter(Duration retention) {
    Duration part = retention.dividedBy(24);
    Duration second = Duration.ofSeconds(1);
    Duration hour = Duration.ofHours(1);
    return part.compareTo(second) < 0 ? second : part.compareTo(hour) > 0 ? hour : part;
  }

  /** Appends the counts of one write, made at {@code nowMillis}; returns once they are durable. */
  void append(Map<TraceId, List<DroppedSpans>> dropped, long nowMillis) throws IOException {
    ByteSink out = new ByteSink(16 + 64 * dropped.size());
    out.writeByte(TIMED);
    out.writeLongLe(nowMillis);
    encode(dropped, out);
    rollLock.readLock().lock();
    try {
      long segment = wal.append(out.array(), 0, out.size());
      add(segment, nowMillis, dropped);
    } finally {
      rollLock.readLock().unlock();
    }
  }

  /** The counts of {@code traceId}, by service then span name; empty if none are held. */
  List<DroppedSpans> counts(TraceId traceId) {
    List<DroppedSpans> counts = new ArrayList<>();
    synchronized (this) {
      Counts held = traces.get(traceId);
      if (held != null) {
        held.byKey.forEach(
            (key, count) -> counts.add(new DroppedSpans(key.get(0), key.get(1), count)));
      }
    }
    counts.sort(Comparator.comparing(DroppedSpans::serviceName)
        .thenComparing(DroppedSpans::spanName));
    return List.copyOf(counts);
  }

  /** Spans counted by the records replayed when the log was opened and by those appended since. */
  long spanCount() {
    return spanCount.get();
  }

  /**
   * Forgets the traces and deletes the segments whose latest record was written before {@code
   * oldestKeptMillis}, after starting a new segment if the current one's first record is older
   * than {@code rollBeforeMillis}.
   */
  void expire(long oldestKeptMillis, long rollBeforeMillis) throws IOException {
    synchronized (this) {
      Iterator<Counts> oldestFirst = traces.values().iterator();
      while (oldestFirst.hasNext() && oldestFirst.next().latestMillis < oldestKeptMillis) {
        oldestFirst.remove();
      }
    }
    rollLock.writeLock().lock();
    try {
      Times current;
      synchronized (this) {
        current = segments.get(wal.currentSegment());
      }
      if (current != null && current.first() < rollBeforeMillis) {
        wal.roll();
      }
    } finally {
      rollLock.writeLock().unlock();
    }
    long deleteBefore = -1;
    synchronized (this) {
      long currentSegment = wal.currentSegment();
      for (Map.Entry<Long, Times> segment : segments.entrySet()) {
        if (segment.getKey() >= currentSegment || segment.getValue().latest() >= oldestKeptMillis) {
          break;
        }
        deleteBefore = segment.getKey() + 1;
      }
      segments.headMap(deleteBefore).clear();
    }
    if (deleteBefore >= 0) {
      wal.deleteSegmentsBefore(deleteBefore);
    }
  }

  /** The bytes of the log's segments, headers included. */
  long sizeBytes() {
    return wal.sizeBytes();
  }

  @Override
  public void close() throws IOException {
    wal.close();
  }

  private synchronized void add(long segment, long millis, Map<TraceId, List<DroppedSpans>> dropped) {
    segments.merge(segment, new Times(millis, millis), (held, added) -> held.with(millis));
    dropped.forEach((traceId, counts) -> {
      Counts held = traces.remove(traceId);
      if (held == null) {
        held = new Counts();
      }
      held.latestMillis = Math.max(held.latestMillis, millis);
      traces.put(traceId, held);
      for (DroppedSpans count : counts) {
        held.byKey.merge(List.of(count.serviceName(), count.spanName()), count.count(), Long::sum);
        spanCount.addAndGet(count.count());
      }
    });
  }

  private static void encode(Map<TraceId, List<DroppedSpans>> dropped, ByteSink out) {
    out.writeVarInt(dropped.size());
    dropped.forEach((traceId, counts) -> {
      out.writeLongLe(traceId.high());
      out.writeLongLe(traceId.low());
      out.writeVarInt(counts.size());
      for (DroppedSpans count : counts) {
        out.writeString(count.serviceName());
        out.writeString(count.spanName());
        out.writeVarLong(count.count());
      }
    });
  }

  private static Map<TraceId, List<DroppedSpans>> decode(ByteSource in)
      throws CorruptDataException {
    int traces = in.readCount(in.remaining() / 17);
    if (traces == 0) {
      throw in.corrupt("no traces in a dropped-spans record");
    }
    Map<TraceId, List<DroppedSpans>> dropped = new HashMap<>();
    for (int t = 0; t < traces; t++) {
      long high = in.readLongLe();
      TraceId traceId = new TraceId(high, in.readLongLe());
      int keys = in.readCount(in.remaining() / 3);
      List<DroppedSpans> counts = new ArrayList<>(keys);
      for (int k = 0; k < keys; k++) {
        String service = in.readString();
        String name = in.readString();
        long count = in.readVarLong();
        if (count <= 0) {
          throw in.corrupt("dropped span count " + count + " (expected: > 0)");
        }
        counts.add(new DroppedSpans(service, name, count));
      }
      dropped.put(traceId, counts);
    }
    if (in.hasRemaining()) {
      throw in.corrupt(in.remaining() + " bytes after the last trace");
    }
    return dropped;
  }
}
