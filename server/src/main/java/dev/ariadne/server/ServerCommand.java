package dev.ariadne.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ariadne server}: the all-in-one server. Settings come from the defaults, a YAML file, the
 * {@code ARIADNE_*} environment variables and these flags, each overriding the one before.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Runs the all-in-one server: every receiver, the storage and the query APIs in one process.",
      "Settings: defaults < YAML file (--config) < ARIADNE_* environment variables < flags;"
          + " see docs/configuration.md."
    })
final class ServerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--storage", description = "Storage backend: embedded (durable, the default), memory, or cassandra.")
  String storage;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The embedded engine's data directory (default: ./data).")
  String dataDir;

  @Option(names = "--memory-max-spans", paramLabel = "N", description = "Spans the memory backend keeps before evicting the oldest traces.")
  String memoryMaxSpans;

  @Option(names = "--cassandra-contact-points", paramLabel = "HOST:PORT,...", description = "With --storage cassandra, the nodes to connect to (default: 127.0.0.1:9042).")
  String cassandraContactPoints;

  @Option(names = "--query-port", paramLabel = "PORT", description = "The web UI, the native and Jaeger query APIs and /metrics (default: 16686).")
  String queryPort;

  @Option(names = "--sampling-strategies-file", paramLabel = "FILE", description = "Sampling strategies in Jaeger's format (default: every service at probability 1).")
  String samplingStrategiesFile;

  @Override
  public Integer call() throws Exception {
    return Foreground.run("ariadne server", "ariadne: stopping, draining in-flight requests",
        () -> AriadneServer.start(ServerConfig.from(
            Settings.load(common.configFile(), System.getenv(), flags()))));
  }

  /** The flags given, as setting keys. */
  Map<String, String> flags() throws ConfigException {
    Map<String, String> own = new LinkedHashMap<>();
    SettingsOptions.putIfSet(own, "storage", storage);
    SettingsOptions.putIfSet(own, "embedded.data-dir", dataDir);
    SettingsOptions.putIfSet(own, "memory.max-spans", memoryMaxSpans);
    SettingsOptions.putIfSet(own, "cassandra.contact-points", cassandraContactPoints);
    SettingsOptions.putIfSet(own, "query.port", queryPort);
    SettingsOptions.putIfSet(own, "sampling.strategies-file", samplingStrategiesFile);
    return common.flags(own);
  }
}
