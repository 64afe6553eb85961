package dev.ariadne.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.SplitHttpResponse;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A 50,000-span trace comes back whole from every API, streamed in bounded chunks. */
class LargeTraceTest {
  static final int SPAN_COUNT = 50_000;
  static final TraceId LARGE = new TraceId(0x7L, 0x7L);

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(SPAN_COUNT + 10);
    storage.write(QueryFixtures.large(LARGE, SPAN_COUNT));
    return storage;
  }

  @Test
  void streamsLargeTraceFromNativeApi() throws IOException {
    Streamed response = fetch("/api/v1/traces/" + LARGE.toHex());

    assertStreamed(response);
    JsonNode spans = QueryFixtures.MAPPER.readTree(response.body).get("spans");
    assertThat(spans).hasSize(SPAN_COUNT);
    assertThat(distinctIds(spans, "spanId")).isEqualTo(SPAN_COUNT);
  }

  @Test
  void streamsLargeTraceFromJaegerApi() throws IOException {
    Streamed response = fetch("/api/traces/" + LARGE.toHex());

    assertStreamed(response);
    JsonNode trace = QueryFixtures.MAPPER.readTree(response.body).get("data").get(0);
    assertThat(trace.get("spans")).hasSize(SPAN_COUNT);
    assertThat(distinctIds(trace.get("spans"), "spanID")).isEqualTo(SPAN_COUNT);
    assertThat(trace.get("processes")).hasSize(1);
  }

  @Test
  void streamsLargeTraceFromZipkinApi() throws IOException {
    Streamed response = fetch("/api/v2/trace/" + LARGE.toHex());

    assertStreamed(response);
    JsonNode spans = QueryFixtures.MAPPER.readTree(response.body);
    assertThat(spans).hasSize(SPAN_COUNT);
    assertThat(distinctIds(spans, "id")).isEqualTo(SPAN_COUNT);
  }

  @Test
  void answersSmallResponsesWholeWithContentLength() {
    Streamed response = fetch("/api/v1/services");

    assertThat(response.headers.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.headers.contentLength()).isEqualTo(response.body.length);
  }

  static void assertStreamed(Streamed response) {
    assertThat(response.headers.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.headers.contentLength())
        .as("a streamed response has no content length").isEqualTo(-1);
    assertThat(response.chunks).isGreaterThan(10);
    assertThat(response.largestChunk).isLessThanOrEqualTo(ResponseBody.CHUNK_SIZE);
  }

  /** The distinct span IDs in an array of spans. */
  static int distinctIds(JsonNode spans, String idField) {
    Set<String> ids = new HashSet<>();
    spans.forEach(span -> ids.add(span.get(idField).asText()));
    return ids.size();
  }

  static Streamed fetch(String path) {
    SplitHttpResponse response = WebClient.builder(server.httpUri())
        .maxResponseLength(0)
        .build()
        .get(path)
        .split();
    ResponseHeaders headers = response.headers().join();
    List<HttpData> chunks = response.body().collect().join();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int largest = 0;
    for (HttpData chunk : chunks) {
      body.writeBytes(chunk.array());
      largest = Math.max(largest, chunk.length());
    }
    return new Streamed(headers, body.toByteArray(), chunks.size(), largest);
  }

  record Streamed(ResponseHeaders headers, byte[] body, int chunks, int largestChunk) {}
}
