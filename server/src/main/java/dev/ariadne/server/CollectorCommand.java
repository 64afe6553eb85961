package dev.ariadne.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ariadne collector}: the scale-out path's receivers, which write every span to a Kafka
 * topic for the ingesters. Settings are read as {@code ariadne server} reads its own.
 */
@Command(
    name = "collector",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
      "Runs the collector role of the scale-out path: every receiver and the sampling strategies,"
          + " writing the spans to a Kafka topic that ingesters read. A request is acknowledged"
          + " once Kafka has acknowledged its spans.",
      "Settings: defaults < YAML file (--config) < ARIADNE_* environment variables < flags;"
          + " see docs/configuration.md."
    })
final class CollectorCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--kafka-brokers", paramLabel = "HOST:PORT,...", description = "The Kafka brokers to write to (default: 127.0.0.1:9092).")
  String kafkaBrokers;

  @Option(names = "--sampling-strategies-file", paramLabel = "FILE", description = "Sampling strategies in Jaeger's format (default: every service at probability 1).")
  String samplingStrategiesFile;

  @Option(names = "--admin-port", paramLabel = "PORT", description = "/metrics and /health (default: 14269).")
  String adminPort;

  @Override
  public Integer call() throws Exception {
    Role role = Role.COLLECTOR;
    return Foreground.run(role.command(),
        role.command() + ": stopping, draining in-flight requests",
        () -> AriadneServer.start(ServerConfig.from(Settings.load(
            role.defaults(), common.configFile(), System.getenv(), flags()), role)));
  }

  /** The flags given, as setting keys. */
  Map<String, String> flags() throws ConfigException {
    Map<String, String> own = new LinkedHashMap<>();
    SettingsOptions.putIfSet(own, "kafka.brokers", kafkaBrokers);
    SettingsOptions.putIfSet(own, "sampling.strategies-file", samplingStrategiesFile);
    SettingsOptions.putIfSet(own, "admin.port", adminPort);
    return common.flags(own);
  }
}
