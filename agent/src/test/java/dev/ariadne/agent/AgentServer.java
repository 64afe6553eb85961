package dev.ariadne.agent;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.collector.Collector;
import dev.ariadne.model.Span;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An agent as the server module runs it: a {@link Collector} over the {@link Agent}'s forwarder,
 * its receivers (OTLP/HTTP, OTLP/gRPC) and the sampling endpoints on one Armeria server on an
 * ephemeral port. What the collector acknowledged is in {@link #acknowledged}; meters go to {@link
 * #registry}.
 */
final class AgentServer extends ServerExtension {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  /** The spans of every write the forwarder completed, as the agent's collector received them. */
  final List<Span> acknowledged = new CopyOnWriteArrayList<>();
  private final Supplier<String> endpoint;
  private final UnaryOperator<Agent.Builder> config;
  private final UnaryOperator<Collector.Builder> collectorConfig;
  private Agent agent;
  private Collector collector;

  /** An agent forwarding to the endpoint {@code endpoint} gives once the test starts. */
  AgentServer(Supplier<String> endpoint, UnaryOperator<Agent.Builder> config) {
    this(endpoint, config, UnaryOperator.identity());
  }

  /** The same, with its collector's settings changed by {@code collectorConfig}. */
  AgentServer(Supplier<String> endpoint, UnaryOperator<Agent.Builder> config,
      UnaryOperator<Collector.Builder> collectorConfig) {
    this.endpoint = endpoint;
    this.config = config;
    this.collectorConfig = collectorConfig;
  }

  @Override
  protected void configure(ServerBuilder sb) {
    agent = config.apply(Agent.builder(URI.create(endpoint.get())).meterRegistry(registry)).build();
    collector = collectorConfig.apply(Collector.builder(agent.forwarder())
            .meterRegistry(registry)
            .onStored(acknowledged::addAll))
        .build();
    sb.service("/v1/traces", collector.otlpHttp());
    sb.service(collector.otlpGrpc());
    sb.service("/sampling", agent.sampling());
    sb.service("/", agent.legacySampling());
    sb.service(agent.grpcSampling());
  }

  @Override
  public void after(ExtensionContext context) throws Exception {
    super.after(context);
    collector.close();
    agent.close();
  }

  /** The count of an {@code ariadne.agent.*} counter. */
  double count(String name) {
    return registry.get(ForwardMeters.PREFIX + name).counter().count();
  }

  /** How many forward requests ended with {@code outcome}. */
  long requests(ForwardMeters.Outcome outcome) {
    return registry.get(ForwardMeters.PREFIX + "forward.requests")
        .tag("outcome", outcome.tag()).timer().count();
  }
}
