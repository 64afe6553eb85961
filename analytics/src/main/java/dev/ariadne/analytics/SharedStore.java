package dev.ariadne.analytics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Aggregates in a {@link SharedMetrics} table, which other processes put rows in as well: every
 * read merges the rows of every writer. The table drops rows past the retention, so there is
 * nothing to seal, delete or evict there. A row that does not decode is left out and counted, so
 * that one damaged row does not make every answer over it fail.
 *
 * <p>This process keeps the total of each bucket it counted spans in while the bucket is recent
 * (until a bucket after it has ended), and each flush puts the totals of the buckets it added to,
 * under the ID the bucket's row got at its first put: the table holds one row per bucket and
 * writer, not one per flush (six per minute with the defaults). A put that failed, even halfway,
 * is made again at the next flush, so that its totals are neither lost nor counted twice, unless
 * its buckets are no longer recent by then. A span for a bucket let go of starts a new row of it. The totals cost memory as the live buckets do, about one aggregate per
 * recent bucket of each series.
 *
 * <p>Reads are bounded to the time the table can hold rows of, from a day before the retention to
 * two hours ahead (analytics takes spans up to an hour ahead): a range from the epoch would
 * otherwise ask the table for every day since.
 */
final class SharedStore implements AggregateStore {
  private static final System.Logger LOG = System.getLogger(SharedStore.class.getName());

  private static final long DAY_MILLIS = 24 * MetricsStore.HOUR_MILLIS;

  /** A recent bucket's total as this process counted it, and its row's series key and ID. */
  private static final class Recent {
    final byte[] series;
    final long bucket;
    final UUID id;
    final Aggregate total;

    Recent(byte[] series, long bucket, UUID id, Aggregate total) {
      this.series = series;
      this.bucket = bucket;
      this.id = id;
      this.total = total;
    }
  }

  private final SharedMetrics table;
  private final long bucketMillis;
  private final long retentionMillis;
  private final LongSupplier clock;
  private final AtomicLong unreadable = new AtomicLong();
  /** The random part of this process's row IDs; the low bits count its rows. */
  private final UUID writer = UUID.randomUUID();
  // Guarded by this.
  private final Map<SeriesKey, Map<Long, Recent>> recent = new HashMap<>();
  /** Recent buckets added to since their last put that succeeded. */
  private final Set<Recent> unput = new LinkedHashSet<>();
  private long nextRow;

  SharedStore(SharedMetrics table, long bucketMillis, long retentionMillis, LongSupplier clock) {
    this.table = table;
    this.bucketMillis = bucketMillis;
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

  /**
   * Adds each partial aggregate to its bucket's total and puts the totals, with those of buckets
   * whose last put failed; the partials become this store's.
   */
  @Override
  public synchronized void append(Map<SeriesKey, Map<Long, Aggregate>> batch)
      throws IOException {
    RecordWriter out = new RecordWriter(64);
    for (Map.Entry<SeriesKey, Map<Long, Aggregate>> series : batch.entrySet()) {
      Map<Long, Recent> buckets = recent.computeIfAbsent(series.getKey(), k -> new HashMap<>(4));
      byte[] key = null;
      for (Map.Entry<Long, Aggregate> bucket : series.getValue().entrySet()) {
        Recent total = buckets.get(bucket.getKey());
        if (total == null) {
          if (key == null) {
            out.reset();
            SeriesKey.write(series.getKey(), out);
            key = out.toByteArray();
          }
          total = new Recent(key, bucket.getKey(), new UUID(writer.getMostSignificantBits(),
              writer.getLeastSignificantBits() + nextRow++), bucket.getValue());
          buckets.put(bucket.getKey(), total);
        } else {
          total.total.merge(bucket.getValue());
        }
        unput.add(total);
      }
    }
    putUnput();
  }

  /** Puts the totals of the buckets added to since their last put that succeeded. */
  private void putUnput() throws IOException {
    if (unput.isEmpty()) {
      return;
    }
    List<SharedMetrics.Row> rows = new ArrayList<>(unput.size());
    RecordWriter out = new RecordWriter(256);
    for (Recent total : unput) {
      out.reset();
      total.total.write(out);
      rows.add(new SharedMetrics.Row(total.series, total.bucket, total.id, out.toByteArray()));
    }
    table.put(rows);
    unput.clear();
  }

  /**
   * Puts again the totals whose last put failed, then forgets the totals of buckets that ended
   * before the last bucket began, put or not.
   */
  @Override
  public synchronized void maintain() throws IOException {
    try {
      putUnput();
    } finally {
      long oldest = Math.floorDiv(clock.getAsLong(), bucketMillis) * bucketMillis - bucketMillis;
      recent.values().removeIf(buckets -> {
        buckets.keySet().removeIf(bucket -> bucket < oldest);
        return buckets.isEmpty();
      });
      unput.removeIf(total -> total.bucket < oldest);
    }
  }

  /** The buckets this process keeps totals of, over every series; for tests. */
  synchronized int recentBuckets() {
    int count = 0;
    for (Map<Long, Recent> buckets : recent.values()) {
      count += buckets.size();
    }
    return count;
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
