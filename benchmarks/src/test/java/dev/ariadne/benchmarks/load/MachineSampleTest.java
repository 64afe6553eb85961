package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineSampleTest {
  @Test
  void countsEveryTickButIdleAndIowait() {
    String stat = "cpu  849067 12 71978 569800 748 3 1181 979 0 0\n"
        + "cpu0 424533 6 35989 284900 374 1 590 489 0 0\nintr 1 2 3\n";
    assertThat(MachineSample.busyTicks(stat)).isEqualTo(849067 + 12 + 71978 + 3 + 1181 + 979);
  }
}
