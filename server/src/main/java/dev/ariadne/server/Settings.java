package dev.ariadne.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ariadne.agent.Agent;
import dev.ariadne.query.QueryApi;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's settings as text, layered: the defaults, then a YAML file, then {@code ARIADNE_*}
 * environment variables, then command-line flags, each overriding the one before. Keys are dotted
 * ({@code receivers.zipkin.port}); the environment variable of a key is {@code ARIADNE_} and the
 * key upper-cased with dots and dashes as underscores ({@code ARIADNE_RECEIVERS_ZIPKIN_PORT}). An
 * unknown key in the file or the flags is an error, so a typo never goes unnoticed.
 */
final class Settings {
  /** Every setting with its default, in the order {@code docs/configuration.md} lists them. */
  static final Map<String, String> DEFAULTS = defaults();
  /**
   * Every setting of {@code ariadne agent} with its default: its own, and the server's that it
   * shares (the address, the receivers, the sampling port, the collector's limits, the drain).
   */
  static final Map<String, String> AGENT_DEFAULTS = agentDefaults();
  /**
   * Every setting of {@code ariadne collector}, the scale-out path's receivers: the server's
   * address, receivers, sampling, collector limits and drain, Kafka's producer side and the admin
   * port.
   */
  static final Map<String, String> COLLECTOR_DEFAULTS = collectorDefaults();
  /** Every setting of {@code ariadne ingester}: Kafka's consumer side, Cassandra, the admin port. */
  static final Map<String, String> INGESTER_DEFAULTS = ingesterDefaults();
  /** Every setting of {@code ariadne query}: the server's query settings over Cassandra. */
  static final Map<String, String> QUERY_DEFAULTS = queryDefaults();

  private final Map<String, String> values;
  private final Map<String, String> sources;

  private Settings(Map<String, String> values, Map<String, String> sources) {
    this.values = values;
    this.sources = sources;
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("host", "0.0.0.0");
    d.put("storage", "embedded");
    cassandra(d);
    d.put("embedded.data-dir", "data");
    d.put("embedded.sync", "always");
    d.put("embedded.sync-interval", "200ms");
    d.put("embedded.head-max-spans", "100000");
    d.put("embedded.head-max-bytes", "64MiB");
    d.put("embedded.head-max-age", "1m");
    d.put("embedded.compaction-target-spans", "2000000");
    d.put("embedded.compaction-fan-in", "16");
    d.put("embedded.retention", "7d");
    d.put("embedded.max-disk", "0");
    d.put("embedded.max-spans-per-trace", "0");
    d.put("analytics.enabled", "true");
    d.put("analytics.bucket", "1m");
    d.put("analytics.retention", "30d");
    d.put("analytics.max-series", "10000");
    d.put("analytics.flush-interval", "10s");
    d.put("analytics.pair-wait", "10s");
    d.put("analytics.max-pending-calls", "500000");
    d.put("analytics.memory-max", "256MiB");
    d.put("memory.max-spans", "1000000");
    d.put("query.port", "16686");
    d.put("query.max-trace-spans", Integer.toString(QueryApi.DEFAULT_MAX_TRACE_SPANS));
    d.put("query.timeout", QueryApi.DEFAULT_TIMEOUT.toSeconds() + "s");
    d.put("query.max-concurrent-searches",
        Integer.toString(QueryApi.defaultMaxConcurrentSearches()));
    d.put("receivers.otlp-grpc.enabled", "true");
    d.put("receivers.otlp-grpc.port", "4317");
    d.put("receivers.otlp-http.enabled", "true");
    d.put("receivers.otlp-http.port", "4318");
    d.put("receivers.otlp-http.cors-allowed-origins", "");
    d.put("receivers.zipkin.enabled", "true");
    d.put("receivers.zipkin.port", "9411");
    // As the Zipkin server's zipkin.query.allowed-origins: browsers' zipkin-js posts spans.
    d.put("receivers.zipkin.cors-allowed-origins", "*");
    d.put("receivers.jaeger-thrift-http.enabled", "true");
    d.put("receivers.jaeger-thrift-http.port", "14268");
    d.put("receivers.jaeger-grpc.enabled", "true");
    d.put("receivers.jaeger-grpc.port", "14250");
    d.put("receivers.jaeger-compact.enabled", "true");
    d.put("receivers.jaeger-compact.port", "6831");
    d.put("receivers.jaeger-binary.enabled", "true");
    d.put("receivers.jaeger-binary.port", "6832");
    d.put("sampling.enabled", "true");
    d.put("sampling.port", "5778");
    d.put("sampling.strategies-file", "");
    d.put("sampling.strategies-reload-interval", "0");
    d.put("collector.max-request-bytes", "4194304");
    d.put("collector.max-queued-spans", "100000");
    d.put("collector.request-timeout", "30s");
    d.put("shutdown.drain-seconds", "10");
    return Collections.unmodifiableMap(d);
  }

