package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MetricsApiTest {
  static final long MINUTE_MILLIS = 60_000;
  static final long MS = 1_000_000;
  /**
   * Half an hour ago or more, on ten minutes (steps are aligned to the epoch): the spans below
   * start in the ten minutes from here.
   */
  static final long BASE_MILLIS =
      (System.currentTimeMillis() / (10 * MINUTE_MILLIS) - 3) * 10 * MINUTE_MILLIS;
  static final String WINDOW = "start=" + BASE_MILLIS * MS + "&end=" + (BASE_MILLIS + 10 * MINUTE_MILLIS) * MS;
  static final Analytics analytics = analytics();

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) {
      QueryApi api = QueryApi.builder(MemoryStorage.create(10)).analytics(analytics).build();
      api.serveNative(sb);
      api.serveJaeger(sb);
    }
  };

  @RegisterExtension
  static final ServerExtension withoutAnalytics = QueryFixtures.server(MemoryStorage.create(10));

  private static Analytics analytics() {
    try {
      Analytics analytics = Analytics.builder().build();
      List<Span> spans = new ArrayList<>();
      long id = 1;
      for (int minute = 0; minute < 10; minute++) {
        for (int i = 1; i <= 10; i++) {
          spans.add(span(id++, "cart", "GET /cart", SpanKind.SERVER,
              BASE_MILLIS + minute * MINUTE_MILLIS, i * 10L, i == 10));
        }
        spans.add(span(id++, "cart", "SELECT cart", SpanKind.CLIENT,
            BASE_MILLIS + minute * MINUTE_MILLIS, 5, false));
      }
      spans.add(span(id, "shop", "GET /", SpanKind.SERVER, BASE_MILLIS, 7, false));
      analytics.record(spans);
      analytics.flush();
      return analytics;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void close() throws IOException {
    analytics.close();
  }

  private static Span span(long id, String service, String name, SpanKind kind, long startMillis,
      long durationMillis, boolean error) {
    return Span.builder()
        .traceId(new TraceId(42, id))
        .spanId(id)
        .name(name)
        .kind(kind)
        .startEpochNanos(startMillis * MS)
        .endEpochNanos((startMillis + durationMillis) * MS)
        .resource(new Resource(service, List.of(), 0))
        .status(error ? StatusCode.ERROR : StatusCode.UNSET, "")
        .build();
  }

  @Test
  void redGivesRequestsErrorsRatesAndPercentilesPerStep() {
    JsonNode red = json(get(server, "/api/v1/metrics/red?service=cart&operation=GET%20/cart&"
        + WINDOW + "&step=5m"));
    assertThat(red.get("stepNanos").asLong()).isEqualTo(5 * MINUTE_MILLIS * MS);
    assertThat(red.get("bucketNanos").asLong()).isEqualTo(MINUTE_MILLIS * MS);
    JsonNode points = red.get("points");
    assertThat(points).hasSize(2);
    JsonNode first = points.get(0);
    assertThat(first.get("start").asText()).isEqualTo(Long.toString(BASE_MILLIS * MS));
    assertThat(first.get("requests").asLong()).isEqualTo(50);
    assertThat(first.get("errors").asLong()).isEqualTo(5);
    assertThat(first.get("errorRatio").asDouble()).isEqualTo(0.1);
    assertThat(first.get("rate").asDouble()).isEqualTo(50 / 300.0);
    assertThat(first.get("latencyNanos").get("p50").asLong()).isBetween(49 * MS, 51 * MS);
    assertThat(first.get("latencyNanos").get("p99").asLong()).isBetween(99 * MS, 101 * MS);
    JsonNode exemplar = first.get("exemplars").get(0);
    assertThat(exemplar.get("durationNanos").asLong()).isEqualTo(100 * MS);
    assertThat(exemplar.get("error").asBoolean()).isTrue();
    assertThat(exemplar.get("traceId").asText()).hasSize(32).startsWith("000000000000002a");
  }

  @Test
  void redOfAServiceCountsAllItsOperationsAndKindsUnlessOneKindIsAsked() {
    JsonNode all = json(get(server, "/api/v1/metrics/red?service=cart&" + WINDOW + "&step=10m"));
    assertThat(all.get("points").get(0).get("requests").asLong()).isEqualTo(110);
    JsonNode clients = json(get(server, "/api/v1/metrics/red?service=cart&spanKind=client&"
        + WINDOW + "&step=10m"));
    assertThat(clients.get("points").get(0).get("requests").asLong()).isEqualTo(10);
    assertThat(clients.get("spanKind").asText()).isEqualTo("client");
  }

  @Test
  void aLastStepCutShortByTheEndHasItsRateOverTheTimeItCovers() {
    // The second 5-minute step ends at the end, two minutes (20 requests) in.
    JsonNode red = json(get(server, "/api/v1/metrics/red?service=cart&operation=GET%20/cart&start="
        + BASE_MILLIS * MS + "&end=" + (BASE_MILLIS + 7 * MINUTE_MILLIS) * MS + "&step=5m"));
    JsonNode last = red.get("points").get(1);
    assertThat(last.get("requests").asLong()).isEqualTo(20);
    assertThat(last.get("rate").asDouble()).isEqualTo(20 / 120.0);
    assertThat(red.get("points").get(0).get("rate").asDouble()).isEqualTo(50 / 300.0);
  }

  @Test
  void anEndInsideABucketsFirstMillisecondStillCountsTheSpansBeforeIt() {
    // A span starts at BASE + 1 minute, before an end 0.5 ms later.
    JsonNode red = json(get(server, "/api/v1/metrics/red?service=cart&operation=GET%20/cart&start="
        + BASE_MILLIS * MS + "&end=" + ((BASE_MILLIS + MINUTE_MILLIS) * MS + 500_000) + "&step=1m"));
    assertThat(red.get("points")).hasSize(2);
    assertThat(red.get("points").get(1).get("requests").asLong()).isEqualTo(10);
  }

  @Test
  void lookbackSetsTheStartBeforeTheEndAsInSearch() {
    JsonNode red = json(get(server, "/api/v1/metrics/red?service=cart&operation=GET%20/cart&end="
        + (BASE_MILLIS + 10 * MINUTE_MILLIS) * MS + "&lookback=2m&step=1m"));
    assertThat(red.get("start").asText())
        .isEqualTo(Long.toString((BASE_MILLIS + 8 * MINUTE_MILLIS) * MS));
    assertThat(red.get("points")).hasSize(2);
    JsonNode table = json(get(server, "/api/v1/metrics/red/operations?service=cart&end="
        + (BASE_MILLIS + 10 * MINUTE_MILLIS) * MS + "&lookback=2m"));
    assertThat(table.get("operations").get(0).get("requests").asLong()).isEqualTo(20);
  }

  @Test
  void theDefaultStepKeepsAChartUnderThreeHundredPoints() {
    JsonNode red = json(get(server, "/api/v1/metrics/red?service=cart&start="
        + (BASE_MILLIS - 24 * 60 * MINUTE_MILLIS) * MS + "&end=" + BASE_MILLIS * MS));
    assertThat(red.get("stepNanos").asLong()).isEqualTo(5 * MINUTE_MILLIS * MS);
  }

  @Test
  void theDefaultStepPastAnHourIsWholeHours() {
    JsonNode red = json(get(server, "/api/v1/metrics/red?service=cart&start="
        + (BASE_MILLIS - 30 * 24 * 60 * MINUTE_MILLIS) * MS + "&end=" + BASE_MILLIS * MS));
    assertThat(red.get("stepNanos").asLong()).as("144 minutes, rounded up to hours")
        .isEqualTo(3 * 60 * MINUTE_MILLIS * MS);
  }

  @Test
  void operationsListsEveryOperationOfAServiceWithItsTotals() {
    JsonNode table = json(get(server, "/api/v1/metrics/red/operations?service=cart&" + WINDOW));
    JsonNode rows = table.get("operations");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("operation").asText()).isEqualTo("GET /cart");
    assertThat(rows.get(0).get("spanKind").asText()).isEqualTo("server");
    assertThat(rows.get(0).get("requests").asLong()).isEqualTo(100);
    assertThat(rows.get(0).get("errors").asLong()).isEqualTo(10);
    assertThat(rows.get(1).get("operation").asText()).isEqualTo("SELECT cart");
    assertThat(rows.get(1).get("latencyNanos").get("p50").asLong()).isBetween(4 * MS, 6 * MS);
  }

  @Test
  void operationRatesAreOverTheWholeBucketsTheirCountsCover() {
    // From half a minute to a minute and a half: the buckets of minutes 0 and 1 are counted.
    JsonNode table = json(get(server, "/api/v1/metrics/red/operations?service=cart&start="
        + (BASE_MILLIS * MS + 30_000 * MS) + "&end=" + (BASE_MILLIS * MS + 90_000 * MS)));
    JsonNode row = table.get("operations").get(0);
    assertThat(row.get("requests").asLong()).isEqualTo(20);
    assertThat(row.get("rate").asDouble()).isEqualTo(20 / 120.0);
  }

  @Test
  void badParametersAreRefusedNamingTheParameter() {
    assertBad("/api/v1/metrics/red?" + WINDOW, "service");
    assertBad("/api/v1/metrics/red?service=cart&step=90s&" + WINDOW, "step");
    assertBad("/api/v1/metrics/red?service=cart&step=1m&start=0&end=" + BASE_MILLIS * MS, "step");
    assertBad("/api/v1/metrics/red?service=cart&spanKind=sideways", "spanKind");
    assertBad("/api/v1/metrics/red?service=cart&start=" + (BASE_MILLIS + 1) * MS + "&end="
        + BASE_MILLIS * MS, "end");
    assertBad("/api/v1/metrics/red/operations?service=cart&start=yesterday", "start");
  }

  private static void assertBad(String path, String parameter) {
    AggregatedHttpResponse response = get(server, path);
    assertThat(response.status()).as(path).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).as(path).contains(parameter);
  }

  @Test
  void jaegerCallRatesAreGroupedByOperationInJaegersShape() {
    long endTs = BASE_MILLIS + 10 * MINUTE_MILLIS;
    JsonNode calls = json(get(server, "/api/metrics/calls?service=cart&groupByOperation=true"
        + "&endTs=" + endTs + "&lookback=" + 5 * MINUTE_MILLIS + "&step=60000&ratePer=600000"
        + "&spanKind=SPAN_KIND_SERVER"));
    assertThat(calls.get("name").asText()).isEqualTo("service_operation_call_rate");
    assertThat(calls.get("type").asText()).isEqualTo("GAUGE");
    JsonNode metric = calls.get("metrics").get(0);
    assertThat(metric.get("labels").toString()).isEqualTo(
        "[{\"name\":\"service_name\",\"value\":\"cart\"},{\"name\":\"operation\",\"value\":\"GET /cart\"}]");
    assertThat(calls.get("metrics")).hasSize(1);
    JsonNode last = metric.get("metricPoints").get(metric.get("metricPoints").size() - 1);
    // 100 server spans in the 10 minutes before endTs.
    assertThat(last.get("gaugeValue").get("doubleValue").asDouble()).isEqualTo(100 / 600.0);
    assertThat(last.get("timestamp").asText())
        .isEqualTo(java.time.Instant.ofEpochMilli(endTs).toString());
  }

  @Test
  void jaegerErrorRatesAndLatencies() {
    long endTs = BASE_MILLIS + 10 * MINUTE_MILLIS;
    String window = "&endTs=" + endTs + "&lookback=60000&step=60000&ratePer=600000";
    JsonNode errors = json(get(server, "/api/metrics/errors?service=cart" + window));
    assertThat(errors.get("name").asText()).isEqualTo("service_error_rate");
    JsonNode errorPoint = errors.get("metrics").get(0).get("metricPoints").get(1);
    assertThat(errorPoint.get("gaugeValue").get("doubleValue").asDouble()).isEqualTo(0.1);

    JsonNode latencies =
        json(get(server, "/api/metrics/latencies?service=cart&quantile=0.5" + window));
    assertThat(latencies.get("name").asText()).isEqualTo("service_latencies");
    JsonNode latency = latencies.get("metrics").get(0).get("metricPoints").get(1);
    assertThat(latency.get("gaugeValue").get("doubleValue").asDouble()).isBetween(49.0, 51.0);

    JsonNode minStep = json(get(server, "/api/metrics/minstep"));
    assertThat(minStep.get("minStep").asText()).isEqualTo("60s");
  }

  @Test
  void jaegerBadParametersAreRefused() {
    for (String path : List.of("/api/metrics/calls", "/api/metrics/latencies?service=cart",
        "/api/metrics/latencies?service=cart&quantile=1.5",
        "/api/metrics/calls?service=cart&spanKind=server",
        "/api/metrics/calls?service=cart&groupByOperation=maybe",
        "/api/metrics/calls?service=cart&step=1&lookback=" + Long.MAX_VALUE / 2_000_000)) {
      AggregatedHttpResponse response = get(server, path);
      assertThat(response.status()).as(path).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(json(response).get("errors").get(0).get("msg").asText()).as(path).isNotEmpty();
    }
  }

  @Test
  void withoutAnalyticsTheMetricsEndpointsAreNotThere() {
    assertThat(get(withoutAnalytics, "/api/v1/metrics/red?service=cart").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(get(withoutAnalytics, "/api/metrics/calls?service=cart").status())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }
}
