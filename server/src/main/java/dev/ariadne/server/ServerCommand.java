package dev.ariadne.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
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
  static final String RECEIVERS =
      "otlp-grpc, otlp-http, zipkin, jaeger-thrift-http, jaeger-grpc, jaeger-compact, jaeger-binary,"
          + " sampling";

  @Option(names = "--config", paramLabel = "FILE", description = "A YAML file of settings.")
  Path configFile;

  @Option(names = "--host", description = "Address to listen on (default: 0.0.0.0).")
  String host;

  @Option(names = "--storage", description = "Storage backend: embedded (durable, the default) or memory.")
  String storage;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The embedded engine's data directory (default: ./data).")
  String dataDir;

  @Option(names = "--memory-max-spans", paramLabel = "N", description = "Spans the memory backend keeps before evicting the oldest traces.")
  String memoryMaxSpans;

  @Option(names = "--query-port", paramLabel = "PORT", description = "The web UI, the native and Jaeger query APIs and /metrics (default: 16686).")
  String queryPort;

  @Option(names = "--otlp-grpc-port", paramLabel = "PORT", description = "OTLP gRPC receiver (default: 4317).")
  String otlpGrpcPort;

  @Option(names = "--otlp-http-port", paramLabel = "PORT", description = "OTLP HTTP receiver (default: 4318).")
  String otlpHttpPort;

  @Option(names = "--zipkin-port", paramLabel = "PORT", description = "Zipkin receiver and API (default: 9411).")
  String zipkinPort;

  @Option(names = "--jaeger-thrift-http-port", paramLabel = "PORT", description = "Jaeger Thrift over HTTP receiver (default: 14268).")
  String jaegerThriftHttpPort;

  @Option(names = "--jaeger-grpc-port", paramLabel = "PORT", description = "Jaeger gRPC receiver (default: 14250).")
  String jaegerGrpcPort;

  @Option(names = "--jaeger-compact-port", paramLabel = "PORT", description = "Jaeger agent's UDP port for compact Thrift emitBatch datagrams, what Jaeger clients send (default: 6831).")
  String jaegerCompactPort;

  @Option(names = "--jaeger-binary-port", paramLabel = "PORT", description = "Jaeger agent's UDP port for binary Thrift emitBatch datagrams (default: 6832).")
  String jaegerBinaryPort;

  @Option(names = "--sampling-port", paramLabel = "PORT", description = "Sampling strategies for Jaeger clients, as the Jaeger agent serves them (default: 5778).")
  String samplingPort;

  @Option(names = "--sampling-strategies-file", paramLabel = "FILE", description = "Sampling strategies in Jaeger's format (default: every service at probability 1).")
  String samplingStrategiesFile;

  @Option(names = "--disable", paramLabel = "RECEIVER", split = ",", description = "Receivers, or the sampling port, to turn off: " + RECEIVERS + ".")
  List<String> disable = List.of();

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, by its key (e.g. --set collector.max-queued-spans=50000).")
  Map<String, String> set = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    for (String warning : Settings.unknownEnvironment(System.getenv())) {
      System.err.println("ariadne server: " + warning);
    }
    ServerConfig config;
    try {
      config = ServerConfig.from(Settings.load(configFile, System.getenv(), flags()));
    } catch (ConfigException e) {
      System.err.println("ariadne server: " + e.getMessage());
      return 2;
    }
    AriadneServer server;
    try {
      server = AriadneServer.start(config);
    } catch (StartException e) {
      System.err.println("ariadne server: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // The hook is in place before the server says where it listens: whoever waits for that line
    // may send SIGTERM at once.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("ariadne: stopping, draining in-flight requests");
                  server.close();
                  stopped.countDown();
                },
                "ariadne-shutdown"));
    server.printEndpoints(System.out);
    stopped.await();
    return 0;
  }

  /** The flags given, as setting keys. */
  Map<String, String> flags() throws ConfigException {
    Map<String, String> flags = new LinkedHashMap<>();
    putIfSet(flags, "host", host);
    putIfSet(flags, "storage", storage);
    putIfSet(flags, "embedded.data-dir", dataDir);
    putIfSet(flags, "memory.max-spans", memoryMaxSpans);
    putIfSet(flags, "query.port", queryPort);
    putIfSet(flags, "receivers.otlp-grpc.port", otlpGrpcPort);
    putIfSet(flags, "receivers.otlp-http.port", otlpHttpPort);
    putIfSet(flags, "receivers.zipkin.port", zipkinPort);
    putIfSet(flags, "receivers.jaeger-thrift-http.port", jaegerThriftHttpPort);
    putIfSet(flags, "receivers.jaeger-grpc.port", jaegerGrpcPort);
    putIfSet(flags, "receivers.jaeger-compact.port", jaegerCompactPort);
    putIfSet(flags, "receivers.jaeger-binary.port", jaegerBinaryPort);
    putIfSet(flags, "sampling.port", samplingPort);
    putIfSet(flags, "sampling.strategies-file", samplingStrategiesFile);
    flags.putAll(disabled(disable));
    flags.putAll(set);
    return flags;
  }

  /** The settings that turn off the receivers named by {@code --disable}. */
  static Map<String, String> disabled(List<String> receivers) throws ConfigException {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String receiver : receivers) {
      String key = receiver.trim().equals("sampling")
          ? "sampling.enabled" : "receivers." + receiver.trim() + ".enabled";
      if (!Settings.DEFAULTS.containsKey(key)) {
        throw new ConfigException(
            "--disable: \"" + receiver + "\" is not a receiver (expected: " + RECEIVERS + ")");
      }
      flags.put(key, "false");
    }
    return flags;
  }

  private static void putIfSet(Map<String, String> flags, String key, String value) {
    if (value != null) flags.put(key, value);
  }
}
