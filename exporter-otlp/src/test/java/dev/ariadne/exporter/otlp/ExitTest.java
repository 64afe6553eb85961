package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.GlobalTracing;
import dev.ariadne.sdk.config.AutoConfiguration;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An application configured from the environment that ends a span and returns from {@code main}
 * without shutting tracing down, run as its own process: the span still reaches the collector,
 * or the process says on standard error that it could not.
 */
class ExitTest {

  /** The application: one span, then exit with it still in the batch processor's queue. */
  public static void main(String[] args) {
    AutoConfiguration.fromEnvironment().installGlobally();
    GlobalTracing.tracer("com.example.exiting").spanBuilder("last words").startSpan().end();
  }

  /** Runs {@link #main} against {@code collector}; returns what it printed. */
  private static String runApplication(CollectorServer collector) throws Exception {
    return runApplication(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl()));
  }

  /** Runs {@link #main} with {@code environment} added to its own; returns what it printed. */
  private static String runApplication(Map<String, String> environment) throws Exception {
    ProcessBuilder application =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    ExitTest.class.getName()))
            .redirectErrorStream(true);
    application.environment().keySet()
        .removeIf(name -> name.startsWith("OTEL_") || name.startsWith("ARIADNE_SDK_"));
    application.environment().put("OTEL_SERVICE_NAME", "exiting");
    // Longer than the test waits: only the exit can send the span.
    application.environment().put("OTEL_BSP_SCHEDULE_DELAY", "10m");
    application.environment().putAll(environment);
    Process process = application.start();
    String output = readAll(process);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static String readAll(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void spansQueuedWhenAnAutoConfiguredApplicationExitsAreExported() throws Exception {
    try (CollectorServer collector = CollectorServer.start()) {
      collector.otherwiseAnswer(CollectorServer.Answer.ok());

      String output = runApplication(collector);

      Span sent = collector.takeRequest().decode().getResourceSpans(0).getScopeSpans(0).getSpans(0);
      assertThat(sent.getName()).isEqualTo("last words");
      assertThat(output).doesNotContain("ariadne sdk:");
    }
  }

  @Test
  void spansThatCannotBeExportedAtExitAreReportedOnStandardError() throws Exception {
    try (CollectorServer collector = CollectorServer.start()) {
      collector.otherwiseAnswer(CollectorServer.Answer.status(404));

      String output = runApplication(collector);

      assertThat(output)
          .contains("ariadne sdk: 1 span queued at exit could not be exported (exporters: "
              + "[OtlpHttpSpanExporter{endpoint=" + collector.baseUrl() + "/v1/traces");
    }
  }

  @Test
  void theExitEndsWithinTenSecondsByDefaultAndCountsWhatItLost() throws Exception {
    try (CollectorServer collector = CollectorServer.start()) {
      collector.otherwiseAnswer(CollectorServer.Answer.status(503)); // retried for 30 s

      long start = System.nanoTime();
      String output = runApplication(collector);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // 10 s and the JVM's start; the export timeout (30 s) would pass Kubernetes' 30 s grace.
      assertThat(took).isLessThan(Duration.ofSeconds(25));
      assertThat(output)
          .contains("ariadne sdk: 1 span queued at exit could not be exported (exporters: "
              + "[OtlpHttpSpanExporter{endpoint=" + collector.baseUrl() + "/v1/traces");
    }
  }

  @Test
  void theExitEndsWithinTheExitTimeoutSetAndCountsWhatItLost() throws Exception {
    try (CollectorServer collector = CollectorServer.start()) {
      collector.otherwiseAnswer(CollectorServer.Answer.status(503));

      long start = System.nanoTime();
      String output =
          runApplication(
              Map.of(
                  "OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl(),
                  "ARIADNE_SDK_EXIT_TIMEOUT", "1s"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("1 s and the JVM's start, not the default 10 s")
          .isLessThan(Duration.ofSeconds(8));
      assertThat(output)
          .contains("ariadne sdk: 1 span queued at exit could not be exported (exporters: "
              + "[OtlpHttpSpanExporter{endpoint=" + collector.baseUrl() + "/v1/traces");
    }
  }

  @Test
  void theLoggingExporterWritesTheSpansExportedAtExit() throws Exception {
    String output = runApplication(Map.of("OTEL_TRACES_EXPORTER", "logging"));

    assertThat(output).contains("name=\"last words\"").doesNotContain("ariadne sdk:");
  }
}
