package dev.ariadne.analytics;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where the scale-out path keeps analytics' metrics, shared by processes: each ingester appends
 * what it counted since its last flush, and every process that answers queries reads and merges
 * what all of them appended. A row is a partial aggregate of one series over one time bucket, in
 * bytes that only {@link Analytics} reads; the table keeps rows apart (two appends of the same
 * series and bucket are two rows, never one overwriting the other) and drops them after the
 * retention it was given.
 *
 * <p>Implemented by the Cassandra backend. Thread-safe.
 */
public interface SharedMetrics extends Closeable {
  /** Appends {@code rows}; durable, as the table's writes are, when this returns. */
  void append(List<Row> rows) throws IOException;

  /** Every row of {@code series} whose bucket starts in [start, end), in any order. */
  List<Row> read(byte[] series, long startMillis, long endMillis) throws IOException;

  /**
   * The series with rows whose buckets start in [start, end), each once, in any order; it may
   * also name series whose rows are near that range but outside it.
   */
  List<byte[]> series(long startMillis, long endMillis) throws IOException;

  /** One partial aggregate: of {@code series}, over the bucket that starts at {@code bucketStart}. */
  final class Row {
    private final byte[] series;
    private final long bucketStart;
    private final byte[] aggregate;

    /** Takes the arrays as they are, without a copy: neither side changes them after. */
    public Row(byte[] series, long bucketStart, byte[] aggregate) {
      this.series = series;
      this.bucketStart = bucketStart;
      this.aggregate = aggregate;
    }

    /** The series' key, as {@link Analytics} writes it. */
    public byte[] series() {
      return series;
    }

    /** The bucket's start, in milliseconds since the epoch. */
    public long bucketStart() {
      return bucketStart;
    }

    /** The partial aggregate, as {@link Analytics} writes it. */
    public byte[] aggregate() {
      return aggregate;
    }
  }
}
