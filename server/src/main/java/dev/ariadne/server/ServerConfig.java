package dev.ariadne.server;

import dev.ariadne.storage.embedded.SyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** The validated settings of {@code ariadne server}. */
record ServerConfig(
    String host,
    String storage,
    Embedded embedded,
    int memoryMaxSpans,
    int queryPort,
    Receiver otlpGrpc,
    Receiver otlpHttp,
    Receiver zipkin,
    Receiver jaegerThriftHttp,
    Receiver jaegerGrpc,
    int maxRequestBytes,
    int maxQueuedSpans,
    int drainSeconds) {

  /** The embedded engine's settings. */
  record Embedded(
      Path dataDir,
      SyncPolicy sync,
      Duration syncInterval,
      int headMaxSpans,
      Duration headMaxAge,
      int compactionTargetSpans,
      Duration retention,
      long maxDiskBytes,
      int maxSpansPerTrace) {}

  /** A receiver's switch and port; port 0 picks a free port. */
  record Receiver(boolean enabled, int port) {}

  private static final String PORT = "a port number from 0 to 65535";

  static ServerConfig from(Settings s) throws ConfigException {
    return new ServerConfig(
        s.get("host"),
        s.getChoice("storage", Set.of("embedded", "memory")),
        new Embedded(
            Path.of(s.get("embedded.data-dir")),
            SyncPolicy.valueOf(
                s.getChoice("embedded.sync", Set.of("always", "interval")).toUpperCase(Locale.ROOT)),
            s.getDuration("embedded.sync-interval"),
            s.getInt("embedded.head-max-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
            s.getDuration("embedded.head-max-age"),
            s.getInt("embedded.compaction-target-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
            s.getDuration("embedded.retention"),
            s.getBytes("embedded.max-disk"),
            s.getInt("embedded.max-spans-per-trace", 0, Integer.MAX_VALUE,
                "a whole number >= 0 (0: no limit)")),
        s.getInt("memory.max-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
        s.getInt("query.port", 0, 65535, PORT),
        receiver(s, "otlp-grpc"),
        receiver(s, "otlp-http"),
        receiver(s, "zipkin"),
        receiver(s, "jaeger-thrift-http"),
        receiver(s, "jaeger-grpc"),
        s.getInt("collector.max-request-bytes", 1024, Integer.MAX_VALUE, "a whole number of bytes >= 1024"),
        s.getInt("collector.max-queued-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
        s.getInt("shutdown.drain-seconds", 0, 3600, "a whole number of seconds from 0 to 3600"));
  }

  private static Receiver receiver(Settings s, String name) throws ConfigException {
    String prefix = "receivers." + name + ".";
    return new Receiver(s.getBoolean(prefix + "enabled"), s.getInt(prefix + "port", 0, 65535, PORT));
  }
}
