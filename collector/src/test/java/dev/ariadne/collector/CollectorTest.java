package dev.ariadne.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.storage.memory.MemoryStorage;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class CollectorTest {
  final MemoryStorage storage = MemoryStorage.create(10);

  @Test
  void namesTheSettingAndTheAllowedValuesWhenABuilderArgumentIsWrong() {
    Collector.Builder builder = Collector.builder(storage);

    assertThatThrownBy(() -> builder.maxRequestBytes(0))
        .hasMessage("maxRequestBytes: 0 (expected: 1 to 1073741824)");
    assertThatThrownBy(() -> builder.maxQueuedSpans(-1))
        .hasMessage("maxQueuedSpans: -1 (expected: > 0)");
    assertThatThrownBy(() -> builder.maxQueuedBytes(0))
        .hasMessage("maxQueuedBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> builder.maxAttributes(-1))
        .hasMessage("maxAttributes: -1 (expected: >= 0)");
    assertThatThrownBy(() -> builder.maxAttributeValueLength(0))
        .hasMessage("maxAttributeValueLength: 0 (expected: > 0)");
    assertThatThrownBy(() -> builder.decoderThreads(0))
        .hasMessage("decoderThreads: 0 (expected: > 0)");
    assertThatThrownBy(() -> builder.writerThreads(0))
        .hasMessage("writerThreads: 0 (expected: > 0)");
    assertThatThrownBy(() -> builder.meterRegistry(null)).hasMessage("meterRegistry");
    assertThatThrownBy(() -> Collector.builder(null)).hasMessage("storage");
  }

  @Test
  void refusesAByteQueueSmallerThanOneRequest() {
    Collector.Builder builder =
        Collector.builder(storage).maxRequestBytes(2048).maxQueuedBytes(1024);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxQueuedBytes: 1024 (expected: >= maxRequestBytes, 2048)");
  }

  @Test
  void registersItsMetersAndRemovesThemOnClose() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Collector collector = Collector.builder(storage).meterRegistry(registry).build();

    assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName())
        .contains(
            "ariadne.collector.spans.received",
            "ariadne.collector.spans.accepted",
            "ariadne.collector.spans.refused",
            "ariadne.collector.spans.invalid",
            "ariadne.collector.spans.failed",
            "ariadne.collector.attributes.dropped",
            "ariadne.collector.attributes.truncated",
            "ariadne.collector.names.truncated",
            "ariadne.collector.storage.writes",
            "ariadne.collector.queue.depth",
            "ariadne.collector.queue.capacity",
            "ariadne.collector.decode.queue.bytes")
        .allMatch(name -> name.startsWith("ariadne.collector."));
    assertThat(registry.find("ariadne.collector.spans.accepted").counters())
        .extracting(counter -> counter.getId().getTag("protocol"))
        .containsExactlyInAnyOrder(
            "otlp_http", "otlp_grpc", "zipkin_json", "zipkin_proto3", "jaeger_thrift",
            "jaeger_proto", "jaeger_compact", "jaeger_binary");
    assertThat(registry.get("ariadne.collector.queue.capacity").gauge().value())
        .isEqualTo(100_000);

    collector.close();

    assertThat(registry.getMeters()).extracting(Meter::getId).isEmpty();
  }

  @Test
  void closesTwiceWithoutHarm() {
    Collector collector = Collector.builder(storage).build();

    collector.close();
    collector.close();
  }
}
