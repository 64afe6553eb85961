package dev.ariadne.benchmarks.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuProfileTest {
  private static Map<String, Object> node(long id, String function, String url, long line) {
    return Map.of("id", id, "callFrame",
        Map.of("functionName", function, "url", url, "lineNumber", line, "columnNumber", 0L));
  }

  /** (root) → (program), (idle), fetchTrace → an anonymous function, as V8 numbers them. */
  private static Map<String, Object> profile(List<Long> samples, List<Long> deltas) {
    return Map.of(
        "nodes", List.of(
            node(1, "(root)", "", -1),
            node(2, "(program)", "", -1),
            node(3, "(idle)", "", -1),
            node(4, "fetchTrace", "http://127.0.0.1:16686/static/pages/trace.js", 62),
            node(5, "", "http://127.0.0.1:16686/static/pages/trace-model.js", 32)),
        "startTime", 0L, "endTime", 10_000L,
        "samples", samples, "timeDeltas", deltas);
  }

  @Test
  void eachSampleHasTheTimeUntilTheNext() {
    CpuProfile profile = CpuProfile.of(profile(
        List.of(2L, 4L, 4L, 5L, 3L, 2L), List.of(100L, 1000L, 3000L, 2000L, 500L, 4000L)));
    assertThat(profile.totalMs()).isEqualTo(10.5);
    assertThat(profile.busyMs()).isEqualTo(6.5);
    assertThat(profile.top(10)).containsExactly(
        entry("fetchTrace trace.js:63", 5.0),
        entry("(program)", 1.0),
        entry("(anonymous) trace-model.js:33", 0.5));
    assertThat(profile.top(1)).hasSize(1);
    assertThat(profile.text(2))
        .contains("11 ms profiled, 7 ms of it busy")
        .contains("5.0 ms  76.9%  fetchTrace trace.js:63")
        .doesNotContain("trace-model.js");
  }

  @Test
  void aProfileWithoutSamplesIsEmpty() {
    CpuProfile profile = CpuProfile.of(profile(List.of(), List.of()));
    assertThat(profile.totalMs()).isZero();
    assertThat(profile.top(5)).isEmpty();
  }

  @Test
  void aSampleOfAnUnknownNodeIsRefused() {
    assertThatThrownBy(() -> CpuProfile.of(profile(List.of(2L, 9L, 2L), List.of(1L, 2L, 3L))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("CPU profile: sample 1 is node 9, which is not among its nodes");
  }

  @Test
  void samplesAndDeltasOfDifferentLengthsAreRefused() {
    assertThatThrownBy(() -> CpuProfile.of(profile(List.of(2L, 2L), List.of(1L))))
        .hasMessage("CPU profile: 2 samples but 1 timeDeltas (expected: as many)");
  }

  @Test
  void aMalformedProfileIsRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> CpuProfile.of(Map.of("samples", List.of())))
        .hasMessage("CPU profile: nodes is null (expected: an array)");
    assertThatThrownBy(() -> CpuProfile.of(Map.of("nodes", List.of(Map.of("id", 1L)))))
        .hasMessage("CPU profile: a node's callFrame is null (expected: an object)");
    assertThatThrownBy(() -> CpuProfile.of(Map.of("nodes", List.of("x"))))
        .hasMessage("CPU profile: a node is x (expected: an object)");
    assertThatThrownBy(() -> CpuProfile.of(Map.of(
        "nodes", List.of(node(1, "(root)", "", -1)),
        "samples", List.of("one", 1L), "timeDeltas", List.of(1L, 1L))))
        .hasMessage("CPU profile: a sample is one (expected: a number)");
  }
}
