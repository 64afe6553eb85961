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
 * its buckets are no longer recent by then. A span for a bucket let go of starts a new row of it.
 * The same goes for the hour rows, the totals of each hour it counted spans in (kept until the
 * hour after it has ended), which a total over whole hours reads instead of the hours' buckets:
 * 60 times fewer rows with the default 1-minute buckets. The totals cost memory as the live
 * buckets do, about one aggregate per recent bucket and hour of each series.
 *
 * <p>Reads are bounded to the time the table can hold rows of, from a day before the retention to
 * two hours ahead (analytics takes spans up to an hour ahead): a range from the epoch would
 * otherwise ask the table for every day since.
 */
final class SharedStore implements AggregateStore {
  private static final System.Logger LOG = System.getLogger(SharedStore.class.getName());

  private static final long HOUR_MILLIS = MetricsStore.HOUR_MILLIS;
  private static final long DAY_MILLIS = 24 * HOUR_MILLIS;

  /**
   * A recent bucket's or hour's total as this process counted it, and its row's series key and ID.
   */
  private static final class Recent {
    final byte[] series;
    final boolean hour;
    final long start;
    final UUID id;
    final Aggregate total;

    Recent(byte[] series, boolean hour, long start, UUID id, Aggregate total) {
      this.series = series;
      this.hour = hour;
      this.start = start;
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
  private final Map<SeriesKey, Map<Long, Recent>> recentHours = new HashMap<>();
  /** Recent buckets and hours added to since their last put that succeeded. */
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
    return Math.min(end, clock.getAsLong() + 2 * HOUR_MILLIS);
  }

  private List<SharedMetrics.Row> read(SeriesKey key, long start, long end) throws IOException {
    long from = from(start);
    long to = to(end);
    return to <= from ? List.of() : table.read(bytes(key), from, to);
  }

  /**
   * Adds each partial aggregate to its bucket's total and its hour's, and puts the totals, with
   * those whose last put failed; the partials become this store's.
   */
  @Override
  public synchronized void append(Map<SeriesKey, Map<Long, Aggregate>> batch)
      throws IOException {
    for (Map.Entry<SeriesKey, Map<Long, Aggregate>> series : batch.entrySet()) {
      Map<Long, Recent> buckets = recent.computeIfAbsent(series.getKey(), k -> new HashMap<>(4));
      Map<Long, Recent> hours = recentHours.computeIfAbsent(series.getKey(),
          k -> new HashMap<>(2));
      byte[] key = null;
      for (Map.Entry<Long, Aggregate> bucket : series.getValue().entrySet()) {
        long hourStart = Math.floorDiv(bucket.getKey(), HOUR_MILLIS) * HOUR_MILLIS;
        Recent hour = hours.get(hourStart);
        Recent total = buckets.get(bucket.getKey());
        if ((hour == null || total == null) && key == null) {
          key = bytes(series.getKey());
        }
        if (hour == null) {
          hour = new Recent(key, true, hourStart, nextId(), new Aggregate());
          hours.put(hourStart, hour);
        }
        // Before the bucket's total takes the partial as its own, which later merges change.
        hour.total.merge(bucket.getValue());
        if (total == null) {
          total = new Recent(key, false, bucket.getKey(), nextId(), bucket.getValue());
          buckets.put(bucket.getKey(), total);
        } else {
          total.total.merge(bucket.getValue());
        }
        unput.add(total);
        unput.add(hour);
      }
    }
    putUnput();
  }

  private UUID nextId() {
    return new UUID(writer.getMostSignificantBits(), writer.getLeastSignificantBits() + nextRow++);
  }

  /** Puts the totals of the buckets and hours added to since their last put that succeeded. */
  private void putUnput() throws IOException {
    if (unput.isEmpty()) {
      return;
    }
    List<SharedMetrics.Row> rows = new ArrayList<>(unput.size());
    RecordWriter out = new RecordWriter(256);
    for (Recent total : unput) {
      out.reset();
      total.total.write(out);
      rows.add(new SharedMetrics.Row(total.series, total.hour, total.start, total.id,
          out.toByteArray()));
    }
    table.put(rows);
    unput.clear();
  }

  /**
   * Puts again the totals whose last put failed, then forgets the totals of buckets that ended
   * before the last bucket began, and of hours that ended before the last hour began, put or not.
   */
  @Override
  public synchronized void maintain() throws IOException {
    try {
      putUnput();
    } finally {
      long now = clock.getAsLong();
      long oldestBucket = Math.floorDiv(now, bucketMillis) * bucketMillis - bucketMillis;
      long oldestHour = Math.floorDiv(now, HOUR_MILLIS) * HOUR_MILLIS - HOUR_MILLIS;
      letGo(recent, oldestBucket);
      letGo(recentHours, oldestHour);
      unput.removeIf(total -> total.start < (total.hour ? oldestHour : oldestBucket));
    }
  }

  private static void letGo(Map<SeriesKey, Map<Long, Recent>> totals, long oldest) {
    totals.values().removeIf(starts -> {
      starts.keySet().removeIf(start -> start < oldest);
      return starts.isEmpty();
    });
  }

  /** The buckets this process keeps totals of, over every series; for tests. */
  synchronized int recentBuckets() {
    return count(recent);
  }

  /** The hours this process keeps totals of, over every series; for tests. */
  synchronized int recentHours() {
    return count(recentHours);
  }

  private static int count(Map<SeriesKey, Map<Long, Recent>> totals) {
    int count = 0;
    for (Map<Long, Recent> starts : totals.values()) {
      count += starts.size();
    }
    return count;
  }

  @Override
  public NavigableMap<Long, Aggregate> buckets(SeriesKey key, long start, long end)
      throws IOException {
    return byStart(read(key, start, end));
  }

  /** Here: the hour rows of the hours in [start, end), in one read. */
  @Override
  public NavigableMap<Long, Aggregate> hours(SeriesKey key, long start, long end)
      throws IOException {
    long from = from(start);
    long to = to(end);
    return byStart(to <= from ? List.of() : table.readHours(bytes(key), from, to));
  }

  /** The rows' aggregates merged by their start, every writer's together. */
  private NavigableMap<Long, Aggregate> byStart(List<SharedMetrics.Row> rows) {
    NavigableMap<Long, Aggregate> merged = new TreeMap<>();
    for (SharedMetrics.Row row : rows) {
      Aggregate a = decode(row);
      if (a != null) {
        Aggregate existing = merged.putIfAbsent(row.bucketStart(), a);
        if (existing != null) {
          existing.merge(a);
        }
      }
    }
    return merged;
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
      unreadable("the row of the " + (row.hour() ? "hour" : "bucket") + " at "
          + row.bucketStart(), e);
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
