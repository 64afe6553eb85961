package dev.ariadne.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Searches waiting for a slot hold no thread of the blocking task executor: with
 * query.max-concurrent-searches at 1, an executor of two threads, one search held in storage and
 * more searches queued than there are threads, a read by trace ID still answers; once the held
 * search ends, the queued ones run in the order they came.
 */
class SearchQueueTest {
  static final int QUEUED = 4;
  /** Counted down when the first search is in storage. */
  static final CountDownLatch HELD = new CountDownLatch(1);
  /** Holds the first search in storage until released. */
  static final CountDownLatch RELEASE = new CountDownLatch(1);
  /** Released once for each request the server has taken in and handed on. */
  static final Semaphore ARRIVED = new Semaphore(0);
  /** The limit of each search that reached storage, in the order they reached it. */
  static final List<Integer> SEARCHED = new CopyOnWriteArrayList<>();

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) {
      QueryApi api = QueryApi.builder(heldFirstSearch(QueryFixtures.storage()))
          .timeout(Duration.ofSeconds(30)).maxConcurrentSearches(1).build();
      api.serveNative(sb);
      sb.blockingTaskExecutor(2);
      sb.decorator((delegate, ctx, req) -> {
        HttpResponse response = delegate.serve(ctx, req);
        ARRIVED.release();
        return response;
      });
    }
  };

  /** {@code storage}, noting each search's limit, the first one waiting for {@link #RELEASE}. */
  static Storage heldFirstSearch(Storage storage) {
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(),
        new Class<?>[] {Storage.class}, (proxy, method, args) -> {
          if (method.getName().equals("search")) {
            SEARCHED.add(((TraceQuery) args[0]).limit());
            if (SEARCHED.size() == 1) {
              HELD.countDown();
              RELEASE.await(30, TimeUnit.SECONDS);
            }
          }
          try {
            return method.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void aReadByTraceIdAnswersWhileSearchesQueueAndTheyRunInOrder() throws Exception {
    WebClient client = WebClient.of(server.httpUri());
    List<CompletableFuture<AggregatedHttpResponse>> searches = new ArrayList<>();
    try {
      searches.add(client.get("/api/v1/traces?limit=1").aggregate());
      assertThat(HELD.await(10, TimeUnit.SECONDS)).isTrue();
      for (int limit = 2; limit <= QUEUED + 1; limit++) {
        ARRIVED.drainPermits();
        searches.add(client.get("/api/v1/traces?limit=" + limit).aggregate());
        assertThat(ARRIVED.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
      }

      AggregatedHttpResponse byId = client.get("/api/v1/traces/" + QueryFixtures.RICH.toHex())
          .aggregate().get(10, TimeUnit.SECONDS);

      assertThat(byId.status().code()).isEqualTo(200);
      assertThat(SEARCHED).containsExactly(1);
    } finally {
      RELEASE.countDown();
    }
    for (CompletableFuture<AggregatedHttpResponse> search : searches) {
      assertThat(search.get(10, TimeUnit.SECONDS).status().code()).isEqualTo(200);
    }
    assertThat(SEARCHED).containsExactly(1, 2, 3, 4, 5);
  }
}
