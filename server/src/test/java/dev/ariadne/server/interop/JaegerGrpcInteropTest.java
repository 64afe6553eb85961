package dev.ariadne.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.server.LoopbackServer;

/**
 * The Jaeger Java client's spans, with 128-bit trace IDs, go as Jaeger protobuf to 14250's {@code
 * jaeger.api_v2.CollectorService/PostSpans} through the {@link JaegerProtoSender}; the query APIs
 * answer the same trace as for Thrift, field for field.
 */
class JaegerGrpcInteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) throws Exception {
    String endpoint = "http://127.0.0.1:" + server.jaegerGrpcPort();
    ExpectedTrace sent = JaegerClient.send(() -> new JaegerProtoSender(endpoint), true);
    assertThat(sent.traceId()).hasSize(32);
    return sent;
  }
}
