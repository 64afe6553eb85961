package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class QuerySeriesTest {
  @Test
  void givesPercentilesOfTheAnsweredQueriesAndCountsFailuresApart() {
    QuerySeries series = new QuerySeries("search", 101);
    for (int i = 100; i >= 1; i--) {
      series.answered(URI.create("/api/v1/traces/" + i), 1_000L * i, i * 1_000_000L, 10, 2);
    }
    series.failed();
    QuerySeries.Result result = series.result(0.5);
    assertThat(result.count()).isEqualTo(100);
    assertThat(result.failures()).isEqualTo(1);
    assertThat(result.p50Nanos()).isEqualTo(50_000_000L);
    assertThat(result.p90Nanos()).isEqualTo(90_000_000L);
    assertThat(result.p99Nanos()).isEqualTo(99_000_000L);
    assertThat(result.maxNanos()).isEqualTo(100_000_000L);
    assertThat(result.meanResults()).isEqualTo(2.0);
    assertThat(result.meanBytes()).isEqualTo(10.0);
    assertThat(result.serverCpuSeconds()).isEqualTo(0.5);
  }

  @Test
  void samplesListEachAnsweredQueryInTheOrderSent() {
    QuerySeries series = new QuerySeries("trace by ID", 3);
    series.answered(URI.create("http://localhost/api/v1/traces/ab"), 1_700_000_000_000L, 2_500_000L, 10, 1);
    series.failed();
    series.answered(URI.create("http://localhost/api/v1/traces/cd"), 1_700_000_000_010L, 12_345_678L, 10, 1);
    assertThat(series.sampleLines("run-1")).containsExactly(
        "run-1\ttrace by ID\t0\t1700000000000\t2.500\t/api/v1/traces/ab",
        "run-1\ttrace by ID\t1\t1700000000010\t12.346\t/api/v1/traces/cd");
  }

  @Test
  void aSeriesWithNoAnswerHasZeroLatencies() {
    QuerySeries series = new QuerySeries("lookup", 3);
    series.failed();
    QuerySeries.Result result = series.result(Double.NaN);
    assertThat(result.count()).isZero();
    assertThat(result.p99Nanos()).isZero();
    assertThat(result.meanResults()).isZero();
  }
}
