package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ariadne.model.TraceId;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AggregateTest {
  private static final TraceId TRACE = new TraceId(1, 2);

  @Test
  void quantilesOfMergedBucketsAreWithinOnePercentOfTheExactOnes() {
    Random random = new Random(7);
    long[] all = new long[30_000];
    Aggregate merged = new Aggregate();
    for (int bucket = 0; bucket < 30; bucket++) {
      Aggregate a = new Aggregate();
      for (int i = 0; i < 1000; i++) {
        long d = (long) (1_000_000 * Math.exp(random.nextGaussian() * (1 + bucket / 10.0)));
        all[bucket * 1000 + i] = d;
        a.add(d, false, TRACE, i, 0);
      }
      merged.merge(roundTrip(a));
    }
    Arrays.sort(all);
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double exact = all[(int) Math.ceil(q * all.length) - 1];
      assertThat(merged.quantileNanos(q)).as("q=%s", q).isCloseTo(exact, within(exact * 0.0101));
    }
    assertThat(merged.count()).isEqualTo(30_000);
  }

  @Test
  void keepsTheSlowestSpansAndTheSlowestFailuresAsExemplars() {
    Aggregate a = new Aggregate();
    a.add(10, false, new TraceId(0, 1), 1, 100);
    a.add(500, true, new TraceId(0, 2), 2, 200);
    a.add(900, false, new TraceId(0, 3), 3, 300);
    a.add(700, false, new TraceId(0, 4), 4, 400);
    a.add(20, true, new TraceId(0, 5), 5, 500);
    Aggregate other = new Aggregate();
    other.add(800, true, new TraceId(0, 6), 6, 600);
    a.merge(other);

    Aggregate back = roundTrip(a);
    assertThat(back.exemplars()).extracting(Exemplar::spanId).containsExactly(3L, 6L, 2L);
    assertThat(back.count()).isEqualTo(6);
    assertThat(back.errors()).isEqualTo(3);
  }

  @Test
  void exemplarsAsSlowAreKeptEarliestFirstAndNeverTwice() {
    Aggregate a = new Aggregate();
    a.add(500, false, new TraceId(0, 1), 1, 300);
    a.add(500, false, new TraceId(0, 2), 2, 100);
    a.add(500, false, new TraceId(0, 3), 3, 200);
    Aggregate same = new Aggregate();
    same.add(500, false, new TraceId(0, 2), 2, 100);
    a.merge(same);

    assertThat(a.exemplars()).extracting(Exemplar::spanId).containsExactly(2L, 3L);
  }

  @Test
  void aQuantileIsTheNearestRankSoThatTheP99OfFewRequestsIsTheirSlowest() {
    Aggregate two = new Aggregate();
    two.add(10_000_000, false, TRACE, 1, 0);
    two.add(100_000_000, false, TRACE, 2, 0);
    assertThat(two.quantileNanos(0.5)).isCloseTo(10_000_000, within(100_000.0));
    assertThat(two.quantileNanos(0.95)).isCloseTo(100_000_000, within(1_000_000.0));
    assertThat(two.quantileNanos(0.99)).isCloseTo(100_000_000, within(1_000_000.0));

    Aggregate hundred = new Aggregate();
    for (int ms = 1; ms <= 100; ms++) {
      hundred.add(ms * 1_000_000L, false, TRACE, ms, 0);
    }
    for (int percent : new int[] {1, 50, 90, 99, 100}) {
      double exact = percent * 1_000_000.0;
      assertThat(roundTrip(hundred).quantileNanos(percent / 100.0)).as("p%s", percent)
          .isCloseTo(exact, within(exact * 0.0101));
    }
    assertThat(hundred.quantileNanos(0)).isCloseTo(1_000_000, within(10_100.0));
  }

  @Test
  void anEmptyAggregateHasNoQuantile() {
    assertThat(roundTrip(new Aggregate()).quantileNanos(0.5)).isNaN();
  }

  @Test
  void truncatedOrAlteredBytesAreRefusedWithAClearError() {
    Aggregate a = new Aggregate();
    a.add(1234, true, TRACE, 9, 99);
    RecordWriter out = new RecordWriter(64);
    a.write(out);
    byte[] bytes = out.toByteArray();
    for (int cut = 0; cut < bytes.length; cut++) {
      int length = cut;
      assertThatThrownBy(() -> Aggregate.read(new RecordReader(bytes, 0, length)))
          .as("cut at %d", cut)
          .isInstanceOf(CorruptMetricsException.class);
    }
    byte[] lying = bytes.clone();
    lying[1] = 5; // more errors than requests
    assertThatThrownBy(() -> Aggregate.read(new RecordReader(lying, 0, lying.length)))
        .isInstanceOf(CorruptMetricsException.class)
        .hasMessageContaining("errors");
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButCorruptMetrics() {
    Random random = new Random(3);
    for (int i = 0; i < 10_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      try {
        Aggregate.read(new RecordReader(bytes, 0, bytes.length));
      } catch (CorruptMetricsException expected) {
        // the only failure allowed
      }
    }
  }

  private static Aggregate roundTrip(Aggregate a) {
    RecordWriter out = new RecordWriter(64);
    a.write(out);
    try {
      return Aggregate.read(new RecordReader(out.array(), 0, out.size()));
    } catch (CorruptMetricsException e) {
      throw new AssertionError(e);
    }
  }
}
