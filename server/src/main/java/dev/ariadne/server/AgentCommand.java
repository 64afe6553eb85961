package dev.ariadne.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ariadne agent}: the local agent, which takes spans on the collector's ports and hands them
 * on to a collector elsewhere. Settings are read as {@code ariadne server} reads its own.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Runs the local agent: the collector's receivers, forwarding every span to a collector"
          + " elsewhere over OTLP/HTTP, and Jaeger's sampling endpoint.",
      "Settings: defaults < YAML file (--config) < ARIADNE_* environment variables < flags;"
          + " see docs/configuration.md."
    })
final class AgentCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--collector-endpoint", paramLabel = "URL", description = "The OTLP/HTTP address of the collector to forward to, such as http://collector:4318 (required).")
  String collectorEndpoint;

  @Option(names = "--tags", paramLabel = "KEY=VALUE,...", description = "Attributes added to each span's resource unless it has them.")
  String tags;

  @Option(names = "--admin-port", paramLabel = "PORT", description = "/metrics and /health (default: 14271).")
  String adminPort;

  @Override
  public Integer call() throws Exception {
    return Foreground.run("ariadne agent", "ariadne agent: stopping, draining in-flight requests",
        () -> AriadneAgent.start(AgentConfig.from(Settings.load(
            Settings.AGENT_DEFAULTS, common.configFile(), System.getenv(), flags()))));
  }

  /** The flags given, as setting keys. */
  Map<String, String> flags() throws ConfigException {
    Map<String, String> own = new LinkedHashMap<>();
    SettingsOptions.putIfSet(own, "agent.collector-endpoint", collectorEndpoint);
    SettingsOptions.putIfSet(own, "agent.tags", tags);
    SettingsOptions.putIfSet(own, "agent.admin-port", adminPort);
    return common.flags(own);
  }
}
