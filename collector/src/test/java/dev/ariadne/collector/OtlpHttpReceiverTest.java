package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.gzip;
import static dev.ariadne.collector.TestRequests.otlpJson;
import static dev.ariadne.collector.TestRequests.otlpProtobuf;
import static dev.ariadne.collector.TestRequests.otlpRequest;
import static dev.ariadne.collector.TestRequests.otlpSpan;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import com.google.rpc.Status;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpRequestWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.stream.StreamMessage;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OtlpHttpReceiverTest {
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  @RegisterExtension
  static final CollectorServer server =
      new CollectorServer(builder -> builder.maxRequestBytes(MAX_REQUEST_BYTES));

  @Test
  void acceptsOtlpProtobuf() throws Exception {
    TraceId traceId = randomTraceId();
    AggregatedHttpResponse response = post(MediaType.X_PROTOBUF, null, otlpProtobuf(traceId, 1));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType()).isEqualTo(MediaType.X_PROTOBUF);
    assertThat(ExportTraceServiceResponse.parseFrom(response.content().array()))
        .isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
    assertThat(server.memory.trace(traceId)).singleElement().satisfies(span -> {
      assertThat(span.spanId()).isEqualTo(1);
      assertThat(span.serviceName()).isEqualTo("frontend");
      assertThat(span.name()).isEqualTo("GET /");
    });
  }

  @Test
  void acceptsOtlpJson() throws Exception {
    TraceId traceId = randomTraceId();
    AggregatedHttpResponse response =
        post(MediaType.JSON_UTF_8, null, otlpJson("cart", traceId, 1, 2));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentType().is(MediaType.JSON)).isTrue();
    assertThat(response.contentUtf8()).isEqualTo("{}");
    assertThat(server.memory.trace(traceId)).extracting(Span::serviceName)
        .containsExactly("cart", "cart");
  }

  @Test
  void acceptsGzippedOtlpProtobuf() throws Exception {
    TraceId traceId = randomTraceId();
    AggregatedHttpResponse response =
        post(MediaType.X_PROTOBUF, "gzip", gzip(otlpProtobuf(traceId, 7)));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(server.memory.trace(traceId)).extracting(Span::spanId).containsExactly(7L);
  }

  @Test
  void acceptsGzippedOtlpJson() throws Exception {
    TraceId traceId = randomTraceId();
    AggregatedHttpResponse response =
        post(MediaType.JSON, "gzip", gzip(otlpJson("cart", traceId, 3)));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(server.memory.trace(traceId)).extracting(Span::spanId).containsExactly(3L);
  }

  @Test
  void acceptsTheEmptyRequest() {
    assertThat(post(MediaType.X_PROTOBUF, null, new byte[0]).status()).isEqualTo(HttpStatus.OK);
  }

  @Test
  void answersPartialSuccessWhenSomeSpansAreBad() throws Exception {
    TraceId traceId = randomTraceId();
    byte[] body = otlpRequest("frontend", List.of(
        otlpSpan(traceId, 1, "good").build(),
        otlpSpan(traceId, 2, "no span ID").setSpanId(ByteString.EMPTY).build(),
        otlpSpan(traceId, 3, "ends before it starts").setEndTimeUnixNano(1).build()))
        .toByteArray();

    AggregatedHttpResponse response = post(MediaType.X_PROTOBUF, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    ExportTraceServiceResponse answer =
        ExportTraceServiceResponse.parseFrom(response.content().array());
    assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(answer.getPartialSuccess().getErrorMessage())
        .contains("resourceSpans[0].scopeSpans[0].spans[1].spanId: missing")
        .contains("0000000000000003: endTimeUnixNano 1 is before startTimeUnixNano");
    assertThat(server.memory.trace(traceId)).extracting(Span::name).containsExactly("good");
  }

  @Test
  void answersPartialSuccessInJson() {
    TraceId traceId = randomTraceId();
    byte[] body = new String(otlpJson("cart", traceId, 1, 0), UTF_8).getBytes(UTF_8);

    AggregatedHttpResponse response = post(MediaType.JSON, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(response.contentUtf8())
        .startsWith("{\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":\"")
        .contains("all zeros");
  }

  @Test
  void rejectsARequestWhoseSpansAreAllBadWith400() throws Exception {
    TraceId traceId = randomTraceId();
    byte[] body = otlpRequest("frontend", List.of(
        otlpSpan(traceId, 1, "ends before it starts").setEndTimeUnixNano(0).build()))
        .toByteArray();

    AggregatedHttpResponse response = post(MediaType.X_PROTOBUF, null, body);

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    Status status = Status.parseFrom(response.content().array());
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage()).contains("endTimeUnixNano 0 is before startTimeUnixNano");
    assertThat(server.memory.trace(traceId)).isEmpty();
  }

  @Test
  void rejectsMalformedProtobufWith400NamingTheProblem() throws Exception {
    AggregatedHttpResponse response =
        post(MediaType.X_PROTOBUF, null, "not protobuf at all".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(Status.parseFrom(response.content().array()).getMessage())
        .startsWith("OTLP protobuf: ");
  }

  @Test
  void rejectsTruncatedProtobuf() throws Exception {
    byte[] body = otlpProtobuf(randomTraceId(), 1);

    AggregatedHttpResponse response =
        post(MediaType.X_PROTOBUF, null, Arrays.copyOf(body, body.length - 5));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(Status.parseFrom(response.content().array()).getMessage())
        .startsWith("OTLP protobuf: ")
        .contains("truncated");
  }

  @Test
  void rejectsMalformedJsonWith400NamingThePlace() {
    AggregatedHttpResponse response =
        post(MediaType.JSON, null, "{\"resourceSpans\":[{\"scopeSpans\":7}]}".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8())
        .startsWith("{\"code\":3,\"message\":\"OTLP/JSON: ")
        .contains("scopeSpans");
  }

  @Test
  void rejectsHostilelyDeepJson() {
    String deep = "{\"resourceSpans\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";

    AggregatedHttpResponse response = post(MediaType.JSON, null, deep.getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.contentUtf8()).contains("OTLP/JSON");
  }

  @Test
  void rejectsABodyThatIsNotGzip() throws Exception {
    AggregatedHttpResponse response =
        post(MediaType.X_PROTOBUF, "gzip", otlpProtobuf(randomTraceId(), 1));

    assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(Status.parseFrom(response.content().array()).getMessage()).startsWith("gzip: ");
  }

  @Test
  void rejectsAWrongContentTypeWith415() {
    AggregatedHttpResponse response =
        post(MediaType.PLAIN_TEXT_UTF_8, null, "hello".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(response.contentUtf8()).isEqualTo(
        "Content-Type: text/plain; charset=utf-8 "
            + "(expected: application/x-protobuf or application/json)");
  }

  @Test
  void rejectsAMissingContentTypeWith415() {
    AggregatedHttpResponse response = post(null, null, otlpProtobuf(randomTraceId(), 1));

    assertThat(response.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(response.contentUtf8()).startsWith("Content-Type: missing (expected: ");
  }

  @Test
  void rejectsAnUnsupportedContentEncodingWith415() {
    AggregatedHttpResponse response = post(MediaType.X_PROTOBUF, "br", new byte[10]);

    assertThat(response.status()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    assertThat(response.contentUtf8())
        .isEqualTo("Content-Encoding: br (expected: gzip or identity)");
  }

  @Test
  void rejectsGet() {
    AggregatedHttpResponse response = server.blockingWebClient().get("/v1/traces");

    assertThat(response.status()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
    assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("POST");
  }

  @Test
  void rejectsAnOversizeBodyWith413NamingTheLimit() throws Exception {
    AggregatedHttpResponse response =
        post(MediaType.X_PROTOBUF, null, new byte[MAX_REQUEST_BYTES + 1]);

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(Status.parseFrom(response.content().array()).getMessage())
        .isEqualTo("request body of 65537 bytes is larger than maxRequestBytes (65536)");
  }

  @Test
  void rejectsAnOversizeStreamedBodyWith413NamingTheLimit() throws Exception {
    HttpRequestWriter request = HttpRequest.streaming(
        RequestHeaders.builder(HttpMethod.POST, "/v1/traces")
            .contentType(MediaType.X_PROTOBUF)
            .build());
    request.write(HttpData.wrap(new byte[MAX_REQUEST_BYTES]));
    request.write(HttpData.wrap(new byte[10]));
    request.close();

    AggregatedHttpResponse response = server.webClient().execute(request).aggregate().join();

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(Status.parseFrom(response.content().array()).getMessage())
        .isEqualTo("request body is larger than maxRequestBytes (65536)");
  }

  @Test
  void readsABodyStreamedInManySmallChunksWithoutADeclaredLength() {
    TraceId traceId = randomTraceId();
    List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
    for (int i = 1; i <= 600; i++) {
      spans.add(otlpSpan(traceId, i, "GET /").build());
    }
    byte[] body = otlpRequest("frontend", spans).toByteArray();
    assertThat(body.length).isBetween(32 << 10, MAX_REQUEST_BYTES);
    List<HttpData> chunks = new ArrayList<>();
    for (int at = 0; at < body.length; at += 1000) {
      chunks.add(HttpData.wrap(Arrays.copyOfRange(body, at, Math.min(at + 1000, body.length))));
    }
    HttpRequest request = HttpRequest.of(
        RequestHeaders.builder(HttpMethod.POST, "/v1/traces").contentType(MediaType.X_PROTOBUF).build(),
        StreamMessage.of(chunks.toArray(new HttpData[0])));

    AggregatedHttpResponse response = server.blockingWebClient().execute(request);

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(server.memory.trace(traceId)).hasSize(600)
        .extracting(Span::spanId).doesNotHaveDuplicates();
  }

  @Test
  void rejectsAGzipBombWith413NamingTheLimit() throws Exception {
    byte[] bomb = gzip(new byte[MAX_REQUEST_BYTES * 16]);
    assertThat(bomb.length).isLessThan(MAX_REQUEST_BYTES);

    AggregatedHttpResponse response = post(MediaType.X_PROTOBUF, "gzip", bomb);

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(Status.parseFrom(response.content().array()).getMessage())
        .isEqualTo("request body inflates to more than maxRequestBytes (65536 bytes)");
  }

  @Test
  void badRequestsLeaveOtherRequestsUnaffected() {
    List<CompletableFuture<AggregatedHttpResponse>> good = new ArrayList<>();
    List<CompletableFuture<AggregatedHttpResponse>> bad = new ArrayList<>();
    List<TraceId> traceIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      TraceId traceId = randomTraceId();
      traceIds.add(traceId);
      good.add(postAsync(MediaType.X_PROTOBUF, otlpProtobuf(traceId, 1)));
      bad.add(postAsync(MediaType.X_PROTOBUF, "\u0000garbage".getBytes(UTF_8)));
      bad.add(postAsync(MediaType.JSON, "{\"resourceSpans\":[".getBytes(UTF_8)));
    }

    assertThat(good).allSatisfy(f -> assertThat(f.join().status()).isEqualTo(HttpStatus.OK));
    assertThat(bad).allSatisfy(
        f -> assertThat(f.join().status()).isEqualTo(HttpStatus.BAD_REQUEST));
    assertThat(traceIds).allSatisfy(
        traceId -> assertThat(server.memory.trace(traceId)).hasSize(1));
  }

  @Test
  void countsSpansByProtocol() {
    double received = server.count("spans.received", Protocol.OTLP_HTTP);
    double accepted = server.count("spans.accepted", Protocol.OTLP_HTTP);
    double invalid = server.count("spans.invalid", Protocol.OTLP_HTTP);
    TraceId traceId = randomTraceId();

    post(MediaType.JSON, null, otlpJson("cart", traceId, 1, 0, 2));

    assertThat(server.count("spans.received", Protocol.OTLP_HTTP)).isEqualTo(received + 3);
    assertThat(server.count("spans.accepted", Protocol.OTLP_HTTP)).isEqualTo(accepted + 2);
    assertThat(server.count("spans.invalid", Protocol.OTLP_HTTP)).isEqualTo(invalid + 1);
    assertThat(server.registry.find("ariadne.collector.requests")
        .tag("receiver", "otlp_http").tag("outcome", "accepted").timer().count())
        .isPositive();
    assertThat(server.registry.find("ariadne.collector.storage.writes")
        .tag("outcome", "success").timer().count())
        .isPositive();
  }

  private static AggregatedHttpResponse post(MediaType type, String encoding, byte[] body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, "/v1/traces");
    if (type != null) {
      headers.contentType(type);
    }
    if (encoding != null) {
      headers.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
    }
    return server.blockingWebClient().execute(headers.build(), body);
  }

  private static CompletableFuture<AggregatedHttpResponse> postAsync(MediaType type, byte[] body) {
    return server.webClient()
        .execute(RequestHeaders.builder(HttpMethod.POST, "/v1/traces").contentType(type).build(),
            HttpData.wrap(body))
        .aggregate();
  }
}
