package dev.ariadne.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SharedMetrics} table in a list, as the SPI describes one (rows kept apart, ranges with
 * the start in and the end out), so that analytics' side of it is tested without a database; the
 * Cassandra backend's own tests hold it to the same terms against a real node.
 */
class TableInMemory implements SharedMetrics {
  final List<Row> rows = new ArrayList<>();
  final AtomicInteger appends = new AtomicInteger();
  boolean closed;

  @Override
  public synchronized void append(List<Row> batch) {
    appends.incrementAndGet();
    rows.addAll(batch);
  }

  @Override
  public synchronized List<Row> read(byte[] series, long startMillis, long endMillis) {
    List<Row> found = new ArrayList<>();
    for (Row row : rows) {
      if (Arrays.equals(row.series(), series) && row.bucketStart() >= startMillis
          && row.bucketStart() < endMillis) {
        found.add(row);
      }
    }
    return found;
  }

  @Override
  public synchronized List<byte[]> series(long startMillis, long endMillis) {
    List<byte[]> found = new ArrayList<>();
    for (Row row : rows) {
      if (row.bucketStart() >= startMillis && row.bucketStart() < endMillis
          && found.stream().noneMatch(s -> Arrays.equals(s, row.series()))) {
        found.add(row.series());
      }
    }
    return found;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
