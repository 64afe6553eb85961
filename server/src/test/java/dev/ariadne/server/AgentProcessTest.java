package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ariadne agent} as its own process, the way a user runs it. */
class AgentProcessTest {
  private static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void withoutACollectorEndpointItSaysSoInOneLine() throws Exception {
    Process agent = start("agent");
    String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(agent.exitValue()).isEqualTo(2);
    assertThat(output).isEqualTo("ariadne agent: agent.collector-endpoint (--collector-endpoint,"
        + " ARIADNE_AGENT_COLLECTOR_ENDPOINT) is required: the OTLP/HTTP address of the collector"
        + " to forward spans to, such as http://collector:4318\n");
  }

  @Test
  void printsWhereItListensAndWhereSpansGoAndStopsCleanlyOnSigterm() throws Exception {
    Process agent = start("agent", "--collector-endpoint", "http://127.0.0.1:4318",
        "--host", "127.0.0.1", "--sampling-port", "0", "--admin-port", "0",
        "--otlp-grpc-port", "0", "--otlp-http-port", "0", "--zipkin-port", "0",
        "--jaeger-thrift-http-port", "0", "--jaeger-grpc-port", "0", "--jaeger-compact-port", "0",
        "--jaeger-binary-port", "0", "--set", "shutdown.drain-seconds=1");
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("ariadne agent: sampling strategies")) break;
      }
      agent.toHandle().destroy(); // SIGTERM
      assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
      while ((line = out.readLine()) != null) lines.add(line);
    } finally {
      agent.destroyForcibly();
    }

    assertThat(lines).contains("ariadne agent: listening",
        "ariadne agent: forwarding spans to http://127.0.0.1:4318 (OTLP/HTTP, /v1/traces)",
        "ariadne agent: stopping, draining in-flight requests");
    assertThat(lines).anyMatch(l -> l.contains("OTLP HTTP") && l.matches(".*port \\d+"));
    assertThat(lines).as("a plain start and stop logs no warning")
        .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
  }
}
