package dev.ariadne.collector;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.memory.MemoryStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Armeria server on an ephemeral port with a collector mounted as the server module mounts
 * it: OTLP/HTTP at {@code /v1/traces}, OTLP/gRPC, Zipkin at {@code /api/v2/spans}, Jaeger Thrift at
 * {@code /api/traces}, Jaeger gRPC. Spans go to {@link #memory}, through {@code storage} when one is given;
 * meters go to {@link #registry}.
 */
final class CollectorServer extends ServerExtension {
  final MemoryStorage memory = MemoryStorage.create(1_000_000);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Storage storage;
  private final UnaryOperator<Collector.Builder> config;
  private final Duration requestTimeout;
  private Collector collector;

  CollectorServer() {
    this(UnaryOperator.identity());
  }

  CollectorServer(UnaryOperator<Collector.Builder> config) {
    this.storage = memory;
    this.config = config;
    this.requestTimeout = null;
  }

  /** A collector writing through {@code storage}, which the test builds around {@link #memory}. */
  CollectorServer(Storage storage, UnaryOperator<Collector.Builder> config) {
    this.storage = storage;
    this.config = config;
    this.requestTimeout = null;
  }

  private CollectorServer(Duration requestTimeout) {
    this.storage = memory;
    this.config = builder -> builder.requestTimeout(requestTimeout);
    this.requestTimeout = requestTimeout;
  }

  /**
   * A collector whose uploads have {@code requestTimeout} to arrive, set as the server module sets
   * it: the collector's own, which its HTTP receivers keep, and the port's, which the gRPC
   * receivers run under.
   */
  static CollectorServer withRequestTimeout(Duration requestTimeout) {
    return new CollectorServer(requestTimeout);
  }

  Collector collector() {
    return collector;
  }

  @Override
  protected void configure(ServerBuilder sb) {
    collector = config.apply(Collector.builder(storage).meterRegistry(registry)).build();
    if (requestTimeout != null) {
      sb.requestTimeout(requestTimeout);
    }
    sb.service("/v1/traces", collector.otlpHttp());
    sb.service(collector.otlpGrpc());
    sb.service("/api/v2/spans", collector.zipkinHttp());
    sb.service("/api/traces", collector.jaegerThriftHttp());
    sb.service(collector.jaegerGrpc());
  }

  @Override
  public void after(ExtensionContext context) throws Exception {
    super.after(context);
    collector.close();
  }

  /** The count of a span counter, such as {@code spans.accepted}, for one protocol. */
  double count(String name, Protocol protocol) {
    Counter counter = registry.find(Meters.PREFIX + name).tag("protocol", protocol.tag()).counter();
    return counter == null ? 0 : counter.count();
  }
}
