package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.GlobalTracing;
import dev.ariadne.sdk.config.AutoConfiguration;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An application configured from the environment that ends a span and returns from {@code main}
 * without shutting tracing down, run as its own process: the span still reaches the collector.
 */
class ExitTest {

  /** The application: one span, then exit with it still in the batch processor's queue. */
  public static void main(String[] args) {
    AutoConfiguration.fromEnvironment().installGlobally();
    GlobalTracing.tracer("com.example.exiting").spanBuilder("last words").startSpan().end();
  }

  @Test
  void spansQueuedWhenAnAutoConfiguredApplicationExitsAreExported() throws Exception {
    try (CollectorServer collector = CollectorServer.start()) {
      collector.otherwiseAnswer(CollectorServer.Answer.ok());
      ProcessBuilder application =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-cp",
                      System.getProperty("java.class.path"),
                      ExitTest.class.getName()))
              .redirectErrorStream(true);
      application.environment().put("OTEL_SERVICE_NAME", "exiting");
      application.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl());
      // Longer than the test waits: only the exit can send the span.
      application.environment().put("OTEL_BSP_SCHEDULE_DELAY", "10m");
      Process process = application.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      Span sent = collector.takeRequest().decode().getResourceSpans(0).getScopeSpans(0).getSpans(0);
      assertThat(sent.getName()).isEqualTo("last words");
    }
  }
}
