package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentCommandTest {
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    cli.execute(args);
    return out.toString();
  }

  private static AgentConfig config(Map<String, String> flags) throws ConfigException {
    return AgentConfig.from(Settings.load(Settings.AGENT_DEFAULTS, null, Map.of(), flags));
  }

  @Test
  void theAgentIsASecondCommandWithItsOwnHelp() {
    assertThat(run("--help")).contains("server", "agent");
    assertThat(run("agent", "--help")).contains("--collector-endpoint", "--tags",
        "--sampling-port", "--admin-port", "--otlp-http-port", "--disable", "--set");
    assertThat(run("agent", "--bogus")).isEqualTo("ariadne agent: Unknown option: '--bogus'\n"
        + "Try 'ariadne agent --help' for the usage.\n");
  }

  @Test
  void flagsBecomeSettingKeys() throws Exception {
    AgentCommand command = new AgentCommand();
    new CommandLine(command).parseArgs("--collector-endpoint", "http://collector:4318",
        "--tags", "zone=eu-1", "--sampling-port", "1", "--admin-port", "2", "--otlp-http-port", "3",
        "--disable", "zipkin,jaeger-grpc,sampling", "--set", "agent.forward-timeout=3s");

    assertThat(command.flags())
        .containsEntry("agent.collector-endpoint", "http://collector:4318")
        .containsEntry("agent.tags", "zone=eu-1")
        .containsEntry("sampling.port", "1")
        .containsEntry("agent.admin-port", "2")
        .containsEntry("receivers.otlp-http.port", "3")
        .containsEntry("receivers.zipkin.enabled", "false")
        .containsEntry("receivers.jaeger-grpc.enabled", "false")
        .containsEntry("sampling.enabled", "false")
        .containsEntry("agent.forward-timeout", "3s");
  }

  @Test
  void theCollectorEndpointIsRequiredAndMustBeAnHttpUrlWithoutTheTracesPath() {
    assertThatThrownBy(() -> config(Map.of())).isInstanceOf(ConfigException.class)
        .hasMessage("agent.collector-endpoint (--collector-endpoint,"
            + " ARIADNE_AGENT_COLLECTOR_ENDPOINT) is required: the OTLP/HTTP address of the"
            + " collector to forward spans to, such as http://collector:4318");
    assertThatThrownBy(() -> config(Map.of("agent.collector-endpoint", "collector:4318")))
        .hasMessage("agent.collector-endpoint (ARIADNE_AGENT_COLLECTOR_ENDPOINT, from flag):"
            + " \"collector:4318\" is invalid (expected: an http or https URL with a host, such as"
            + " http://collector:4318)");
    assertThatThrownBy(() ->
            config(Map.of("agent.collector-endpoint", "http://collector:4318/v1/traces")))
        .hasMessageContaining("(expected: the collector's base URL, without /v1/traces");
  }

  @Test
  void theSamplingEndpointIsTheCollectorsHostOn14268UnlessSet() throws Exception {
    assertThat(config(Map.of("agent.collector-endpoint", "https://collector.example:4318"))
        .samplingEndpoint()).isEqualTo(URI.create("https://collector.example:14268"));
    assertThat(config(Map.of("agent.collector-endpoint", "http://collector:4318",
        "agent.sampling-endpoint", "http://sampling:8080")).samplingEndpoint())
        .isEqualTo(URI.create("http://sampling:8080"));
  }

  @Test
  void tagsAreKeyValuePairs() throws Exception {
    assertThat(config(Map.of("agent.collector-endpoint", "http://c:4318",
        "agent.tags", "host.name=web-1, cloud.region = eu-west-1,")).tags())
        .containsExactly(Map.entry("host.name", "web-1"), Map.entry("cloud.region", "eu-west-1"));
    assertThatThrownBy(() -> config(Map.of("agent.collector-endpoint", "http://c:4318",
        "agent.tags", "zone")))
        .hasMessage("agent.tags (ARIADNE_AGENT_TAGS, from flag): \"zone\" is invalid (expected:"
            + " key=value pairs, comma-separated, such as host.name=web-1,cloud.region=eu-west-1,"
            + " each key once)");
  }

  @Test
  void theAgentDisablesItsUdpReceiversAndNamesThemAmongTheKnown() throws Exception {
    AgentCommand command = new AgentCommand();
    new CommandLine(command).parseArgs("--jaeger-compact-port", "7", "--jaeger-binary-port", "8",
        "--disable", "jaeger-compact,jaeger-binary");
    assertThat(command.flags()).containsEntry("receivers.jaeger-compact.enabled", "false")
        .containsEntry("receivers.jaeger-binary.enabled", "false")
        .containsEntry("receivers.jaeger-compact.port", "7")
        .containsEntry("receivers.jaeger-binary.port", "8");

    AgentCommand unknown = new AgentCommand();
    new CommandLine(unknown).parseArgs("--disable", "jaeger");
    assertThatThrownBy(unknown::flags).hasMessage("--disable: \"jaeger\" is not a receiver"
        + " (expected: otlp-grpc, otlp-http, zipkin, jaeger-thrift-http, jaeger-grpc,"
        + " jaeger-compact, jaeger-binary, sampling)");
  }

  @Test
  void aServerSettingIsUnknownToTheAgent() {
    assertThatThrownBy(() -> config(Map.of("agent.collector-endpoint", "http://c:4318",
        "storage", "memory")))
        .hasMessageStartingWith("unknown setting \"storage\" (from flag);");
  }
}
