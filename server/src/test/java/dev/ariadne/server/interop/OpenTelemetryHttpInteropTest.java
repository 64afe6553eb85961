package dev.ariadne.server.interop;

import dev.ariadne.server.LoopbackServer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;

/** The OpenTelemetry Java SDK exports OTLP/HTTP protobuf (gzip) to 4318's {@code /v1/traces}. */
class OpenTelemetryHttpInteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) {
    return OpenTelemetryClient.send(() -> OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + server.otlpHttpPort() + "/v1/traces")
        .setCompression("gzip")
        .build());
  }
}
