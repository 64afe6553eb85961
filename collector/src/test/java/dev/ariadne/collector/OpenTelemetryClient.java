package dev.ariadne.collector;

import static dev.ariadne.collector.InteropTrace.CHILD_END;
import static dev.ariadne.collector.InteropTrace.CHILD_EVENT;
import static dev.ariadne.collector.InteropTrace.CHILD_START;
import static dev.ariadne.collector.InteropTrace.ROOT_END;
import static dev.ariadne.collector.InteropTrace.ROOT_EVENT;
import static dev.ariadne.collector.InteropTrace.ROOT_START;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Sends the {@link InteropTrace} with the OpenTelemetry Java SDK. */
final class OpenTelemetryClient {
  /** The span the root links to, as a plain link, and follows from. */
  static final SpanContext LINKED = SpanContext.create("0af7651916cd43dd8448eb211c80319c",
      "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());
  static final SpanContext FOLLOWED = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736",
      "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.getDefault());

  private OpenTelemetryClient() {}

  /** Sends the trace through exporters from {@code exporters}, one per service. */
  static InteropTrace.Sent send(Supplier<SpanExporter> exporters) {
    SdkTracerProvider frontend = provider(InteropTrace.FRONTEND, exporters.get());
    SdkTracerProvider cart = provider(InteropTrace.CART, exporters.get());
    try {
      Span root = frontend.get("checkout-instrumentation", "1.0.0")
          .spanBuilder("GET /checkout")
          .setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(ROOT_START, NANOSECONDS)
          .setAttribute("http.request.method", "GET")
          .setAttribute("cache.hit", true)
          .setAttribute("http.response.status_code", 200L)
          .setAttribute("cart.total", 12.5)
          .setAttribute(AttributeKey.stringArrayKey("cart.items"), List.of("book", "pen"))
          .setAttribute(AttributeKey.booleanArrayKey("cart.gift"), List.of(true, false))
          .setAttribute(AttributeKey.longArrayKey("cart.quantities"), List.of(1L, 3L))
          .setAttribute(AttributeKey.doubleArrayKey("cart.prices"), List.of(10.0, 2.5))
          .addLink(LINKED, Attributes.of(AttributeKey.stringKey("link.reason"), "retry-of"))
          .addLink(FOLLOWED,
              Attributes.of(AttributeKey.stringKey("opentracing.ref_type"), "follows_from"))
          .startSpan();
      root.addEvent("cart.loaded", Attributes.of(AttributeKey.longKey("cart.size"), 2L),
          ROOT_EVENT, NANOSECONDS);

      // frontend calls cart: the context travels in W3C headers.
      Map<String, String> headers = new HashMap<>();
      W3CTraceContextPropagator.getInstance()
          .inject(Context.root().with(root), headers, Map::put);
      headers.put("tracestate", "ariadne=1");
      Context extracted = W3CTraceContextPropagator.getInstance()
          .extract(Context.root(), headers, new MapGetter());

      Span child = cart.get("cart-server", "2.0.0")
          .spanBuilder("GET /cart")
          .setParent(extracted)
          .setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(CHILD_START, NANOSECONDS)
          .startSpan();
      child.addEvent("payment.failed", CHILD_EVENT, NANOSECONDS);
      child.setStatus(StatusCode.ERROR, InteropTrace.ERROR_MESSAGE);
      child.end(CHILD_END, NANOSECONDS);
      root.end(ROOT_END, NANOSECONDS);

      assertThat(cart.forceFlush().join(10, SECONDS).isSuccess()).isTrue();
      assertThat(frontend.forceFlush().join(10, SECONDS).isSuccess()).isTrue();
      return new InteropTrace.Sent(root.getSpanContext().getTraceId(),
          root.getSpanContext().getSpanId(), child.getSpanContext().getSpanId());
    } finally {
      frontend.shutdown().join(10, SECONDS);
      cart.shutdown().join(10, SECONDS);
    }
  }

  private static SdkTracerProvider provider(String service, SpanExporter exporter) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), service,
            AttributeKey.stringKey("deployment.environment.name"), "test")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }

  private static final class MapGetter
      implements io.opentelemetry.context.propagation.TextMapGetter<Map<String, String>> {
    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
