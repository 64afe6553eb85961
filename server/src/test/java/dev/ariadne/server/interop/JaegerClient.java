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
import static dev.ariadne.server.interop.InteropTrace.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerSpanContext;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.metrics.InMemoryMetricsFactory;
import io.jaegertracing.internal.metrics.Metrics;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.spi.Sender;
import io.opentracing.References;
import io.opentracing.propagation.Format;
import io.opentracing.propagation.TextMapAdapter;
import io.opentracing.tag.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends the {@link InteropTrace} with the Jaeger Java client (jaeger-client 1.8.1), the Jaeger
 * way: each service has its own tracer, whose RemoteReporter hands the finished spans to a {@link
 * Sender}; the frontend's root span crosses to the cart in the client's own {@code uber-trace-id}
 * header, and a third span in the frontend, "send receipt", follows from the root (Jaeger's
 * FOLLOWS_FROM reference, which the client also makes the span's parent).
 *
 * <p>What the client cannot carry, and the expectation therefore leaves out: bytes, arrays and
 * maps (its tags are strings, booleans and numbers, sent as Jaeger's STRING, BOOL, INT64 and
 * FLOAT64), links other than references, the instrumentation scope, trace state, a status message
 * (its {@code error} tag is a flag: the message stays in the log that tells it) and time below a
 * microsecond. What it adds: the sampler's tags on the root span, and process tags naming its
 * version, the host and its IP.
 */
final class JaegerClient {
  /** The follows-from span: "send receipt" in the frontend, 70..90 ms. */
  static final long RECEIPT_START = START + 70 * MILLIS;
  static final long RECEIPT_END = START + 90 * MILLIS;

  /** Makes one tracer's sender. */
  interface Senders {
    Sender create() throws Exception;
  }

  private JaegerClient() {}

  /** Sends the trace through senders from {@code senders}, one per service. */
  static ExpectedTrace send(Senders senders, boolean traceId128Bit) throws Exception {
    InMemoryMetricsFactory frontendMetrics = new InMemoryMetricsFactory();
    InMemoryMetricsFactory cartMetrics = new InMemoryMetricsFactory();
    Map<String, String> headers = new HashMap<>();
    JaegerSpan root;
    JaegerSpan child;
    JaegerSpan receipt;
    Map<String, Object> frontendTags;
    Map<String, Object> cartTags;
    try (JaegerTracer frontend =
            tracer(FRONTEND, senders.create(), traceId128Bit, frontendMetrics);
        JaegerTracer cart = tracer(CART, senders.create(), traceId128Bit, cartMetrics)) {
      frontendTags = new HashMap<>(frontend.tags());
      cartTags = new HashMap<>(cart.tags());
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
      child.log(micros(CHILD_EVENT), Map.of("event", "error", "message", ERROR_MESSAGE));
      child.finish(micros(CHILD_END));

      receipt = frontend.buildSpan("send receipt")
          .addReference(References.FOLLOWS_FROM, root.context())
          .withStartTimestamp(micros(RECEIPT_START))
          .start();
      receipt.finish(micros(RECEIPT_END));
      root.finish(micros(ROOT_END));
    } // closing a tracer closes its reporter, which flushes its sender

    assertThat(headers).as("the propagation headers").containsOnlyKeys("uber-trace-id");
    assertThat(reported(frontendMetrics, "ok") + reported(cartMetrics, "ok"))
        .as("spans the client reported as sent").isEqualTo(3);
    assertThat(reported(frontendMetrics, "err") + reported(cartMetrics, "err"))
        .as("spans the client failed to send").isZero();
    return expected(root.context(), child.context(), receipt.context(), frontendTags, cartTags);
  }

  private static ExpectedTrace expected(JaegerSpanContext root, JaegerSpanContext child,
      JaegerSpanContext receipt, Map<String, Object> frontendTags, Map<String, Object> cartTags) {
    String traceId = root.getTraceIdHigh() == 0
        ? hex(root.getTraceIdLow())
        : hex(root.getTraceIdHigh()) + hex(root.getTraceIdLow());
    String rootId = hex(root.getSpanId());
    return new ExpectedTrace(traceId, List.of(
        process(ExpectedTrace.Span.builder(rootId), FRONTEND, frontendTags)
            .name("GET /checkout")
            .kind("SERVER")
            .time(ROOT_START, ROOT_END)
            .attribute("http.method", "GET")
            .attribute("cart.items", 3L)
            .attribute("cart.total", 19.99)
            .attribute("user.premium", true)
            // The client tags a root span with its sampling decision.
            .attribute("sampler.type", "const")
            .attribute("sampler.param", true)
            .event(ROOT_EVENT, "cart.loaded", new ExpectedTrace.Attribute("items", 3L))
            .flags(1)
            .build(),
        process(ExpectedTrace.Span.builder(hex(child.getSpanId())), CART, cartTags)
            .parent(rootId)
            .name("GET /cart")
            .kind("SERVER")
            .time(CHILD_START, CHILD_END)
            .attribute("http.status_code", 402L)
            .event(CHILD_EVENT, "error", new ExpectedTrace.Attribute("message", ERROR_MESSAGE))
            // error=true is the ERROR status; Jaeger has no field for its message.
            .status(ExpectedTrace.Status.error(""))
            .flags(1)
            .build(),
        process(ExpectedTrace.Span.builder(hex(receipt.getSpanId())), FRONTEND, frontendTags)
            .parent(rootId)
            .name("send receipt")
            // No span.kind tag: an in-process span.
            .kind("INTERNAL")
            .time(RECEIPT_START, RECEIPT_END)
            .link(traceId, rootId, true,
                new ExpectedTrace.Attribute("opentracing.ref_type", "follows_from"))
            .flags(1)
            .build()));
  }

  /**
   * The tracer's process: its service, and its tags, which are the one it was given and the ones
   * the client adds (its version, the host's name and IP), all strings.
   */
  private static ExpectedTrace.SpanBuilder process(
      ExpectedTrace.SpanBuilder span, String service, Map<String, Object> tags) {
    assertThat(tags).containsEntry("deployment", "test")
        .containsEntry("jaeger.version", "Java-1.8.1")
        .containsKeys("hostname", "ip")
        .hasSize(4);
    span.service(service);
    tags.forEach((key, value) -> span.resourceAttribute(key, (String) value));
    return span;
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

  private static String hex(long id) {
    return String.format("%016x", id);
  }

  private static long micros(long epochNanos) {
    return epochNanos / 1000;
  }
}
