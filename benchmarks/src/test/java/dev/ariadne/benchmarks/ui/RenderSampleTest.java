package dev.ariadne.benchmarks.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderSampleTest {
  /** An answer as Selenium hands it over: whole numbers as Long, others as Double. */
  private static Map<String, Object> answer() {
    Map<String, Object> probe = new HashMap<>();
    probe.put("firstRow", 480.5);
    probe.put("done", 512.25);
    probe.put("domContentLoaded", 90L);
    probe.put("trace", Map.of("start", 210.5, "end", 380.0, "bytes", 8_577_527L));
    probe.put("criticalPath", Map.of("start", 211L, "end", 260.75, "bytes", 28_091L));
    probe.put("heapUsed", 24_052_917L);
    probe.put("rows", 36L);
    return probe;
  }

  @Test
  void readsEveryFigureOfTheProbe() {
    assertThat(RenderSample.of(answer()))
        .isEqualTo(new RenderSample(
            480.5, 512.25, 90, 210.5, 380, 260.75, 8_577_527, 24_052_917, 36));
  }

  @Test
  void aHeapTheBrowserDoesNotReportIsMinusOne() {
    Map<String, Object> probe = answer();
    probe.put("heapUsed", null);
    assertThat(RenderSample.of(probe).heapUsedBytes()).isEqualTo(-1);
  }

  @Test
  void anErrorOnThePageIsReportedWithItsText() {
    assertThatThrownBy(() -> RenderSample.of(Map.of("error", "Trace abc was not found")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the trace page shows an error: Trace abc was not found");
  }

  @Test
  void aMissingOrMistypedFigureIsNamed() {
    Map<String, Object> probe = answer();
    probe.remove("done");
    assertThatThrownBy(() -> RenderSample.of(probe))
        .hasMessage("the render probe's done is null (expected: a number)");
    Map<String, Object> text = answer();
    text.put("firstRow", "480");
    assertThatThrownBy(() -> RenderSample.of(text))
        .hasMessage("the render probe's firstRow is 480 (expected: a number)");
  }

  @Test
  void aRequestThePageNeverMadeIsNamed() {
    Map<String, Object> probe = answer();
    probe.put("criticalPath", null);
    assertThatThrownBy(() -> RenderSample.of(probe))
        .hasMessageStartingWith("the render probe's criticalPath is null (expected: an object");
  }
}
