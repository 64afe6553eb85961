package dev.ariadne.storage.cassandra;

import static java.util.Objects.requireNonNull;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.data.GettableByIndex;
import dev.ariadne.analytics.SharedMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link SharedMetrics} in the tables {@code metrics} (the rows, partitioned by series and day of
 * their bucket) and {@code metrics_series} (the series of each day) of a {@link CassandraStorage}'s
 * keyspace, through its session and its bound on requests in flight. Thread-safe.
 */
final class CassandraMetrics implements SharedMetrics {
  /** The length of a partition of both tables: a UTC day. */
  static final long DAY_MILLIS = TimeUnit.DAYS.toMillis(1);

  /**
   * What rows live beyond the retention: a day, so that a day read because part of it is within
   * the retention is whole.
   */
  static final Duration MARGIN = Duration.ofDays(1);

  /** Rows read per page of a partition. */
  private static final int PAGE_SIZE = 1000;

  private final CassandraStorage storage;
  private final CqlSession session;
  private final int ttlSeconds;
  private final PreparedStatement insertRow;
  private final PreparedStatement insertSeries;
  private final PreparedStatement selectRows;
  private final PreparedStatement selectSeries;

  CassandraMetrics(CassandraStorage storage, CqlSession session, String keyspace,
      Duration retention) {
    this.storage = storage;
    this.session = session;
    this.ttlSeconds = (int) retention.plus(MARGIN).toSeconds();
    String ks = Schema.quote(keyspace) + ".";
    insertRow = session.prepare("INSERT INTO " + ks + "metrics (series, day, hour, bucket,"
        + " row_id, aggregate) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
    insertSeries = session.prepare(
        "INSERT INTO " + ks + "metrics_series (day, series) VALUES (?, ?) USING TTL ?");
    selectRows = session.prepare("SELECT bucket, row_id, aggregate FROM " + ks + "metrics"
        + " WHERE series = ? AND day = ? AND hour = ? AND bucket >= ? AND bucket < ?");
    selectSeries = session.prepare("SELECT series FROM " + ks + "metrics_series WHERE day = ?");
  }

  private record Partition(ByteBuffer series, long day) {}

  /**
   * {@inheritDoc}
   *
   * <p>The rows' series are written to {@code metrics_series} first, then the rows, so that a row
   * stored is always listed by {@link #series}, even when this throws.
   *
   * @throws IOException when Cassandra did not acknowledge every row within the request timeout;
   *     some rows may be stored then
   */
  @Override
  public void put(List<Row> rows) throws IOException {
    requireNonNull(rows, "rows");
    for (Row row : rows) {
      requireNonNull(row, "row");
      requireNonNull(row.series(), "series");
      requireNonNull(row.id(), "id");
      requireNonNull(row.aggregate(), "aggregate");
    }
    if (rows.isEmpty()) {
      return;
    }
    Map<Partition, CassandraStorage.Batches> partitions = new LinkedHashMap<>();
    Map<Long, Set<ByteBuffer>> seriesByDay = new LinkedHashMap<>();
    for (Row row : rows) {
      ByteBuffer series = ByteBuffer.wrap(row.series());
      long day = Math.floorDiv(row.bucketStart(), DAY_MILLIS);
      partitions.computeIfAbsent(new Partition(series, day),
          partition -> new CassandraStorage.Batches()).add(
          insertRow.bind(series, day, row.hour(), row.bucketStart(), row.id(),
              ByteBuffer.wrap(row.aggregate()), ttlSeconds),
          row.series().length + row.aggregate().length);
      seriesByDay.computeIfAbsent(day, d -> new LinkedHashSet<>()).add(series);
    }
    List<Statement<?>> seriesRows = new ArrayList<>();
    seriesByDay.forEach((day, series) -> {
      CassandraStorage.Batches batches = new CassandraStorage.Batches();
      for (ByteBuffer key : series) {
        batches.add(insertSeries.bind(day, key, ttlSeconds), key.remaining());
      }
      batches.addTo(seriesRows);
    });
    storage.execute(seriesRows, "metrics");
    List<Statement<?>> metricRows = new ArrayList<>();
    for (CassandraStorage.Batches batches : partitions.values()) {
      batches.addTo(metricRows);
    }
    storage.execute(metricRows, "metrics");
  }

  /**
   * {@inheritDoc}
   *
   * <p>One read per day the range overlaps, concurrently.
   *
   * @throws IOException when Cassandra did not answer within the request timeout
   */
  @Override
  public List<Row> read(byte[] series, long startMillis, long endMillis) throws IOException {
    return readRows(series, false, startMillis, endMillis);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One read per day the range overlaps, concurrently.
   *
   * @throws IOException when Cassandra did not answer within the request timeout
   */
  @Override
  public List<Row> readHours(byte[] series, long startMillis, long endMillis)
      throws IOException {
    return readRows(series, true, startMillis, endMillis);
  }

  private List<Row> readRows(byte[] series, boolean hour, long startMillis, long endMillis)
      throws IOException {
    requireNonNull(series, "series");
    byte[] key = series.clone();
    ByteBuffer keyBytes = ByteBuffer.wrap(key);
    return readDays(startMillis, endMillis,
        day -> selectRows.bind(keyBytes, day, hour, startMillis, endMillis),
        row -> new Row(key, hour, row.getLong(0), row.getUuid(1), bytes(row.getByteBuffer(2))),
        new ArrayList<>());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the series with rows in the UTC days the range overlaps.
   *
   * @throws IOException when Cassandra did not answer within the request timeout
   */
  @Override
  public List<byte[]> series(long startMillis, long endMillis) throws IOException {
    Set<ByteBuffer> series = readDays(startMillis, endMillis, selectSeries::bind,
        row -> row.getByteBuffer(0), new LinkedHashSet<>());
    List<byte[]> keys = new ArrayList<>(series.size());
    for (ByteBuffer key : series) {
      keys.add(bytes(key));
    }
    return keys;
  }

  /**
   * Reads the partitions of the days that [start, end) overlaps, up to {@link
   * CassandraStorage#MAX_IN_FLIGHT} at a time, each through all its pages, into {@code into}.
   */
  private <T, C extends Collection<T>> C readDays(long startMillis, long endMillis,
      Function<Long, BoundStatement> query,
      Function<GettableByIndex, T> column, C into) throws IOException {
    if (endMillis <= startMillis) {
      return into;
    }
    long first = Math.floorDiv(startMillis, DAY_MILLIS);
    long last = Math.floorDiv(endMillis - 1, DAY_MILLIS);
    return storage.read(() -> {
      for (long from = first; from <= last; from += CassandraStorage.MAX_IN_FLIGHT) {
        List<CompletableFuture<List<T>>> reads = new ArrayList<>();
        for (long day = from; day <= last && day - from < CassandraStorage.MAX_IN_FLIGHT; day++) {
          reads.add(session.executeAsync(query.apply(day).setPageSize(PAGE_SIZE))
              .thenCompose(rows -> CassandraStorage.allRows(rows, column, new ArrayList<>()))
              .toCompletableFuture());
        }
        storage.awaitAll(reads);
        for (CompletableFuture<List<T>> read : reads) {
          into.addAll(read.get());
        }
      }
      return into;
    });
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  /** Does nothing: the session is the storage's, closed with it. */
  @Override
  public void close() {}
}
