package dev.ariadne.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.server.LoopbackServer;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import java.util.concurrent.TimeUnit;

/**
 * The Jaeger Java client reports compact Thrift with 128-bit trace IDs to the agent's UDP port
 * 6831, with its UdpSender, the default of every Jaeger client. Nothing answers a datagram, so
 * the trace is read once all three spans are stored.
 */
class JaegerUdpInteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) throws Exception {
    int port = server.jaegerCompactPort();
    ExpectedTrace sent = JaegerClient.send(() -> new UdpSender("127.0.0.1", port, 0), true);
    assertThat(sent.traceId()).hasSize(32);

    QueryClient query = new QueryClient(server);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (query.jaegerTrace(sent.traceId()).body().path("data").path(0).path("spans").size()
        < 3) {
      assertThat(System.nanoTime()).as("the trace is stored in time").isLessThan(deadline);
      Thread.sleep(10);
    }
    return sent;
  }
}
