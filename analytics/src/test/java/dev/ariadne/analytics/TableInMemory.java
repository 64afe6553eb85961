package dev.ariadne.analytics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SharedMetrics} table in a list, as the SPI describes one (a row put under the ID of one
 * there replaces it, ranges with the start in and the end out), so that analytics' side of it is
 * tested without a database; the Cassandra backend's own tests hold it to the same terms against a
 * real node. {@link #failNextPut} makes the next put store the first half of its rows and throw.
 */
class TableInMemory implements SharedMetrics {
  final List<Row> rows = new ArrayList<>();
  final AtomicInteger puts = new AtomicInteger();
  boolean closed;
  private boolean failNextPut;

  synchronized void failNextPut() {
    failNextPut = true;
  }

  @Override
  public synchronized void put(List<Row> batch) throws IOException {
    puts.incrementAndGet();
    int stored = failNextPut ? batch.size() / 2 : batch.size();
    for (Row row : batch.subList(0, stored)) {
      rows.removeIf(old -> Arrays.equals(old.series(), row.series()) && old.hour() == row.hour()
          && old.bucketStart() == row.bucketStart() && old.id().equals(row.id()));
      rows.add(row);
    }
    if (failNextPut) {
      failNextPut = false;
      throw new IOException("the table failed after " + stored + " of " + batch.size() + " rows");
    }
  }

  @Override
  public synchronized List<Row> read(byte[] series, long startMillis, long endMillis) {
    return matching(false, series, startMillis, endMillis);
  }

  @Override
  public synchronized List<Row> readHours(byte[] series, long startMillis, long endMillis) {
    return matching(true, series, startMillis, endMillis);
  }

  private List<Row> matching(boolean hour, byte[] series, long startMillis, long endMillis) {
    List<Row> found = new ArrayList<>();
    for (Row row : rows) {
      if (row.hour() == hour && Arrays.equals(row.series(), series)
          && row.bucketStart() >= startMillis && row.bucketStart() < endMillis) {
        found.add(row);
      }
    }
    return found;
  }

  synchronized List<Row> bucketRows() {
    return rows.stream().filter(row -> !row.hour()).toList();
  }

  synchronized List<Row> hourRows() {
    return rows.stream().filter(Row::hour).toList();
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
