package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.gzip;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

class ZipkinHttpReceiverTest {
  @RegisterExtension
  static final CollectorServer server = new CollectorServer();

  static Span zipkinSpan(TraceId traceId, String id) {
    return Span.newBuilder()
        .traceId(traceId.toHex())
        .id(id)
        .name("get /cart")
        .kind(Span.Kind.SERVER)
        .localEndpoint(Endpoint.newBuilder().serviceName("cart").ip("10.0.0.7").port(8080).build())
        .timestamp(TestRequests.START / 1000)
        .duration(1500)
        .putTag("http.path", "/cart")
        .build();
  }

  @Test
  void acceptsZipkinJson() {
    TraceId traceId = randomTraceId();
    byte[] body = SpanBytesEncoder.JSON_V2.encodeList(List.of(zipkinSpan(traceId, "a")));

    AggregatedHttpResponse response = post(MediaType.JSON, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(response.content().isEmpty()).isTrue();
    assertThat(server.memory.trace(traceId)).singleElement().satisfies(span -> {
      assertThat(span.spanId()).isEqualTo(0xa);
      assertThat(span.serviceName()).isEqualTo("cart");
      assertThat(span.kind()).isEqualTo(SpanKind.SERVER);
      assertThat(span.durationNanos()).isEqualTo(1_500_000);
    });
  }

  @Test
  void acceptsZipkinProto3() {
    TraceId traceId = randomTraceId();
    byte[] body = SpanBytesEncoder.PROTO3.encodeList(
        List.of(zipkinSpan(traceId, "a"), zipkinSpan(traceId, "b")));

    AggregatedHttpResponse response = post(MediaType.X_PROTOBUF, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(server.memory.trace(traceId)).hasSize(2);
    assertThat(server.count("spans.accepted", Protocol.ZIPKIN_PROTO3)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void acceptsGzippedZipkinJson() {
    TraceId traceId = randomTraceId();
    byte[] body = SpanBytesEncoder.JSON_V2.encodeList(List.of(zipkinSpan(traceId, "a")));

    AggregatedHttpResponse response = post(MediaType.JSON, "gzip", gzip(body));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(server.memory.trace(traceId)).hasSize(1);
  }

  @Test
  void readsABodyWithoutContentTypeAsJsonAsZipkinDoes() {
    TraceId traceId = randomTraceId();
    byte[] body = SpanBytesEncoder.JSON_V2.encodeList(List.of(zipkinSpan(traceId, "a")));

    assertThat(post(null, null, body).status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(server.memory.trace(traceId)).hasSize(1);
  }

  @Test
  void acceptsTheGoodSpansAndNamesTheRejectedOnes() {
    TraceId traceId = randomTraceId();
    String body = "[" + new String(SpanBytesEncoder.JSON_V2.encode(zipkinSpan(traceId, "a")), UTF_8)
        + ",{\"traceId\":\"" + traceId.toHex() + "\",\"id\":\"b\",\"name\":\"no timestamp\"}]";

    AggregatedHttpResponse response = post(MediaType.JSON, null, body.getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(response.contentUtf8()).startsWith("accepted 1 span, rejected 1: ")
        .contains("timestamp");
    assertThat(server.memory.trace(traceId)).hasSize(1);
  }

  @Test
  void rejectsMalformedJsonWith400NamingTheProblem() {
    AggregatedHttpResponse response =
        post(MediaType.JSON, null, "[{\"traceId\":\"zz\"}]".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentType()).isEqualTo(MediaType.PLAIN_TEXT_UTF_8);
    assertThat(response.contentUtf8()).startsWith("Zipkin v2 JSON: ");
  }

  @Test
  void rejectsTruncatedProto3() {
    byte[] body = SpanBytesEncoder.PROTO3.encodeList(List.of(zipkinSpan(randomTraceId(), "a")));

    AggregatedHttpResponse response =
        post(MediaType.X_PROTOBUF, null, Arrays.copyOf(body, body.length - 3));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).startsWith("Zipkin proto3: ");
  }

  @Test
  void rejectsZipkinV1ThriftWith415() {
    AggregatedHttpResponse response =
        post(MediaType.parse("application/x-thrift"), null, new byte[] {12, 0});

    assertThat(response.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(response.contentUtf8()).isEqualTo("Content-Type: application/x-thrift "
        + "(expected: application/json or application/x-protobuf)");
  }

  private static AggregatedHttpResponse post(MediaType type, String encoding, byte[] body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, "/api/v2/spans");
    if (type != null) {
      headers.contentType(type);
    }
    if (encoding != null) {
      headers.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
    }
    return server.blockingWebClient().execute(headers.build(), body);
  }
}
