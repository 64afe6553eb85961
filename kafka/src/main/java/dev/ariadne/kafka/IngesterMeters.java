package dev.ariadne.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingester's meters, named {@code ariadne.kafka.ingester.*} (Prometheus: {@code
 * ariadne_kafka_ingester_*}) and tagged with the topic. Thread-safe.
 */
final class IngesterMeters {
  static final String PREFIX = "ariadne.kafka.ingester.";

  final Counter records;
  final Counter spans;
  final Counter malformedRecords;
  final Counter rejectedSpans;
  final Counter tooLargeSpans;
  final Counter storageRetries;

  IngesterMeters(MeterRegistry registry, String topic) {
    records = Counter.builder(PREFIX + "records")
        .description("Records read from the topic")
        .tag("topic", topic)
        .register(registry);
    spans = Counter.builder(PREFIX + "spans")
        .description("Spans written to storage")
        .tag("topic", topic)
        .register(registry);
    malformedRecords = Counter.builder(PREFIX + "records.malformed")
        .description("Records that are not an OTLP ExportTraceServiceRequest, or hold none;"
            + " skipped")
        .tag("topic", topic)
        .register(registry);
    rejectedSpans = Counter.builder(PREFIX + "spans.rejected")
        .description("Spans of readable records that were invalid (a trace or span ID not valid);"
            + " skipped")
        .tag("topic", topic)
        .register(registry);
    tooLargeSpans = Counter.builder(PREFIX + "spans.too.large")
        .description("Spans storage refused as too large for it (the rest of their write was"
            + " stored); skipped")
        .tag("topic", topic)
        .register(registry);
    storageRetries = Counter.builder(PREFIX + "storage.retries")
        .description("Storage writes tried again after storage failed")
        .tag("topic", topic)
        .register(registry);
  }
}
