package dev.ariadne.analytics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Partial aggregates in a {@link SharedMetrics} table, which other processes append to as well:
 * every read merges the rows of every writer. The table drops rows past the retention, so there is
 * nothing to seal, delete or evict here. A row that does not decode is left out and counted, so
 * that one damaged row does not make every answer over it fail.
 *
 * <p>Reads are bounded to the time the table can hold rows of, from a day before the retention to
 * two hours ahead (analytics takes spans up to an hour ahead): a range from the epoch would
 * otherwise ask the table for every day since.
 */
final class SharedStore implements AggregateStore {
  private static final System.Logger LOG = System.getLogger(SharedStore.class.getName());

  private static final long DAY_MILLIS = 24 * MetricsStore.HOUR_MILLIS;

  private final SharedMetrics table;
  private final long retentionMillis;
  private final LongSupplier clock;
  private final AtomicLong unreadable = new AtomicLong();

  SharedStore(SharedMetrics table, long retentionMillis, LongSupplier clock) {
    this.table = table;
    this.retentionMillis = retentionMillis;
    this.clock = clock;
  }

  /** {@code start}, or the oldest time the table can hold rows of if that is later. */
  private long from(long start) {
    return Math.max(start, clock.getAsLong() - retentionMillis - DAY_MILLIS);
  }

  /** {@code end}, or the newest time the table can hold rows of if that is earlier. */
  private long to(long end) {
    return Math.min(end, clock.getAsLong() + 2 * MetricsStore.HOUR_MILLIS);
  }

  private List<SharedMetrics.Row> read(SeriesKey key, long start, long end) throws IOException {
    long from = from(start);
    long to = to(end);
    return to <= from ? List.of() : table.read(bytes(key), from, to);
  }

  @Override
  public void append(Map<SeriesKey, Map<Long, Aggregate>> batch) throws IOException {
    List<SharedMetrics.Row> rows = new ArrayList<>();
    RecordWriter out = new RecordWriter(128);
    for (Map.Entry<SeriesKey, Map<Long, Aggregate>> series : batch.entrySet()) {
      out.reset();
      SeriesKey.write(series.getKey(), out);
      byte[] key = out.toByteArray();
      for (Map.Entry<Long, Aggregate> bucket : series.getValue().entrySet()) {
        out.reset();
        bucket.getValue().write(out);
        rows.add(new SharedMetrics.Row(key, bucket.getKey(), out.toByteArray()));
      }
    }
    if (!rows.isEmpty()) {
      table.append(rows);
    }
  }

  @Override
  public NavigableMap<Long, Aggregate> buckets(SeriesKey key, long start, long end)
      throws IOException {
    NavigableMap<Long, Aggregate> buckets = new TreeMap<>();
    for (SharedMetrics.Row row : read(key, start, end)) {
      Aggregate a = decode(row);
      if (a != null) {
        Aggregate existing = buckets.putIfAbsent(row.bucketStart(), a);
        if (existing != null) {
          existing.merge(a);
        }
      }
    }
    return buckets;
  }

  @Override
  public Aggregate total(SeriesKey key, long start, long end) throws IOException {
    Aggregate total = null;
    for (SharedMetrics.Row row : read(key, start, end)) {
      Aggregate a = decode(row);
      if (a != null) {
        if (total == null) {
          total = a;
        } else {
          total.merge(a);
        }
      }
    }
    return total;
  }

  @Override
  public Set<SeriesKey> keys(long start, long end) throws IOException {
    Set<SeriesKey> keys = new HashSet<>();
    long from = from(start);
    long to = to(end);
    if (to <= from) {
      return keys;
    }
    for (byte[] series : table.series(from, to)) {
      try {
        keys.add(SeriesKey.read(new RecordReader(series, 0, series.length)));
      } catch (CorruptMetricsException e) {
        unreadable("a series key", e);
      }
    }
    return keys;
  }

  private static byte[] bytes(SeriesKey key) {
    RecordWriter out = new RecordWriter(64);
    SeriesKey.write(key, out);
    return out.toByteArray();
  }

  private Aggregate decode(SharedMetrics.Row row) {
    byte[] bytes = row.aggregate();
    try {
      return Aggregate.read(new RecordReader(bytes, 0, bytes.length));
    } catch (CorruptMetricsException e) {
      unreadable("the row of the bucket at " + row.bucketStart(), e);
      return null;
    }
  }

  private void unreadable(String what, CorruptMetricsException e) {
    if (unreadable.getAndIncrement() == 0) {
      LOG.log(Level.WARNING, "analytics: " + what + " in the shared metrics does not decode ("
          + e.getMessage() + "); it is left out of every answer, and such rows are counted in"
          + " ariadne_analytics_corrupt_files");
    }
  }

  @Override
  public void maintain() {}

  @Override
  public long evictedHours() {
    return 0;
  }

  @Override
  public long evictedThrough() {
    return Long.MIN_VALUE;
  }

  @Override
  public long corrupt() {
    return unreadable.get();
  }

  @Override
  public List<Long> corruptHours(long start, long end) {
    return List.of();
  }

  @Override
  public void close() throws IOException {
    table.close();
  }
}
