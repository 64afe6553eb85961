package dev.ariadne.collector;

import static dev.ariadne.collector.InteropTrace.CHILD_END;
import static dev.ariadne.collector.InteropTrace.CHILD_EVENT;
import static dev.ariadne.collector.InteropTrace.CHILD_START;
import static dev.ariadne.collector.InteropTrace.ROOT_END;
import static dev.ariadne.collector.InteropTrace.ROOT_EVENT;
import static dev.ariadne.collector.InteropTrace.ROOT_START;

import brave.Span;
import brave.Tracing;
import brave.propagation.TraceContextOrSamplingFlags;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Sends the {@link InteropTrace} with Brave and zipkin-reporter, the Zipkin way: the frontend's
 * root span makes a CLIENT span, whose B3 headers the cart joins with a SERVER span of the same ID
 * (a shared span). The root is marked debug, which B3 propagates.
 */
final class BraveClient {
  static final String FRONTEND_IP = "10.0.0.1";
  static final int FRONTEND_PORT = 8081;
  static final String CART_IP = "10.0.0.2";
  static final int CART_PORT = 8082;
  /** The frontend's CLIENT span starts and ends 1 ms around the cart's SERVER span. */
  static final long CLIENT_START = CHILD_START - InteropTrace.MILLIS;
  static final long CLIENT_END = CHILD_END + InteropTrace.MILLIS;

  private BraveClient() {}

  /** Sends the trace to {@code endpoint}; {@code childSpanId} is the shared span's ID. */
  static InteropTrace.Sent send(String endpoint, Encoding encoding, boolean traceId128Bit)
      throws IOException {
    try (BytesMessageSender sender =
            URLConnectionSender.newBuilder().endpoint(endpoint).encoding(encoding).build();
        AsyncZipkinSpanHandler handler = AsyncZipkinSpanHandler.create(sender);
        Tracing frontend = tracing(InteropTrace.FRONTEND, FRONTEND_IP, FRONTEND_PORT,
            traceId128Bit, handler);
        Tracing cart = tracing(InteropTrace.CART, CART_IP, CART_PORT, traceId128Bit, handler)) {
      Span root = frontend.tracer().nextSpan(TraceContextOrSamplingFlags.DEBUG)
          .name("GET /checkout")
          .kind(Span.Kind.SERVER)
          .tag("http.method", "GET")
          .tag("http.path", "/checkout");
      root.start(micros(ROOT_START));
      root.annotate(micros(ROOT_EVENT), "cart.loaded");

      Span client = frontend.tracer().newChild(root.context())
          .name("GET /cart")
          .kind(Span.Kind.CLIENT)
          .remoteServiceName(InteropTrace.CART);
      client.remoteIpAndPort(CART_IP, CART_PORT);
      client.start(micros(CLIENT_START));

      // frontend calls cart: the context travels in B3 headers.
      Map<String, String> headers = new HashMap<>();
      frontend.propagation().<Map<String, String>>injector(Map::put)
          .inject(client.context(), headers);
      TraceContextOrSamplingFlags extracted =
          cart.propagation().<Map<String, String>>extractor(Map::get).extract(headers);

      Span server = cart.tracer().joinSpan(extracted.context())
          .name("GET /cart")
          .kind(Span.Kind.SERVER);
      server.start(micros(CHILD_START));
      server.annotate(micros(CHILD_EVENT), "payment.failed");
      server.error(new IllegalStateException(InteropTrace.ERROR_MESSAGE));
      server.finish(micros(CHILD_END));
      client.finish(micros(CLIENT_END));
      root.finish(micros(ROOT_END));

      handler.flush();
      return new InteropTrace.Sent(root.context().traceIdString(), root.context().spanIdString(),
          server.context().spanIdString());
    }
  }

  private static Tracing tracing(String service, String ip, int port, boolean traceId128Bit,
      AsyncZipkinSpanHandler handler) {
    return Tracing.newBuilder()
        .localServiceName(service)
        .localIp(ip)
        .localPort(port)
        .traceId128Bit(traceId128Bit)
        .addSpanHandler(handler)
        .build();
  }

  private static long micros(long epochNanos) {
    return epochNanos / 1000;
  }
}
