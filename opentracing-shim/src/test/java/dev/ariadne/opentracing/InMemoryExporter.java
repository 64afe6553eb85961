package dev.ariadne.opentracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import dev.ariadne.sdk.export.SpanExporter;
import dev.ariadne.sdk.propagation.Propagators;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Keeps every exported span in memory, and builds the SDK provider that exports into it. */
final class InMemoryExporter implements SpanExporter {
  /** W3C Trace Context and W3C Baggage, the SDK's default propagation. */
  static final TextMapPropagator W3C =
      TextMapPropagator.composite(Propagators.w3cTraceContext(), Propagators.w3cBaggage());

  private final List<SpanData> spans = new CopyOnWriteArrayList<>();

  /** A provider whose sampled spans are exported here as soon as they end. */
  SdkTracerProvider provider() {
    return SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(this)).build();
  }

  List<SpanData> spans() {
    return List.copyOf(spans);
  }

  /** The one exported span with {@code name}. */
  SpanData span(String name) {
    List<SpanData> named =
        spans.stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
    assertThat(named).as("exported spans named %s", name).hasSize(1);
    return named.get(0);
  }

  @Override
  public CompletableFuture<Void> export(Collection<SpanData> batch) {
    spans.addAll(batch);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    return CompletableFuture.completedFuture(null);
  }
}
