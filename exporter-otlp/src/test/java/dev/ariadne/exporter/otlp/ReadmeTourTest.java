package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.Scope;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.Tracer;
import dev.ariadne.sdk.SdkTracerProvider;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import dev.ariadne.sdk.propagation.Propagators;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's five-minute tour, run against a real HTTP server standing in for the collector. */
class ReadmeTourTest {

  @Test
  void theTourSendsTheServerSpanWithItsCallersTraceAndInjectsItsOwnContext() throws Exception {
    try (CollectorServer collector = CollectorServer.start()) {
      collector.otherwiseAnswer(CollectorServer.Answer.ok());
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .setResource(Resource.create(Attributes.of(Resource.SERVICE_NAME, "checkout")))
              .addSpanProcessor(
                  BatchSpanProcessor.builder(
                          OtlpHttpSpanExporter.builder().setEndpoint(collector.baseUrl()).build())
                      .build())
              .build();
      Tracer tracer = provider.get("com.example.checkout", "1.0");
      TextMapPropagator propagator = Propagators.w3cTraceContext();
      Map<String, List<String>> headers =
          Map.of("Traceparent", List.of("00-7bba9f33312b3dbb8b2c2c62bb7abe2d-086e83747d0e381e-01"));
      Map<String, List<String>> outgoingHeaders = new HashMap<>();

      Context incoming = propagator.extract(Context.current(), headers, Carriers.httpHeadersGetter());
      Span span =
          tracer.spanBuilder("POST /cart").setParent(incoming).setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope scope = span.makeCurrent()) {
        span.setAttribute("http.request.method", "POST");
        span.addEvent("cart.validated");
        propagator.inject(Context.current(), outgoingHeaders, Carriers.httpHeadersSetter());
        throw new IllegalStateException("out of stock");
      } catch (RuntimeException e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, e.getMessage());
      } finally {
        span.end();
      }
      provider.shutdown().join();

      ResourceSpans sent = collector.takeRequest().decode().getResourceSpans(0);
      assertThat(sent.getResource().getAttributesList())
          .anySatisfy(a -> {
            assertThat(a.getKey()).isEqualTo("service.name");
            assertThat(a.getValue().getStringValue()).isEqualTo("checkout");
          });
      io.opentelemetry.proto.trace.v1.Span server = sent.getScopeSpans(0).getSpans(0);
      assertThat(server.getName()).isEqualTo("POST /cart");
      assertThat(server.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(hex(server.getTraceId().toByteArray())).isEqualTo("7bba9f33312b3dbb8b2c2c62bb7abe2d");
      assertThat(hex(server.getParentSpanId().toByteArray())).isEqualTo("086e83747d0e381e");
      assertThat(server.getEventsList()).extracting(e -> e.getName())
          .containsExactly("cart.validated", "exception");
      assertThat(server.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(server.getStatus().getMessage()).isEqualTo("out of stock");
      assertThat(outgoingHeaders.get("traceparent"))
          .containsExactly(
              "00-7bba9f33312b3dbb8b2c2c62bb7abe2d-" + hex(server.getSpanId().toByteArray()) + "-01");
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) b.append(String.format("%02x", x));
    return b.toString();
  }
}
