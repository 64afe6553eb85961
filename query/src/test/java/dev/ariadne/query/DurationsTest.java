package dev.ariadne.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest(name = "{0} is {1} ns")
  @CsvSource({
      "10ns, 10",
      "100us, 100000",
      "1.5\u00b5s, 1500",
      "2\u03bcs, 2000",
      "100ms, 100000000",
      "1.2s, 1200000000",
      ".5s, 500000000",
      "1h30m, 5400000000000",
      "2d, 172800000000000",
      "0s, 0",
      "0, 0",
  })
  void parsesGoDurations(String text, long nanos) {
    assertThat(Durations.parseNanos("d", text)).isEqualTo(nanos);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "00", "ms", "-1s", "1y", "1.2.3s", "1 s", "s1", "9999999999999h"})
  void rejectsOtherTextNamingTheParameter(String text) {
    assertThatThrownBy(() -> Durations.parseNanos("minDuration", text))
        .isInstanceOf(BadParameterException.class)
        .hasMessageStartingWith("minDuration: \"" + text + "\" (expected: a duration")
        .extracting(e -> ((BadParameterException) e).parameter())
        .isEqualTo("minDuration");
  }

  @ParameterizedTest(name = "{0} ns reads {1}")
  @CsvSource({"999, 999ns", "1500, 1.5\u00b5s", "2000000, 2ms", "2500000000, 2.5s"})
  void printsShortDurationsForWarnings(long nanos, String text) {
    assertThat(Durations.format(nanos)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} ns is in the microsecond from {1} to {2} ns")
  @CsvSource({
      "1500500, 1501000, 1500999",
      "1500000, 1500000, 1500999",
      "0, 0, 999",
      "9223372036854775807, 9223372036854775807, 9223372036854775807",
  })
  void boundsTheMicrosecondANanosecondIsInSaturating(long nanos, long firstFrom, long last) {
    assertThat(Durations.firstNanoOfMicrosecondFrom(nanos)).isEqualTo(firstFrom);
    assertThat(Durations.lastNanoOfMicrosecond(nanos)).isEqualTo(last);
  }

  @Test
  void rejectsADurationLongerThanAnyRealOneBeforeReadingIt() {
    // 7,500 digits without a unit took 1.3 s of CPU to reject, searched for a unit from every
    // position; now what is past the length is not read at all.
    String digits = "1".repeat(100_000);

    assertThatThrownBy(() -> Durations.parseNanos("minDuration", digits))
        .isInstanceOf(BadParameterException.class)
        .hasMessageEndingWith(" is 100000 characters long (expected: a duration of at most 64,"
            + " such as 250ms, 1.5s or 2h)");
    assertThat(Durations.parseNanos("minDuration", "2562047h47m16.854775807s"))
        .isEqualTo(Long.MAX_VALUE);
  }
}
