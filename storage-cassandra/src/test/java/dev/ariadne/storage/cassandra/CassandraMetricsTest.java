package dev.ariadne.storage.cassandra;

import static dev.ariadne.storage.cassandra.CassandraMetrics.DAY_MILLIS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.ariadne.analytics.SharedMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared metrics' tables against a real Cassandra node (shared with {@link
 * CassandraStorageTest}), on a schema made before, emptied before each test.
 */
class CassandraMetricsTest {
  private static final String KEYSPACE = SharedNode.KEYSPACE;
  /** Midnight (UTC) of 2024-03-01. */
  private static final long MIDNIGHT = 19_783 * DAY_MILLIS;
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final Duration RETENTION = Duration.ofDays(30);

  @RegisterExtension static final SharedNode NODE = new SharedNode();
  private static CassandraStorage storage;

  private SharedMetrics metrics;

  @BeforeAll
  static void connect() throws IOException {
    storage = builder().build();
  }

  @AfterAll
  static void disconnect() throws IOException {
    if (storage != null) {
      storage.close();
    }
  }

  @BeforeEach
  void emptyTables() throws IOException {
    storage.session().execute("TRUNCATE " + Schema.quote(KEYSPACE) + ".metrics");
    storage.session().execute("TRUNCATE " + Schema.quote(KEYSPACE) + ".metrics_series");
    metrics = storage.sharedMetrics(RETENTION);
  }

  @AfterEach
  void closeMetrics() throws IOException {
    metrics.close();
  }

  /** On the keyspace the shared node was started with, without making the schema again. */
  private static CassandraStorage.Builder builder() {
    return CassandraStorageTest.builder(NODE.node()).createSchema(false);
  }

  @Test
  void putRowsAreReadBackWithTheirBucketIdAndBytes() throws IOException {
    SharedMetrics.Row first = row("a", MIDNIGHT, "first");
    SharedMetrics.Row second = row("a", MIDNIGHT + MINUTE, "second");
    metrics.put(List.of(first, second));

    assertThat(read("a", MIDNIGHT, MIDNIGHT + 2 * MINUTE)).containsExactlyInAnyOrder(
        "a@" + MIDNIGHT + "=first", "a@" + (MIDNIGHT + MINUTE) + "=second");
    assertThat(metrics.read(bytes("a"), MIDNIGHT, MIDNIGHT + 2 * MINUTE))
        .extracting(SharedMetrics.Row::id).containsExactlyInAnyOrder(first.id(), second.id());
  }

  @Test
  void rowsOfOneSeriesAndBucketAreKeptApartByTheirIds() throws IOException {
    metrics.put(List.of(row("a", MIDNIGHT, "x")));
    metrics.put(List.of(row("a", MIDNIGHT, "x")));
    metrics.put(List.of(row("a", MIDNIGHT, "y"), row("a", MIDNIGHT, "y")));

    assertThat(read("a", MIDNIGHT, MIDNIGHT + MINUTE)).containsExactlyInAnyOrder(
        "a@" + MIDNIGHT + "=x", "a@" + MIDNIGHT + "=x",
        "a@" + MIDNIGHT + "=y", "a@" + MIDNIGHT + "=y");
  }

  @Test
  void aRowPutAgainUnderItsIdReplacesTheOneBefore() throws IOException {
    UUID id = UUID.randomUUID();
    metrics.put(List.of(new SharedMetrics.Row(bytes("a"), false, MIDNIGHT, id, bytes("3 spans")),
        row("a", MIDNIGHT, "another writer's")));
    metrics.put(List.of(new SharedMetrics.Row(bytes("a"), false, MIDNIGHT, id, bytes("5 spans"))));

    assertThat(read("a", MIDNIGHT, MIDNIGHT + MINUTE)).containsExactlyInAnyOrder(
        "a@" + MIDNIGHT + "=5 spans", "a@" + MIDNIGHT + "=another writer's");
  }

  @Test
  void aRangeIncludesItsStartAndExcludesItsEndAcrossMidnight() throws IOException {
    List<SharedMetrics.Row> rows = new ArrayList<>();
    for (long bucket = MIDNIGHT - 2 * MINUTE; bucket <= MIDNIGHT + 2 * MINUTE; bucket += MINUTE) {
      rows.add(row("a", bucket, "v"));
    }
    metrics.put(rows);

    assertThat(read("a", MIDNIGHT - MINUTE, MIDNIGHT + 2 * MINUTE)).containsExactlyInAnyOrder(
        "a@" + (MIDNIGHT - MINUTE) + "=v", "a@" + MIDNIGHT + "=v",
        "a@" + (MIDNIGHT + MINUTE) + "=v");
    assertThat(read("a", MIDNIGHT - 2 * MINUTE, MIDNIGHT))
        .containsExactlyInAnyOrder("a@" + (MIDNIGHT - 2 * MINUTE) + "=v",
            "a@" + (MIDNIGHT - MINUTE) + "=v");
    assertThat(read("a", MIDNIGHT, MIDNIGHT + 1)).containsExactly("a@" + MIDNIGHT + "=v");
  }

  @Test
  void hourRowsAndBucketRowsAreReadApart() throws IOException {
    UUID id = UUID.randomUUID();
    metrics.put(List.of(row("a", MIDNIGHT, "a bucket"),
        new SharedMetrics.Row(bytes("a"), true, MIDNIGHT, id, bytes("its hour"))));

    assertThat(read("a", MIDNIGHT, MIDNIGHT + HOUR)).containsExactly("a@" + MIDNIGHT + "=a bucket");
    assertThat(metrics.readHours(bytes("a"), MIDNIGHT - HOUR, MIDNIGHT + HOUR))
        .singleElement().satisfies(row -> {
          assertThat(row.hour()).isTrue();
          assertThat(row.bucketStart()).isEqualTo(MIDNIGHT);
          assertThat(row.id()).isEqualTo(id);
          assertThat(new String(row.aggregate(), UTF_8)).isEqualTo("its hour");
        });
    assertThat(read("a", MIDNIGHT + 1, MIDNIGHT + HOUR)).isEmpty();
    assertThat(metrics.readHours(bytes("a"), MIDNIGHT + 1, MIDNIGHT + HOUR)).isEmpty();
  }

