package dev.ariadne.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The writer's meters, named {@code ariadne.kafka.*} (Prometheus: {@code ariadne_kafka_*}) and
 * tagged with the topic. Thread-safe.
 */
final class WriterMeters {
  static final String PREFIX = "ariadne.kafka.";

  private final Counter producedRecords;
  private final Counter producedBytes;
  private final Counter failedRecords;
  private final Counter failedBytes;
  private final Counter tooLargeSpans;

  WriterMeters(MeterRegistry registry, String topic) {
    producedRecords = Counter.builder(PREFIX + "records.produced")
        .description("Records Kafka acknowledged")
        .tag("topic", topic)
        .register(registry);
    producedBytes = Counter.builder(PREFIX + "bytes.produced")
        .description("Bytes of the keys and values of the records Kafka acknowledged")
        .baseUnit("bytes")
        .tag("topic", topic)
        .register(registry);
    failedRecords = Counter.builder(PREFIX + "records.failed")
        .description("Records Kafka did not acknowledge in time or refused; their writes failed")
        .tag("topic", topic)
        .register(registry);
    failedBytes = Counter.builder(PREFIX + "bytes.failed")
        .description("Bytes of the keys and values of the records counted as failed")
        .baseUnit("bytes")
        .tag("topic", topic)
        .register(registry);
    tooLargeSpans = Counter.builder(PREFIX + "spans.too.large")
        .description("Spans larger by themselves than a record holds; not sent, and rejected to their clients")
        .tag("topic", topic)
        .register(registry);
  }

  void produced(TraceRecords.Part part) {
    producedRecords.increment();
    producedBytes.increment(part.key().length + part.value().length);
  }

  void failed(TraceRecords.Part part) {
    failedRecords.increment();
    failedBytes.increment(part.key().length + part.value().length);
  }

  void tooLarge(int spans) {
    tooLargeSpans.increment(spans);
  }
}
