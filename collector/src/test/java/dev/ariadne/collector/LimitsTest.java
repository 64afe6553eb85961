package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.otlpRequest;
import static dev.ariadne.collector.TestRequests.otlpSpan;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static dev.ariadne.collector.TestRequests.stringAttribute;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Absurd attributes are cut down to the configured limits, counted, and the span is kept. */
class LimitsTest {
  @RegisterExtension
  static final CollectorServer server = new CollectorServer(
      builder -> builder.maxAttributes(2).maxAttributeValueLength(32));

  @Test
  void truncatesAndCountsAttributesOverTheLimits() {
    TraceId traceId = randomTraceId();
    byte[] body = otlpRequest("frontend", List.of(otlpSpan(traceId, 1, "GET /")
        .addAttributes(stringAttribute("http.request.method", "GET"))
        .addAttributes(stringAttribute("url.full", "https://example.com/" + "a".repeat(100_000)))
        .addAttributes(stringAttribute("dropped", "x"))
        .build()))
        .toByteArray();

    AggregatedHttpResponse response = post(body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.attributes()).containsExactly(
        Attribute.of("http.request.method", "GET"),
        Attribute.of("url.full", "https://example.com/" + "a".repeat(12)));
    assertThat(span.droppedAttributesCount()).isEqualTo(1);
    assertThat(server.count("attributes.dropped", Protocol.OTLP_HTTP)).isEqualTo(1);
    assertThat(server.count("attributes.truncated", Protocol.OTLP_HTTP)).isEqualTo(1);
  }

  /**
   * A span named after its request (a SQL statement, a URL) keeps the first 1,024 characters of
   * its name: storage lists names and analytics keys its series by them, and 1,000 such names of
   * 100,000 characters ran a 256 MiB server out of heap, at every start after.
   */
  @Test
  void cutsAndCountsNamesPastTheNameLimit() {
    TraceId traceId = randomTraceId();
    String sql = "SELECT * FROM orders WHERE id IN (" + "1, ".repeat(50_000) + "2)";
    byte[] body = otlpRequest("frontend", List.of(otlpSpan(traceId, 1, sql).build()))
        .toByteArray();

    AggregatedHttpResponse response = post(body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(server.memory.trace(traceId).get(0).name())
        .isEqualTo(sql.substring(0, Validator.MAX_NAME_LENGTH));
    assertThat(server.count("names.truncated", Protocol.OTLP_HTTP)).isEqualTo(1);
    assertThat(server.count("attributes.truncated", Protocol.OTLP_HTTP)).isZero();
  }

  /**
   * A trace state keeps what W3C Trace Context allows, 32 list members and 512 characters, cut at
   * a member: 50 spans with trace states of 3.9 MB, in one request each, ran a server with a 256 MiB
   * heap out of memory.
   */
  @Test
  void cutsAndCountsTraceStatesPastW3CLimitsAtListMembers() {
    TraceId traceId = randomTraceId();
    StringBuilder traceState = new StringBuilder("vendor=" + "x".repeat(200));
    for (int i = 0; i < 100_000; i++) {
      traceState.append(",v").append(i).append("=abcdef");
    }
    byte[] body = otlpRequest("frontend", List.of(otlpSpan(traceId, 1, "GET /")
        .setTraceState(traceState.toString())
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                13, 14, 15, 16}))
            .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
            .setTraceState("vendor=" + "y".repeat(600)))
        .build()))
        .toByteArray();

    AggregatedHttpResponse response = post(body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    Span span = server.memory.trace(traceId).get(0);
    assertThat(span.traceState().length()).isLessThanOrEqualTo(TraceStateLimit.MAX_LENGTH);
    StringBuilder expected = new StringBuilder("v0=abcdef");
    for (int i = 1; i < 32; i++) {
      expected.append(",v").append(i).append("=abcdef");
    }
    assertThat(span.traceState()).as("the long first member goes first, then 32 members are kept")
        .isEqualTo(expected.toString());
    assertThat(span.links()).singleElement().extracting(Link::traceState)
        .as("no member boundary brings it within 512 characters").isEqualTo("");
    assertThat(server.count("trace.states.truncated", Protocol.OTLP_HTTP)).isEqualTo(2);
  }

  private static AggregatedHttpResponse post(byte[] otlpProtobuf) {
    return server.blockingWebClient().execute(
        RequestHeaders.builder(HttpMethod.POST, "/v1/traces")
            .contentType(MediaType.X_PROTOBUF)
            .build(),
        otlpProtobuf);
  }
}
