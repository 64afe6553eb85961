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
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sends the {@link InteropTrace} with the OpenTelemetry Java SDK and one of its own OTLP
 * exporters. OTLP carries everything Ariadne's model holds, so the expectation keeps every field:
 * typed attributes including arrays, bytes and maps, an event with attributes, a plain link with
 * attributes and a follows-from link (marked, as OpenTelemetry's OpenTracing shim marks it, by
 * {@code opentracing.ref_type=follows_from}), scope, trace state and flags.
 */
final class OpenTelemetryClient {
  private static final SpanContext LINKED = SpanContext.create(LINKED_TRACE_ID, LINKED_SPAN_ID,
      TraceFlags.getSampled(), TraceState.getDefault());
  private static final SpanContext FOLLOWED = SpanContext.create(FOLLOWED_TRACE_ID,
      FOLLOWED_SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault());
  private static final byte[] BLOB = {1, 2, 3, (byte) 0xff};

  private OpenTelemetryClient() {}

  /** Sends the trace through exporters from {@code exporters}, one per service. */
  static ExpectedTrace send(Supplier<SpanExporter> exporters) {
    SdkTracerProvider frontend = provider(FRONTEND, exporters.get());
    SdkTracerProvider cart = provider(CART, exporters.get());
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
          .setAttribute(AttributeKey.valueKey("cart.token"), Value.of(BLOB))
          .setAttribute(AttributeKey.valueKey("cart.owner"), Value.of(
              KeyValue.of("id", Value.of(42L)), KeyValue.of("guest", Value.of(false))))
          .addLink(LINKED, Attributes.of(AttributeKey.stringKey("link.reason"), "retry-of"))
          .addLink(FOLLOWED,
              Attributes.of(AttributeKey.stringKey("opentracing.ref_type"), "follows_from"))
          .startSpan();
      root.addEvent("cart.loaded", Attributes.of(AttributeKey.longKey("cart.size"), 2L),
          ROOT_EVENT, NANOSECONDS);

      // frontend calls cart: the context travels in W3C headers, with a vendor's trace state.
      TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();
      Map<String, String> headers = new HashMap<>();
      propagator.inject(Context.root().with(root), headers, Map::put);
      headers.put("tracestate", "ariadne=1");
      Context extracted = propagator.extract(Context.root(), headers, new MapGetter());

      Span child = cart.get("cart-server", "2.0.0")
          .spanBuilder("GET /cart")
          .setParent(extracted)
          .setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(CHILD_START, NANOSECONDS)
          .setAttribute("http.route", "/cart")
          .startSpan();
      child.addEvent("payment.failed", CHILD_EVENT, NANOSECONDS);
      child.setStatus(StatusCode.ERROR, ERROR_MESSAGE);
      child.end(CHILD_END, NANOSECONDS);
      root.end(ROOT_END, NANOSECONDS);

      assertThat(cart.forceFlush().join(10, SECONDS).isSuccess()).as("cart exported").isTrue();
      assertThat(frontend.forceFlush().join(10, SECONDS).isSuccess())
          .as("frontend exported").isTrue();
      return expected(root.getSpanContext(), child.getSpanContext());
    } finally {
      frontend.shutdown().join(10, SECONDS);
      cart.shutdown().join(10, SECONDS);
    }
  }

  private static ExpectedTrace expected(SpanContext root, SpanContext child) {
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("id", 42L);
    owner.put("guest", false);
    return new ExpectedTrace(root.getTraceId(), List.of(
        ExpectedTrace.Span.builder(root.getSpanId())
            .name("GET /checkout")
            .kind("SERVER")
            .service(FRONTEND)
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
            .attribute("cart.token", new ExpectedTrace.Bytes("AQID/w=="))
            .attribute("cart.owner", owner)
            .event(ROOT_EVENT, "cart.loaded", new ExpectedTrace.Attribute("cart.size", 2L))
            .link(LINKED_TRACE_ID, LINKED_SPAN_ID, false,
                new ExpectedTrace.Attribute("link.reason", "retry-of"))
            .link(FOLLOWED_TRACE_ID, FOLLOWED_SPAN_ID, true,
                new ExpectedTrace.Attribute("opentracing.ref_type", "follows_from"))
            // W3C flags sampled (0x01) and random trace ID (0x02); OTLP's "whether the parent
            // is remote is known" (0x100), and not remote.
            .flags(0x103)
            .build(),
        ExpectedTrace.Span.builder(child.getSpanId())
            .parent(root.getSpanId())
            .name("GET /cart")
            .kind("SERVER")
            .service(CART)
            .resourceAttribute("deployment.environment.name", "test")
            .resourceAttribute("process.pid", 4242L)
            .scope("cart-server", "2.0.0")
            .time(CHILD_START, CHILD_END)
            .attribute("http.route", "/cart")
            .event(CHILD_EVENT, "payment.failed")
            .status(ExpectedTrace.Status.error(ERROR_MESSAGE))
            .traceState("ariadne=1")
            // The same W3C flags, propagated; the parent is remote (0x100 | 0x200).
            .flags(0x303)
            .build()));
  }

  private static SdkTracerProvider provider(String service, SpanExporter exporter) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), service,
            AttributeKey.stringKey("deployment.environment.name"), "test",
            AttributeKey.longKey("process.pid"), 4242L)))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }

  private static final class MapGetter implements TextMapGetter<Map<String, String>> {
    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