  @Test
  void rowsOfOtherSeriesAreNotRead() throws IOException {
    metrics.put(List.of(row("a", MIDNIGHT, "mine"), row("b", MIDNIGHT, "other"),
        row("ab", MIDNIGHT, "other")));

    assertThat(read("a", MIDNIGHT - DAY_MILLIS, MIDNIGHT + DAY_MILLIS))
        .containsExactly("a@" + MIDNIGHT + "=mine");
    assertThat(read("c", MIDNIGHT - DAY_MILLIS, MIDNIGHT + DAY_MILLIS)).isEmpty();
  }

  @Test
  void aPartitionLargerThanAPageIsReadWhole() throws IOException {
    List<SharedMetrics.Row> rows = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      rows.add(row("a", MIDNIGHT + i, "v" + i));
    }
    metrics.put(rows);

    assertThat(metrics.read(bytes("a"), MIDNIGHT, MIDNIGHT + DAY_MILLIS)).hasSize(2500);
  }

  @Test
  void seriesOfTheDaysARangeOverlapsAreEachListedOnce() throws IOException {
    metrics.put(List.of(row("a", MIDNIGHT - MINUTE, "v"), row("a", MIDNIGHT, "v"),
        row("a", MIDNIGHT + MINUTE, "v"), row("b", MIDNIGHT + MINUTE, "v")));
    metrics.put(List.of(row("a", MIDNIGHT, "v"), row("c", MIDNIGHT + 2 * DAY_MILLIS, "v")));

    assertThat(series(MIDNIGHT - MINUTE, MIDNIGHT + 2 * MINUTE))
        .containsExactlyInAnyOrder("a", "b");
    assertThat(series(MIDNIGHT + 2 * DAY_MILLIS, MIDNIGHT + 3 * DAY_MILLIS)).containsExactly("c");
    assertThat(series(MIDNIGHT + DAY_MILLIS, MIDNIGHT + 2 * DAY_MILLIS)).isEmpty();
  }

  @Test
  void emptyAndInvertedRangesReadNothing() throws IOException {
    metrics.put(List.of(row("a", MIDNIGHT, "v")));

    assertThat(metrics.read(bytes("a"), MIDNIGHT, MIDNIGHT)).isEmpty();
    assertThat(metrics.read(bytes("a"), MIDNIGHT + 1, MIDNIGHT)).isEmpty();
    assertThat(metrics.series(MIDNIGHT, MIDNIGHT)).isEmpty();
    assertThat(metrics.series(MIDNIGHT + 1, MIDNIGHT)).isEmpty();
  }

  @Test
  void rowsLiveTheRetentionPlusADay() throws IOException {
    try (SharedMetrics hours = storage.sharedMetrics(Duration.ofHours(2))) {
      hours.put(List.of(row("a", MIDNIGHT, "v")));
    }

    Row row = storage.session().execute(storage.session().prepare("SELECT TTL(aggregate) FROM "
        + Schema.quote(KEYSPACE) + ".metrics WHERE series = ? AND day = ?")
        .bind(ByteBuffer.wrap(bytes("a")), MIDNIGHT / DAY_MILLIS)).one();
    int expected = (int) Duration.ofHours(26).toSeconds();
    assertThat(row.getInt(0)).isBetween(expected - 30, expected);
  }

  @Test
  void anEmptyPutWritesNothing() throws IOException {
    metrics.put(List.of());

    assertThat(storage.session().execute("SELECT COUNT(*) FROM " + Schema.quote(KEYSPACE)
        + ".metrics_series").one().getLong(0)).isZero();
  }

  @Test
  void nullRowsAndBadRetentionsAreRefused() {
    List<SharedMetrics.Row> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> metrics.put(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> metrics.put(withNull)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> storage.sharedMetrics(Duration.ofMinutes(59)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retention: PT59M (expected: 1 h to ");
    assertThatThrownBy(() -> storage.sharedMetrics(Duration.ofDays(7300)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("retention: ");
  }

  @Test
  void closingTheMetricsLeavesTheStorageOpen() throws IOException {
    metrics.close();

    try (SharedMetrics again = storage.sharedMetrics(RETENTION)) {
      again.put(List.of(row("a", MIDNIGHT, "v")));
      assertThat(again.read(bytes("a"), MIDNIGHT, MIDNIGHT + 1)).hasSize(1);
    }
  }

  private List<String> read(String series, long start, long end) throws IOException {
    List<String> rows = new ArrayList<>();
    for (SharedMetrics.Row row : metrics.read(bytes(series), start, end)) {
      rows.add(new String(row.series(), UTF_8) + "@" + row.bucketStart() + "="
          + new String(row.aggregate(), UTF_8));
    }
    return rows;
  }

  private List<String> series(long start, long end) throws IOException {
    List<String> series = new ArrayList<>();
    for (byte[] key : metrics.series(start, end)) {
      series.add(new String(key, UTF_8));
    }
    return series;
  }

  private static SharedMetrics.Row row(String series, long bucket, String aggregate) {
    return new SharedMetrics.Row(bytes(series), false, bucket, UUID.randomUUID(),
        bytes(aggregate));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