  /** The {@code cassandra.*} settings, which the server and the ingester and query roles share. */
  private static void cassandra(Map<String, String> d) {
    d.put("cassandra.contact-points", "127.0.0.1:9042");
    d.put("cassandra.local-datacenter", "datacenter1");
    d.put("cassandra.keyspace", "ariadne");
    d.put("cassandra.create-schema", "true");
    d.put("cassandra.replication-factor", "1");
    d.put("cassandra.ttl", "7d");
    d.put("cassandra.username", "");
    d.put("cassandra.password", "");
    d.put("cassandra.request-timeout", "10s");
  }

  private static Map<String, String> collectorDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("host", DEFAULTS.get("host"));
    d.put("kafka.brokers", "127.0.0.1:9092");
    d.put("kafka.topic", "ariadne-spans");
    d.put("kafka.send-timeout", "10s");
    d.put("kafka.max-message-bytes", "1MiB");
    d.put("admin.port", "14269");
    DEFAULTS.forEach((key, value) -> {
      if (key.startsWith("receivers.") || key.startsWith("collector.")
          || key.startsWith("sampling.") || key.startsWith("shutdown.")) {
        d.put(key, value);
      }
    });
    return Collections.unmodifiableMap(d);
  }

  private static Map<String, String> ingesterDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("host", DEFAULTS.get("host"));
    d.put("kafka.brokers", "127.0.0.1:9092");
    d.put("kafka.topic", "ariadne-spans");
    d.put("kafka.group-id", "ariadne-ingester");
    cassandra(d);
    DEFAULTS.forEach((key, value) -> {
      if (key.startsWith("analytics.") && !key.equals("analytics.memory-max")) {
        d.put(key, value);
      }
    });
    d.put("admin.port", "14270");
    d.put("shutdown.drain-seconds", DEFAULTS.get("shutdown.drain-seconds"));
    return Collections.unmodifiableMap(d);
  }

  private static Map<String, String> queryDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("host", DEFAULTS.get("host"));
    cassandra(d);
    d.put("analytics.enabled", DEFAULTS.get("analytics.enabled"));
    d.put("analytics.bucket", DEFAULTS.get("analytics.bucket"));
    d.put("analytics.retention", DEFAULTS.get("analytics.retention"));
    DEFAULTS.forEach((key, value) -> {
      if (key.startsWith("query.") || key.startsWith("shutdown.")) {
        d.put(key, value);
      }
    });
    return Collections.unmodifiableMap(d);
  }

  private static Map<String, String> agentDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("host", DEFAULTS.get("host"));
    d.put("agent.collector-endpoint", "");
    d.put("agent.sampling-endpoint", "");
    d.put("agent.tags", "");
    d.put("agent.forward-timeout", Agent.DEFAULT_FORWARD_TIMEOUT.toSeconds() + "s");
    d.put("agent.forward-max-bytes", Integer.toString(Agent.DEFAULT_MAX_REQUEST_BYTES));
    d.put("agent.admin-port", "14271");
    DEFAULTS.forEach((key, value) -> {
      if (key.startsWith("receivers.") || key.startsWith("collector.")
          || key.startsWith("shutdown.") || key.equals("sampling.enabled")
          || key.equals("sampling.port")) {
        d.put(key, value);
      }
    });
    return Collections.unmodifiableMap(d);
  }

  /** The environment variable that sets {@code key}. */
  static String envName(String key) {
    return "ARIADNE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Layers the sources. {@code file} may be null; {@code flags} are keys and values from the
   * command line.
   */
  static Settings load(Path file, Map<String, String> env, Map<String, String> flags)
      throws ConfigException {
    return load(DEFAULTS, file, env, flags);
  }

  /** Layers the sources over {@code defaults}, whose keys are the only ones known. */
  static Settings load(Map<String, String> defaults, Path file, Map<String, String> env,
      Map<String, String> flags) throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>(defaults);
    Map<String, String> sources = new LinkedHashMap<>();
    defaults.keySet().forEach(k -> sources.put(k, "default"));
    if (file != null) {
      for (Map.Entry<String, String> e : readYaml(file).entrySet()) {
        put(defaults, values, sources, e.getKey(), e.getValue(), "file " + file);
      }
    }
    for (String key : defaults.keySet()) {
      String value = env.get(envName(key));
      if (value != null) put(defaults, values, sources, key, value, "environment " + envName(key));
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      put(defaults, values, sources, e.getKey(), e.getValue(), "flag");
    }
    return new Settings(values, sources);
  }

  /**
   * A warning for each {@code ARIADNE_*} variable in {@code env} that sets nothing, naming the
   * variable meant when it is a few letters away. Not an error, as an unknown key in the file or
   * the flags is: the environment is shared with other programs, which may have variables of
   * their own that start with {@code ARIADNE_}. A setting of any command is known to all: a
   * server and an agent, or the scale-out path's roles, may run in one environment.
   */
  static List<String> unknownEnvironment(Map<String, String> env) {
    Set<String> known = new TreeSet<>();
    DEFAULTS.keySet().forEach(key -> known.add(envName(key)));
    for (Map<String, String> defaults :
        List.of(AGENT_DEFAULTS, COLLECTOR_DEFAULTS, INGESTER_DEFAULTS, QUERY_DEFAULTS)) {
      defaults.keySet().forEach(key -> known.add(envName(key)));
    }
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (!name.startsWith("ARIADNE_") || known.contains(name)) continue;
      String meant = closest(name, known);
      warnings.add("warning: " + name + " is not a setting and is ignored"
          + (meant != null ? "; did you mean " + meant + "?" : ""));
    }
    return warnings;
  }

  private static void put(Map<String, String> defaults, Map<String, String> values,
      Map<String, String> sources, String key, String value, String source)
      throws ConfigException {
    if (!defaults.containsKey(key)) {
      String meant = closest(key, defaults.keySet());
      throw new ConfigException("unknown setting \"" + key + "\" (from " + source + "); "
          + (meant != null
              ? "did you mean " + meant + "?"
              : "known settings: " + String.join(", ", defaults.keySet())));
    }
    values.put(key, value.trim());
    sources.put(key, source);
  }

  /** Of {@code candidates}, the one {@code text} is a slip of, within a few letters, or null. */
  private static String closest(String text, Iterable<String> candidates) {
    String closest = null;
    int closestDistance = 4;
    for (String known : candidates) {
      int distance = editDistance(text, known);
      if (distance < closestDistance) {
        closest = known;
        closestDistance = distance;
      }
    }
    return closest;
  }

  /** How many letters must be inserted, deleted or replaced to turn {@code a} into {@code b}. */
  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** Where SnakeYAML's messages place a problem: {@code " in 'reader', line 3, column 7:"}. */
  private static final Pattern YAML_MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");

  /**
   * A YAML syntax error on one line: the parser's statements ("while parsing a flow mapping",
   * "expected ',' or '}'") each with the place it names, without the excerpts of the file that
   * the parser's message spreads over several lines. Without such places, where the parser
   * stopped.
   */
  private static String yamlProblem(JsonProcessingException e) {
    JsonLocation stopped = e.getLocation();
    if (e.getProcessor() instanceof JsonParser parser
        && e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
      String key = parser.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
      return key + " is given twice"
          + (stopped == null ? "" : " (line " + stopped.getLineNr() + ", column " + stopped.getColumnNr() + ")");
    }
    StringJoiner problem = new StringJoiner(": ");
    boolean placed = false;
    String statement = null;
    String message = e.getOriginalMessage() == null ? "not YAML" : e.getOriginalMessage();
    for (String line : (Iterable<String>) message.lines()::iterator) {
      Matcher mark = YAML_MARK.matcher(line);
      if (mark.matches() && statement != null) {
        problem.add(statement + " (line " + mark.group(1) + ", column " + mark.group(2) + ")");
        statement = null;
        placed = true;
      } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        if (statement != null) problem.add(statement);
        statement = line.strip();
      }
    }
    if (statement != null) problem.add(statement);
    if (!placed && stopped != null) {
      problem.add("at line " + stopped.getLineNr() + ", column " + stopped.getColumnNr());
    }
    return problem.toString();
  }

  private static Map<String, String> readYaml(Path file) throws ConfigException {
    JsonNode root;
    try {
      root = new ObjectMapper(YAMLFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new ConfigException("config file " + file + ": " + yamlProblem(e));
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new ConfigException("config file " + file + ": permission denied");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + ": " + e.getMessage());
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) return flat;
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + ": expected a mapping of settings at the top");
    }
    flatten("", root, flat, file);
    return flat;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file)
      throws ConfigException {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (out.containsKey(key)) {
        throw new ConfigException("config file " + file + ": " + key + " is given twice");
      }
      if (value.isObject()) {
        flatten(key, value, out, file);
      } else if (value.isValueNode() && !value.isNull()) {
        out.put(key, value.asText());
      } else {
        throw new ConfigException(
            "config file " + file + ": " + key + " must be a single value, not " + value.getNodeType());
      }
    }
  }

  String get(String key) {
    return values.get(key);
  }

  /** Where the value of {@code key} came from, for error messages. */
  String source(String key) {
    return sources.get(key);
  }

  int getInt(String key, int min, int max, String expected) throws ConfigException {
    String value = get(key);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) return parsed;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, expected);
  }

  boolean getBoolean(String key) throws ConfigException {
    String value = get(key).toLowerCase(Locale.ROOT);
    if (value.equals("true")) return true;
    if (value.equals("false")) return false;
    throw invalid(key, "true or false");
  }

  private static final Map<String, Long> DURATION_UNITS = Map.of(
      "ms", 1L, "s", 1_000L, "m", 60_000L, "h", 3_600_000L, "d", 86_400_000L);
  private static final Map<String, Long> SIZE_UNITS = Map.of(
      "", 1L, "KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30, "TiB", 1L << 40);

  /**
   * The longest duration: what nanoseconds in a long hold, as the engine's clocks count them (a
   * longer {@code embedded.head-max-age} failed every cut, a longer sync interval the start-up).
   */
  private static final long MAX_DURATION_DAYS = 106_751;

  /** A duration written as a whole number and a unit: {@code 500ms}, {@code 30s}, {@code 7d}. */
  Duration getDuration(String key) throws ConfigException {
    long millis = getWithUnit(key, DURATION_UNITS);
    if (millis > MAX_DURATION_DAYS * DURATION_UNITS.get("d")) {
      throw invalid(key, "a duration of at most " + MAX_DURATION_DAYS + "d, about 292 years");
    }
    if (millis > 0) return Duration.ofMillis(millis);
    throw invalid(key, "a duration above 0 with a unit: ms, s, m, h or d (e.g. 30s, 7d)");
  }

  /** A directory; an empty value is refused rather than taken as the working directory. */
  Path getDirectory(String key) throws ConfigException {
    String value = get(key);
    if (value.isBlank()) throw invalid(key, "a directory, such as data or /var/lib/ariadne");
    return Path.of(value);
  }

  /** {@code duration} as {@link #getDuration} reads it, in the largest unit that holds it whole. */
  static String text(Duration duration) {
    long millis = duration.toMillis();
    for (String unit : List.of("d", "h", "m", "s")) {
      if (millis % DURATION_UNITS.get(unit) == 0) return millis / DURATION_UNITS.get(unit) + unit;
    }
    return millis + "ms";
  }

  /** A size in bytes, with an optional unit: {@code 0}, {@code 512MiB}, {@code 50GiB}. */
  long getBytes(String key) throws ConfigException {
    long bytes = getWithUnit(key, SIZE_UNITS);
    if (bytes >= 0) return bytes;
    throw invalid(key, "a size in bytes >= 0, optionally with a unit: KiB, MiB, GiB or TiB");
  }

  /** The value as a number times its unit, or -1 if it is not one. */
  private long getWithUnit(String key, Map<String, Long> units) {
    String value = get(key);
    int digits = 0;
    while (digits < value.length() && Character.isDigit(value.charAt(digits))) digits++;
    Long unit = units.get(value.substring(digits));
    if (digits == 0 || digits > 15 || unit == null) return -1;
    long number = Long.parseLong(value.substring(0, digits));
    return number > Long.MAX_VALUE / unit ? -1 : number * unit;
  }

  String getChoice(String key, Set<String> allowed) throws ConfigException {
    String value = get(key);
    if (allowed.contains(value)) return value;
    throw invalid(key, "one of " + String.join(", ", new TreeSet<>(allowed)));
  }

  ConfigException invalid(String key, String expected) {
    return new ConfigException(
        key + " (" + envName(key) + ", from " + source(key) + "): \"" + get(key)
            + "\" is invalid (expected: " + expected + ")");
  }
}
