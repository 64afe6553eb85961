package dev.ariadne.server;

import dev.ariadne.server.ServerConfig.Receiver;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated settings of {@code ariadne agent}; {@code samplingEndpoint} is the collector
 * endpoint's host on 14268 unless set.
 */
record AgentConfig(
    String host,
    URI collectorEndpoint,
    URI samplingEndpoint,
    Map<String, String> tags,
    Duration forwardTimeout,
    int forwardMaxBytes,
    Receiver sampling,
    int adminPort,
    ReceiverConfig receivers,
    int drainSeconds) {

  private static final String URL =
      "an http or https URL with a host, such as http://collector:4318";
  private static final String TAGS =
      "key=value pairs, comma-separated, such as host.name=web-1,cloud.region=eu-west-1";

  static AgentConfig from(Settings s) throws ConfigException {
    return new AgentConfig(
        ServerConfig.host(s),
        collectorEndpoint(s),
        samplingEndpoint(s),
        tags(s),
        s.getDuration("agent.forward-timeout"),
        s.getInt("agent.forward-max-bytes", 1024, ServerConfig.MAX_REQUEST_BYTES,
            "a whole number of bytes from 1024 to " + ServerConfig.MAX_REQUEST_BYTES + ", 64 MiB"),
        new Receiver(s.getBoolean("sampling.enabled"),
            s.getInt("sampling.port", 0, 65535, ServerConfig.PORT)),
        s.getInt("agent.admin-port", 0, 65535, ServerConfig.PORT),
        ReceiverConfig.from(s),
        s.getInt("shutdown.drain-seconds", 0, 3600, "a whole number of seconds from 0 to 3600"));
  }

  /** The collector's OTLP/HTTP base URL: required, and without the path spans are sent to. */
  private static URI collectorEndpoint(Settings s) throws ConfigException {
    String key = "agent.collector-endpoint";
    if (s.get(key).isEmpty()) {
      throw new ConfigException(key + " (--collector-endpoint, " + Settings.envName(key)
          + ") is required: the OTLP/HTTP address of the collector to forward spans to,"
          + " such as http://collector:4318");
    }
    URI endpoint = endpoint(s, key, URL);
    if (endpoint.getPath().replaceAll("/+$", "").endsWith("/v1/traces")) {
      throw s.invalid(key, "the collector's base URL, without /v1/traces, which the agent adds;"
          + " such as http://collector:4318");
    }
    return endpoint;
  }

  /** Where strategies are asked for: as set, or the collector endpoint's host on 14268. */
  private static URI samplingEndpoint(Settings s) throws ConfigException {
    URI endpoint = endpoint(s, "agent.sampling-endpoint", "an http or https URL with a host, such"
        + " as http://collector:14268, or empty for the collector endpoint's host on 14268");
    if (endpoint != null) {
      return endpoint;
    }
    URI collector = collectorEndpoint(s);
    try {
      return new URI(collector.getScheme(), null, collector.getHost(), 14268, null, null, null);
    } catch (URISyntaxException e) {
      throw s.invalid("agent.collector-endpoint", URL);
    }
  }

  /** An http or https URL with a host and nothing after its path, or null when empty. */
  private static URI endpoint(Settings s, String key, String expected) throws ConfigException {
    String value = s.get(key);
    if (value.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw s.invalid(key, expected);
  }

  private static Map<String, String> tags(Settings s) throws ConfigException {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String pair : s.get("agent.tags").split(",", -1)) {
      if (pair.isBlank()) continue;
      int equals = pair.indexOf('=');
      String key = equals < 0 ? "" : pair.substring(0, equals).trim();
      if (key.isEmpty() || tags.put(key, pair.substring(equals + 1).trim()) != null) {
        throw s.invalid("agent.tags", TAGS + ", each key once");
      }
    }
    return Collections.unmodifiableMap(tags);
  }
}
