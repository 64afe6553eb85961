package dev.ariadne.server.interop;

import static dev.ariadne.server.interop.InteropTrace.CART;
import static dev.ariadne.server.interop.InteropTrace.CHILD_END;
import static dev.ariadne.server.interop.InteropTrace.CHILD_EVENT;
import static dev.ariadne.server.interop.InteropTrace.CHILD_START;
import static dev.ariadne.server.interop.InteropTrace.ERROR_MESSAGE;
import static dev.ariadne.server.interop.InteropTrace.FOLLOWED_SPAN_ID;
import static dev.ariadne.server.interop.InteropTrace.FOLLOWED_TRACE_ID;
import static dev.ariadne.server.interop.InteropTrace.FRONTEND;
import static dev.ariadne.server.interop.InteropTrace.LINKED_SPAN_ID;
import static dev.ariadne.server.interop.InteropTrace.LINKED_TRACE_ID;
import static dev.ariadne.server.interop.InteropTrace.ROOT_END;
import static dev.ariadne.server.interop.InteropTrace.ROOT_EVENT;
import static dev.ariadne.server.interop.InteropTrace.ROOT_START;
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
 * FollowsFrom reference), which the exporter sends as an OTLP link marked {@code
 * opentracing.ref_type=follows_from}. The SDK's attributes are the seed's tag types and their
 * arrays: it has no bytes or maps, so neither does the expectation.
 */
final class AriadneSdkClient {
  private static final SpanContext LINKED = SpanContext.fromHex(LINKED_TRACE_ID, LINKED_SPAN_ID,
      SpanContext.FLAG_SAMPLED, TraceState.empty(), true);
  private static final SpanContext FOLLOWED = SpanContext.fromHex(FOLLOWED_TRACE_ID,
      FOLLOWED_SPAN_ID, SpanContext.FLAG_SAMPLED, TraceState.empty(), true);

  private AriadneSdkClient() {}

  /** Sends the trace to the OTLP/HTTP receiver at {@code endpoint} (scheme, host and port). */
  static ExpectedTrace send(String endpoint)
      throws InterruptedException, ExecutionException, TimeoutException {
    SdkTracerProvider frontend = provider(FRONTEND, endpoint);
    SdkTracerProvider cart = provider(CART, endpoint);
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

      // frontend calls cart: the context travels in W3C headers, with a vendor's trace state.
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
          .setAttribute("http.route", "/cart")
          .startSpan();
      child.addEvent("payment.failed", Attributes.empty(), CHILD_EVENT, NANOSECONDS);
      child.setStatus(StatusCode.ERROR, ERROR_MESSAGE);
      child.end(CHILD_END, NANOSECONDS);
      root.end(ROOT_END, NANOSECONDS);

      cart.forceFlush().get(10, SECONDS);
      frontend.forceFlush().get(10, SECONDS);
      return expected(root.getSpanContext(), child.getSpanContext());
    } finally {
      frontend.shutdown().get(10, SECONDS);
      cart.shutdown().get(10, SECONDS);
    }
  }

  private static ExpectedTrace expected(SpanContext root, SpanContext child) {
    // The SDK merges its telemetry.sdk.* attributes into the resource it is given.
    String sdkVersion =
        Resource.getDefault().getAttribute(AttributeKey.stringKey("telemetry.sdk.version"));
    return new ExpectedTrace(root.getTraceId(), List.of(
        ExpectedTrace.Span.builder(root.getSpanId())
            .name("GET /checkout")
            .kind("SERVER")
            .service(FRONTEND)
            .resourceAttribute("telemetry.sdk.name", "ariadne")
            .resourceAttribute("telemetry.sdk.language", "java")
            .resourceAttribute("telemetry.sdk.version", sdkVersion)
            .resourceAttribute("deployment.environment.name", "test")
            .resourceAttribute("process.pid", 4242L)
            .scope("checkout-instrumentation", "1.0.0")
            .time(ROOT_START, ROOT_END)
            .attribute("http.request.method", "GET")
            .attribute("cache.hit", true)
            .attribute("http.response.status_code", 200L)
            .attribute("cart.total", 12.5)
            .attribute("cart.items", List.of("book", "pen"))
            .attribute("cart.gift", List.of(true, false))
            .attribute("cart.quantities", List.of(1L, 3L))
            .attribute("cart.prices", List.of(10.0, 2.5))
            .event(ROOT_EVENT, "cart.loaded", new ExpectedTrace.Attribute("cart.size", 2L))
            .link(LINKED_TRACE_ID, LINKED_SPAN_ID, false,
                new ExpectedTrace.Attribute("link.reason", "retry-of"))
            // W3C sampled (0x01); the parent's remoteness is known (0x100) and it has none.
            .flags(0x101)
            .build(),
        ExpectedTrace.Span.builder(child.getSpanId())
            .parent(root.getSpanId())
            .name("GET /cart")
            .kind("SERVER")
            .service(CART)
            .resourceAttribute("telemetry.sdk.name", "ariadne")
            .resourceAttribute("telemetry.sdk.language", "java")
            .resourceAttribute("telemetry.sdk.version", sdkVersion)
            .resourceAttribute("deployment.environment.name", "test")
            .resourceAttribute("process.pid", 4242L)
            .scope("cart-server", "2.0.0")
            .time(CHILD_START, CHILD_END)
            .attribute("http.route", "/cart")
            .event(CHILD_EVENT, "payment.failed")
            .link(FOLLOWED_TRACE_ID, FOLLOWED_SPAN_ID, true,
                new ExpectedTrace.Attribute("opentracing.ref_type", "follows_from"))
            .status(ExpectedTrace.Status.error(ERROR_MESSAGE))
            .traceState("ariadne=1")
            // Sampled, and a remote parent (0x100 | 0x200).
            .flags(0x301)
            .build()));
  }

  private static SdkTracerProvider provider(String service, String endpoint) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.builder()
            .put("service.name", service)
            .put("deployment.environment.name", "test")
            .put("process.pid", 4242L)
            .build()))
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build()))
        .build();
  }
}
