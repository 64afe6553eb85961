package dev.ariadne.analytics;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Where the scale-out path keeps analytics' metrics, shared by processes. A row is the aggregate of
 * one series over one time bucket as one writer counted it, in bytes that only {@link Analytics}
 * reads, under an ID its writer chose. Each ingester puts, at every flush, the rows of the buckets
 * it counted spans in since the last: while a bucket is recent, under the same ID as before, so
 * that the row grows in place rather than a new row being added per flush; every process that
 * answers queries reads and merges the rows of all of them. Beside its bucket rows, a writer puts
 * an hour row of each hour it counted spans in, its total of the hour's buckets, so that a total
 * over days reads a row per hour and writer rather than one per bucket. The table drops rows after
 * the retention it was given.
 *
 * <p>Implemented by the Cassandra backend. Thread-safe.
 */
public interface SharedMetrics extends Closeable {
  /**
   * Puts {@code rows}, each replacing the row of the same series, kind (hour or bucket), start
   * and ID if there is one;
   * durable, as the table's writes are, when this returns. A put that throws may have put some of
   * its rows: a writer that puts them again later replaces them.
   */
  void put(List<Row> rows) throws IOException;

  /** Every bucket row of {@code series} whose bucket starts in [start, end), in any order. */
  List<Row> read(byte[] series, long startMillis, long endMillis) throws IOException;

  /** Every hour row of {@code series} whose hour starts in [start, end), in any order. */
  List<Row> readHours(byte[] series, long startMillis, long endMillis) throws IOException;

  /**
   * The series with rows whose buckets start in [start, end), each once, in any order; it may
   * also name series whose rows are near that range but outside it.
   */
  List<byte[]> series(long startMillis, long endMillis) throws IOException;

  /**
   * One writer's aggregate of {@code series} over the bucket, or the hour, that starts at {@code
   * bucketStart}, named by {@code id}.
   */
  final class Row {
    private final byte[] series;
    private final boolean hour;
    private final long bucketStart;
    private final UUID id;
    private final byte[] aggregate;

    /** Takes the arrays as they are, without a copy: neither side changes them after. */
    public Row(byte[] series, boolean hour, long bucketStart, UUID id, byte[] aggregate) {
      this.series = series;
      this.hour = hour;
      this.bucketStart = bucketStart;
      this.id = id;
      this.aggregate = aggregate;
    }

    /** The series' key, as {@link Analytics} writes it. */
    public byte[] series() {
      return series;
    }

    /** Whether this is an hour row, the total of the buckets of its hour, or a bucket row. */
    public boolean hour() {
      return hour;
    }

    /** The start of the bucket, or of the hour, in milliseconds since the epoch. */
    public long bucketStart() {
      return bucketStart;
    }

    /**
     * Which row of its series and bucket this is: its writer's, unique among all writers' (random
     * bits), and the same at every put of the row.
     */
    public UUID id() {
      return id;
    }

    /** The aggregate, as {@link Analytics} writes it. */
    public byte[] aggregate() {
      return aggregate;
    }
  }
}
