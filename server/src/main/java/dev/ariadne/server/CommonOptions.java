package dev.ariadne.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that take spans ({@code ariadne server}, {@code agent} and {@code
 * collector}): those of every command ({@link SettingsOptions}), the receivers' ports, the
 * sampling port and {@code --disable}. A picocli mixin, so that the commands spell and read them
 * one way.
 */
final class CommonOptions {
  static final String RECEIVERS =
      "otlp-grpc, otlp-http, zipkin, jaeger-thrift-http, jaeger-grpc, jaeger-compact, jaeger-binary,"
          + " sampling";

  @Mixin SettingsOptions settings;

  @Option(names = "--otlp-grpc-port", paramLabel = "PORT", description = "OTLP gRPC receiver (default: 4317).")
  String otlpGrpcPort;

  @Option(names = "--otlp-http-port", paramLabel = "PORT", description = "OTLP HTTP receiver (default: 4318).")
  String otlpHttpPort;

  @Option(names = "--zipkin-port", paramLabel = "PORT", description = "Zipkin receiver, and on the server the Zipkin API (default: 9411).")
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

  @Option(names = "--disable", paramLabel = "RECEIVER", split = ",", description = "Receivers, or the sampling port, to turn off: " + RECEIVERS + ".")
  List<String> disable = List.of();

  /**
   * The flags given, as setting keys: the address, then {@code own} (the command's own flags), the
   * ports, what {@code --disable} turns off, and last {@code --set}, which overrides the rest.
   */
  Map<String, String> flags(Map<String, String> own) throws ConfigException {
    Map<String, String> flags = new LinkedHashMap<>(own);
    SettingsOptions.putIfSet(flags, "receivers.otlp-grpc.port", otlpGrpcPort);
    SettingsOptions.putIfSet(flags, "receivers.otlp-http.port", otlpHttpPort);
    SettingsOptions.putIfSet(flags, "receivers.zipkin.port", zipkinPort);
    SettingsOptions.putIfSet(flags, "receivers.jaeger-thrift-http.port", jaegerThriftHttpPort);
    SettingsOptions.putIfSet(flags, "receivers.jaeger-grpc.port", jaegerGrpcPort);
    SettingsOptions.putIfSet(flags, "receivers.jaeger-compact.port", jaegerCompactPort);
    SettingsOptions.putIfSet(flags, "receivers.jaeger-binary.port", jaegerBinaryPort);
    SettingsOptions.putIfSet(flags, "sampling.port", samplingPort);
    for (String receiver : disable) {
      String key = receiver.trim().equals("sampling")
          ? "sampling.enabled" : "receivers." + receiver.trim() + ".enabled";
      if (!Settings.DEFAULTS.containsKey(key)) {
        throw new ConfigException(
            "--disable: \"" + receiver + "\" is not a receiver (expected: " + RECEIVERS + ")");
      }
      flags.put(key, "false");
    }
    return settings.flags(flags);
  }

  /** The settings file given, or null. */
  Path configFile() {
    return settings.configFile;
  }

}
