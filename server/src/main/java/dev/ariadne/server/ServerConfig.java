package dev.ariadne.server;

import dev.ariadne.collector.sampling.InvalidStrategiesException;
import dev.ariadne.collector.sampling.SamplingStrategies;
import dev.ariadne.storage.embedded.SyncPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The validated settings of {@code ariadne server}, or of one role of the scale-out path ({@code
 * ariadne collector}, {@code ingester}, {@code query}). A part the role does not have is null (a
 * section) or 0 (a number): the collector's storage, analytics and query port, the ingester's
 * receivers, and so on; {@link Role} says which parts each has.
 */
record ServerConfig(
    Role role,
    String host,
    String storage,
    Embedded embedded,
    int memoryMaxSpans,
    Cassandra cassandra,
    Analytics analytics,
    int queryPort,
    int queryMaxTraceSpans,
    Duration queryTimeout,
    int queryMaxConcurrentSearches,
    ReceiverConfig receivers,
    Sampling sampling,
    Kafka kafka,
    int adminPort,
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

  /** The Cassandra cluster the server or role stores spans in, or reads them from. */
  record Cassandra(
      List<InetSocketAddress> contactPoints,
      String localDatacenter,
      String keyspace,
      boolean createSchema,
      int replicationFactor,
      Duration ttl,
      String username,
      String password,
      Duration requestTimeout) {
    /** What the start-up lines say of it: no password. */
    @Override
    public String toString() {
      return "Cassandra " + contactPoints.stream().map(a -> a.getHostString() + ":" + a.getPort())
          .collect(Collectors.joining(",")) + ", keyspace " + keyspace + " (data centre "
          + localDatacenter + ", TTL " + Settings.text(ttl) + ")";
    }
  }

  /**
   * The Kafka topic between the collector and ingester roles; the collector's producer limits
   * ({@code sendTimeout}, {@code maxMessageBytes}: 0 in the ingester), the ingester's consumer
   * group ({@code groupId}: null in the collector).
   */
  record Kafka(String brokers, String topic, Duration sendTimeout, int maxMessageBytes,
      String groupId) {}

  /**
   * RED metrics and the service graph; kept in the embedded engine's data directory, in memory, or
   * in Cassandra. Null in the collector role; in the query role only {@code enabled}, {@code
   * bucket} and {@code retention} are read.
   */
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
    return from(s, Role.SERVER);
  }

  /** {@code s}, read as {@code role}'s settings: {@code s} holds {@link Role#defaults()}' keys. */
  static ServerConfig from(Settings s, Role role) throws ConfigException {
    boolean server = role == Role.SERVER;
    String storage = server ? s.getChoice("storage", Set.of("embedded", "memory", "cassandra"))
        : role.stores() ? "cassandra" : null;
    return new ServerConfig(
        role,
        host(s),
        storage,
        server ? embedded(s) : null,
        server ? s.getInt("memory.max-spans", 1, Integer.MAX_VALUE, "a whole number >= 1") : 0,
        role.stores() ? cassandra(s) : null,
        role == Role.COLLECTOR ? null : analytics(s, role, storage),
        role.queries() ? s.getInt("query.port", 0, 65535, PORT) : 0,
        role.queries()
            ? s.getInt("query.max-trace-spans", 1, Integer.MAX_VALUE, "a whole number >= 1") : 0,
        role.queries() ? s.getDuration("query.timeout") : null,
        role.queries() ? s.getInt("query.max-concurrent-searches", 1, Integer.MAX_VALUE,
            "a whole number >= 1") : 0,
        role.receives() ? ReceiverConfig.from(s) : null,
        role.receives() ? sampling(s) : null,
        role == Role.COLLECTOR || role == Role.INGESTER ? kafka(s, role) : null,
        role == Role.COLLECTOR || role == Role.INGESTER ? s.getInt("admin.port", 0, 65535, PORT) : 0,
        s.getInt("shutdown.drain-seconds", 0, 3600, "a whole number of seconds from 0 to 3600"));
  }

  private static Embedded embedded(Settings s) throws ConfigException {
    return new Embedded(
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
            "a whole number >= 0 (0: no limit)"));
  }

  /**
   * The analytics settings {@code role} has: the query role records nothing, so it reads only
   * whether analytics is on, the bucket and the retention (the rest is 0 or null there); only the
   * server keeps metrics in memory, with the memory backend.
   */
  private static Analytics analytics(Settings s, Role role, String storage)
      throws ConfigException {
    boolean records = role != Role.QUERY;
    Duration retention = analyticsRetention(s);
    if (storage.equals("cassandra") && retention.toDays() > 7299) {
      throw s.invalid("analytics.retention", "at most 7299d with Cassandra, which keeps the"
          + " metrics a day longer and keeps nothing past 20 years (7300d)");
    }
    return new Analytics(
        s.getBoolean("analytics.enabled"),
        bucket(s),
        retention,
        records ? s.getInt("analytics.max-series", 1, Integer.MAX_VALUE, "a whole number >= 1") : 0,
        records ? s.getDuration("analytics.flush-interval") : null,
        records ? s.getDuration("analytics.pair-wait") : null,
        records
            ? s.getInt("analytics.max-pending-calls", 1, Integer.MAX_VALUE, "a whole number >= 1")
            : 0,
        role == Role.SERVER ? positiveBytes(s, "analytics.memory-max") : 0);
  }

  private static final String CONTACT_POINTS =
      "HOST:PORT addresses of Cassandra nodes, comma-separated, such as 10.0.0.1:9042,10.0.0.2:9042";
  /** A CQL identifier that needs no quotes, as Cassandra limits a keyspace's name. */
  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

  private static Cassandra cassandra(Settings s) throws ConfigException {
    List<InetSocketAddress> points = new ArrayList<>();
    for (String point : s.get("cassandra.contact-points").split(",", -1)) {
      points.add(address(s, "cassandra.contact-points", point.trim(), CONTACT_POINTS));
    }
    String keyspace = s.get("cassandra.keyspace");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw s.invalid("cassandra.keyspace",
          "a name of letters, digits and underscores that starts with a letter, at most 48");
    }
    Duration ttl = s.getDuration("cassandra.ttl");
    if (ttl.toSeconds() < 1 || ttl.toSeconds() > MAX_CASSANDRA_TTL_SECONDS) {
      throw s.invalid("cassandra.ttl", "a duration from 1s to 20y (7300d), Cassandra's longest TTL");
    }
    Duration requestTimeout = s.getDuration("cassandra.request-timeout");
    if (requestTimeout.toMillis() < 1) {
      throw s.invalid("cassandra.request-timeout", "a duration of at least 1ms, such as 10s");
    }
    String username = s.get("cassandra.username");
    String password = s.get("cassandra.password");
    if (username.isEmpty() != password.isEmpty()) {
      throw s.invalid(password.isEmpty() ? "cassandra.password" : "cassandra.username",
          "set together with cassandra." + (password.isEmpty() ? "username" : "password")
              + ", or both empty for a cluster without authentication");
    }
    return new Cassandra(List.copyOf(points), s.get("cassandra.local-datacenter"), keyspace,
        s.getBoolean("cassandra.create-schema"),
        s.getInt("cassandra.replication-factor", 1, 100, "a whole number from 1 to 100"),
        ttl, username, password, requestTimeout);
  }

  /** Cassandra's largest TTL, 20 years. */
  private static final long MAX_CASSANDRA_TTL_SECONDS = 630_720_000L;

  private static final String BROKERS =
      "HOST:PORT addresses of Kafka brokers, comma-separated, such as kafka-1:9092,kafka-2:9092";
  /** A Kafka topic's name: what Kafka itself allows. */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  private static Kafka kafka(Settings s, Role role) throws ConfigException {
    String brokers = s.get("kafka.brokers");
    for (String broker : brokers.split(",", -1)) {
      address(s, "kafka.brokers", broker.trim(), BROKERS);
    }
    String topic = s.get("kafka.topic");
    if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
      throw s.invalid("kafka.topic",
          "a topic name of at most 249 letters, digits, dots, underscores and dashes");
    }
    if (role == Role.COLLECTOR) {
      long maxMessageBytes = s.getBytes("kafka.max-message-bytes");
      if (maxMessageBytes < 1024 || maxMessageBytes > Integer.MAX_VALUE) {
        throw s.invalid("kafka.max-message-bytes", "a size from 1KiB to 2GiB, such as 1MiB");
      }
      Duration sendTimeout = s.getDuration("kafka.send-timeout");
      if (sendTimeout.toMillis() < 1) {
        throw s.invalid("kafka.send-timeout", "a duration of at least 1ms, such as 10s");
      }
      return new Kafka(brokers, topic, sendTimeout, (int) maxMessageBytes, null);
    }
    String groupId = s.get("kafka.group-id");
    if (groupId.isBlank()) {
      throw s.invalid("kafka.group-id", "the name of the ingesters' consumer group, not empty");
    }
    return new Kafka(brokers, topic, null, 0, groupId);
  }

  /** {@code text} as HOST:PORT, with the port from 1 to 65535; not resolved. */
  private static InetSocketAddress address(Settings s, String key, String text, String expected)
      throws ConfigException {
    int colon = text.lastIndexOf(':');
    if (colon > 0 && colon < text.length() - 1) {
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(text.substring(colon + 1));
        if (port >= 1 && port <= 65535 && !host.isEmpty() && host.strip().equals(host)) {
          return InetSocketAddress.createUnresolved(host, port);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw s.invalid(key, expected);
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
