package dev.ariadne.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ariadne query}: the scale-out path's reader, the web UI and the query APIs over Cassandra.
 * Settings are read as {@code ariadne server} reads its own.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Runs the query role of the scale-out path: the web UI, the native, Jaeger and Zipkin"
          + " query APIs, /metrics and /health, over the spans the ingesters stored in Cassandra.",
      "Settings: defaults < YAML file (--config) < ARIADNE_* environment variables < flags;"
          + " see docs/configuration.md."
    })
final class QueryCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @Option(names = "--cassandra-contact-points", paramLabel = "HOST:PORT,...", description = "Cassandra nodes to connect to (default: 127.0.0.1:9042).")
  String cassandraContactPoints;

  @Option(names = "--query-port", paramLabel = "PORT", description = "The web UI, the native, Jaeger and Zipkin query APIs, /metrics and /health (default: 16686).")
  String queryPort;

  @Override
  public Integer call() throws Exception {
    Role role = Role.QUERY;
    return Foreground.run(role.command(),
        role.command() + ": stopping, finishing the queries in hand",
        () -> AriadneServer.start(ServerConfig.from(Settings.load(
            role.defaults(), settings.configFile, System.getenv(), flags()), role)));
  }

  /** The flags given, as setting keys. */
  Map<String, String> flags() {
    Map<String, String> own = new LinkedHashMap<>();
    SettingsOptions.putIfSet(own, "cassandra.contact-points", cassandraContactPoints);
    SettingsOptions.putIfSet(own, "query.port", queryPort);
    return settings.flags(own);
  }
}
