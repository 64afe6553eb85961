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
import dev.ariadne.model.Ids;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import zipkin2.reporter.Encoding;

/**
 * Brave with zipkin-reporter sends a trace to {@code /api/v2/spans} in JSON (128-bit trace IDs)
 * and in proto3 (64-bit trace IDs); every field Zipkin v2 carries arrives in storage as sent.
 * Zipkin has no links, scope, trace state or typed tags, and lower-cases span names.
 */
class BraveInteropTest {
  @RegisterExtension
  static final CollectorServer server = new CollectorServer();

  @Test
  void storesATraceReportedInZipkinJson() throws Exception {
    InteropTrace.Sent sent =
        BraveClient.send(server.httpUri() + "/api/v2/spans", Encoding.JSON, true);

    assertThat(sent.traceId()).hasSize(32);
    assertStored(sent);
    assertThat(server.count("spans.accepted", Protocol.ZIPKIN_JSON)).isEqualTo(3);
  }

  @Test
  void storesATraceReportedInZipkinProto3() throws Exception {
    InteropTrace.Sent sent =
        BraveClient.send(server.httpUri() + "/api/v2/spans", Encoding.PROTO3, false);

    assertThat(sent.traceId()).hasSize(16);
    assertStored(sent);
    assertThat(server.count("spans.accepted", Protocol.ZIPKIN_PROTO3)).isEqualTo(3);
  }

  static void assertStored(InteropTrace.Sent sent) {
    TraceId traceId = TraceId.fromHex(sent.traceId());
    long rootId = Ids.spanIdFromHex(sent.rootSpanId());
    long sharedId = Ids.spanIdFromHex(sent.childSpanId());
    List<Span> spans = server.memory.trace(traceId);
    assertThat(spans).hasSize(3).allSatisfy(span -> {
      assertThat(span.traceId()).isEqualTo(traceId);
      assertThat(span.scope()).isEqualTo(Scope.UNKNOWN);
      assertThat(span.links()).isEmpty();
      assertThat(span.traceState()).isEmpty();
      assertThat(span.flags()).isZero();
      assertThat(span.attributes()).contains(Attribute.of("zipkin.debug", true));
    });
    Span root = only(spans, rootId, SpanKind.SERVER);
    Span client = only(spans, sharedId, SpanKind.CLIENT);
    Span server = only(spans, sharedId, SpanKind.SERVER);

    assertThat(root.parentSpanId()).isZero();
    assertThat(root.name()).isEqualTo("get /checkout");
    assertThat(root.startEpochNanos()).isEqualTo(ROOT_START);
    assertThat(root.endEpochNanos()).isEqualTo(ROOT_END);
    assertThat(root.resource()).isEqualTo(resource(FRONTEND, BraveClient.FRONTEND_IP,
        BraveClient.FRONTEND_PORT));
    assertThat(root.attributes()).containsExactlyInAnyOrder(
        Attribute.of("http.method", "GET"),
        Attribute.of("http.path", "/checkout"),
        Attribute.of("zipkin.debug", true));
    assertThat(root.events()).containsExactly(new Event(ROOT_EVENT, "cart.loaded", List.of(), 0));
    assertThat(root.statusCode()).isEqualTo(StatusCode.UNSET);

    assertThat(client.parentSpanId()).isEqualTo(rootId);
    assertThat(client.name()).isEqualTo("get /cart");
    assertThat(client.startEpochNanos()).isEqualTo(BraveClient.CLIENT_START);
    assertThat(client.endEpochNanos()).isEqualTo(BraveClient.CLIENT_END);
    assertThat(client.serviceName()).isEqualTo(FRONTEND);
    assertThat(client.attributes()).containsExactlyInAnyOrder(
        Attribute.of("peer.service", CART),
        Attribute.of("network.peer.address", BraveClient.CART_IP),
        Attribute.of("network.peer.port", (long) BraveClient.CART_PORT),
        Attribute.of("zipkin.debug", true));
    assertThat(client.statusCode()).isEqualTo(StatusCode.UNSET);

    assertThat(server.parentSpanId()).isEqualTo(rootId);
    assertThat(server.name()).isEqualTo("get /cart");
    assertThat(server.startEpochNanos()).isEqualTo(CHILD_START);
    assertThat(server.endEpochNanos()).isEqualTo(CHILD_END);
    assertThat(server.resource())
        .isEqualTo(resource(CART, BraveClient.CART_IP, BraveClient.CART_PORT));
    assertThat(server.attributes()).containsExactlyInAnyOrder(
        Attribute.of("zipkin.shared", true),
        Attribute.of("zipkin.debug", true));
    assertThat(server.events())
        .containsExactly(new Event(CHILD_EVENT, "payment.failed", List.of(), 0));
    assertThat(server.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(server.statusMessage()).isEqualTo(InteropTrace.ERROR_MESSAGE);
  }

  private static Span only(List<Span> spans, long spanId, SpanKind kind) {
    return spans.stream()
        .filter(span -> span.spanId() == spanId && span.kind() == kind)
        .reduce((a, b) -> {
          throw new AssertionError("two " + kind + " spans with ID " + Ids.toHex(spanId));
        })
        .orElseThrow(() -> new AssertionError("no " + kind + " span " + Ids.toHex(spanId)));
  }

  private static Resource resource(String service, String ip, int port) {
    return new Resource(service, List.of(
        Attribute.of("service.name", service),
        new Attribute("host.ip", new Value.Array(List.of(Value.of(ip)))),
        Attribute.of("network.local.port", (long) port)), 0);
  }
}
