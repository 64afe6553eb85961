package dev.ariadne.server.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ariadne.server.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a trace by ID through each of the server's three query APIs. */
final class QueryClient {
  /** One answer: its status, headers and the body parsed as JSON. */
  record Answer(int status, HttpHeaders headers, JsonNode body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final LoopbackServer server;

  QueryClient(LoopbackServer server) {
    this.server = server;
  }

  /** {@code GET /api/v1/traces/{traceId}} on the query port. */
  Answer nativeTrace(String traceId) throws IOException, InterruptedException {
    return get(server.queryPort(), "/api/v1/traces/" + traceId);
  }

  /** {@code GET /api/traces/{traceID}} on the query port. */
  Answer jaegerTrace(String traceId) throws IOException, InterruptedException {
    return get(server.queryPort(), "/api/traces/" + traceId);
  }

  /** {@code GET /api/v2/trace/{traceId}} on the Zipkin port. */
  Answer zipkinTrace(String traceId) throws IOException, InterruptedException {
    return get(server.zipkinPort(), "/api/v2/trace/" + traceId);
  }

  private Answer get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(response.statusCode(), response.headers(),
        JsonAssert.MAPPER.readTree(response.body()));
  }
}
