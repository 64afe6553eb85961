package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static Report report(PerfCounters.Counts server, PerfCounters.Counts generator) {
    LoadRun.Result result = new LoadRun.Result(
        2_000_000_000L, 10, 10, 1_000, 0, 1_000_000, 2_000_000, 3_000_000,
        new TreeMap<>(), new TreeMap<>(),
        new ProcessSample(0, 0, 100 * 1024), new ProcessSample(200, 10, 200 * 1024),
        new ProcessSample(0, 0, 0), new ProcessSample(50, 0, 0),
        new MachineSample(0), new MachineSample(300),
        server, generator);
    return new Report("server", Format.OTLP_PROTO, URI.create("http://127.0.0.1:4318/v1/traces"),
        1, 100, Duration.ofSeconds(10), result, 100);
  }

  @Test
  void saysWhenPerfCouldNotCountRatherThanPrintingNaN() {
    PerfCounters.Counts notCounted = new PerfCounters.Counts(-1, -1, -1);

    String text = report(notCounted, null).text();

    assertThat(text).doesNotContain("NaN")
        .contains("  server counters  not counted (perf cannot count instructions and cycles on"
            + " this machine)\n")
        .contains("  generator counters not counted (perf cannot count instructions and cycles on"
            + " this machine)\n");
  }

  @Test
  void givesTheCountersPerSpanWhenPerfCounted() {
    String text = report(new PerfCounters.Counts(1_900, 4_000_000, 3_000_000),
        new PerfCounters.Counts(400, 1_000_000, 800_000)).text();

    assertThat(text)
        .contains("  server counters  4000 instructions and 3000 cycles per span (perf: 1.90 s of"
            + " CPU)\n")
        .contains("  generator counters 1000 instructions and 800 cycles per span\n");
  }
}
