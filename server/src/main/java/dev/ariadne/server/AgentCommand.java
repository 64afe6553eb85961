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
  @Option(names = "--config", paramLabel = "FILE", description = "A YAML file of settings.")
  Path configFile;

  @Option(names = "--collector-endpoint", paramLabel = "URL", description = "The OTLP/HTTP address of the collector to forward to, such as http://collector:4318 (required).")
  String collectorEndpoint;

  @Option(names = "--host", description = "Address to listen on (default: 0.0.0.0).")
  String host;

  @Option(names = "--tags", paramLabel = "KEY=VALUE,...", description = "Attributes added to each span's resource unless it has them.")
  String tags;

  @Option(names = "--sampling-port", paramLabel = "PORT", description = "Sampling strategies for Jaeger clients, from the collector (default: 5778).")
  String samplingPort;

  @Option(names = "--admin-port", paramLabel = "PORT", description = "/metrics and /health (default: 14271).")
  String adminPort;

  @Option(names = "--otlp-grpc-port", paramLabel = "PORT", description = "OTLP gRPC receiver (default: 4317).")
  String otlpGrpcPort;

  @Option(names = "--otlp-http-port", paramLabel = "PORT", description = "OTLP HTTP receiver (default: 4318).")
  String otlpHttpPort;

  @Option(names = "--zipkin-port", paramLabel = "PORT", description = "Zipkin receiver (default: 9411).")
  String zipkinPort;

  @Option(names = "--jaeger-thrift-http-port", paramLabel = "PORT", description = "Jaeger Thrift over HTTP receiver (default: 14268).")
  String jaegerThriftHttpPort;

  @Option(names = "--jaeger-grpc-port", paramLabel = "PORT", description = "Jaeger gRPC receiver (default: 14250).")
  String jaegerGrpcPort;

  @Option(names = "--jaeger-compact-port", paramLabel = "PORT", description = "Jaeger agent's UDP port, compact Thrift (default: 6831).")
  String jaegerCompactPort;

  @Option(names = "--jaeger-binary-port", paramLabel = "PORT", description = "Jaeger agent's UDP port, binary Thrift (default: 6832).")
  String jaegerBinaryPort;

  @Option(names = "--disable", paramLabel = "RECEIVER", split = ",", description = "Receivers, or the sampling port, to turn off: " + ServerCommand.RECEIVERS + ".")
  List<String> disable = List.of();

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, by its key (e.g. --set agent.forward-timeout=3s).")
  Map<String, String> set = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    for (String warning : Settings.unknownEnvironment(System.getenv())) {
      System.err.println("ariadne agent: " + warning);
    }
    AgentConfig config;
    try {
      config = AgentConfig.from(
          Settings.load(Settings.AGENT_DEFAULTS, configFile, System.getenv(), flags()));
    } catch (ConfigException e) {
      System.err.println("ariadne agent: " + e.getMessage());
      return 2;
    }
    AriadneAgent agent;
    try {
      agent = AriadneAgent.start(config);
    } catch (StartException e) {
      System.err.println("ariadne agent: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // In place before the start-up lines, as the server's: whoever waits for them may stop it.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("ariadne agent: stopping, draining in-flight requests");
                  agent.close();
                  stopped.countDown();
                },
                "ariadne-shutdown"));
    agent.printEndpoints(System.out);
    stopped.await();
    return 0;
  }

  /** The flags given, as setting keys. */
  Map<String, String> flags() throws ConfigException {
    Map<String, String> flags = new LinkedHashMap<>();
    putIfSet(flags, "agent.collector-endpoint", collectorEndpoint);
    putIfSet(flags, "host", host);
    putIfSet(flags, "agent.tags", tags);
    putIfSet(flags, "sampling.port", samplingPort);
    putIfSet(flags, "agent.admin-port", adminPort);
    putIfSet(flags, "receivers.otlp-grpc.port", otlpGrpcPort);
    putIfSet(flags, "receivers.otlp-http.port", otlpHttpPort);
    putIfSet(flags, "receivers.zipkin.port", zipkinPort);
    putIfSet(flags, "receivers.jaeger-thrift-http.port", jaegerThriftHttpPort);
    putIfSet(flags, "receivers.jaeger-grpc.port", jaegerGrpcPort);
    putIfSet(flags, "receivers.jaeger-compact.port", jaegerCompactPort);
    putIfSet(flags, "receivers.jaeger-binary.port", jaegerBinaryPort);
    flags.putAll(ServerCommand.disabled(disable));
    flags.putAll(set);
    return flags;
  }

  private static void putIfSet(Map<String, String> flags, String key, String value) {
    if (value != null) flags.put(key, value);
  }
}
