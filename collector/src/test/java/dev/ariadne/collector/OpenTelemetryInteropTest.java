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
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenTelemetry Java SDK's own exporters send a trace over OTLP/HTTP and OTLP/gRPC (both
 * gzip); every field OTLP carries arrives in storage as sent.
 */
class OpenTelemetryInteropTest {
  @RegisterExtension
  static final CollectorServer server = new CollectorServer();

  @Test
  void storesATraceExportedOverOtlpHttp() {
    InteropTrace.Sent sent = OpenTelemetryClient.send(() -> OtlpHttpSpanExporter.builder()
        .setEndpoint(server.httpUri() + "/v1/traces")
        .setCompression("gzip")
        .build());

    assertStored(sent);
    assertThat(server.count("spans.accepted", Protocol.OTLP_HTTP)).isEqualTo(2);
  }

  @Test
  void storesATraceExportedOverOtlpGrpc() {
    InteropTrace.Sent sent = OpenTelemetryClient.send(() -> OtlpGrpcSpanExporter.builder()
        .setEndpoint(server.httpUri().toString())
        .setCompression("gzip")
        .build());

    assertStored(sent);
    assertThat(server.count("spans.accepted", Protocol.OTLP_GRPC)).isEqualTo(2);
  }

  static void assertStored(InteropTrace.Sent sent) {
    TraceId traceId = TraceId.fromHex(sent.traceId());
    Map<Long, Span> spans = server.memory.trace(traceId).stream()
        .collect(Collectors.toMap(Span::spanId, Function.identity()));
    assertThat(spans).hasSize(2);
    Span root = spans.get(Ids.spanIdFromHex(sent.rootSpanId()));
    Span child = spans.get(Ids.spanIdFromHex(sent.childSpanId()));

    assertThat(root.traceId()).isEqualTo(traceId);
    assertThat(root.parentSpanId()).isZero();
    assertThat(root.name()).isEqualTo("GET /checkout");
    assertThat(root.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(root.startEpochNanos()).isEqualTo(ROOT_START);
    assertThat(root.endEpochNanos()).isEqualTo(ROOT_END);
    assertThat(root.serviceName()).isEqualTo(FRONTEND);
    assertThat(root.resource().attributes()).containsExactlyInAnyOrder(
        Attribute.of("service.name", FRONTEND),
        Attribute.of("deployment.environment.name", "test"));
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
        new Link(TraceId.fromHex(OpenTelemetryClient.LINKED.getTraceId()),
            Ids.spanIdFromHex(OpenTelemetryClient.LINKED.getSpanId()), "",
            List.of(Attribute.of("link.reason", "retry-of")), 0, false),
        new Link(TraceId.fromHex(OpenTelemetryClient.FOLLOWED.getTraceId()),
            Ids.spanIdFromHex(OpenTelemetryClient.FOLLOWED.getSpanId()), "",
            List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true));
    assertThat(root.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(root.statusMessage()).isEmpty();
    assertThat(root.traceState()).isEmpty();
    // W3C flags sampled (0x01) and random trace ID (0x02); OTLP's bit "whether the parent is
    // remote is known" (0x100) set, "remote" (0x200) not.
    assertThat(root.flags()).isEqualTo(0x103);
    assertThat(root).extracting(Span::droppedAttributesCount, Span::droppedEventsCount,
        Span::droppedLinksCount).containsExactly(0, 0, 0);

    assertThat(child.traceId()).isEqualTo(traceId);
    assertThat(child.parentSpanId()).isEqualTo(root.spanId());
    assertThat(child.name()).isEqualTo("GET /cart");
    assertThat(child.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(child.startEpochNanos()).isEqualTo(CHILD_START);
    assertThat(child.endEpochNanos()).isEqualTo(CHILD_END);
    assertThat(child.serviceName()).isEqualTo(CART);
    assertThat(child.scope()).isEqualTo(new Scope("cart-server", "2.0.0", List.of()));
    assertThat(child.attributes()).isEmpty();
    assertThat(child.events()).containsExactly(
        new Event(CHILD_EVENT, "payment.failed", List.of(), 0));
    assertThat(child.links()).isEmpty();
    assertThat(child.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(child.statusMessage()).isEqualTo(InteropTrace.ERROR_MESSAGE);
    assertThat(child.traceState()).isEqualTo("ariadne=1");
    // The same W3C flags, propagated, and a remote parent (0x100 | 0x200).
    assertThat(child.flags()).isEqualTo(0x303);
  }
}
