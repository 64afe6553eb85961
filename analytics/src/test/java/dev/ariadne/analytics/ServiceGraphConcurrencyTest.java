package dev.ariadne.analytics;

import static dev.ariadne.analytics.ServiceGraphTest.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceGraphConcurrencyTest {
  private static final int THREADS = 8;
  private static final int TRACES = 20_000;

  @Test
  void everyCallIsFoundOnceWhenSpansArriveFromSeveralThreads() throws Exception {
    Map<String, AtomicInteger> found = new ConcurrentHashMap<>();
    ServiceGraph graph = new ServiceGraph(Duration.ofMinutes(1), 1_000_000, System::nanoTime,
        edge -> found.computeIfAbsent(
                edge.traceId() + " " + edge.client() + ">" + edge.server(),
                key -> new AtomicInteger())
            .incrementAndGet());

    // Each trace: gateway SERVER 1 → gateway CLIENT 2 → shop SERVER 3 → shop PRODUCER 4 →
    // mailer CONSUMER 5, and Zipkin-style shop CLIENT 6 / billing shared SERVER 6 under 3.
    List<Span> spans = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int t = 1; t <= TRACES; t++) {
      TraceId trace = new TraceId(t, t * 31L);
      spans.add(span("gateway", 1, 0, SpanKind.SERVER).traceId(trace).build());
      spans.add(span("gateway", 2, 1, SpanKind.CLIENT).traceId(trace).build());
      spans.add(span("shop", 3, 2, SpanKind.SERVER).traceId(trace).build());
      spans.add(span("shop", 4, 3, SpanKind.PRODUCER).traceId(trace).build());
      spans.add(span("mailer", 5, 4, SpanKind.CONSUMER).traceId(trace).build());
      spans.add(span("shop", 6, 3, SpanKind.CLIENT).traceId(trace).build());
      spans.add(span("billing", 6, 3, SpanKind.SERVER).traceId(trace)
          .attributes(List.of(Attribute.of(ServiceGraph.ZIPKIN_SHARED, true))).build());
      expected.add(trace + " gateway>shop");
      expected.add(trace + " shop>mailer");
      expected.add(trace + " shop>billing");
    }
    Collections.shuffle(spans, new Random(5));

    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
    AtomicBoolean accepting = new AtomicBoolean(true);
    try {
      Future<?> expirer = pool.submit(() -> {
        while (accepting.get()) {
          graph.expire();
        }
      });
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < THREADS; w++) {
        int first = w;
        writers.add(pool.submit(() -> {
          for (int i = first; i < spans.size(); i += THREADS) {
            graph.accept(spans.get(i));
            // Each span delivered twice, as after a retried export.
            graph.accept(spans.get((i + THREADS) % spans.size()));
          }
        }));
      }
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
      accepting.set(false);
      expirer.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    graph.flush();

    // Sets compared by equals: AssertJ's element-wise comparison is quadratic.
    assertThat(found.keySet()).isEqualTo(new HashSet<>(expected));
    assertThat(found.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(graph.dropped()).isZero();
    assertThat(graph.pending()).isZero();
    assertThat(graph.expired()).isZero();
  }
}
