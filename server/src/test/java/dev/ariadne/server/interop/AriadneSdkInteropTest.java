package dev.ariadne.server.interop;

import dev.ariadne.server.LoopbackServer;

/** Ariadne's own SDK exports OTLP/HTTP protobuf (gzip) with its own exporter. */
class AriadneSdkInteropTest extends InteropTest {
  @Override
  ExpectedTrace send(LoopbackServer server) throws Exception {
    return AriadneSdkClient.send("http://127.0.0.1:" + server.otlpHttpPort());
  }
}
