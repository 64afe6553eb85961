package dev.ariadne.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.server.LoopbackServer;
import zipkin2.reporter.Encoding;

/** Brave reports Zipkin v2 JSON with 128-bit trace IDs to 9411's {@code /api/v2/spans}. */
class BraveJsonInteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) throws Exception {
    ExpectedTrace sent = BraveClient.send(
        "http://127.0.0.1:" + server.zipkinPort() + "/api/v2/spans", Encoding.JSON, true);
    assertThat(sent.traceId()).hasSize(32);
    return sent;
  }
}
