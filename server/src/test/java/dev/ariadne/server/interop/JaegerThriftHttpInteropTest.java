package dev.ariadne.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.server.LoopbackServer;
import io.jaegertracing.thrift.internal.senders.HttpSender;

/**
 * The Jaeger Java client reports binary Thrift with its default 64-bit trace IDs to 14268's {@code
 * POST /api/traces}, with its HttpSender.
 */
class JaegerThriftHttpInteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) throws Exception {
    String endpoint = "http://127.0.0.1:" + server.jaegerThriftHttpPort() + "/api/traces";
    ExpectedTrace sent = JaegerClient.send(() -> new HttpSender.Builder(endpoint).build(), false);
    assertThat(sent.traceId()).hasSize(16);
    return sent;
  }
}
