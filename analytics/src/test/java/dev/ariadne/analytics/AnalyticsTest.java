package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyticsTest {
  private static final long MINUTE = 60_000;
  private static final long T0 = 1_700_000_000_000L / MetricsStore.HOUR_MILLIS * MetricsStore.HOUR_MILLIS;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(T0 + 30 * MINUTE), ZoneOffset.UTC);

  @TempDir Path dir;
  private final TestSpans testSpans = new TestSpans();

  private Analytics.Builder builder() {
    return Analytics.builder().clock(CLOCK).flushInterval(Duration.ofHours(1));
  }

  /** The data points of a metric whose labels include {@code labels} (name, value, ...). */
  private static <T extends DataPointSnapshot> List<T> points(
      PrometheusRegistry registry, String name, Class<T> type, String... labels) {
    List<T> points = new ArrayList<>();
    for (MetricSnapshot metric : registry.scrape()) {
      if (!metric.getMetadata().getName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot point : metric.getDataPoints()) {
        boolean matches = true;
        for (int i = 0; i < labels.length; i += 2) {
          matches &= labels[i + 1].equals(point.getLabels().get(labels[i]));
        }
        if (matches) {
          points.add(type.cast(point));
        }
      }
    }
    return points;
  }

  private static double counter(PrometheusRegistry registry, String name, String... labels) {
    List<CounterSnapshot.CounterDataPointSnapshot> points =
        points(registry, name, CounterSnapshot.CounterDataPointSnapshot.class, labels);
    assertThat(points).as(name).hasSize(1);
    return points.get(0).getValue();
  }

  @Test
  void countsErrorsAndPercentilesPerStep() throws IOException {
    try (Analytics analytics = builder().build()) {
      List<Span> spans = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        spans.add(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0 + (i % 3) * MINUTE, i,
            i % 10 == 0 ? StatusCode.ERROR : StatusCode.OK));
      }
      spans.add(testSpans.span("cart", "db.query", SpanKind.CLIENT, T0, 5, StatusCode.UNSET));
      analytics.record(spans);
      analytics.flush();

      List<RedPoint> perMinute = analytics.red(new RedQuery("cart", "GET /cart", Set.of(), T0,
          T0 + 10 * MINUTE, MINUTE, RedQuery.STANDARD_QUANTILES));
      assertThat(perMinute).extracting(RedPoint::startMillis)
          .containsExactly(T0, T0 + MINUTE, T0 + 2 * MINUTE);
      assertThat(perMinute).extracting(RedPoint::requests).containsExactly(33L, 34L, 33L);

      List<RedPoint> whole = analytics.red(new RedQuery("cart", "GET /cart", Set.of(SpanKind.SERVER), T0,
          T0 + 10 * MINUTE, 5 * MINUTE, RedQuery.STANDARD_QUANTILES));
      assertThat(whole).hasSize(1);
      RedPoint point = whole.get(0);
      assertThat(point.requests()).isEqualTo(100);
      assertThat(point.errors()).isEqualTo(10);
      assertThat(point.quantileNanos().get(0)).isCloseTo(50e6, within(0.5e6));
      assertThat(point.quantileNanos().get(4)).isCloseTo(99e6, within(1e6));
      assertThat(point.exemplars()).extracting(Exemplar::durationNanos)
          .contains(100_000_000L, 99_000_000L);
      assertThat(point.exemplars()).filteredOn(Exemplar::error).extracting(Exemplar::durationNanos)
          .containsExactly(100_000_000L, 90_000_000L);

      List<RedPoint> service = analytics.red(new RedQuery("cart", null, Set.of(), T0,
          T0 + 10 * MINUTE, 10 * MINUTE, List.of(0.5)));
      assertThat(service).singleElement().extracting(RedPoint::requests).isEqualTo(101L);
      assertThat(analytics.red(new RedQuery("cart", null, Set.of(SpanKind.CLIENT), T0, T0 + 10 * MINUTE,
          10 * MINUTE, List.of()))).singleElement().extracting(RedPoint::requests).isEqualTo(1L);
      assertThat(analytics.red(new RedQuery("nobody", null, Set.of(), T0, T0 + 10 * MINUTE,
          MINUTE, List.of()))).isEmpty();
    }
  }

  @Test
  void aStepOfWholeHoursCountsWhatItsBucketsCountInSealedAndOpenHours() throws IOException {
    for (Analytics.Builder store : List.of(builder(), builder().dataDir(dir))) {
      try (Analytics analytics = store.build()) {
        List<Span> spans = new ArrayList<>();
        for (long minute = -90; minute <= 20; minute += 10) {
          spans.add(testSpans.span("cart", "a", SpanKind.SERVER, T0 + minute * MINUTE, 1,
              minute == -60 ? StatusCode.ERROR : StatusCode.OK));
        }
        analytics.record(spans);
        analytics.flush();

        for (long end : List.of(T0 + 30 * MINUTE, T0 + 120 * MINUTE)) {
          List<RedPoint> hourly = analytics.red(new RedQuery("cart", "a", Set.of(), T0 - 120 * MINUTE,
              end, 60 * MINUTE, List.of(1.0)));
          assertThat(hourly).extracting(RedPoint::startMillis)
              .containsExactly(T0 - 120 * MINUTE, T0 - 60 * MINUTE, T0);
          assertThat(hourly).extracting(RedPoint::requests).containsExactly(3L, 6L, 3L);
          assertThat(hourly).extracting(RedPoint::errors).containsExactly(0L, 1L, 0L);
        }
      }
    }
  }

  @Test
  void aServiceSeriesMergesItsOperationsAcrossFlushes() throws IOException {
    try (Analytics analytics = builder().build()) {
      List<Span> orders = new ArrayList<>();
      List<Span> carts = new ArrayList<>();
      for (int i = 1; i <= 50; i++) {
        orders.add(testSpans.span("shop", "GET /orders", SpanKind.SERVER, T0, i, StatusCode.OK));
        carts.add(testSpans.span("shop", "GET /carts", SpanKind.SERVER, T0, 50 + i,
            i == 1 ? StatusCode.ERROR : StatusCode.OK));
      }
      // Two flushes of the same bucket: the service series must sum both operations in both.
      analytics.record(orders);
      analytics.flush();
      analytics.record(carts);
      analytics.flush();

      List<RedPoint> service = analytics.red(new RedQuery("shop", null, Set.of(SpanKind.SERVER), T0,
          T0 + MINUTE, MINUTE, List.of(0.5, 0.99)));
      assertThat(service).hasSize(1);
      RedPoint point = service.get(0);
      assertThat(point.requests()).isEqualTo(100);
      assertThat(point.errors()).isEqualTo(1);
      assertThat(point.quantileNanos().get(0)).isCloseTo(50e6, within(1e6));
      assertThat(point.quantileNanos().get(1)).isCloseTo(99e6, within(1e6));
      assertThat(point.exemplars()).extracting(Exemplar::durationNanos)
          .contains(100_000_000L, 99_000_000L, 51_000_000L);
    }
  }

  @Test
  void trailingPointsCoverTheWindowBeforeEachPoint() throws IOException {
    try (Analytics analytics = builder().build()) {
      List<Span> spans = new ArrayList<>();
      for (int minute = 0; minute < 10; minute++) {
        for (int i = 0; i <= minute; i++) {
          spans.add(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0 + minute * MINUTE, 1,
              StatusCode.OK));
        }
      }
      analytics.record(spans);
      analytics.flush();
      List<RedPoint> points = analytics.trailing(new RedQuery("cart", null,
          Set.of(SpanKind.SERVER), T0 + 3 * MINUTE, T0 + 5 * MINUTE, MINUTE, List.of()), 3 * MINUTE);
      // At T0+3m: minutes 0, 1, 2 (1 + 2 + 3 spans); at 4m: 2 + 3 + 4; at 5m: 3 + 4 + 5.
      assertThat(points).extracting(RedPoint::startMillis)
          .containsExactly(T0 + 3 * MINUTE, T0 + 4 * MINUTE, T0 + 5 * MINUTE);
      assertThat(points).extracting(RedPoint::requests).containsExactly(6L, 9L, 12L);
    }
  }

  @Test
  void callsBetweenServicesBecomeEdgesOfTheServiceGraph() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics analytics = builder().prometheusRegistry(registry).build()) {
      Span client = testSpans.span("cart", "POST /pay", SpanKind.CLIENT, T0, 30, StatusCode.UNSET);
      Span server = Span.builder()
          .traceId(client.traceId())
          .spanId(999)
          .parentSpanId(client.spanId())
          .name("POST /pay")
          .kind(SpanKind.SERVER)
          .startEpochNanos(client.startEpochNanos() + 1_000_000)
          .endEpochNanos(client.startEpochNanos() + 21_000_000)
          .resource(new Resource("payment", List.of(), 0))
          .status(StatusCode.ERROR, "declined")
          .build();
      analytics.record(List.of(server));
      analytics.record(List.of(client));
      analytics.flush();
      List<ServiceEdge> edges = analytics.edges(T0, T0 + MINUTE, List.of(0.5));
      assertThat(edges).singleElement().satisfies(edge -> {
        assertThat(edge.client()).isEqualTo("cart");
        assertThat(edge.server()).isEqualTo("payment");
        assertThat(edge.connectionType()).isEmpty();
        assertThat(edge.calls()).isEqualTo(1);
        assertThat(edge.errors()).isEqualTo(1);
        assertThat(edge.quantileNanos().get(0)).isCloseTo(20e6, within(0.2e6));
      });
      assertThat(counter(registry, "traces_service_graph_request",
          "client", "cart", "server", "payment", "connection_type", "")).isEqualTo(1);
      assertThat(counter(registry, "traces_service_graph_request_failed", "client", "cart"))
          .isEqualTo(1);
      HistogramSnapshot.HistogramDataPointSnapshot serverSide = points(registry,
          "traces_service_graph_request_server_seconds",
          HistogramSnapshot.HistogramDataPointSnapshot.class, "client", "cart").get(0);
      assertThat(serverSide.getCount()).isEqualTo(1);
      assertThat(serverSide.getSum()).isCloseTo(0.020, within(1e-9));
      assertThat(points(registry, "traces_service_graph_request_client_seconds",
          HistogramSnapshot.HistogramDataPointSnapshot.class, "client", "cart").get(0).getSum())
          .isCloseTo(0.030, within(1e-9));
    }
  }

  @Test
  void summarisesEachOperationOfAService() throws IOException {
    try (Analytics analytics = builder().build()) {
      analytics.record(List.of(
          testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 10, StatusCode.OK),
          testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0 + MINUTE, 30, StatusCode.ERROR),
          testSpans.span("cart", "db.query", SpanKind.CLIENT, T0, 5, StatusCode.UNSET),
          testSpans.span("shop", "GET /", SpanKind.SERVER, T0, 5, StatusCode.UNSET)));
      analytics.flush();
      List<OperationSummary> rows =
          analytics.operations("cart", null, T0, T0 + 60 * MINUTE, List.of(1.0));
      assertThat(rows).extracting(OperationSummary::operation, OperationSummary::kind,
              OperationSummary::requests, OperationSummary::errors)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("GET /cart", SpanKind.SERVER, 2L, 1L),
              org.assertj.core.groups.Tuple.tuple("db.query", SpanKind.CLIENT, 1L, 0L));
      assertThat(rows.get(0).quantileNanos().get(0)).isCloseTo(30e6, within(0.3e6));
      assertThat(analytics.operations("cart", SpanKind.CLIENT, T0, T0 + 60 * MINUTE, List.of()))
          .extracting(OperationSummary::operation).containsExactly("db.query");
    }
  }

  @Test
  void metricsSurviveARestartOfADurableStore() throws IOException {
    try (Analytics analytics = builder().dataDir(dir).build()) {
      analytics.record(List.of(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 10, StatusCode.OK)));
    }
    try (Analytics analytics = builder().dataDir(dir).build()) {
      analytics.record(List.of(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 20, StatusCode.OK)));
      analytics.flush();
      assertThat(analytics.red(new RedQuery("cart", "GET /cart", Set.of(), T0, T0 + MINUTE, MINUTE,
          List.of()))).singleElement().extracting(RedPoint::requests).isEqualTo(2L);
    }
  }

  @Test
  void seriesPastTheCapAreCountedInOneOverflowSeries() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics analytics = builder().maxSeries(3).prometheusRegistry(registry).build()) {
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        spans.add(testSpans.span("cart", "op-" + i, SpanKind.SERVER, T0, 1, StatusCode.UNSET));
      }
      analytics.record(spans);
      analytics.flush();
      assertThat(points(registry, "traces_spanmetrics_calls",
          CounterSnapshot.CounterDataPointSnapshot.class)).hasSize(4);
      assertThat(counter(registry, "traces_spanmetrics_calls",
          "service", Analytics.OVERFLOW, "span_name", Analytics.OVERFLOW)).isEqualTo(7);
      assertThat(counter(registry, "ariadne_analytics_series_overflow_spans")).isEqualTo(7);
      assertThat(analytics.operations(Analytics.OVERFLOW, null, T0, T0 + MINUTE, List.of()))
          .singleElement().extracting(OperationSummary::requests).isEqualTo(7L);
      assertThat(analytics.operations("cart", null, T0, T0 + MINUTE, List.of())).hasSize(3);
    }
  }

  @Test
  void theMetricsOfServicesPastTheSeriesCapSayWhatIsMissingAndSinceWhen() throws IOException {
    try (Analytics analytics = builder().maxSeries(2).build()) {
      analytics.record(List.of(
          testSpans.span("cart", "a", SpanKind.SERVER, T0, 1, StatusCode.OK),
          testSpans.span("cart", "b", SpanKind.SERVER, T0, 1, StatusCode.OK),
          testSpans.span("shop", "x", SpanKind.SERVER, T0 + 5 * MINUTE, 1, StatusCode.OK),
          testSpans.span("shop", "y", SpanKind.SERVER, T0 + 7 * MINUTE, 1, StatusCode.OK),
          testSpans.span("cart", "c", SpanKind.SERVER, T0 + 3 * MINUTE, 1, StatusCode.OK),
          testSpans.span("cart", "a", SpanKind.SERVER, T0 + 4 * MINUTE, 1, StatusCode.ERROR)));
      analytics.flush();

      MissingMetrics shop = analytics.missing("shop", null, T0, T0 + 10 * MINUTE).get(0);
      assertThat(shop.cause()).isEqualTo(MissingMetrics.Cause.MAX_SERIES);
      assertThat(shop.fromMillis()).isEqualTo(T0 + 5 * MINUTE);
      assertThat(shop.toMillis()).isEqualTo(T0 + 7 * MINUTE);
      assertThat(shop.count()).isEqualTo(2);
      assertThat(shop.message()).contains("2 spans of shop", "analytics.max-series", "(2)",
          Analytics.OVERFLOW, "2023-11-14T22:05:00Z");
      assertThat(analytics.missing("shop", null, T0 + 8 * MINUTE, T0 + 10 * MINUTE))
          .as("a range after the last uncounted span").isEmpty();
      assertThat(analytics.missing("cart", null, T0, T0 + 10 * MINUTE)).singleElement()
          .extracting(MissingMetrics::count).isEqualTo(2L);
      assertThat(analytics.missing("cart", "a", T0, T0 + 10 * MINUTE)).singleElement()
          .as("its errors went past the cap").extracting(MissingMetrics::fromMillis)
          .isEqualTo(T0 + 4 * MINUTE);
      assertThat(analytics.missing("cart", "b", T0, T0 + 10 * MINUTE)).isEmpty();
      assertThat(analytics.missing("other", null, T0, T0 + 10 * MINUTE)).isEmpty();
      assertThat(analytics.untrackedServices()).containsOnlyKeys("cart", "shop");
      assertThat(analytics.untrackedServices().get("shop").count()).isEqualTo(2);
      assertThat(analytics.moreUntrackedServices()).isFalse();
    }
  }

  @Test
  void pastTheNamesItRemembersAServiceMayBeMissingSpans() throws IOException {
    try (Analytics analytics = builder().maxSeries(1).untrackedNames(2).build()) {
      analytics.record(List.of(
          testSpans.span("cart", "a", SpanKind.SERVER, T0, 1, StatusCode.OK),
          testSpans.span("shop", "x", SpanKind.SERVER, T0 + MINUTE, 1, StatusCode.OK),
          testSpans.span("shop", "y", SpanKind.SERVER, T0 + 2 * MINUTE, 1, StatusCode.OK),
          testSpans.span("bank", "z", SpanKind.SERVER, T0 + 3 * MINUTE, 1, StatusCode.OK)));
      assertThat(analytics.untrackedServices()).containsOnlyKeys("shop");
      assertThat(analytics.moreUntrackedServices()).isTrue();
      assertThat(analytics.missing("shop", "x", T0, T0 + 10 * MINUTE)).singleElement()
          .extracting(MissingMetrics::count).isEqualTo(1L);
      MissingMetrics maybe = analytics.missing("bank", null, T0, T0 + 10 * MINUTE).get(0);
      assertThat(maybe.count()).as("not known").isEqualTo(-1);
      assertThat(maybe.fromMillis()).isEqualTo(T0 + MINUTE);
      assertThat(maybe.toMillis()).isEqualTo(T0 + 3 * MINUTE);
      assertThat(maybe.message()).contains("may", "bank");
      assertThat(analytics.missing("shop", "y", T0, T0 + 10 * MINUTE)).singleElement()
          .extracting(MissingMetrics::count).isEqualTo(-1L);
    }
  }

  @Test
  void aRangeThatStartsBeforeTheRetentionSaysItsEarlyPartIsNotKept() throws IOException {
    try (Analytics analytics = builder().retention(Duration.ofDays(1)).build()) {
      // Hours are deleted whole: the one the retention ends in is kept until it is all past.
      long cutoff = T0 - 24 * 60 * MINUTE;
      MissingMetrics gone = analytics.missing("cart", null, T0 - 2 * 24 * 60 * MINUTE, T0).get(0);
      assertThat(gone.cause()).isEqualTo(MissingMetrics.Cause.RETENTION);
      assertThat(gone.fromMillis()).isEqualTo(T0 - 2 * 24 * 60 * MINUTE);
      assertThat(gone.toMillis()).isEqualTo(cutoff);
      assertThat(gone.message()).contains("analytics.retention", "1d");
      assertThat(analytics.missing("cart", null, cutoff, T0)).isEmpty();
      assertThat(analytics.missing("cart", null, T0 + 30 * MINUTE - 24 * 60 * MINUTE - 5, T0))
          .as("a range a few milliseconds older than the retention, as a lookback of it asks")
          .isEmpty();
    }
  }

  @Test
  void aRangeOverHoursTheMemoryBudgetDroppedSaysSo() throws IOException {
    try (Analytics analytics = builder().memoryMaxBytes(1).build()) {
      for (int h = 1; h <= 3; h++) {
        analytics.record(List.of(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0 - h * 60 * MINUTE, 1,
            StatusCode.OK)));
      }
      analytics.flush();
      MissingMetrics dropped = analytics.missing("cart", null, T0 - 4 * 60 * MINUTE, T0).get(0);
      assertThat(dropped.cause()).isEqualTo(MissingMetrics.Cause.MEMORY_MAX);
      assertThat(dropped.toMillis()).isEqualTo(T0 - 60 * MINUTE);
      assertThat(analytics.missing("cart", null, T0 - 60 * MINUTE, T0)).isEmpty();
    }
  }

  @Test
  void exposesTempoNamedSpanMetrics() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics analytics = builder().prometheusRegistry(registry).build()) {
      analytics.record(List.of(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 3, StatusCode.ERROR)));
      assertThat(counter(registry, "traces_spanmetrics_calls", "service", "cart",
          "span_name", "GET /cart", "span_kind", "SPAN_KIND_SERVER",
          "status_code", "STATUS_CODE_ERROR")).isEqualTo(1);
      assertThat(points(registry, "traces_spanmetrics_latency",
          HistogramSnapshot.HistogramDataPointSnapshot.class, "service", "cart").get(0).getSum())
          .isCloseTo(0.003, within(1e-9));
    }
  }

  @Test
  void countsSpanDurationsInTempoBucketsWithInclusiveUpperBounds() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics analytics = builder().prometheusRegistry(registry).build()) {
      // 2 ms is on the first bound (le="0.002"), 3 ms in the second, 20 s above every bound.
      analytics.record(List.of(
          testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 2, StatusCode.OK),
          testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 3, StatusCode.OK),
          testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 4, StatusCode.OK),
          testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 20_000, StatusCode.OK)));
      HistogramSnapshot.HistogramDataPointSnapshot latency = points(registry,
          "traces_spanmetrics_latency", HistogramSnapshot.HistogramDataPointSnapshot.class,
          "service", "cart").get(0);
      ClassicHistogramBuckets buckets = latency.getClassicBuckets();
      assertThat(buckets.size()).isEqualTo(15);
      assertThat(buckets.getUpperBound(0)).isEqualTo(0.002);
      assertThat(buckets.getCount(0)).isEqualTo(1);
      assertThat(buckets.getUpperBound(1)).isEqualTo(0.004);
      assertThat(buckets.getCount(1)).isEqualTo(2);
      assertThat(buckets.getUpperBound(14)).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(buckets.getCount(14)).isEqualTo(1);
      assertThat(latency.getCount()).isEqualTo(4);
      assertThat(latency.getSum()).isCloseTo(20.009, within(1e-9));
      assertThat(counter(registry, "traces_spanmetrics_calls", "service", "cart")).isEqualTo(4);
    }
    assertThat(registry.scrape()).as("unregistered on close").isEmpty();
  }

  @Test
  void spansOutsideTheRetentionOrFarAheadAreCountedNotStored() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics analytics = builder().prometheusRegistry(registry).retention(Duration.ofDays(1)).build()) {
      analytics.record(List.of(
          testSpans.span("cart", "old", SpanKind.SERVER, T0 - 2 * 24 * 60 * MINUTE, 1, StatusCode.OK),
          testSpans.span("cart", "future", SpanKind.SERVER, T0 + 3 * 60 * MINUTE, 1, StatusCode.OK)));
      analytics.flush();
      assertThat(counter(registry, "ariadne_analytics_out_of_range_spans")).isEqualTo(2);
    }
  }

  @Test
  void countsTheHoursThatTheMemoryBudgetDrops() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics analytics = builder().memoryMaxBytes(1).prometheusRegistry(registry).build()) {
      for (int h = 1; h <= 3; h++) {
        analytics.record(List.of(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0 - h * 60 * MINUTE, 1,
            StatusCode.OK)));
      }
      analytics.flush();
      assertThat(counter(registry, "ariadne_analytics_evicted_hours")).isEqualTo(2);
    }
  }

  @Test
  void countsTheMetricsFilesSetAsideAsCorrupt() throws IOException {
    try (Analytics analytics = builder().dataDir(dir).build()) {
      analytics.record(List.of(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0 - 60 * MINUTE, 1,
          StatusCode.OK)));
      analytics.flush();
    }
    Path sealed = dir.resolve((T0 - 60 * MINUTE) + ".hour");
    byte[] bytes = Files.readAllBytes(sealed);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(sealed, bytes);
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Analytics analytics = builder().dataDir(dir).prometheusRegistry(registry).build()) {
      assertThat(counter(registry, "ariadne_analytics_corrupt_files")).isEqualTo(1);
    }
  }

  @Test
  void aRangeOverAnHourSetAsideAsCorruptSaysSoAfterARestartToo() throws IOException {
    long hour = T0 - 60 * MINUTE;
    try (Analytics analytics = builder().dataDir(dir).build()) {
      analytics.record(List.of(testSpans.span("cart", "GET /cart", SpanKind.SERVER, hour, 1, StatusCode.OK)));
    }
    Path sealed = dir.resolve(hour + ".hour");
    byte[] bytes = Files.readAllBytes(sealed);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(sealed, bytes);
    try (Analytics analytics = builder().dataDir(dir).build()) {
      MissingMetrics corrupt = analytics.missing("cart", null, hour - 30 * MINUTE, T0 + MINUTE).get(0);
      assertThat(corrupt.cause()).isEqualTo(MissingMetrics.Cause.CORRUPT);
      assertThat(corrupt.fromMillis()).isEqualTo(hour);
      assertThat(corrupt.toMillis()).isEqualTo(T0);
      assertThat(corrupt.message()).contains("corrupt", "2023-11-14T21:00:00Z");
      assertThat(analytics.missingCalls(hour + 10 * MINUTE, hour + 20 * MINUTE)).singleElement()
          .satisfies(m -> {
            assertThat(m.cause()).isEqualTo(MissingMetrics.Cause.CORRUPT);
            assertThat(m.fromMillis()).isEqualTo(hour + 10 * MINUTE);
            assertThat(m.toMillis()).isEqualTo(hour + 20 * MINUTE);
          });
      assertThat(analytics.missing("cart", null, T0, T0 + MINUTE)).isEmpty();
    }
    try (Analytics analytics = builder().dataDir(dir).build()) {
      assertThat(analytics.missing("cart", null, hour, T0)).as("found beside the store")
          .extracting(MissingMetrics::cause).containsExactly(MissingMetrics.Cause.CORRUPT);
    }
    try (Analytics analytics = builder().dataDir(dir).retention(Duration.ofMinutes(60))
        .clock(Clock.fixed(Instant.ofEpochMilli(T0 + 90 * MINUTE), ZoneOffset.UTC)).build()) {
      assertThat(analytics.missing("cart", null, hour, T0)).as("past the retention")
          .extracting(MissingMetrics::cause).containsExactly(MissingMetrics.Cause.RETENTION);
    }
  }

  /** A call from {@code client} to {@code server}: its client span and its server span. */
  @Test
  void callsPastTheSeriesCapSayOnTheServiceGraphHowManyAndSinceWhen() throws IOException {
    try (Analytics analytics = builder().maxSeries(1).build()) {
      analytics.record(testSpans.call("shop", "cart", T0));
      analytics.record(testSpans.call("cart", "payment", T0 + 2 * MINUTE));
      analytics.record(testSpans.call("cart", "stock", T0 + 4 * MINUTE));
      analytics.flush();
      assertThat(analytics.edges(T0, T0 + 10 * MINUTE, List.of()))
          .extracting(ServiceEdge::client).containsExactly(Analytics.OVERFLOW, "shop");
      MissingMetrics overflow = analytics.missingCalls(T0, T0 + 10 * MINUTE).get(0);
      assertThat(overflow.cause()).isEqualTo(MissingMetrics.Cause.MAX_SERIES);
      assertThat(overflow.fromMillis()).isEqualTo(T0 + 2 * MINUTE);
      assertThat(overflow.toMillis()).isEqualTo(T0 + 4 * MINUTE);
      assertThat(overflow.count()).isEqualTo(2);
      assertThat(overflow.message()).contains("2 calls", "analytics.max-series (1)",
          Analytics.OVERFLOW);
      assertThat(analytics.missingCalls(T0 + 5 * MINUTE, T0 + 10 * MINUTE)).isEmpty();
    }
  }

  @Test
  void spansThePairingTableHadNoRoomForSayOnTheServiceGraphThatCallsMayBeMissing()
      throws IOException {
    try (Analytics analytics = builder().maxPendingCalls(1).build()) {
      analytics.record(List.of(
          testSpans.span("shop", "call cart", SpanKind.CLIENT, T0, 10, StatusCode.UNSET),
          testSpans.span("shop", "call stock", SpanKind.CLIENT, T0 + MINUTE, 10, StatusCode.UNSET),
          testSpans.span("shop", "call bank", SpanKind.CLIENT, T0 + 3 * MINUTE, 10, StatusCode.UNSET)));
      MissingMetrics dropped = analytics.missingCalls(T0, T0 + 10 * MINUTE).get(0);
      assertThat(dropped.cause()).isEqualTo(MissingMetrics.Cause.MAX_PENDING_CALLS);
      assertThat(dropped.cause().setting()).isEqualTo("analytics.max-pending-calls");
      assertThat(dropped.fromMillis()).isEqualTo(T0 + MINUTE);
      assertThat(dropped.toMillis()).isEqualTo(T0 + 3 * MINUTE);
      assertThat(dropped.count()).isEqualTo(2);
      assertThat(dropped.message()).contains("2 spans", "analytics.max-pending-calls (1)");
      assertThat(analytics.missingCalls(T0, T0 + MINUTE)).isEmpty();
      assertThat(analytics.missing("shop", null, T0, T0 + 10 * MINUTE))
          .as("RED counts every span").isEmpty();
    }
  }

  @Test
  void aStepThatIsNotAMultipleOfTheBucketIsRefused() throws IOException {
    try (Analytics analytics = builder().build()) {
      assertThatThrownBy(() -> analytics.red(new RedQuery("cart", null, Set.of(), T0, T0 + MINUTE,
          90_000, List.of())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("multiple of the bucket");
    }
    assertThatThrownBy(() -> Analytics.builder().bucket(Duration.ofSeconds(7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("divide an hour");
  }

  @Test
  void spansPastMaxPendingCallsAreCountedAsDropped() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    assertThatThrownBy(() -> Analytics.builder().maxPendingCalls(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    try (Analytics analytics = builder().maxPendingCalls(3).prometheusRegistry(registry).build()) {
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        spans.add(testSpans.span("cart", "GET /cart", SpanKind.SERVER, T0, 1, StatusCode.OK));
      }
      analytics.record(spans);
      assertThat(counter(registry, "traces_service_graph_dropped_spans")).isEqualTo(7);
    }
  }
}
