package dev.ariadne.analytics;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

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

  /**
   * The aggregate of {@code key} over each hour in [start, end), both multiples of an hour, by the
   * hour's start; hours with nothing are left out. Read from what the store keeps per hour (a
   * sealed hour's total, a shared table's hour rows), not from the hour's buckets.
   */
  NavigableMap<Long, Aggregate> hours(SeriesKey key, long start, long end) throws IOException;

  /**
   * The aggregate of {@code key} over [start, end), both multiples of the bucket; null if none.
   * The whole hours in it are read as {@link #hours}, the rest as {@link #buckets}.
   */
  default Aggregate total(SeriesKey key, long start, long end) throws IOException {
    long hour = MetricsStore.HOUR_MILLIS;
    long firstHour = Math.floorDiv(start + hour - 1, hour) * hour;
    long endHour = Math.floorDiv(end, hour) * hour;
    List<Aggregate> parts = new ArrayList<>();
    if (firstHour < endHour) {
      parts.addAll(hours(key, firstHour, endHour).values());
      parts.addAll(buckets(key, start, firstHour).values());
      parts.addAll(buckets(key, endHour, end).values());
    } else {
      parts.addAll(buckets(key, start, end).values());
    }
    Aggregate total = null;
    for (Aggregate part : parts) {
      if (total == null) {
        total = part;
      } else {
        total.merge(part);
      }
    }
    return total;
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
