package dev.ariadne.server;

import dev.ariadne.collector.Collector;
import dev.ariadne.collector.JaegerUdpReceiver;
import dev.ariadne.model.jaeger.JaegerThriftDecoder;
import dev.ariadne.server.ServerConfig.Receiver;
import dev.ariadne.storage.SpanWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated settings the server and the agent share for taking spans: the receivers' switches,
 * ports and browser origins, and the collector's limits ({@code receivers.*}, {@code
 * collector.*}).
 */
record ReceiverConfig(
    Receiver otlpGrpc,
    Receiver otlpHttp,
    List<String> otlpHttpCorsOrigins,
    Receiver zipkin,
    List<String> zipkinCorsOrigins,
    Receiver jaegerThriftHttp,
    Receiver jaegerGrpc,
    Receiver jaegerCompact,
    Receiver jaegerBinary,
    int maxRequestBytes,
    int maxQueuedSpans,
    Duration requestTimeout) {

  static ReceiverConfig from(Settings s) throws ConfigException {
    return new ReceiverConfig(
        ServerConfig.receiver(s, "otlp-grpc"),
        ServerConfig.receiver(s, "otlp-http"),
        ServerConfig.corsOrigins(s, "receivers.otlp-http.cors-allowed-origins"),
        ServerConfig.receiver(s, "zipkin"),
        ServerConfig.corsOrigins(s, "receivers.zipkin.cors-allowed-origins"),
        ServerConfig.receiver(s, "jaeger-thrift-http"),
        ServerConfig.receiver(s, "jaeger-grpc"),
        ServerConfig.receiver(s, "jaeger-compact"),
        ServerConfig.receiver(s, "jaeger-binary"),
        s.getInt("collector.max-request-bytes", 1024, ServerConfig.MAX_REQUEST_BYTES,
            "a whole number of bytes from 1024 to " + ServerConfig.MAX_REQUEST_BYTES + ", 64 MiB"),
        s.getInt("collector.max-queued-spans", 1, Integer.MAX_VALUE, "a whole number >= 1"),
        requestTimeout(s));
  }

  /** How long an ingest request's body may take to arrive: more than nothing. */
  private static Duration requestTimeout(Settings s) throws ConfigException {
    Duration timeout = s.getDuration("collector.request-timeout");
    if (timeout.toMillis() >= 1) return timeout;
    throw s.invalid("collector.request-timeout", "a duration of at least 1ms, such as 30s");
  }

  /** A collector over {@code writer} with these limits, its meters in {@code registry}. */
  Collector.Builder collector(SpanWriter writer, MeterRegistry registry) {
    return Collector.builder(writer)
        .maxRequestBytes(maxRequestBytes)
        .maxQueuedSpans(maxQueuedSpans)
        .requestTimeout(requestTimeout)
        .meterRegistry(registry);
  }

  /**
   * The Jaeger agent's UDP ports that are on, bound by {@code collector} on {@code host}, by the
   * name the start-up lines give them.
   *
   * @throws StartException naming the port that cannot be bound, as a TCP port's does; the ones
   *     bound before it stay open until the collector closes
   */
  Map<String, JaegerUdpReceiver> listenUdp(Collector collector, String host) {
    Map<String, JaegerUdpReceiver> receivers = new LinkedHashMap<>();
    if (jaegerCompact.enabled()) {
      listenUdp(receivers, "Jaeger compact Thrift (UDP)", collector, JaegerThriftDecoder.COMPACT,
          new InetSocketAddress(host, jaegerCompact.port()));
    }
    if (jaegerBinary.enabled()) {
      listenUdp(receivers, "Jaeger binary Thrift (UDP)", collector, JaegerThriftDecoder.BINARY,
          new InetSocketAddress(host, jaegerBinary.port()));
    }
    return receivers;
  }

  private static void listenUdp(Map<String, JaegerUdpReceiver> receivers, String name,
      Collector collector, JaegerThriftDecoder protocol, InetSocketAddress address) {
    try {
      receivers.put(name, collector.jaegerUdp(protocol, address));
    } catch (IOException e) {
      throw new StartException("cannot listen on " + address.getHostString() + ":"
          + address.getPort() + " for " + name, e);
    }
  }
}
