package dev.ariadne.collector;

import static dev.ariadne.collector.InteropTrace.CHILD_END;
import static dev.ariadne.collector.InteropTrace.CHILD_EVENT;
import static dev.ariadne.collector.InteropTrace.CHILD_START;
import static dev.ariadne.collector.InteropTrace.MILLIS;
import static dev.ariadne.collector.InteropTrace.ROOT_END;
import static dev.ariadne.collector.InteropTrace.ROOT_EVENT;
import static dev.ariadne.collector.InteropTrace.ROOT_START;
import static dev.ariadne.collector.InteropTrace.START;

import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerSpanContext;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.metrics.InMemoryMetricsFactory;
import io.jaegertracing.internal.metrics.Metrics;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.spi.Sender;
import io.jaegertracing.thrift.internal.senders.HttpSender;
import io.opentracing.References;
import io.opentracing.propagation.Format;
import io.opentracing.propagation.TextMapAdapter;
import io.opentracing.tag.Tags;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends the {@link InteropTrace} with the Jaeger Java client, the Jaeger way: each service has its
 * own tracer whose RemoteReporter hands Thrift batches to a {@link Sender} (HttpSender posts them,
 * UdpSender sends them as the agent's datagrams); the frontend's root span
 * crosses to the cart in the client's own {@code uber-trace-id} header, and a third span in the
 * frontend follows from the root.
 */
final class JaegerClient {
  /** The follows-from span: "send receipt" in the frontend, 70..90 ms. */
  static final long RECEIPT_START = START + 70 * MILLIS;
  static final long RECEIPT_END = START + 90 * MILLIS;

  /**
   * The IDs the client chose, the headers that carried the context, each tracer's process tags,
   * and what its reporters counted.
   */
  record Sent(
      JaegerSpanContext root,
      JaegerSpanContext child,
      JaegerSpanContext receipt,
      Map<String, String> headers,
      Map<String, Object> frontendTags,
      Map<String, Object> cartTags,
      long reported,
      long failed) {}

  /** Makes one tracer's sender. */
  interface Senders {
    Sender create() throws Exception;
  }

  private JaegerClient() {}

  /**
   * Sends the trace with HttpSender to {@code endpoint}, such as {@code
   * http://127.0.0.1:14268/api/traces}.
   */
  static Sent send(String endpoint, boolean traceId128Bit) throws Exception {
    return send(() -> new HttpSender.Builder(endpoint).build(), traceId128Bit);
  }

  /** Sends the trace through senders from {@code senders}, one per service. */
  static Sent send(Senders senders, boolean traceId128Bit) throws Exception {
    InMemoryMetricsFactory frontendMetrics = new InMemoryMetricsFactory();
    InMemoryMetricsFactory cartMetrics = new InMemoryMetricsFactory();
    Map<String, String> headers = new HashMap<>();
    JaegerSpan root;
    JaegerSpan child;
    JaegerSpan receipt;
    Map<String, Object> frontendTags;
    Map<String, Object> cartTags;
    try (JaegerTracer frontend =
            tracer(InteropTrace.FRONTEND, senders.create(), traceId128Bit, frontendMetrics);
        JaegerTracer cart =
            tracer(InteropTrace.CART, senders.create(), traceId128Bit, cartMetrics)) {
      frontendTags = Map.copyOf(frontend.tags());
      cartTags = Map.copyOf(cart.tags());
      root = frontend.buildSpan("GET /checkout")
          .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_SERVER)
          .withTag("http.method", "GET")
          .withTag("cart.items", 3L)
          .withTag("cart.total", 19.99)
          .withTag("user.premium", true)
          .withStartTimestamp(micros(ROOT_START))
          .start();
      root.log(micros(ROOT_EVENT), Map.of("event", "cart.loaded", "items", 3L));

      // frontend calls cart: the context travels in the client's HTTP headers.
      frontend.inject(root.context(), Format.Builtin.HTTP_HEADERS, new TextMapAdapter(headers));
      JaegerSpanContext extracted =
          cart.extract(Format.Builtin.HTTP_HEADERS, new TextMapAdapter(new HashMap<>(headers)));

      child = cart.buildSpan("GET /cart")
          .asChildOf(extracted)
          .withTag(Tags.SPAN_KIND.getKey(), Tags.SPAN_KIND_SERVER)
          .withTag(Tags.HTTP_STATUS.getKey(), 402)
          .withStartTimestamp(micros(CHILD_START))
          .start();
      child.setTag(Tags.ERROR.getKey(), true);
      child.log(micros(CHILD_EVENT),
          Map.of("event", "error", "message", InteropTrace.ERROR_MESSAGE));
      child.finish(micros(CHILD_END));

      receipt = frontend.buildSpan("send receipt")
          .addReference(References.FOLLOWS_FROM, root.context())
          .withStartTimestamp(micros(RECEIPT_START))
          .start();
      receipt.finish(micros(RECEIPT_END));
      root.finish(micros(ROOT_END));
    } // closing a tracer closes its reporter, which flushes its sender
    return new Sent(root.context(), child.context(), receipt.context(), headers,
        frontendTags, cartTags,
        reported(frontendMetrics, "ok") + reported(cartMetrics, "ok"),
        reported(frontendMetrics, "err") + reported(cartMetrics, "err"));
  }

  /** The spans a tracer's reporter counted with {@code result}: ok (sent) or err (failed). */
  private static long reported(InMemoryMetricsFactory metrics, String result) {
    return metrics.getCounter("jaeger_tracer_reporter_spans", "result=" + result);
  }

  private static JaegerTracer tracer(String service, Sender sender, boolean traceId128Bit,
      InMemoryMetricsFactory metricsFactory) {
    Metrics metrics = new Metrics(metricsFactory);
    JaegerTracer.Builder builder = new JaegerTracer.Builder(service)
        .withReporter(new RemoteReporter.Builder()
            .withSender(sender)
            .withMetrics(metrics)
            .build())
        .withSampler(new ConstSampler(true))
        .withMetrics(metrics)
        .withTag("deployment", "test");
    return traceId128Bit ? builder.withTraceId128Bit().build() : builder.build();
  }

  private static long micros(long epochNanos) {
    return epochNanos / 1000;
  }
}
