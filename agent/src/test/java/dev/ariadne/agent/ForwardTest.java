package dev.ariadne.agent;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.exporter.otlp.OtlpHttpSpanExporter;
import dev.ariadne.model.TraceId;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real clients send to the agent; the spans arrive at the upstream collector as the agent took
 * them.
 */
class ForwardTest {
  @RegisterExtension
  @Order(1)
  static final Upstream upstream = new Upstream();

  @RegisterExtension
  @Order(2)
  static final AgentServer agent = new AgentServer(upstream::endpoint, builder -> builder);

  private static final long START = TestSpans.START;

  @Test
  void spansOfTheAriadneSdkArriveUpstreamAsTheAgentReceivedThem() throws Exception {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "checkout",
            AttributeKey.stringKey("deployment.environment.name"), "test")))
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpHttpSpanExporter.builder().setEndpoint(agent.httpUri().toString()).build()))
        .build();
    SpanContext linked = SpanContext.fromHex("0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331", SpanContext.FLAG_SAMPLED, TraceState.empty(), true);
    Span root;
    try {
      root = provider.get("checkout-instrumentation", "1.0.0")
          .spanBuilder("GET /checkout")
          .setNoParent()
          .setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(START, NANOSECONDS)
          .setAttribute("http.request.method", "GET")
          .setAttribute("http.response.status_code", 200L)
          .setAttribute("cart.total", 12.5)
          .setAttribute(AttributeKey.stringArrayKey("cart.items"), List.of("book", "pen"))
          .addLink(linked, Attributes.of(AttributeKey.stringKey("link.reason"), "retry-of"))
          .startSpan();
      root.addEvent("cart.loaded", Attributes.of(AttributeKey.longKey("cart.size"), 2L),
          START + 1_000, NANOSECONDS);
      Span child = provider.get("checkout-instrumentation", "1.0.0")
          .spanBuilder("SELECT cart")
          .setParent(root.storeInContext(dev.ariadne.api.context.Context.root()))
          .setSpanKind(SpanKind.CLIENT)
          .setStartTimestamp(START + 2_000, NANOSECONDS)
          .startSpan();
      child.setStatus(StatusCode.ERROR, "deadlock");
      child.end(START + 3_000, NANOSECONDS);
      root.end(START + 10_000, NANOSECONDS);
      provider.forceFlush().get(10, SECONDS);
    } finally {
      provider.shutdown().get(10, SECONDS);
    }

    TraceId traceId = TraceId.fromHex(root.getSpanContext().getTraceId());
    List<dev.ariadne.model.Span> received = agent.acknowledged.stream()
        .filter(span -> span.traceId().equals(traceId)).toList();
    assertThat(received).hasSize(2);
    assertThat(upstream.memory.trace(traceId)).containsExactlyInAnyOrderElementsOf(received);
    assertThat(agent.count("spans.forwarded")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void spansOfTheOpenTelemetrySdkOverGrpcArriveUpstream() throws Exception {
    io.opentelemetry.sdk.trace.SdkTracerProvider provider =
        io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
            .setResource(io.opentelemetry.sdk.resources.Resource.create(
                io.opentelemetry.api.common.Attributes.of(
                    io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "cart")))
            .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(
                OtlpGrpcSpanExporter.builder().setEndpoint(agent.httpUri().toString()).build()))
            .build();
    io.opentelemetry.api.trace.Span span;
    try {
      span = provider.get("cart-server").spanBuilder("GET /cart")
          .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
          .setStartTimestamp(START, NANOSECONDS)
          .setAttribute("http.route", "/cart")
          .startSpan();
      span.end(START + 5_000, NANOSECONDS);
      assertThat(provider.forceFlush().join(10, SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, SECONDS);
    }

    TraceId traceId = TraceId.fromHex(span.getSpanContext().getTraceId());
    List<dev.ariadne.model.Span> stored = upstream.memory.trace(traceId);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).name()).isEqualTo("GET /cart");
    assertThat(stored.get(0).serviceName()).isEqualTo("cart");
    assertThat(stored).containsExactlyInAnyOrderElementsOf(
        agent.acknowledged.stream().filter(s -> s.traceId().equals(traceId)).toList());
  }
}
