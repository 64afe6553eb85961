package dev.ariadne.collector;

import static dev.ariadne.collector.InteropTrace.CART;
import static dev.ariadne.collector.InteropTrace.CHILD_END;
import static dev.ariadne.collector.InteropTrace.CHILD_EVENT;
import static dev.ariadne.collector.InteropTrace.CHILD_START;
import static dev.ariadne.collector.InteropTrace.FRONTEND;
import static dev.ariadne.collector.InteropTrace.ROOT_END;
import static dev.ariadne.collector.InteropTrace.ROOT_EVENT;
import static dev.ariadne.collector.InteropTrace.ROOT_START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import io.jaegertracing.internal.JaegerSpanContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Jaeger Java client (jaeger-client 1.8.1, RemoteReporter with HttpSender) sends a trace to
 * {@code /api/traces} as binary Thrift; every field Jaeger Thrift carries arrives in storage as
 * sent. Jaeger has no scope, trace state or status message; its {@code error} tag becomes the
 * ERROR status, and the error's message stays in the log that carries it.
 */
class JaegerInteropTest {
  @RegisterExtension
  static final CollectorServer server = new CollectorServer();

  @Test
  void storesATraceWith128BitIdsReportedByHttpSender() throws Exception {
    double accepted = server.count("spans.accepted", Protocol.JAEGER_THRIFT);

    JaegerClient.Sent sent = JaegerClient.send(server.httpUri() + "/api/traces", true);

    assertThat(sent.root().getTraceIdHigh()).as("a 128-bit trace ID").isNotZero();
    assertStored(sent, server.memory);
    assertThat(server.count("spans.accepted", Protocol.JAEGER_THRIFT)).isEqualTo(accepted + 3);
  }

  @Test
  void storesATraceWith64BitIdsLeftPadded() throws Exception {
    JaegerClient.Sent sent = JaegerClient.send(server.httpUri() + "/api/traces", false);

    assertThat(sent.root().getTraceIdHigh()).isZero();
    assertStored(sent, server.memory);
  }

  /** {@code sent} is in {@code storage} as sent. */
  static void assertStored(JaegerClient.Sent sent, MemoryStorage storage) {
    assertThat(sent.reported()).as("spans the client reported as sent").isEqualTo(3);
    assertThat(sent.failed()).as("spans the client failed to send").isZero();
    assertThat(sent.headers()).containsOnlyKeys("uber-trace-id");

    JaegerSpanContext rootContext = sent.root();
    TraceId traceId = new TraceId(rootContext.getTraceIdHigh(), rootContext.getTraceIdLow());
    long rootId = rootContext.getSpanId();
    List<Span> spans = storage.trace(traceId);
    assertThat(spans).hasSize(3).allSatisfy(span -> {
      assertThat(span.traceId()).isEqualTo(traceId);
      assertThat(span.scope()).isEqualTo(Scope.UNKNOWN);
      assertThat(span.traceState()).isEmpty();
      assertThat(span.flags()).as("sampled").isEqualTo(1);
      assertThat(span.droppedAttributesCount()).isZero();
      assertThat(span.droppedEventsCount()).isZero();
      assertThat(span.droppedLinksCount()).isZero();
    });

    Span root = only(spans, rootId);
    assertThat(root.parentSpanId()).isZero();
    assertThat(root.name()).isEqualTo("GET /checkout");
    assertThat(root.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(root.startEpochNanos()).isEqualTo(ROOT_START);
    assertThat(root.endEpochNanos()).isEqualTo(ROOT_END);
    assertProcess(root.resource(), FRONTEND, sent.frontendTags());
    assertThat(root.attributes()).containsExactlyInAnyOrder(
        Attribute.of("http.method", "GET"),
        Attribute.of("cart.items", 3L),
        Attribute.of("cart.total", 19.99),
        Attribute.of("user.premium", true),
        Attribute.of("sampler.type", "const"),
        Attribute.of("sampler.param", true));
    assertThat(root.events()).containsExactly(
        new Event(ROOT_EVENT, "cart.loaded", List.of(Attribute.of("items", 3L)), 0));
    assertThat(root.links()).isEmpty();
    assertThat(root.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(root.statusMessage()).isEmpty();

    Span child = only(spans, sent.child().getSpanId());
    assertThat(child.parentSpanId()).isEqualTo(rootId);
    assertThat(child.name()).isEqualTo("GET /cart");
    assertThat(child.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(child.startEpochNanos()).isEqualTo(CHILD_START);
    assertThat(child.endEpochNanos()).isEqualTo(CHILD_END);
    assertProcess(child.resource(), CART, sent.cartTags());
    assertThat(child.attributes()).containsExactly(Attribute.of("http.status_code", 402L));
    assertThat(child.events()).containsExactly(new Event(CHILD_EVENT, "error",
        List.of(Attribute.of("message", InteropTrace.ERROR_MESSAGE)), 0));
    assertThat(child.links()).isEmpty();
    assertThat(child.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(child.statusMessage()).isEmpty();

    Span receipt = only(spans, sent.receipt().getSpanId());
    assertThat(receipt.parentSpanId()).as("the follows-from is the parent").isEqualTo(rootId);
    assertThat(receipt.name()).isEqualTo("send receipt");
    assertThat(receipt.kind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(receipt.startEpochNanos()).isEqualTo(JaegerClient.RECEIPT_START);
    assertThat(receipt.endEpochNanos()).isEqualTo(JaegerClient.RECEIPT_END);
    assertThat(receipt.resource()).isEqualTo(root.resource());
    assertThat(receipt.attributes()).isEmpty();
    assertThat(receipt.events()).isEmpty();
    assertThat(receipt.links()).containsExactly(new Link(traceId, rootId, "",
        List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true));
    assertThat(receipt.statusCode()).isEqualTo(StatusCode.UNSET);
  }

  /**
   * The process: its name first, then the tracer's tags, which are the one it was given and the
   * ones the client adds (its version, the host's name and IP), all strings.
   */
  private static void assertProcess(Resource resource, String service, Map<String, Object> tags) {
    assertThat(tags).containsEntry("deployment", "test")
        .containsEntry("jaeger.version", "Java-1.8.1")
        .containsKeys("hostname", "ip")
        .hasSize(4);
    List<Attribute> expected = new ArrayList<>();
    tags.forEach((key, value) -> expected.add(Attribute.of(key, (String) value)));
    assertThat(resource.serviceName()).isEqualTo(service);
    assertThat(resource.droppedAttributesCount()).isZero();
    assertThat(resource.attributes()).first().isEqualTo(Attribute.of("service.name", service));
    assertThat(resource.attributes()).hasSize(5).containsAll(expected);
  }

  private static Span only(List<Span> spans, long spanId) {
    return spans.stream()
        .filter(span -> span.spanId() == spanId)
        .reduce((a, b) -> {
          throw new AssertionError("two spans with ID " + Long.toHexString(spanId));
        })
        .orElseThrow(() -> new AssertionError("no span " + Long.toHexString(spanId)));
  }
}
