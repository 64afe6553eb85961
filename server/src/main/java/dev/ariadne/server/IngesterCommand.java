package dev.ariadne.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ariadne ingester}: the scale-out path's writer, which reads the collectors' spans from
 * Kafka and stores them in Cassandra. Settings are read as {@code ariadne server} reads its own.
 */
@Command(
    name = "ingester",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Runs the ingester role of the scale-out path: reads the spans the collectors wrote to a"
          + " Kafka topic and stores them in Cassandra; a record counts as read once its spans"
          + " are stored.",
      "Settings: defaults < YAML file (--config) < ARIADNE_* environment variables < flags;"
          + " see docs/configuration.md."
    })
final class IngesterCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @Option(names = "--kafka-brokers", paramLabel = "HOST:PORT,...", description = "The Kafka brokers to read from (default: 127.0.0.1:9092).")
  String kafkaBrokers;

  @Option(names = "--cassandra-contact-points", paramLabel = "HOST:PORT,...", description = "Cassandra nodes to connect to (default: 127.0.0.1:9042).")
  String cassandraContactPoints;

  @Option(names = "--admin-port", paramLabel = "PORT", description = "/metrics and /health (default: 14270).")
  String adminPort;

  @Override
  public Integer call() throws Exception {
    Role role = Role.INGESTER;
    return Foreground.run(role.command(),
        role.command() + ": stopping, finishing the spans in hand",
        () -> AriadneServer.start(ServerConfig.from(Settings.load(
            role.defaults(), settings.configFile, System.getenv(), flags()), role)));
  }

  /** The flags given, as setting keys. */
  Map<String, String> flags() {
    Map<String, String> own = new LinkedHashMap<>();
    SettingsOptions.putIfSet(own, "kafka.brokers", kafkaBrokers);
    SettingsOptions.putIfSet(own, "cassandra.contact-points", cassandraContactPoints);
    SettingsOptions.putIfSet(own, "admin.port", adminPort);
    return settings.flags(own);
  }
}
