package dev.ariadne.kafka;

import static dev.ariadne.kafka.KafkaTests.await;
import static dev.ariadne.kafka.KafkaTests.newTopic;
import static dev.ariadne.kafka.KafkaTests.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.collector.UpstreamException;
import dev.ariadne.model.Span;
import dev.ariadne.storage.memory.MemoryStorage;
import dev.ariadne.testservers.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka unreachable, or going away: writes fail within the send timeout, with an {@link
 * IOException} the collector answers as "storage failed" (503, retry), and the ingester still
 * closes within its close timeout. The broker here is this class's own, stopped by a test.
 */
class KafkaDownTest {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);
  /** What a bound on time allows beyond the timeout: a busy machine, the client's own threads. */
  private static final Duration SLACK = Duration.ofSeconds(5);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aWriteToAnUnreachableKafkaThrowsWithinTheSendTimeout() throws Exception {
    try (KafkaSpanWriter writer = KafkaSpanWriter.builder("127.0.0.1:" + closedPort())
        .sendTimeout(SEND_TIMEOUT)
        .meterRegistry(registry)
        .build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> writer.write(trace(3)))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(UpstreamException.class)
          .hasMessageContaining("did not take a record for topic ariadne-spans");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(SEND_TIMEOUT.plus(SLACK));
      assertThat(registry.get("ariadne.kafka.records.failed").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void whenTheBrokerStopsWritesThrowWithinTheSendTimeout(@TempDir Path dir) throws Exception {
    KafkaBroker broker = KafkaBroker.start(dir);
    try (KafkaSpanWriter writer = KafkaSpanWriter.builder(broker.bootstrapServers())
        .topic(newTopic(broker.bootstrapServers(), 1))
        .sendTimeout(SEND_TIMEOUT)
        .meterRegistry(registry)
        .build()) {
      writer.write(trace(3));
      broker.close();

      List<Span> spans = trace(3);
      long start = System.nanoTime();
      assertThatThrownBy(() -> writer.write(spans))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(UpstreamException.class)
          // As the broker stops, the producer forgets where the topic's partition is: the
          // record waits for that, not for an acknowledgement; either way, the timeout is named.
          .hasMessageContaining("Kafka at " + broker.bootstrapServers())
          .hasMessageContaining("2000 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(SEND_TIMEOUT.plus(SLACK));
      assertThat(registry.get("ariadne.kafka.records.produced").counter().count()).isEqualTo(1);
      assertThat(registry.get("ariadne.kafka.records.failed").counter().count()).isEqualTo(1);
    } finally {
      broker.close();
    }
  }

  @Test
  void anIngesterOfAnUnreachableKafkaClosesWithinItsCloseTimeout() throws Exception {
    MemoryStorage storage = MemoryStorage.create(10);
    Duration closeTimeout = Duration.ofSeconds(1);
    KafkaIngester ingester = KafkaIngester.builder("127.0.0.1:" + closedPort(), storage)
        .topic("unreachable")
        .closeTimeout(closeTimeout)
        .meterRegistry(registry)
        .build();
    ingester.start();
    Thread thread = ingesterThread();

    long start = System.nanoTime();
    ingester.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(closeTimeout.plus(SLACK));
    await(() -> !thread.isAlive(), () -> "the ingester's thread still runs");
  }

  /** A port of 127.0.0.1 nothing listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Thread ingesterThread() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("ariadne-kafka-ingester-unreachable"))
        .findFirst()
        .orElseThrow();
  }
}
