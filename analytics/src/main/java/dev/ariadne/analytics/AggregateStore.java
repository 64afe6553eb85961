package dev.ariadne.analytics;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where {@link Analytics} keeps the partial aggregates it flushes, and reads them merged: this
 * process's own {@link MetricsStore} (on disk or in memory), or a {@link SharedStore} over a table
 * that the scale-out path's processes share.
 */
interface AggregateStore extends Closeable {
  /** Adds partial aggregates, keyed by series and bucket start; durable when this returns. */
  void append(Map<SeriesKey, Map<Long, Aggregate>> batch) throws IOException;

  /** The aggregate of each bucket of {@code key} that starts in [start, end), merged. */
  NavigableMap<Long, Aggregate> buckets(SeriesKey key, long start, long end) throws IOException;

  /** The aggregate of {@code key} over [start, end), both multiples of the bucket; null if none. */
  Aggregate total(SeriesKey key, long start, long end) throws IOException;

  /**
   * The aggregate of {@code key} over each hour in [start, end), both multiples of an hour, by the
   * hour's start; hours with nothing are left out. As {@link #total} per hour, which a store may
   * read at once for every hour.
   */
  default NavigableMap<Long, Aggregate> hours(SeriesKey key, long start, long end)
      throws IOException {
    NavigableMap<Long, Aggregate> hours = new TreeMap<>();
    for (long hour = start; hour < end; hour += MetricsStore.HOUR_MILLIS) {
      Aggregate total = total(key, hour, hour + MetricsStore.HOUR_MILLIS);
      if (total != null) {
        hours.put(hour, total);
      }
    }
    return hours;
  }

  /** Every series with data in [start, end), and perhaps some with data near it. */
  Set<SeriesKey> keys(long start, long end) throws IOException;

  /** What the store does from time to time: sealing, retention, its byte budget. */
  void maintain() throws IOException;

  /** Hours dropped to keep the byte budget. */
  long evictedHours();

  /** The end of the newest hour dropped to keep the byte budget; {@code Long.MIN_VALUE} if none. */
  long evictedThrough();

  /** Files, or shared rows, that failed to read and were left out. */
  long corrupt();

  /** The starts of the hours set aside as corrupt that overlap [start, end), in order. */
  List<Long> corruptHours(long start, long end);
}
