package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.RICH;
import static dev.ariadne.query.QueryFixtures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QueryApiTest {
  static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  static final WatchedStorage storage = new WatchedStorage(QueryFixtures.storage());

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) {
      QueryApi api = QueryApi.builder(storage).meterRegistry(registry).build();
      api.serveNative(sb);
      api.serveJaeger(sb);
      api.serveZipkin(sb);
    }
  };

  @Test
  void callsStorageOffTheEventLoop() {
    get(server, "/api/v1/traces/" + RICH.toHex());
    get(server, "/api/traces?service=cart&lookback=custom&start=0");
    get(server, "/api/v2/traces?serviceName=cart&annotationQuery=error&lookback=999999999999");

    assertThat(storage.calls).isNotEmpty().doesNotContain("on the event loop");
  }

  @Test
  void recordsLatencyPerApi() throws InterruptedException {
    assertThat(get(server, "/api/v1/services").status()).isEqualTo(HttpStatus.OK);
    assertThat(get(server, "/api/services").status()).isEqualTo(HttpStatus.OK);
    assertThat(get(server, "/api/v2/trace/abcd").status()).isEqualTo(HttpStatus.NOT_FOUND);

    assertThat(awaitTimer("native", "/api/v1/services", "200").count()).isEqualTo(1);
    assertThat(awaitTimer("jaeger", "/api/services", "200").count()).isEqualTo(1);
    assertThat(awaitTimer("zipkin", "/api/v2/trace/{traceId}", "404").count()).isEqualTo(1);
  }

  @Test
  void requiresStorageAndRegistry() {
    assertThatThrownBy(() -> QueryApi.create(null)).hasMessage("storage");
    assertThatThrownBy(() -> QueryApi.builder(storage).meterRegistry(null))
        .hasMessage("registry");
    assertThatThrownBy(() -> QueryApi.create(storage).serveNative(null)).hasMessage("sb");
  }

  static Timer awaitTimer(String api, String endpoint, String status)
      throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      Timer timer = registry.find("ariadne.query.requests")
          .tags("api", api, "endpoint", endpoint, "status", status).timer();
      if (timer != null && timer.count() > 0) {
        return timer;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no timer for " + api + " " + endpoint + " " + status);
  }

  /** Notes, for every call, whether it ran on an event loop. */
  static final class WatchedStorage implements Storage {
    final Storage delegate;
    final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();

    WatchedStorage(Storage delegate) {
      this.delegate = delegate;
    }

    private void watch() {
      calls.add(ServiceRequestContext.current().eventLoop().inEventLoop()
          ? "on the event loop" : "off the event loop");
    }

    @Override
    public void write(List<Span> spans) throws IOException {
      delegate.write(spans);
    }

    @Override
    public List<Span> trace(TraceId traceId) throws IOException {
      watch();
      return delegate.trace(traceId);
    }

    @Override
    public List<TraceSummary> search(TraceQuery query) throws IOException {
      watch();
      return delegate.search(query);
    }

    @Override
    public List<String> services() throws IOException {
      watch();
      return delegate.services();
    }

    @Override
    public List<Operation> operations(String serviceName) throws IOException {
      watch();
      return delegate.operations(serviceName);
    }

    @Override
    public List<String> attributeKeys(Optional<String> serviceName, int limit)
        throws IOException {
      watch();
      return delegate.attributeKeys(serviceName, limit);
    }

    @Override
    public List<String> attributeValues(Optional<String> serviceName, String key, int limit)
        throws IOException {
      watch();
      return delegate.attributeValues(serviceName, key, limit);
    }

    @Override
    public List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos,
        Cancellation cancellation) throws IOException {
      watch();
      return delegate.dependencies(startEpochNanos, endEpochNanos, cancellation);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
