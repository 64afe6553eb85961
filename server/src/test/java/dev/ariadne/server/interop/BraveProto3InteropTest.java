package dev.ariadne.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.server.LoopbackServer;
import zipkin2.reporter.Encoding;

/**
 * Brave reports Zipkin v2 proto3 with 64-bit trace IDs to 9411's {@code /api/v2/spans}: the
 * native API shows the ID left-padded to 32 digits, Jaeger and Zipkin as the client sent it.
 */
class BraveProto3InteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) throws Exception {
    ExpectedTrace sent = BraveClient.send(
        "http://127.0.0.1:" + server.zipkinPort() + "/api/v2/spans", Encoding.PROTO3, false);
    assertThat(sent.traceId()).hasSize(16);
    return sent;
  }
}
