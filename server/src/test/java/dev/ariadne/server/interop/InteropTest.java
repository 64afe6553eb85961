package dev.ariadne.server.interop;

import dev.ariadne.server.LoopbackServer;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One real client against the real all-in-one server: the subclass sends the {@link InteropTrace}
 * once, with its client, to a server of its own on free loopback ports, and says what it sent
 * as an {@link ExpectedTrace}; each test reads the trace back through one query API and checks
 * every field in that API's shape. One server and one trace per class keeps the run short.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InteropTest {
  private LoopbackServer server;
  private QueryClient query;
  private ExpectedTrace sent;

  /** Sends the trace with the client under test and answers what was sent. */
  abstract ExpectedTrace send(LoopbackServer server) throws Exception;

  @BeforeAll
  void startTheServerAndSendTheTrace() throws Exception {
    server = LoopbackServer.start();
    query = new QueryClient(server);
    sent = send(server);
  }

  @AfterAll
  void stopTheServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theNativeApiAnswersEveryFieldTheClientSent() throws Exception {
    NativeApiAssertions.assertAnswersTrace(query.nativeTrace(sent.traceId()), sent);
  }

  @Test
  void theJaegerApiAnswersTheTraceInJaegersShape() throws Exception {
    JaegerApiAssertions.assertAnswersTrace(query.jaegerTrace(sent.traceId()), sent);
  }

  @Test
  void theZipkinApiAnswersTheTraceInZipkinsShape() throws Exception {
    ZipkinApiAssertions.assertAnswersTrace(query.zipkinTrace(sent.traceId()), sent);
  }
}
