package dev.ariadne.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With query.max-concurrent-searches at 1 and one search held in storage, a second search waits
 * its query.timeout for the slot and is answered 503 with Retry-After in its API's format, while
 * reads by trace ID and listings answer at once.
 */
class SearchBoundTest {
  static final Duration TIMEOUT = Duration.ofMillis(400);
  static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  /** Counted down when the first search is in storage. */
  static final CountDownLatch HELD = new CountDownLatch(1);
  /** Holds every search in storage until the tests are done. */
  static final CountDownLatch RELEASE = new CountDownLatch(1);
  static final String MESSAGE = "too many searches at once: the server runs at most 1"
      + " (query.max-concurrent-searches), and none of them ended within this search's"
      + " query.timeout of 400ms; retry later, or raise query.max-concurrent-searches";

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(
      QueryApi.builder(heldSearches(QueryFixtures.storage())).timeout(TIMEOUT)
          .maxConcurrentSearches(1).meterRegistry(registry).build());

  static CompletableFuture<AggregatedHttpResponse> held;

  /** {@code storage}, with {@link Storage#search} waiting for {@link #RELEASE}. */
  static Storage heldSearches(Storage storage) {
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(),
        new Class<?>[] {Storage.class}, (proxy, method, args) -> {
          if (method.getName().equals("search")) {
            HELD.countDown();
            RELEASE.await(30, TimeUnit.SECONDS);
          }
          try {
            return method.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @BeforeAll
  static void holdASearch() throws InterruptedException {
    held = WebClient.of(server.httpUri()).get("/api/v1/traces").aggregate();
    assertThat(HELD.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @AfterAll
  static void release() {
    RELEASE.countDown();
  }

  @Test
  void aSearchPastTheBoundIsAnswered503WithRetryAfterInEachApisFormat() {
    double refusedBefore = refused();
    for (String path : new String[] {"/api/v1/traces", "/api/v2/traces"}) {
      AggregatedHttpResponse response = QueryFixtures.get(server, path);

      assertThat(response.status().code()).as(path).isEqualTo(503);
      assertThat(response.headers().get(HttpHeaderNames.RETRY_AFTER)).as(path).isEqualTo("1");
      JsonNode problem = QueryFixtures.json(response);
      assertThat(problem.get("status").asInt()).isEqualTo(503);
      assertThat(problem.get("message").asText()).isEqualTo(MESSAGE);
    }
    AggregatedHttpResponse jaeger = QueryFixtures.get(server, "/api/traces?service=frontend");

    assertThat(jaeger.status().code()).isEqualTo(503);
    assertThat(jaeger.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    JsonNode error = QueryFixtures.json(jaeger).get("errors").get(0);
    assertThat(error.get("code").asInt()).isEqualTo(503);
    assertThat(error.get("msg").asText()).isEqualTo(MESSAGE);
    assertThat(refused() - refusedBefore).isEqualTo(3);
    assertThat(registry.get("ariadne.query.searches.running").gauge().value()).isEqualTo(1);
  }

  @Test
  void readsByTraceIdAndListingsAnswerWhileTheSearchesAreTaken() {
    String traceId = QueryFixtures.RICH.toHex();
    for (String path : new String[] {"/api/v1/traces/" + traceId, "/api/traces/" + traceId,
        "/api/traces?traceID=" + traceId, "/api/v2/trace/" + traceId, "/api/v1/services"}) {
      assertThat(QueryFixtures.get(server, path).status().code()).as(path).isEqualTo(200);
    }
  }

  private static double refused() {
    return registry.find("ariadne.query.searches.refused").counters().stream()
        .mapToDouble(counter -> counter.count()).sum();
  }
}
