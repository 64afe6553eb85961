package dev.ariadne.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.storage.memory.MemoryStorage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the builders refuse, and the ingester's life cycle; no broker needed. */
class KafkaBuildersTest {
  @Test
  void theWriterRefusesToPassThroughTheSettingsItsGuaranteesRestOn() {
    KafkaSpanWriter.Builder builder = KafkaSpanWriter.builder("127.0.0.1:9092");

    assertThatThrownBy(() -> builder.property("acks", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("KafkaSpanWriter sets acks itself: all, so that an acknowledged span is on"
            + " every in-sync replica (not passed through)");
    assertThatThrownBy(() -> builder.property("max.request.size", "5000000"))
        .hasMessageContaining("maxMessageBytes");
    assertThatThrownBy(() -> builder.property("enable.idempotence", "false"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.maxMessageBytes(100))
        .hasMessage("maxMessageBytes: 100 (expected: >= 1024)");
    assertThatThrownBy(() -> builder.sendTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.topic(" ")).hasMessage("topic is empty");
  }

  @Test
  void theIngesterRefusesToPassThroughTheSettingsItsGuaranteesRestOn() {
    KafkaIngester.Builder builder =
        KafkaIngester.builder("127.0.0.1:9092", MemoryStorage.create(10));

    assertThatThrownBy(() -> builder.property("enable.auto.commit", "true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KafkaIngester sets enable.auto.commit itself");
    assertThatThrownBy(() -> builder.property("group.id", "other"))
        .hasMessageContaining("groupId");
    assertThatThrownBy(() -> KafkaIngester.builder(" ", MemoryStorage.create(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anIngesterStartsOnceAndClosesStartedOrNot() {
    KafkaIngester unstarted = KafkaIngester.builder("127.0.0.1:9092", MemoryStorage.create(10))
        .build();
    unstarted.close();
    unstarted.close();
    assertThatThrownBy(unstarted::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("closed");

    KafkaIngester started = KafkaIngester.builder("127.0.0.1:9092", MemoryStorage.create(10))
        .closeTimeout(Duration.ofSeconds(1))
        .build();
    try {
      started.start();
      assertThatThrownBy(started::start).isInstanceOf(IllegalStateException.class)
          .hasMessage("already started");
    } finally {
      started.close();
    }
  }
}
