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
import dev.ariadne.model.Link;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ariadne's own SDK and OTLP exporter send a trace with a FollowsFrom reference; every field
 * arrives in storage as sent, the reference as a link marked follows-from.
 */
class AriadneSdkInteropTest {
  @RegisterExtension
  static final CollectorServer server = new CollectorServer();

  @Test
  void storesATraceExportedByTheAriadneSdk() throws Exception {
    InteropTrace.Sent sent = AriadneSdkClient.send(server.httpUri().toString());

    TraceId traceId = TraceId.fromHex(sent.traceId());
    Map<Long, Span> spans = server.memory.trace(traceId).stream()
        .collect(Collectors.toMap(Span::spanId, Function.identity()));
    assertThat(spans).hasSize(2);
    Span root = spans.get(Ids.spanIdFromHex(sent.rootSpanId()));
    Span child = spans.get(Ids.spanIdFromHex(sent.childSpanId()));

    assertThat(root.parentSpanId()).isZero();
    assertThat(root.name()).isEqualTo("GET /checkout");
    assertThat(root.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(root.startEpochNanos()).isEqualTo(ROOT_START);
    assertThat(root.endEpochNanos()).isEqualTo(ROOT_END);
    assertThat(root.serviceName()).isEqualTo(FRONTEND);
    // The SDK adds its telemetry.sdk.* attributes to the resource it is given.
    assertThat(root.resource().attributes()).extracting(Attribute::key).containsExactlyInAnyOrder(
        "service.name", "deployment.environment.name", "telemetry.sdk.name",
        "telemetry.sdk.language", "telemetry.sdk.version");
    assertThat(root.resource().attributes()).contains(
        Attribute.of("service.name", FRONTEND),
        Attribute.of("deployment.environment.name", "test"),
        Attribute.of("telemetry.sdk.name", "ariadne"),
        Attribute.of("telemetry.sdk.language", "java"));
    assertThat(root.scope()).isEqualTo(new Scope("checkout-instrumentation", "1.0.0", List.of()));
    assertThat(root.attributes()).containsExactlyInAnyOrder(
        Attribute.of("http.request.method", "GET"),
        Attribute.of("cache.hit", true),
        Attribute.of("http.response.status_code", 200L),
        Attribute.of("cart.total", 12.5),
        new Attribute("cart.items", new Value.Array(List.of(Value.of("book"), Value.of("pen")))),
        new Attribute("cart.gift", new Value.Array(List.of(Value.of(true), Value.of(false)))),
        new Attribute("cart.quantities", new Value.Array(List.of(Value.of(1L), Value.of(3L)))),
        new Attribute("cart.prices", new Value.Array(List.of(Value.of(10.0), Value.of(2.5)))));
    assertThat(root.events()).containsExactly(
        new Event(ROOT_EVENT, "cart.loaded", List.of(Attribute.of("cart.size", 2L)), 0));
    assertThat(root.links()).containsExactly(
        new Link(TraceId.fromHex(AriadneSdkClient.LINKED.getTraceId()),
            AriadneSdkClient.LINKED.getSpanIdAsLong(), "",
            List.of(Attribute.of("link.reason", "retry-of")), 0, false));
    assertThat(root.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(root.traceState()).isEmpty();
    assertThat(root.flags()).isEqualTo(0x101);

    assertThat(child.traceId()).isEqualTo(traceId);
    assertThat(child.parentSpanId()).isEqualTo(root.spanId());
    assertThat(child.name()).isEqualTo("GET /cart");
    assertThat(child.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(child.startEpochNanos()).isEqualTo(CHILD_START);
    assertThat(child.endEpochNanos()).isEqualTo(CHILD_END);
    assertThat(child.serviceName()).isEqualTo(CART);
    assertThat(child.scope()).isEqualTo(new Scope("cart-server", "2.0.0", List.of()));
    assertThat(child.attributes()).isEmpty();
    assertThat(child.events())
        .containsExactly(new Event(CHILD_EVENT, "payment.failed", List.of(), 0));
    assertThat(child.links()).containsExactly(
        new Link(TraceId.fromHex(AriadneSdkClient.FOLLOWED.getTraceId()),
            AriadneSdkClient.FOLLOWED.getSpanIdAsLong(), "",
            List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true));
    assertThat(child.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(child.statusMessage()).isEqualTo(InteropTrace.ERROR_MESSAGE);
    assertThat(child.traceState()).isEqualTo("ariadne=1");
    assertThat(child.flags()).isEqualTo(0x301);
    assertThat(server.count("spans.accepted", Protocol.OTLP_HTTP)).isEqualTo(2);
  }
}
