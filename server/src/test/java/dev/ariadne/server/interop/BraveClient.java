package dev.ariadne.server.interop;

import static dev.ariadne.server.interop.InteropTrace.CART;
import static dev.ariadne.server.interop.InteropTrace.CHILD_END;
import static dev.ariadne.server.interop.InteropTrace.CHILD_EVENT;
import static dev.ariadne.server.interop.InteropTrace.CHILD_START;
import static dev.ariadne.server.interop.InteropTrace.ERROR_MESSAGE;
import static dev.ariadne.server.interop.InteropTrace.FRONTEND;
import static dev.ariadne.server.interop.InteropTrace.MILLIS;
import static dev.ariadne.server.interop.InteropTrace.ROOT_END;
import static dev.ariadne.server.interop.InteropTrace.ROOT_EVENT;
import static dev.ariadne.server.interop.InteropTrace.ROOT_START;

import brave.Span;
import brave.Tracing;
import brave.propagation.TraceContext;
import brave.propagation.TraceContextOrSamplingFlags;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Sends the {@link InteropTrace} with Brave and zipkin-reporter, the Zipkin way: the frontend's
 * root span makes a CLIENT span, whose B3 headers the cart joins with a SERVER span of the same ID
 * (a shared span), so the trace has three spans. The root is marked debug, which B3 propagates.
 *
 * <p>What Zipkin v2 cannot carry, and the expectation therefore leaves out: typed attributes
 * (tags are strings: a status code, a flag or a price arrive as text), arrays, bytes and maps,
 * event attributes, links and FollowsFrom (Zipkin has no references but the parent), the
 * instrumentation scope, trace state, W3C flags and time below a microsecond. Zipkin lower-cases
 * span names. What it carries beyond the other protocols: endpoints (kept as resource and {@code
 * peer.service} / {@code network.peer.*} attributes) and the debug and shared flags (kept as
 * {@code zipkin.debug} / {@code zipkin.shared}).
 */
final class BraveClient {
  static final String FRONTEND_IP = "10.0.0.1";
  static final long FRONTEND_PORT = 8081;
  static final String CART_IP = "10.0.0.2";
  static final long CART_PORT = 8082;
  /** The frontend's CLIENT span starts and ends 1 ms around the cart's SERVER span. */
  static final long CLIENT_START = CHILD_START - MILLIS;
  static final long CLIENT_END = CHILD_END + MILLIS;

  private BraveClient() {}

  /** Sends the trace to {@code endpoint} ({@code .../api/v2/spans}) in {@code encoding}. */
  static ExpectedTrace send(String endpoint, Encoding encoding, boolean traceId128Bit)
      throws IOException {
    try (BytesMessageSender sender =
            URLConnectionSender.newBuilder().endpoint(endpoint).encoding(encoding).build();
        // No timer thread: the spans leave when the test flushes, all in one message.
        AsyncZipkinSpanHandler handler = AsyncZipkinSpanHandler.newBuilder(sender)
            .messageTimeout(0, TimeUnit.MILLISECONDS)
            .build();
        Tracing frontend = tracing(FRONTEND, FRONTEND_IP, FRONTEND_PORT, traceId128Bit, handler);
        Tracing cart = tracing(CART, CART_IP, CART_PORT, traceId128Bit, handler)) {
      Span root = frontend.tracer().nextSpan(TraceContextOrSamplingFlags.DEBUG)
          .name("GET /checkout")
          .kind(Span.Kind.SERVER)
          .tag("http.request.method", "GET")
          .tag("http.response.status_code", "200")
          .tag("cache.hit", "true")
          .tag("cart.total", "12.5");
      root.start(micros(ROOT_START));
      root.annotate(micros(ROOT_EVENT), "cart.loaded");

      Span client = frontend.tracer().newChild(root.context())
          .name("GET /cart")
          .kind(Span.Kind.CLIENT)
          .remoteServiceName(CART);
      client.remoteIpAndPort(CART_IP, (int) CART_PORT);
      client.start(micros(CLIENT_START));

      // frontend calls cart: the context travels in B3 headers.
      Map<String, String> headers = new HashMap<>();
      frontend.propagation().<Map<String, String>>injector(Map::put)
          .inject(client.context(), headers);
      TraceContextOrSamplingFlags extracted =
          cart.propagation().<Map<String, String>>extractor(Map::get).extract(headers);

      Span server = cart.tracer().joinSpan(extracted.context())
          .name("GET /cart")
          .kind(Span.Kind.SERVER)
          .tag("http.route", "/cart");
      server.start(micros(CHILD_START));
      server.annotate(micros(CHILD_EVENT), "payment.failed");
      server.error(new IllegalStateException(ERROR_MESSAGE));
      server.finish(micros(CHILD_END));
      client.finish(micros(CLIENT_END));
      root.finish(micros(ROOT_END));

      handler.flush();
      return expected(root.context(), server.context());
    }
  }

