package dev.ariadne.storage.cassandra;

import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.checkout;
import static dev.ariadne.storage.TestSpans.randomTraceId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.analytics.SharedMetrics;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.testservers.CassandraNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node going down while spans are written, and coming back on the same data; the shared
 * metrics beside the spans.
 */
class CassandraOutageTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration RETENTION = Duration.ofDays(1);
  private static final long TODAY_MILLIS = TimeUnit.NANOSECONDS.toMillis(TODAY);

  @TempDir Path directory;

  @Test
  void aNodeKilledMidWriteFailsWritesAndReadsInTimeAndKeepsWhatWasAcknowledged()
      throws Exception {
    List<TraceId> acknowledged = new ArrayList<>();
    SharedMetrics.Row metricsRow = new SharedMetrics.Row(bytes("series"), false, TODAY_MILLIS,
        UUID.randomUUID(), bytes("aggregate"));
    CassandraNode node = CassandraNode.start(directory);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (CassandraStorage storage = CassandraStorageTest.builder(node)
        .requestTimeout(REQUEST_TIMEOUT).meterRegistry(registry).build();
        SharedMetrics metrics = storage.sharedMetrics(RETENTION)) {
      metrics.put(List.of(metricsRow));
      CountDownLatch someStored = new CountDownLatch(10);
      Future<IOException> writes = writer.submit(() -> {
        while (true) {
          TraceId traceId = randomTraceId();
          try {
            storage.write(checkout(traceId, TODAY));
          } catch (IOException e) {
            return e;
          }
          acknowledged.add(traceId);
          someStored.countDown();
        }
      });
      assertThat(someStored.await(60, TimeUnit.SECONDS)).isTrue();
      node.kill();
      long killed = System.nanoTime();

      IOException failure = writes.get(60, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - killed))
          .as("the failing write ends within the request timeout, with a margin")
          .isLessThan(REQUEST_TIMEOUT.plusSeconds(10));
      assertThat(failure).hasMessageStartingWith("Cassandra did not store the spans: ");
      assertThat(registry.get("ariadne.cassandra.spans.not.written").counter().count())
          .isEqualTo(5);
      assertThatThrownBy(() -> storage.trace(acknowledged.get(0)))
          .isInstanceOf(IOException.class).hasMessageStartingWith("Cassandra did not answer");

      assertFailsInTime(() -> metrics.put(List.of(metricsRow)),
          "Cassandra did not store the metrics: ");
      assertFailsInTime(() -> metrics.read(bytes("series"), TODAY_MILLIS, TODAY_MILLIS + 1),
          "Cassandra did not answer: ");
      assertFailsInTime(() -> metrics.series(TODAY_MILLIS, TODAY_MILLIS + 1),
          "Cassandra did not answer: ");
    } finally {
      writer.shutdownNow();
      node.close();
    }

    CassandraNode restarted = CassandraNode.start(directory);
    try (CassandraStorage storage = CassandraStorageTest.builder(restarted).build();
        SharedMetrics metrics = storage.sharedMetrics(RETENTION)) {
      for (TraceId traceId : acknowledged) {
        assertThat(storage.trace(traceId)).as("acknowledged before the kill").hasSize(5);
      }
      assertThat(metrics.read(bytes("series"), TODAY_MILLIS, TODAY_MILLIS + 1))
          .as("put before the kill").singleElement()
          .extracting(SharedMetrics.Row::aggregate).isEqualTo(bytes("aggregate"));
      TraceId after = randomTraceId();
      storage.write(checkout(after, TODAY));
      assertThat(storage.search(TraceQuery.builder().limit(10_000).build()))
          .hasSizeGreaterThanOrEqualTo(acknowledged.size() + 1);
    } finally {
      restarted.close();
    }
  }

  private interface Call {
    void run() throws IOException;
  }

  /** Asserts that the call throws an IOException whose message starts so, in time. */
  private static void assertFailsInTime(Call call, String message) {
    long started = System.nanoTime();
    assertThatThrownBy(call::run).isInstanceOf(IOException.class)
        .hasMessageStartingWith(message);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("within the request timeout, with a margin: %s", message)
        .isLessThan(REQUEST_TIMEOUT.plusSeconds(10));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
