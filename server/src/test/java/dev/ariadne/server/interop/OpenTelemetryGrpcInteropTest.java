package dev.ariadne.server.interop;

import dev.ariadne.server.LoopbackServer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;

/** The OpenTelemetry Java SDK exports over OTLP/gRPC (gzip) to port 4317's receiver. */
class OpenTelemetryGrpcInteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) {
    return OpenTelemetryClient.send(() -> OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + server.otlpGrpcPort())
        .setCompression("gzip")
        .build());
  }
}
