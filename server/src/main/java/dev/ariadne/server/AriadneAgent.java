package dev.ariadne.server;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.ariadne.agent.Agent;
import dev.ariadne.collector.Collector;
import dev.ariadne.collector.JaegerUdpReceiver;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The local agent: a collector over the {@link Agent}'s forwarder, with the all-in-one server's
 * receivers on the same ports and the Jaeger agent's UDP ports (6831 compact, 6832 binary),
 * Jaeger's sampling endpoint on 5778 and beside the Jaeger gRPC receiver on 14250, and {@code
 * /metrics} and {@code /health} on 14271. An ingest request is answered once the collector it
 * forwards to has acknowledged its spans. {@link #close()} drains as the server does.
 */
final class AriadneAgent implements Foreground.Running {
  private final AgentConfig config;
  private final Agent agent;
  private final Collector collector;
  private final Map<String, Server> servers;
  private final Map<String, JaegerUdpReceiver> udp;
  private final PrometheusMeterRegistry registry;

  private AriadneAgent(AgentConfig config, Agent agent, Collector collector,
      Map<String, Server> servers, Map<String, JaegerUdpReceiver> udp,
      PrometheusMeterRegistry registry) {
    this.config = config;
    this.agent = agent;
    this.collector = collector;
    this.servers = servers;
    this.udp = udp;
    this.registry = registry;
  }

  static AriadneAgent start(AgentConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Agent agent = Agent.builder(config.collectorEndpoint())
        .samplingEndpoint(config.samplingEndpoint())
        .tags(config.tags())
        .forwardTimeout(config.forwardTimeout())
        .maxRequestBytes(config.forwardMaxBytes())
        .meterRegistry(registry)
        .build();
    Collector collector = config.receivers().collector(agent.forwarder(), registry).build();

    Map<String, ServerBuilder> builders = new LinkedHashMap<>();
    if (config.receivers().otlpGrpc().enabled()) {
      builders.put("OTLP gRPC", builder(config, config.receivers().otlpGrpc().port())
          .requestTimeout(config.receivers().requestTimeout()).service(collector.otlpGrpc()));
    }
    if (config.receivers().otlpHttp().enabled()) {
      builders.put("OTLP HTTP (/v1/traces)",
          AriadneServer.allowOrigins(builder(config, config.receivers().otlpHttp().port()),
                  config.receivers().otlpHttpCorsOrigins(), HttpMethod.POST)
              .service("/v1/traces", collector.otlpHttp())
              .errorHandler(NoEndpoint.saying("this port takes OTLP traces at POST /v1/traces")));
    }
    if (config.receivers().zipkin().enabled()) {
      ServerBuilder zipkin = AriadneServer.allowOrigins(builder(config, config.receivers().zipkin().port()),
          config.receivers().zipkinCorsOrigins(), HttpMethod.POST);
      zipkin.route().post("/api/v2/spans").build(collector.zipkinHttp());
      zipkin.errorHandler(NoEndpoint.saying(
          "this port takes Zipkin v2 spans at POST /api/v2/spans (an agent serves no Zipkin API)"));
      builders.put("Zipkin (POST /api/v2/spans)", zipkin);
    }
    if (config.receivers().jaegerThriftHttp().enabled()) {
      ServerBuilder jaeger = builder(config, config.receivers().jaegerThriftHttp().port());
      jaeger.route().post("/api/traces").build(collector.jaegerThriftHttp());
      jaeger.errorHandler(
          NoEndpoint.saying("this port takes Jaeger Thrift batches at POST /api/traces"));
      builders.put("Jaeger Thrift HTTP (POST /api/traces)", jaeger);
    }
    if (config.receivers().jaegerGrpc().enabled()) {
      builders.put("Jaeger gRPC", builder(config, config.receivers().jaegerGrpc().port())
          .requestTimeout(config.receivers().requestTimeout()).service(collector.jaegerGrpc())
          // Where the collector serves them, for OpenTelemetry's Jaeger remote sampler.
          .service(agent.grpcSampling()));
    }
    if (config.sampling().enabled()) {
      ServerBuilder sampling = builder(config, config.sampling().port());
      // jaeger-client 1.x polls "/?service=", later clients "/sampling?service=".
      sampling.service("/sampling", agent.sampling()).service("/", agent.legacySampling());
      sampling.errorHandler(
          NoEndpoint.saying("this port serves sampling strategies at GET /sampling?service=NAME"));
      builders.put("sampling (GET /sampling, GET /)", sampling);
    }
    ServerBuilder admin = builder(config, config.adminPort());
    admin.service("/metrics", AriadneServer.metrics(registry));
    admin.service("/health",
        (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, "ok"));
    admin.errorHandler(NoEndpoint.saying("this port serves /metrics and /health"));
    builders.put("admin (/metrics, /health)", admin);

    Map<String, Server> servers = new LinkedHashMap<>();
    builders.forEach((name, b) -> servers.put(name, b.build()));
    Map<String, CompletableFuture<Void>> started = new LinkedHashMap<>();
    servers.forEach((name, server) -> started.put(name, server.start()));
    Map<String, JaegerUdpReceiver> udp;
    try {
      CompletableFuture.allOf(started.values().toArray(new CompletableFuture<?>[0])).join();
      udp = config.receivers().listenUdp(collector, config.host());
    } catch (RuntimeException e) {
      servers.values().forEach(Server::stop);
      collector.close();
      agent.close();
      throw e instanceof StartException ? e : AriadneServer.notListening(servers, started, e);
    }
    return new AriadneAgent(config, agent, collector, servers, udp, registry);
  }

  private static ServerBuilder builder(AgentConfig config, int port) {
    return AriadneServer.builder(config.host(), port, config.drainSeconds());
  }

  /** The port each server listens on, by name; useful when a configured port is 0. */
  Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    servers.forEach((name, server) -> ports.put(name, server.activeLocalPort()));
    udp.forEach((name, receiver) -> ports.put(name, receiver.localAddress().getPort()));
    return ports;
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void printEndpoints(PrintStream out) {
    out.println("ariadne agent: listening");
    ports().forEach((name, port) -> out.printf("  %-48s port %d%n", name, port));
    out.println("ariadne agent: forwarding spans to " + config.collectorEndpoint()
        + " (OTLP/HTTP, /v1/traces)" + (config.tags().isEmpty()
            ? "" : ", adding the tags " + config.tags().keySet()));
    out.println("ariadne agent: sampling strategies from " + config.samplingEndpoint()
        + " (/api/sampling)");
  }

  /**
   * Drains, then stops: the collector refuses new requests at once (503 / {@code UNAVAILABLE}
   * with a retry hint) until every request it had taken is forwarded and answered or the drain
   * time is over; then the ports close and the connections to the collector.
   */
  @Override
  public void close() {
    collector.drain();
    try {
      collector.awaitDrained(Duration.ofSeconds(config.drainSeconds()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    collector.close();
    Map<Server, CompletableFuture<Void>> stopped = new LinkedHashMap<>();
    servers.values().forEach(s -> stopped.put(s, s.stop()));
    stopped.forEach(AriadneServer::awaitDisconnected);
    agent.close();
    registry.close();
  }
}
