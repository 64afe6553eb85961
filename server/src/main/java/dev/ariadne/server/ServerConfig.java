package dev.ariadne.server;

import dev.ariadne.collector.sampling.InvalidStrategiesException;
import dev.ariadne.collector.sampling.SamplingStrategies;
import dev.ariadne.storage.embedded.SyncPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The validated settings of {@code ariadne server}. */
record ServerConfig(
    String host,
    String storage,
    Embedded embedded,
    int memoryMaxSpans,
    Analytics analytics,
    int queryPort,
    int queryMaxTraceSpans,
    Duration queryTimeout,
    int queryMaxConcurrentSearches,
    ReceiverConfig receivers,
    Sampling sampling,
    int drainSeconds) {

  /** The embedded engine's settings. */
  record Embedded(
      Path dataDir,
      SyncPolicy sync,
      Duration syncInterval,
      int headMaxSpans,
      long headMaxBytes,
      Duration headMaxAge,
      int compactionTargetSpans,
      int compactionFanIn,
      Duration retention,
      long maxDiskBytes,
      int maxSpansPerTrace) {}

  /** RED metrics and the service graph; kept in the embedded engine's data directory, or in memory. */
  record Analytics(
      boolean enabled,
      Duration bucket,
      Duration retention,
      int maxSeries,
      Duration flushInterval,
      Duration pairWait,
      int maxPendingCalls,
      long memoryMaxBytes) {}

  /**
   * The sampling port's switch and port; the strategies that it, the Jaeger Thrift HTTP port's
   * {@code /api/sampling} and the Jaeger gRPC port serve, and where they come from for the
   * start-up lines; their file (empty for none) and how often it is read again (zero: never).
   */
  record Sampling(boolean enabled, int port, SamplingStrategies strategies, String source,
      String file, Duration reloadInterval) {}

  /** A receiver's switch and port; port 0 picks a free port. */
  record Receiver(boolean enabled, int port) {}

  static final String PORT = "a port number from 0 to 65535";
  /**
   * The largest request body: what the collector holds waiting to be decoded (its {@code
   * maxQueuedBytes}), which a larger body could never enter; the collector refuses to start with
   * more.
   */
  static final int MAX_REQUEST_BYTES = 64 << 20;
  /** An origin as browsers send it: scheme, host and maybe a port, nothing after. */
  private static final Pattern ORIGIN = Pattern.compile("https?://[^/\\s:,]+(:[0-9]{1,5})?");
  private static final String ORIGINS =
      "origins such as https://shop.example.com, comma-separated; * alone for any; empty for none";

  private static long positiveBytes(Settings s, String key) throws ConfigException {
    long bytes = s.getBytes(key);
    if (bytes > 0) return bytes;
    throw s.invalid(key, "a size above 0, optionally with a unit: KiB, MiB, GiB or TiB");
  }

  /** The analytics' retention: whole hours are what it deletes, so at least one. */
  private static Duration analyticsRetention(Settings s) throws ConfigException {
    Duration retention = s.getDuration("analytics.retention");
    if (retention.toHours() >= 1) return retention;
    throw s.invalid("analytics.retention", "a duration of at least 1h, such as 30d");
  }

  static ServerConfig from(Settings s) throws ConfigException {
    return new ServerConfig(
        host(s),
        s.getChoice("storage", Set.of("embedded", "memory")),
        new Embedded(
            s.getDirectory("embedded.data-dir"),
            SyncPolicy.valueOf(
                s.getChoice("embedded.sync", Set.of("always", "interval")).toUpperCase(Locale.ROOT)),
            s.getDuration("embedded.sync-interval"),
            s.getInt("embedded.head-max-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
            positiveBytes(s, "embedded.head-max-bytes"),
            s.getDuration("embedded.head-max-age"),
            s.getInt("embedded.compaction-target-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
            s.getInt("embedded.compaction-fan-in", 2, Integer.MAX_VALUE, "a whole number >= 2"),
            s.getDuration("embedded.retention"),
            s.getBytes("embedded.max-disk"),
            s.getInt("embedded.max-spans-per-trace", 0, Integer.MAX_VALUE,
                "a whole number >= 0 (0: no limit)")),
        s.getInt("memory.max-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
        new Analytics(
            s.getBoolean("analytics.enabled"),
            bucket(s),
            analyticsRetention(s),
            s.getInt("analytics.max-series", 1, Integer.MAX_VALUE, "a whole number >= 1"),
            s.getDuration("analytics.flush-interval"),
            s.getDuration("analytics.pair-wait"),
            s.getInt("analytics.max-pending-calls", 1, Integer.MAX_VALUE, "a whole number >= 1"),
            positiveBytes(s, "analytics.memory-max")),
        s.getInt("query.port", 0, 65535, PORT),
        s.getInt("query.max-trace-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
        s.getDuration("query.timeout"),
        s.getInt("query.max-concurrent-searches", 1, Integer.MAX_VALUE, "a whole number >= 1"),
        ReceiverConfig.from(s),
        sampling(s),
        s.getInt("shutdown.drain-seconds", 0, 3600, "a whole number of seconds from 0 to 3600"));
  }

  /** The address to listen on: one of this machine's, by number or by a name that resolves. */
  static String host(Settings s) throws ConfigException {
    String host = s.get("host");
    try {
      if (!host.isEmpty()) {
        InetAddress.getByName(host);
        return host;
      }
    } catch (UnknownHostException e) {
      // reported below
    }
    throw s.invalid("host", "an address of this machine, or a name that resolves to one,"
        + " such as 0.0.0.0, 127.0.0.1, ::1 or localhost");
  }

  private static Duration bucket(Settings s) throws ConfigException {
    Duration bucket = s.getDuration("analytics.bucket");
    long millis = bucket.toMillis();
    if (millis < 1000 || 3_600_000 % millis != 0) {
      throw s.invalid(
          "analytics.bucket", "at least 1s, dividing an hour evenly, such as 10s, 1m or 5m");
    }
    return bucket;
  }

  /**
   * The origins whose web pages may send to a receiver from a browser (OpenTelemetry JS's OTLP
   * exporter, for one): none when empty, any for {@code *}.
   */
  static List<String> corsOrigins(Settings s, String key) throws ConfigException {
    List<String> origins = new ArrayList<>();
    for (String origin : s.get(key).split(",", -1)) {
      String trimmed = origin.trim();
      if (trimmed.isEmpty()) continue;
      if (!trimmed.equals("*") && !ORIGIN.matcher(trimmed).matches()) {
        throw s.invalid(key, ORIGINS);
      }
      origins.add(trimmed);
    }
    if (origins.contains("*") && origins.size() > 1) {
      throw s.invalid(key, ORIGINS);
    }
    return List.copyOf(origins);
  }

  /**
   * The sampling settings, with the strategies file read and checked now, so that a bad one stops
   * start-up as a bad setting does; without a file, every service is sampled.
   */
  private static Sampling sampling(Settings s) throws ConfigException {
    boolean enabled = s.getBoolean("sampling.enabled");
    int port = s.getInt("sampling.port", 0, 65535, PORT);
    String file = s.get("sampling.strategies-file");
    Duration reloadInterval = reloadInterval(s);
    if (file.isEmpty()) {
      return new Sampling(enabled, port, SamplingStrategies.sampleAll(),
          "every service at probability 1 (no sampling.strategies-file)", file, Duration.ZERO);
    }
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw s.invalid("sampling.strategies-file", "a file of sampling strategies in Jaeger's format");
    }
    try {
      return new Sampling(enabled, port, SamplingStrategies.read(path), "from " + file
          + (reloadInterval.isZero() ? "" : ", read again every " + Settings.text(reloadInterval)),
          file, reloadInterval);
    } catch (InvalidStrategiesException e) {
      throw new ConfigException("sampling strategies file " + e.getMessage());
    }
  }

  /** How often the strategies file is read again: 0 for never. */
  private static Duration reloadInterval(Settings s) throws ConfigException {
    String key = "sampling.strategies-reload-interval";
    if (s.get(key).equals("0")) return Duration.ZERO;
    try {
      return s.getDuration(key);
    } catch (ConfigException e) {
      throw s.invalid(key, "0 (never) or a duration with a unit: ms, s, m, h or d, such as 30s");
    }
  }

  static Receiver receiver(Settings s, String name) throws ConfigException {
    String prefix = "receivers." + name + ".";
    return new Receiver(s.getBoolean(prefix + "enabled"), s.getInt(prefix + "port", 0, 65535, PORT));
  }
}
