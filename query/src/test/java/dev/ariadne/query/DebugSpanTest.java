package dev.ariadne.query;

import static dev.ariadne.query.QueryFixtures.get;
import static dev.ariadne.query.QueryFixtures.json;
import static dev.ariadne.storage.TestSpans.TODAY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.jaeger.JaegerThriftDecoder;
import dev.ariadne.model.zipkin.ZipkinDecoder;
import dev.ariadne.storage.memory.MemoryStorage;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.Span;
import java.util.List;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A debug span, marked so by its client, reads as debug in both APIs that have the mark, whichever
 * protocol it came in: Zipkin's {@code "debug": true} and Jaeger's flag 2.
 */
class DebugSpanTest {
  private static final String ZIPKIN_TRACE = "00000000000000000000000000000d01";
  private static final String JAEGER_TRACE = "00000000000000000000000000000d02";
  private static final long MICROS = TODAY / 1_000;

  @RegisterExtension
  static final ServerExtension server = QueryFixtures.server(storage());

  private static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(100);
    try {
      storage.write(ZipkinDecoder.JSON_V2.decode(("[{\"traceId\":\"" + ZIPKIN_TRACE + "\","
          + "\"id\":\"0000000000000001\",\"name\":\"get /cart\",\"timestamp\":" + MICROS + ","
          + "\"duration\":1000,\"localEndpoint\":{\"serviceName\":\"cart\"},\"debug\":true}]")
          .getBytes(UTF_8)).spans());
      Span jaeger = new Span(0xd02L, 0, 1, 0, "GET /cart", 0x1 | 0x2, MICROS, 1_000);
      storage.write(JaegerThriftDecoder.BINARY.decode(new TSerializer(new TBinaryProtocol.Factory())
          .serialize(new Batch(new Process("cart"), List.of(jaeger)))).spans());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return storage;
  }

  @Test
  void zipkinShowsADebugSpanFromZipkinOrJaegerAsDebug() {
    for (String traceId : List.of(ZIPKIN_TRACE, JAEGER_TRACE)) {
      JsonNode span = json(get(server, "/api/v2/trace/" + traceId)).get(0);

      assertThat(span.path("debug").asBoolean()).as(traceId).isTrue();
      assertThat(span.has("tags")).as("no debug tag beside the field").isFalse();
    }
  }

  @Test
  void jaegerShowsADebugSpanFromZipkinOrJaegerWithTheDebugFlag() {
    JsonNode zipkin = json(get(server, "/api/traces/" + ZIPKIN_TRACE)).get("data").get(0);
    JsonNode jaeger = json(get(server, "/api/traces/" + JAEGER_TRACE))
        .get("data").get(0);

    assertThat(zipkin.get("spans").get(0).get("flags").asInt()).as("debug, not sampled")
        .isEqualTo(2);
    assertThat(jaeger.get("spans").get(0).get("flags").asInt()).as("sampled and debug")
        .isEqualTo(3);
  }
}
