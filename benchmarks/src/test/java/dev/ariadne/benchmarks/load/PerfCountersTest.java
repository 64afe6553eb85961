package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.benchmarks.load.PerfCounters.Counts;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfCountersTest {
  @Test
  void readsEachEventOfPerfStatCsvOutput() {
    List<String> lines = List.of(
        "# started on Sun Nov 22 23:30:11 2026",
        "",
        "1454.41,msec,task-clock,1454410873,100.00,0.969,CPUs utilized",
        "6340254478,,instructions,1470508507,100.00,1.97,insn per cycle",
        "3213480197,,cycles,1454410873,100.00,,");

    assertThat(Counts.parse(lines)).isEqualTo(new Counts(1454.41, 6_340_254_478L, 3_213_480_197L));
  }

  @Test
  void readsEventsWithModifiers() {
    List<String> lines = List.of(
        "12.5,msec,task-clock:u,12500000,100.00,1.0,CPUs utilized",
        "1000,,instructions:u,12500000,100.00,0.5,insn per cycle",
        "2000,,cycles:u,12500000,100.00,,");

    assertThat(Counts.parse(lines)).isEqualTo(new Counts(12.5, 1000, 2000));
  }

  @Test
  void marksAnEventTheKernelCouldNotCountAsMinusOne() {
    List<String> lines = List.of(
        "812.30,msec,task-clock,812300000,100.00,0.812,CPUs utilized",
        "<not supported>,,instructions,0,100.00,,",
        "<not counted>,,cycles,0,0.00,,");

    assertThat(Counts.parse(lines)).isEqualTo(new Counts(812.30, -1, -1));
  }

  @Test
  void rejectsOutputWithoutEveryEvent() {
    List<String> lines = List.of("Error:", "No permission to enable task-clock event.");

    assertThatThrownBy(() -> Counts.parse(lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task-clock,instructions,cycles");
  }
}
