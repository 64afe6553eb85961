package dev.ariadne.sdk.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenTelemetry settings people already set, read the way OpenTelemetry reads them: a system
 * property ({@code otel.service.name}) wins over the environment variable ({@code
 * OTEL_SERVICE_NAME}). Getters fail with a {@link ConfigurationException} naming the setting, its
 * value and what is allowed.
 */
public final class ConfigProperties {
  /** Stands for a map setting's value in errors: header settings often carry credentials. */
  private static final String HIDDEN = "<value not shown>";
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private final Map<String, String> properties;

  private ConfigProperties(Map<String, String> properties) {
    this.properties = properties;
  }

  /** The settings of this process: system properties over environment variables. */
  public static ConfigProperties fromEnvironment() {
    Map<String, String> merged = new LinkedHashMap<>();
    System.getenv().forEach((k, v) -> merged.put(normalize(k), v));
    System.getProperties().forEach((k, v) -> merged.put(normalize((String) k), (String) v));
    return new ConfigProperties(merged);
  }

  /**
   * Settings from a map whose keys are in either form ({@code OTEL_X_Y} or {@code otel.x.y}). When
   * both forms of a name are present, {@code otel.x.y} wins, as a system property does over an
   * environment variable, whatever the map's order.
   */
  public static ConfigProperties of(Map<String, String> settings) {
    Map<String, String> normalized = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if (!normalize(k).equals(k)) normalized.put(normalize(k), v);
    });
    settings.forEach((k, v) -> {
      if (normalize(k).equals(k)) normalized.put(k, v);
    });
    return new ConfigProperties(normalized);
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** The trimmed value, or null when unset or blank. Names are given as {@code otel.x.y}. */
  public String getString(String name) {
    String value = properties.get(normalize(name));
    if (value == null) return null;
    value = value.trim();
    return value.isEmpty() ? null : value;
  }

  public String getString(String name, String defaultValue) {
    String value = getString(name);
    return value == null ? defaultValue : value;
  }

  public int getInt(String name, int defaultValue) {
    String value = getString(name);
    if (value == null) return defaultValue;
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(name, value, "an integer");
    }
  }

  public double getDouble(String name, double defaultValue) {
    String value = getString(name);
    if (value == null) return defaultValue;
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw invalid(name, value, "a number");
    }
  }

  /**
   * A duration: a whole number of milliseconds, or a number with a unit ({@code ms}, {@code s},
   * {@code m}, {@code h}, {@code d}).
   */
  public Duration getDuration(String name, Duration defaultValue) {
    String value = getString(name);
    if (value == null) return defaultValue;
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) throw invalid(name, value, "a duration such as 500, 500ms, 5s, 1m");
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw invalid(name, value, "a duration such as 500, 500ms, 5s, 1m");
    }
    String unit = m.group(2) == null ? "ms" : m.group(2);
    try {
      switch (unit) {
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        case "d":
          return Duration.ofDays(amount);
        default:
          return Duration.ofMillis(amount);
      }
    } catch (ArithmeticException e) { // more than Duration holds
      throw invalid(name, value, "a duration such as 500, 500ms, 5s, 1m");
    }
  }

  /** A comma-separated list, trimmed, empty members dropped; empty when unset. */
  public List<String> getList(String name) {
    String value = getString(name);
    if (value == null) return Collections.emptyList();
    List<String> result = new java.util.ArrayList<>();
    int from = 0;
    while (from <= value.length()) {
      int comma = value.indexOf(',', from);
      int to = comma < 0 ? value.length() : comma;
      String trimmed = value.substring(from, to).trim();
      if (!trimmed.isEmpty()) result.add(trimmed);
      from = to + 1;
    }
    return Collections.unmodifiableList(result);
  }

  /**
   * A comma-separated list of {@code key=value} pairs, values percent-decoded as the OpenTelemetry
   * specification requires for {@code OTEL_RESOURCE_ATTRIBUTES} and {@code
   * OTEL_EXPORTER_OTLP_HEADERS}; empty when unset. Errors do not repeat the value, which may hold
   * credentials.
   */
  public Map<String, String> getMap(String name) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String pair : getList(name)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? "" : pair.substring(0, eq).trim();
      if (key.isEmpty()) throw invalid(name, HIDDEN, "comma-separated key=value pairs");
      String raw = pair.substring(eq + 1).trim();
      try {
        result.put(key, java.net.URLDecoder.decode(raw.replace("+", "%2B"), "UTF-8"));
      } catch (java.io.UnsupportedEncodingException | IllegalArgumentException e) {
        throw invalid(name, HIDDEN, "comma-separated key=value pairs, values percent-encoded");
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /** An error for a setting, naming it in both forms, its value and what is allowed. */
  public static ConfigurationException invalid(String name, String value, String expected) {
    Objects.requireNonNull(name, "name");
    String env = name.toUpperCase(Locale.ROOT).replace('.', '_');
    return new ConfigurationException(
        env + " (" + name + "): \"" + value + "\" is invalid (expected: " + expected + ")");
  }
}
