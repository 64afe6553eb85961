package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServerCommandTest {

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    cli.execute(args);
    return out.toString();
  }

  @Test
  void aUsageErrorIsOneLineAndWhereToReadTheUsageNotTheUsageItself() {
    assertThat(run("server", "--bogus")).isEqualTo(
        "ariadne server: Unknown option: '--bogus'\n"
            + "Try 'ariadne server --help' for the usage.\n");
    assertThat(run("serve")).isEqualTo(
        "ariadne: Unmatched argument at index 0: 'serve'\n"
            + "Did you mean: ariadne server or ariadne query or ariadne ingester?\n"
            + "Try 'ariadne --help' for the usage.\n");
    assertThat(Main.commandLine().execute("server", "--set", "query.port")).isEqualTo(2);
  }

  @Test
  void everyCommandHasHelp() {
    assertThat(run("--help")).contains("server").contains("Usage: ariadne");
    assertThat(run("server", "--help"))
        .contains("--config", "--storage", "--query-port", "--otlp-grpc-port", "--jaeger-thrift-http-port",
            "--jaeger-grpc-port", "--jaeger-compact-port", "--jaeger-binary-port", "--sampling-port",
            "--sampling-strategies-file", "--disable",
            "--set");
  }

  @Test
  void versionIsTheBuilds() {
    assertThat(System.getProperty("ariadne.version")).isNotBlank();
    assertThat(run("--version")).isEqualTo("ariadne " + System.getProperty("ariadne.version") + "\n");
  }

  @Test
  void flagsBecomeSettingKeys() throws Exception {
    ServerCommand command = new ServerCommand();
    new CommandLine(command)
        .parseArgs("--zipkin-port", "1", "--jaeger-thrift-http-port", "2", "--jaeger-grpc-port", "3",
            "--jaeger-compact-port", "4", "--jaeger-binary-port", "5",
            "--disable", "otlp-grpc,otlp-http", "--disable", "jaeger-thrift-http,jaeger-grpc",
            "--disable", "jaeger-compact,jaeger-binary", "--set", "memory.max-spans=5",
            "--sampling-port", "6", "--sampling-strategies-file", "s.json", "--disable", "sampling");

    assertThat(command.flags())
        .containsEntry("receivers.zipkin.port", "1")
        .containsEntry("receivers.jaeger-thrift-http.port", "2")
        .containsEntry("receivers.otlp-grpc.enabled", "false")
        .containsEntry("receivers.otlp-http.enabled", "false")
        .containsEntry("receivers.jaeger-thrift-http.enabled", "false")
        .containsEntry("receivers.jaeger-grpc.port", "3")
        .containsEntry("receivers.jaeger-grpc.enabled", "false")
        .containsEntry("receivers.jaeger-compact.port", "4")
        .containsEntry("receivers.jaeger-compact.enabled", "false")
        .containsEntry("receivers.jaeger-binary.port", "5")
        .containsEntry("receivers.jaeger-binary.enabled", "false")
        .containsEntry("memory.max-spans", "5")
        .containsEntry("sampling.port", "6")
        .containsEntry("sampling.strategies-file", "s.json")
        .containsEntry("sampling.enabled", "false");
  }

  @Test
  void anInvalidStrategiesFileStopsStartUpAsABadSettingDoes() {
    assertThat(Main.commandLine().execute("server", "--sampling-strategies-file",
        "no-such-strategies.json")).isEqualTo(2);
  }

  @Test
  void disablingAnUnknownReceiverNamesTheKnownOnes() {
    ServerCommand command = new ServerCommand();
    new CommandLine(command).parseArgs("--disable", "jaeger");

    assertThatThrownBy(command::flags)
        .isInstanceOf(ConfigException.class)
        .hasMessage("--disable: \"jaeger\" is not a receiver"
            + " (expected: otlp-grpc, otlp-http, zipkin, jaeger-thrift-http, jaeger-grpc,"
            + " jaeger-compact, jaeger-binary, sampling)");
  }
}