  private static ExpectedTrace expected(TraceContext root, TraceContext shared) {
    return new ExpectedTrace(root.traceIdString(), List.of(
        ExpectedTrace.Span.builder(root.spanIdString())
            .name("get /checkout") // Zipkin lower-cases span names
            .kind("SERVER")
            .service(FRONTEND)
            // The local endpoint.
            .resourceAttribute("host.ip", List.of(FRONTEND_IP))
            .resourceAttribute("network.local.port", FRONTEND_PORT)
            .time(ROOT_START, ROOT_END)
            // Zipkin tags are strings: the status code, flag and price arrive as text.
            .attribute("http.request.method", "GET")
            .attribute("http.response.status_code", "200")
            .attribute("cache.hit", "true")
            .attribute("cart.total", "12.5")
            .attribute("zipkin.debug", true)
            // An annotation is a name: no event attributes. No links: Zipkin has no references.
            .event(ROOT_EVENT, "cart.loaded")
            .build(),
        ExpectedTrace.Span.builder(shared.spanIdString())
            .parent(root.spanIdString())
            .name("get /cart")
            .kind("CLIENT")
            .service(FRONTEND)
            .resourceAttribute("host.ip", List.of(FRONTEND_IP))
            .resourceAttribute("network.local.port", FRONTEND_PORT)
            .time(CLIENT_START, CLIENT_END)
            // The remote endpoint.
            .attribute("peer.service", CART)
            .attribute("network.peer.address", CART_IP)
            .attribute("network.peer.port", CART_PORT)
            .attribute("zipkin.debug", true)
            .build(),
        // The cart's half of the shared span: the same ID as the CLIENT span, the same parent.
        ExpectedTrace.Span.builder(shared.spanIdString())
            .parent(root.spanIdString())
            .name("get /cart")
            .kind("SERVER")
            .service(CART)
            .resourceAttribute("host.ip", List.of(CART_IP))
            .resourceAttribute("network.local.port", CART_PORT)
            .time(CHILD_START, CHILD_END)
            .attribute("http.route", "/cart")
            .attribute("zipkin.shared", true)
            .attribute("zipkin.debug", true)
            .event(CHILD_EVENT, "payment.failed")
            // Brave's error tag, the exception's message, is the status.
            .status(ExpectedTrace.Status.error(ERROR_MESSAGE))
            // No scope, trace state or flags: Zipkin v2 has no field for them.
            .build()));
  }

  private static Tracing tracing(String service, String ip, long port, boolean traceId128Bit,
      AsyncZipkinSpanHandler handler) {
    return Tracing.newBuilder()
        .localServiceName(service)
        .localIp(ip)
        .localPort((int) port)
        .traceId128Bit(traceId128Bit)
        .addSpanHandler(handler)
        .build();
  }

  private static long micros(long epochNanos) {
    return epochNanos / 1000;
  }
}
