package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Analytics over a table that several processes share: two ingesters write, a query role reads. */
class SharedAnalyticsTest {
  private static final long MINUTE = 60_000;
  private static final long T0 =
      1_700_000_000_000L / MetricsStore.HOUR_MILLIS * MetricsStore.HOUR_MILLIS;
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochMilli(T0 + 30 * MINUTE), ZoneOffset.UTC);

  @TempDir Path dir;
  private final TableInMemory table = new TableInMemory();
  private final TestSpans testSpans = new TestSpans();

  private Analytics.Builder builder() {
    return Analytics.builder().clock(CLOCK).flushInterval(Duration.ofHours(1)).shared(table);
  }

  @Test
  void aReaderMergesWhatEveryWriterFlushed() throws IOException {
    try (Analytics first = builder().build();
        Analytics second = builder().build();
        Analytics query = builder().build()) {
      List<Span> spans = new ArrayList<>();
      for (int i = 1; i <= 30; i++) {
        spans.add(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0 + (i % 2) * MINUTE, i,
            i % 10 == 0 ? StatusCode.ERROR : StatusCode.OK));
      }
      first.record(spans.subList(0, 10));
      first.flush();
      first.record(spans.subList(10, 20));
      first.flush();
      second.record(spans.subList(20, 30));
      second.flush();

      List<RedPoint> perMinute = query.red(new RedQuery("cart", "GET /cart", Set.of(), T0,
          T0 + 10 * MINUTE, MINUTE, RedQuery.STANDARD_QUANTILES));
      assertThat(perMinute).extracting(RedPoint::requests).containsExactly(15L, 15L);
      assertThat(perMinute).extracting(RedPoint::errors).containsExactly(3L, 0L);
      List<RedPoint> service = query.red(new RedQuery("cart", null, Set.of(), T0,
          T0 + 10 * MINUTE, 10 * MINUTE, List.of(1.0)));
      assertThat(service).singleElement().satisfies(point -> {
        assertThat(point.requests()).isEqualTo(30);
        assertThat(point.quantileNanos().get(0)).isBetween(29.7e6, 30.3e6);
      });
      assertThat(query.operations("cart", null, T0, T0 + 10 * MINUTE, List.of()))
          .singleElement().extracting(OperationSummary::requests).isEqualTo(30L);
      assertThat(query.missing("cart", null, T0, T0 + 10 * MINUTE)).isEmpty();
    }
  }

  @Test
  void aWriterPutsOneRowPerSeriesAndBucketHoweverOftenItFlushes() throws IOException {
    MovingClock clock = new MovingClock(T0 + 30 * MINUTE + 1000);
    try (Analytics ingester = builder().clock(clock).build();
        Analytics query = builder().build()) {
      for (int flush = 1; flush <= 3; flush++) {
        ingester.record(List.of(
            testSpans.span("cart", "a", SpanKind.SERVER, T0 + 30 * MINUTE, flush, StatusCode.OK),
            testSpans.span("cart", "a", SpanKind.SERVER, T0 + 29 * MINUTE, flush, StatusCode.OK)));
        ingester.flush();
        clock.advance(10_000);
      }

      assertThat(table.puts).hasValue(3);
      assertThat(table.bucketRows()).as("an operation's and a service's series, in two buckets")
          .hasSize(4);
      assertThat(table.hourRows()).as("and in their hour").hasSize(2);
      assertThat(query.red(new RedQuery("cart", "a", Set.of(), T0 + 29 * MINUTE,
          T0 + 31 * MINUTE, MINUTE, List.of(1.0)))).extracting(RedPoint::requests)
          .containsExactly(3L, 3L);
    }
  }

  @Test
  void aPutThatFailedHalfwayIsMadeAgainAtTheNextFlushAndNothingIsCountedTwice() throws IOException {
    MovingClock clock = new MovingClock(T0 + 30 * MINUTE + 1000);
    try (Analytics ingester = builder().clock(clock).build();
        Analytics query = builder().build()) {
      ingester.record(List.of(
          testSpans.span("cart", "a", SpanKind.SERVER, T0 + 30 * MINUTE, 1, StatusCode.OK),
          testSpans.span("shop", "b", SpanKind.SERVER, T0 + 30 * MINUTE, 1, StatusCode.OK)));
      table.failNextPut();
      assertThatThrownBy(ingester::flush).isInstanceOf(IOException.class);
      assertThat(table.rows).as("half of the put was stored").hasSize(4);
      clock.advance(10_000);
      ingester.flush();
      for (String service : List.of("cart", "shop")) {
        assertThat(query.operations(service, null, T0, T0 + 60 * MINUTE, List.of()))
            .as("put again with no new span").singleElement()
            .extracting(OperationSummary::requests).isEqualTo(1L);
      }
      clock.advance(10_000);
      ingester.record(List.of(
          testSpans.span("cart", "a", SpanKind.SERVER, T0 + 30 * MINUTE, 2, StatusCode.OK),
          testSpans.span("shop", "b", SpanKind.SERVER, T0 + 30 * MINUTE, 2, StatusCode.OK)));
      ingester.flush();

      for (String service : List.of("cart", "shop")) {
        assertThat(query.operations(service, null, T0, T0 + 60 * MINUTE, List.of()))
            .singleElement().extracting(OperationSummary::requests).isEqualTo(2L);
      }
      assertThat(table.bucketRows()).hasSize(4);
      assertThat(table.hourRows()).hasSize(4);
    }
  }

  @Test
  void aLateSpanForABucketLetGoOfStartsANewRowOfIt() throws IOException {
    MovingClock clock = new MovingClock(T0 + 30 * MINUTE + 1000);
    try (Analytics ingester = builder().clock(clock).build();
        Analytics query = builder().build()) {
      ingester.record(List.of(
          testSpans.span("cart", "a", SpanKind.SERVER, T0 + 30 * MINUTE, 1, StatusCode.OK)));
      ingester.flush();
      clock.advance(2 * MINUTE);
      ingester.flush();
      ingester.record(List.of(
          testSpans.span("cart", "a", SpanKind.SERVER, T0 + 30 * MINUTE, 2, StatusCode.OK)));
      ingester.flush();

      assertThat(table.bucketRows()).as("two rows of each series for the bucket").hasSize(4);
      assertThat(table.hourRows()).as("one of each series for the hour, still recent")
          .hasSize(2);
      assertThat(query.operations("cart", null, T0, T0 + 60 * MINUTE, List.of()))
          .singleElement().extracting(OperationSummary::requests).isEqualTo(2L);
    }
  }

  @Test
  void aWriterLetsGoOfBucketsOnceTheBucketAfterThemHasEnded() throws IOException {
    MovingClock clock = new MovingClock(T0 + 30 * MINUTE);
    SharedStore store = new SharedStore(table, MINUTE, Duration.ofDays(30).toMillis(),
        clock::millis);
    SeriesKey key = new SeriesKey.Service("cart", SpanKind.SERVER, StatusCode.OK);
    store.append(Map.of(key, Map.of(T0 + 29 * MINUTE, new Aggregate(),
        T0 + 30 * MINUTE, new Aggregate())));
    assertThat(store.recentBuckets()).isEqualTo(2);

    clock.advance(MINUTE);
    store.maintain();
    assertThat(store.recentBuckets()).as("the bucket after 29 has ended").isEqualTo(1);

    clock.advance(MINUTE);
    store.maintain();
    assertThat(store.recentBuckets()).isZero();
    assertThat(store.recentHours()).as("the hour after T0 has not ended").isEqualTo(1);

    clock.advance(2 * MetricsStore.HOUR_MILLIS - 33 * MINUTE);
    store.maintain();
    assertThat(store.recentHours()).as("a minute before the hour after T0 ends").isEqualTo(1);
    clock.advance(MINUTE);
    store.maintain();
    assertThat(store.recentHours()).isZero();
  }

  @Test
  void totalsAndChartsOverWholeHoursReadTheirHourRowsAndBucketRowsOnlyForTheRest() throws IOException {
    List<String> asked = new ArrayList<>();
    TableInMemory watched = new TableInMemory() {
      @Override
      public synchronized List<Row> read(byte[] series, long startMillis, long endMillis) {
        asked.add("buckets " + minutes(startMillis) + " to " + minutes(endMillis));
        return super.read(series, startMillis, endMillis);
      }

      @Override
      public synchronized List<Row> readHours(byte[] series, long startMillis, long endMillis) {
        asked.add("hours " + minutes(startMillis) + " to " + minutes(endMillis));
        return super.readHours(series, startMillis, endMillis);
      }
    };
    Clock clock = Clock.fixed(Instant.ofEpochMilli(T0 + 3 * MetricsStore.HOUR_MILLIS),
        ZoneOffset.UTC);
    try (Analytics first = Analytics.builder().clock(clock).shared(watched).build();
        Analytics second = Analytics.builder().clock(clock).shared(watched).build();
        Analytics query = Analytics.builder().clock(clock).shared(watched).build()) {
      List<Span> spans = new ArrayList<>();
      for (long minute = -30; minute < 150; minute += 10) {
        spans.add(testSpans.span("cart", "a", SpanKind.SERVER, T0 + minute * MINUTE, 1,
            StatusCode.OK));
      }
      first.record(spans.subList(0, 9));
      second.record(spans.subList(9, 18));
      first.flush();
      second.flush();
      assertThat(watched.hourRows()).as("each writer's hours of the two series")
          .hasSize(2 * 2 + 2 * 2);

      assertThat(query.operations("cart", null, T0 - 30 * MINUTE, T0 + 150 * MINUTE, List.of()))
          .singleElement().extracting(OperationSummary::requests).isEqualTo(18L);
      assertThat(asked).containsExactlyInAnyOrder(
          "hours 0 to 120", "buckets -30 to 0", "buckets 120 to 150");
      asked.clear();
      assertThat(query.operations("cart", null, T0 + 10 * MINUTE, T0 + 50 * MINUTE, List.of()))
          .singleElement().extracting(OperationSummary::requests).isEqualTo(4L);
      assertThat(asked).containsExactly("buckets 10 to 50");
      asked.clear();

      assertThat(query.red(new RedQuery("cart", "a", Set.of(), T0, T0 + 150 * MINUTE,
          60 * MINUTE, List.of()))).extracting(RedPoint::requests).containsExactly(6L, 6L, 3L);
      assertThat(Set.copyOf(asked)).as("the chart's whole hours from their hour rows, per series")
          .containsExactlyInAnyOrder("hours 0 to 120", "buckets 120 to 150");
    }
  }

  private static long minutes(long millis) {
    return (millis - T0) / MINUTE;
  }

  /** A clock that tests move forward. */
  private static final class MovingClock extends Clock {
    private long millis;

    MovingClock(long millis) {
      this.millis = millis;
    }

    void advance(long by) {
      millis += by;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aReaderRecordsNothingAndFlushesNothing() throws IOException {
    try (Analytics query = builder().build()) {
      query.flush();
    }
    assertThat(table.puts).hasValue(0);
    assertThat(table.closed).as("closing the analytics closes its table").isTrue();
  }

  @Test
  void theServiceGraphOfEveryWriterIsRead() throws IOException {
    try (Analytics first = builder().build();
        Analytics second = builder().build();
        Analytics query = builder().build()) {
      first.record(testSpans.call("shop", "cart", T0));
      second.record(testSpans.call("shop", "cart", T0 + MINUTE));
      second.record(testSpans.call("cart", "payment", T0 + MINUTE));
      first.flush();
      second.flush();
      assertThat(query.edges(T0, T0 + 10 * MINUTE, List.of()))
          .extracting(e -> e.client() + ">" + e.server() + ":" + e.calls())
          .containsExactly("cart>payment:1", "shop>cart:2");
      assertThat(query.missingCalls(T0, T0 + 10 * MINUTE)).isEmpty();
    }
  }

  @Test
  void spansAnotherProcessCountedInTheOverflowSeriesAreSaidToBeMissing() throws IOException {
    try (Analytics ingester = builder().maxSeries(1).build();
        Analytics query = builder().build()) {
      ingester.record(List.of(
          testSpans.span("cart", "a", SpanKind.SERVER, T0, 1, StatusCode.OK),
          testSpans.span("shop", "x", SpanKind.SERVER, T0 + 5 * MINUTE, 1, StatusCode.OK),
          testSpans.span("shop", "y", SpanKind.SERVER, T0 + 7 * MINUTE, 1, StatusCode.OK)));
      ingester.flush();

      assertThat(query.untrackedServices()).as("which services is the ingester's to know")
          .isEmpty();
      assertThat(query.moreUntrackedServices()).isTrue();
      MissingMetrics shop = query.missing("shop", null, T0, T0 + 10 * MINUTE).get(0);
      assertThat(shop.cause()).isEqualTo(MissingMetrics.Cause.MAX_SERIES);
      assertThat(shop.fromMillis()).isEqualTo(T0 + 5 * MINUTE);
      assertThat(shop.toMillis()).isEqualTo(T0 + 8 * MINUTE);
      assertThat(shop.count()).as("not known to be shop's").isEqualTo(-1);
      assertThat(shop.message()).contains("2 spans", Analytics.OVERFLOW, "analytics.max-series");
      assertThat(query.missing("shop", null, T0 + 8 * MINUTE, T0 + 10 * MINUTE))
          .as("a range after the overflow").isEmpty();
    }
  }

  @Test
  void aReaderWithNoOverflowAnywhereSaysNothingIsMissing() throws IOException {
    try (Analytics ingester = builder().build();
        Analytics query = builder().build()) {
      ingester.record(List.of(testSpans.span("cart", "a", SpanKind.SERVER, T0, 1, StatusCode.OK)));
      ingester.flush();
      assertThat(query.moreUntrackedServices()).isFalse();
      assertThat(query.missing("cart", null, T0, T0 + 10 * MINUTE)).isEmpty();
    }
  }

  @Test
  void callsAnotherProcessCountedOnOverflowEdgesAreSaidToBeMissing() throws IOException {
    try (Analytics ingester = builder().maxSeries(1).build();
        Analytics query = builder().build()) {
      ingester.record(testSpans.call("shop", "cart", T0));
      ingester.record(testSpans.call("cart", "payment", T0 + 2 * MINUTE));
      ingester.flush();
      MissingMetrics overflow = query.missingCalls(T0, T0 + 10 * MINUTE).get(0);
      assertThat(overflow.cause()).isEqualTo(MissingMetrics.Cause.MAX_SERIES);
      assertThat(overflow.count()).isEqualTo(1);
      assertThat(overflow.fromMillis()).isEqualTo(T0 + 2 * MINUTE);
      assertThat(overflow.message()).contains("1 call", Analytics.OVERFLOW);
    }
  }

  @Test
  void aRowThatDoesNotDecodeIsLeftOutAndCounted() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics ingester = builder().build();
        Analytics query = builder().prometheusRegistry(registry).build()) {
      ingester.record(List.of(testSpans.span("cart", "a", SpanKind.SERVER, T0, 1, StatusCode.OK)));
      ingester.flush();
      SharedMetrics.Row good = table.bucketRows().stream()
          .filter(row -> row.series()[0] == SeriesKey.OPERATION).findFirst().orElseThrow();
      table.put(List.of(new SharedMetrics.Row(good.series(), false, good.bucketStart(),
          UUID.randomUUID(), new byte[] {1, 5, 0x7f})));

      assertThat(query.operations("cart", null, T0, T0 + 10 * MINUTE, List.of()))
          .singleElement().extracting(OperationSummary::requests).isEqualTo(1L);
      assertThat(corruptCounter(registry)).isEqualTo(1);
    }
  }

  private static double corruptCounter(PrometheusRegistry registry) {
    for (MetricSnapshot metric : registry.scrape()) {
      if (metric.getMetadata().getName().equals("ariadne_analytics_corrupt_files")) {
        return ((CounterSnapshot.CounterDataPointSnapshot) metric.getDataPoints().get(0))
            .getValue();
      }
    }
    throw new AssertionError("no ariadne_analytics_corrupt_files");
  }

  @Test
  void readsAskTheTableOnlyForTheTimeItCanHoldRowsOf() throws IOException {
    List<long[]> asked = new ArrayList<>();
    TableInMemory watched = new TableInMemory() {
      @Override
      public synchronized List<Row> read(byte[] series, long startMillis, long endMillis) {
        asked.add(new long[] {startMillis, endMillis});
        return super.read(series, startMillis, endMillis);
      }
    };
    try (Analytics query = Analytics.builder().clock(CLOCK).retention(Duration.ofDays(2))
        .shared(watched).build()) {
      query.red(new RedQuery("cart", "a", Set.of(SpanKind.SERVER), 0, Long.MAX_VALUE / 2,
          MINUTE, List.of()));
    }
    long now = CLOCK.millis();
    assertThat(asked).isNotEmpty().allSatisfy(range -> {
      assertThat(range[0]).isEqualTo(now - Duration.ofDays(3).toMillis());
      assertThat(range[1]).isEqualTo(now + Duration.ofHours(2).toMillis());
    });
  }

  @Test
  void aDataDirectoryAndASharedTableAreRefusedTogether() {
    assertThatThrownBy(() -> builder().dataDir(dir).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not both");
  }
}
