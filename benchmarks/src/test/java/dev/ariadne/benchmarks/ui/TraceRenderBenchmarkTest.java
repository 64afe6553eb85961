package dev.ariadne.benchmarks.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TraceRenderBenchmarkTest {
  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheSpanCountOfATraceAnswer() throws IOException {
    assertThat(TraceRenderBenchmark.spanCount(json(
        "{\"traceId\":\"ab\",\"completeness\":{\"spanCount\":7},\"spanCount\":5000,\"spans\":[]}")))
        .isEqualTo(5000);
  }

  @Test
  void aSpanCountOnlyNestedOrOfAnotherTypeIsNotTheTrace() {
    assertThatThrownBy(() -> TraceRenderBenchmark.spanCount(json(
        "{\"completeness\":{\"spanCount\":7},\"spans\":[{\"spanCount\":1}]}")))
        .isInstanceOf(IOException.class)
        .hasMessage("trace answer: no spanCount number at its top level");
    assertThatThrownBy(() -> TraceRenderBenchmark.spanCount(json("{\"spanCount\":\"5000\"}")))
        .hasMessage("trace answer: no spanCount number at its top level");
  }

  @Test
  void anAnswerThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> TraceRenderBenchmark.spanCount(json("[1, 2]")))
        .isInstanceOf(IOException.class)
        .hasMessage("trace answer: not a JSON object");
  }

  @Test
  void aTruncatedAnswerIsRefused() {
    assertThatThrownBy(() -> TraceRenderBenchmark.spanCount(json("{\"spans\":[{\"name\":\"a")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingIsSent() {
    assertThat(run("--sizes", "100,0")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(run("--sizes", "100,100")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(run("--loads", "0")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(run("--window-size", "1400x900")).isEqualTo(CommandLine.ExitCode.USAGE);
  }

  private static int run(String... args) {
    CommandLine command = new CommandLine(new TraceRenderBenchmark());
    command.setErr(new PrintWriter(Writer.nullWriter()));
    return command.execute(args);
  }
}
