package dev.ariadne.agent;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.ariadne.storage.SpanWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local agent's own parts, for a {@code dev.ariadne.collector.Collector} on the application's
 * host: {@link #forwarder()}, the {@link SpanWriter} to build that collector over, which hands each
 * write on to the collector at the endpoint as OTLP/HTTP and returns once it has acknowledged it;
 * and {@link #sampling()} and {@link #legacySampling()}, Jaeger's sampling endpoint, and {@link
 * #grpcSampling()}, its gRPC form, answered by that collector. {@link #close()} closes the
 * connections to it. Thread-safe.
 */
public final class Agent implements AutoCloseable {
  /** The default {@link Builder#forwardTimeout}. */
  public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofSeconds(5);
  /** The default {@link Builder#maxRequestBytes}: the collector's own default limit, 4 MiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  /** How long the sampling endpoint waits for the collector's answer. */
  private static final Duration SAMPLING_TIMEOUT = Duration.ofSeconds(5);

  private final ClientFactory clients;
  private final Forwarder forwarder;
  private final SamplingProxy sampling;
  private final SamplingProxy legacySampling;
  private final GrpcService grpcSampling;

  private Agent(Builder builder) {
    clients = ClientFactory.builder()
        .connectTimeout(builder.forwardTimeout.compareTo(Duration.ofSeconds(3)) < 0
            ? builder.forwardTimeout : Duration.ofSeconds(3))
        .build();
    String collector = base(builder.collectorEndpoint);
    forwarder = new Forwarder(
        WebClient.builder(collector).factory(clients).build(),
        collector,
        new ResourceTags(builder.tags),
        builder.maxRequestBytes,
        builder.forwardTimeout,
        new ForwardMeters(builder.meterRegistry));
    String samplingEndpoint = builder.samplingEndpoint != null
        ? base(builder.samplingEndpoint)
        : builder.collectorEndpoint.getScheme() + "://"
            + hostPort(builder.collectorEndpoint.getHost(), 14268);
    SamplingUpstream upstream = new SamplingUpstream(
        WebClient.builder(samplingEndpoint).factory(clients).build(), samplingEndpoint,
        SAMPLING_TIMEOUT);
    sampling = new SamplingProxy(upstream, false);
    legacySampling = new SamplingProxy(upstream, true);
    grpcSampling = GrpcSamplingProxy.of(upstream);
  }

  /**
   * A builder of an agent that forwards to the collector at {@code collectorEndpoint}, its
   * OTLP/HTTP base URL ({@code http://collector:4318}): spans go to its {@code /v1/traces}.
   *
   * @throws IllegalArgumentException if it is not an absolute http or https URL with a host
   */
  public static Builder builder(URI collectorEndpoint) {
    return new Builder(checked(collectorEndpoint, "collectorEndpoint"));
  }

  /** The writer to build the agent's collector over. */
  public SpanWriter forwarder() {
    return forwarder;
  }

  /** Jaeger's sampling endpoint, to serve at {@code GET /sampling} (on 5778, as the Jaeger agent). */
  public HttpService sampling() {
    return sampling;
  }

  /**
   * As {@link #sampling()}, with the strategy's type as its number, to serve at {@code GET /},
   * where jaeger-client 1.x and other clients built on Thrift 0.9.2 ask (as the Jaeger agent).
   */
  public HttpService legacySampling() {
    return legacySampling;
  }

  /**
   * Jaeger's gRPC {@code jaeger.api_v2.SamplingManager/GetSamplingStrategy}, to serve beside the
   * collector's Jaeger gRPC receiver (on 14250, where OpenTelemetry's Jaeger remote sampler asks,
   * as the collector serves it): the same strategies as {@link #sampling()}, as protobuf. A request
   * without a {@code serviceName}, or one the collector answers 400, is answered {@code
   * INVALID_ARGUMENT}; a collector that cannot be reached or answers anything but a strategy,
   * {@code UNAVAILABLE} naming it.
   */
  public GrpcService grpcSampling() {
    return grpcSampling;
  }

  @Override
  public void close() {
    clients.close();
  }

  private static URI checked(URI endpoint, String name) {
    requireNonNull(endpoint, name);
    String scheme = endpoint.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || endpoint.getHost() == null
        || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
      throw new IllegalArgumentException(name + ": " + endpoint
          + " (expected: an http or https URL such as http://collector:4318)");
    }
    return endpoint;
  }

  /** The URL without a trailing slash. */
  private static String base(URI endpoint) {
    String text = endpoint.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Configures an {@link Agent}; every setting but the endpoint has a default. Not thread-safe. */
  public static final class Builder {
    private final URI collectorEndpoint;
    private URI samplingEndpoint;
    private Map<String, String> tags = Map.of();
    private Duration forwardTimeout = DEFAULT_FORWARD_TIMEOUT;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private MeterRegistry meterRegistry;

    private Builder(URI collectorEndpoint) {
      this.collectorEndpoint = collectorEndpoint;
    }

    /**
     * Where {@link #sampling()}, {@link #legacySampling()} and {@link #grpcSampling()} ask for
     * strategies: a base URL whose {@code /api/sampling} answers them. Default: the collector
     * endpoint's host, port 14268.
     */
    public Builder samplingEndpoint(URI samplingEndpoint) {
      this.samplingEndpoint = checked(samplingEndpoint, "samplingEndpoint");
      return this;
    }

    /**
     * Attributes added to each span's resource unless it has the key already, as the Jaeger
     * agent's {@code --agent.tags}. Default: none.
     */
    public Builder tags(Map<String, String> tags) {
      this.tags = new LinkedHashMap<>(requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * The longest a write may take to be forwarded, retries and their waits included; past it
     * the write fails and the agent's clients are answered 503 with a retry hint. Shorter than
     * the clients' own timeouts (an OTLP exporter's is 10 s), so that they hear the agent's answer
     * rather than give up on it. Default 5 s.
     */
    public Builder forwardTimeout(Duration forwardTimeout) {
      requireNonNull(forwardTimeout, "forwardTimeout");
      if (forwardTimeout.toMillis() < 1) {
        throw new IllegalArgumentException(
            "forwardTimeout: " + forwardTimeout + " (expected: at least 1 ms)");
      }
      this.forwardTimeout = forwardTimeout;
      return this;
    }

    /**
     * The largest request sent to the collector, in bytes before gzip: at most its {@code
     * collector.max-request-bytes}. A larger write is sent in several requests. Default 4 MiB.
     */
    public Builder maxRequestBytes(int maxRequestBytes) {
      if (maxRequestBytes < 1024) {
        throw new IllegalArgumentException(
            "maxRequestBytes: " + maxRequestBytes + " (expected: at least 1024)");
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** Where the {@code ariadne.agent.*} meters go. Default: a private registry. */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    public Agent build() {
      if (meterRegistry == null) {
        meterRegistry = new SimpleMeterRegistry();
      }
      return new Agent(this);
    }
  }
}
