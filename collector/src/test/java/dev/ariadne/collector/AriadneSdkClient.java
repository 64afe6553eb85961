package dev.ariadne.collector;

import static dev.ariadne.collector.InteropTrace.CHILD_END;
import static dev.ariadne.collector.InteropTrace.CHILD_EVENT;
import static dev.ariadne.collector.InteropTrace.CHILD_START;
import static dev.ariadne.collector.InteropTrace.ROOT_END;
import static dev.ariadne.collector.InteropTrace.ROOT_EVENT;
import static dev.ariadne.collector.InteropTrace.ROOT_START;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.ReferenceType;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.exporter.otlp.OtlpHttpSpanExporter;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.SimpleSpanProcessor;
import dev.ariadne.sdk.propagation.Propagators;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Sends the {@link InteropTrace} with Ariadne's own SDK and OTLP/HTTP exporter (protobuf, gzip).
 * The root links to a span; the child, besides its parent, follows from another span (the seed's
 * FollowsFrom reference: on a root span it would become the parent).
 */
final class AriadneSdkClient {
  static final SpanContext LINKED = SpanContext.fromHex("0af7651916cd43dd8448eb211c80319c",
      "b7ad6b7169203331", SpanContext.FLAG_SAMPLED, TraceState.empty(), true);
  static final SpanContext FOLLOWED = SpanContext.fromHex("4bf92f3577b34da6a3ce929d0e0e4736",
      "00f067aa0ba902b7", SpanContext.FLAG_SAMPLED, TraceState.empty(), true);

  private AriadneSdkClient() {}

  static InteropTrace.Sent send(String endpoint)
      throws InterruptedException, ExecutionException, TimeoutException {
    SdkTracerProvider frontend = provider(InteropTrace.FRONTEND, endpoint);
    SdkTracerProvider cart = provider(InteropTrace.CART, endpoint);
    try {
      Span root = frontend.get("checkout-instrumentation", "1.0.0")
          .spanBuilder("GET /checkout")
          .setNoParent()
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
          .startSpan();
      root.addEvent("cart.loaded", Attributes.of(AttributeKey.longKey("cart.size"), 2L),
          ROOT_EVENT, NANOSECONDS);

      // frontend calls cart: the context travels in W3C headers.
      TextMapPropagator propagator = Propagators.w3cTraceContext();
      Map<String, String> headers = new HashMap<>();
      propagator.inject(root.storeInContext(Context.root()), headers, Carriers.mapSetter());
      headers.put("tracestate", "ariadne=1");
      Context extracted = propagator.extract(Context.root(), headers, Carriers.mapGetter());

      Span child = cart.get("cart-server", "2.0.0")
          .spanBuilder("GET /cart")
          .setParent(extracted)
          .addReference(ReferenceType.FOLLOWS_FROM, FOLLOWED)
          .setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(CHILD_START, NANOSECONDS)
          .startSpan();
      child.addEvent("payment.failed", Attributes.empty(), CHILD_EVENT, NANOSECONDS);
      child.setStatus(StatusCode.ERROR, InteropTrace.ERROR_MESSAGE);
      child.end(CHILD_END, NANOSECONDS);
      root.end(ROOT_END, NANOSECONDS);

      cart.forceFlush().get(10, SECONDS);
      frontend.forceFlush().get(10, SECONDS);
      return new InteropTrace.Sent(root.getSpanContext().getTraceId(),
          root.getSpanContext().getSpanId(), child.getSpanContext().getSpanId());
    } finally {
      frontend.shutdown().get(10, SECONDS);
      cart.shutdown().get(10, SECONDS);
    }
  }

  private static SdkTracerProvider provider(String service, String endpoint) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), service,
            AttributeKey.stringKey("deployment.environment.name"), "test")))
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build()))
        .build();
  }
}
