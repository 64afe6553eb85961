package dev.ariadne.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A query whose answer has not begun within the timeout is answered 503 in its API's format, with
 * a message naming the setting, while the other endpoints keep answering; its storage reads are
 * cancelled.
 */
class QueryTimeoutTest {
  static final Duration TIMEOUT = Duration.ofMillis(300);
  /** Holds every listing of services until the tests are done. */
  static final CountDownLatch RELEASE = new CountDownLatch(1);
  /** Counted down when a search in storage sees its cancellation. */
  static final CountDownLatch SEARCH_CANCELLED = new CountDownLatch(1);
  static final String MESSAGE = "the query took longer than the server's query.timeout of 300ms;"
      + " ask for less (a shorter time range, more criteria, a lower limit) or raise the timeout";

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(
      QueryApi.builder(slowServices(QueryFixtures.storage())).timeout(TIMEOUT).build());

  /**
   * {@code storage}, with {@link Storage#services} waiting for {@link #RELEASE}, and {@link
   * Storage#search} working on, as a backend reads block after block, until it is cancelled.
   */
  static Storage slowServices(Storage storage) {
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(),
        new Class<?>[] {Storage.class}, (proxy, method, args) -> {
          if (method.getName().equals("services")) {
            RELEASE.await(30, TimeUnit.SECONDS);
          } else if (method.getName().equals("search")) {
            Cancellation cancellation = ((TraceQuery) args[0]).cancellation();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!cancellation.isCancelled() && System.nanoTime() < deadline) {
              RELEASE.await(1, TimeUnit.MILLISECONDS);
            }
            if (cancellation.isCancelled()) {
              SEARCH_CANCELLED.countDown();
            }
            cancellation.check();
          }
          try {
            return method.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @AfterAll
  static void release() {
    RELEASE.countDown();
  }

  @Test
  void theNativeAndZipkinApisAnswer503WithTheirProblem() {
    for (String path : new String[] {"/api/v1/services", "/api/v2/services"}) {
      AggregatedHttpResponse response = QueryFixtures.get(server, path);

      assertThat(response.status().code()).as(path).isEqualTo(503);
      assertThat(response.contentType()).as(path).isEqualTo(MediaType.JSON_UTF_8);
      JsonNode problem = QueryFixtures.json(response);
      assertThat(problem.get("status").asInt()).isEqualTo(503);
      assertThat(problem.get("message").asText()).isEqualTo(MESSAGE);
    }
  }

  @Test
  void theJaegerApiAnswers503InItsErrorsList() {
    AggregatedHttpResponse response = QueryFixtures.get(server, "/api/services");

    assertThat(response.status().code()).isEqualTo(503);
    JsonNode error = QueryFixtures.json(response).get("errors").get(0);
    assertThat(error.get("code").asInt()).isEqualTo(503);
    assertThat(error.get("msg").asText()).isEqualTo(MESSAGE);
  }

  @Test
  void aSearchTimedOutIsCancelledInStorage() throws InterruptedException {
    AggregatedHttpResponse response = QueryFixtures.get(server, "/api/v1/traces");

    assertThat(response.status().code()).isEqualTo(503);
    assertThat(QueryFixtures.json(response).get("message").asText()).isEqualTo(MESSAGE);
    assertThat(SEARCH_CANCELLED.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anAnswerInTimeIsNotTouched() {
    AggregatedHttpResponse response = QueryFixtures.get(server, "/api/v1/traces/"
        + QueryFixtures.RICH.toHex());

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(QueryFixtures.json(response).get("spans")).hasSize(6);
  }
}
