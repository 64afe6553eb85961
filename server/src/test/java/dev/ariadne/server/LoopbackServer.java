package dev.ariadne.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The all-in-one server on free loopback ports (every {@code *.port} setting 0), for tests outside
 * this package: {@link AriadneServer} itself is package-private. Not thread-safe; one per test
 * class.
 */
public final class LoopbackServer implements AutoCloseable {
  private final AriadneServer server;
  private final Path dataDir;

  private LoopbackServer(AriadneServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  /**
   * Starts the server with its default settings but the host, the ports, the drain time (none:
   * nothing is in flight when a test class ends) and the data directory (a new temporary one,
   * deleted on close).
   */
  public static LoopbackServer start() throws IOException {
    return start(Map.of());
  }

  /** The native and Jaeger query APIs. */
  public int queryPort() {
    return port("query");
  }

  public int otlpGrpcPort() {
    return port("OTLP gRPC");
  }

  public int otlpHttpPort() {
    return port("OTLP HTTP");
  }

  /** Jaeger Thrift over HTTP ({@code POST /api/traces}). */
  public int jaegerThriftHttpPort() {
    return port("Jaeger Thrift HTTP");
  }

  /** Jaeger gRPC ({@code jaeger.api_v2.CollectorService/PostSpans}). */
  public int jaegerGrpcPort() {
    return port("Jaeger gRPC");
  }

  /** The Jaeger agent's UDP port of compact Thrift {@code emitBatch} datagrams. */
  public int jaegerCompactPort() {
    return port("Jaeger compact Thrift (UDP)");
  }

  /** Zipkin in ({@code POST /api/v2/spans}) and out (the Zipkin API v2). */
  public int zipkinPort() {
    return port("Zipkin");
  }

  private int port(String prefix) {
    return port(server, prefix);
  }

  /** The port of {@code server}'s server whose name starts with {@code prefix}. */
  static int port(AriadneServer server, String prefix) {
    return server.ports().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "no server named " + prefix + "... (running: " + server.ports().keySet() + ")"))
        .getValue();
  }

  /**
   * The settings of a test server: loopback, every port free, no drain time, data in {@code
   * dataDir}, then {@code extraSettings}.
   */
  static Map<String, String> settings(Path dataDir, Map<String, String> extraSettings) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("embedded.data-dir", dataDir.toString());
    flags.put("host", "127.0.0.1");
    for (String key : Settings.DEFAULTS.keySet()) {
      if (key.endsWith(".port")) {
        flags.put(key, "0");
      }
    }
    flags.put("shutdown.drain-seconds", "0");
    flags.putAll(extraSettings);
    return flags;
  }

  @Override
  public void close() throws IOException {
    server.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /**
   * Starts the server as {@link #start()} does, with {@code extraSettings} on top, such as a short
   * {@code analytics.flush-interval} or {@code analytics.enabled: false}.
   */
  public static LoopbackServer start(Map<String, String> extraSettings) throws IOException {
    Path dataDir = Files.createTempDirectory("ariadne-loopback-");
    try {
      return new LoopbackServer(AriadneServer.start(ServerConfig.from(
          Settings.load(null, Map.of(), settings(dataDir, extraSettings)))), dataDir);
    } catch (ConfigException e) {
      throw new IllegalStateException("the settings of a test server: " + e.getMessage(), e);
    }
  }
}
