package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.jaegerProto;
import static dev.ariadne.collector.TestRequests.otlpProtobuf;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Code;
import dev.ariadne.model.TraceId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import zipkin2.codec.SpanBytesEncoder;

/**
 * A slow upload is answered as the collector is unavailable, which OTLP exporters retry, not with
 * the web server's 408 or gRPC's {@code DEADLINE_EXCEEDED}, which they drop; and nothing of it is
 * stored, even if the rest arrives.
 */
class RequestTimeoutTest {
  @RegisterExtension
  static final CollectorServer server = CollectorServer.withRequestTimeout(Duration.ofMillis(500));

  @Test
  void anOtlpUploadWhoseBodyStallsIsAnswered503WithRetryAfterAndNothingIsStored()
      throws Exception {
    TraceId traceId = randomTraceId();
    try (StalledUpload upload = StalledUpload.start(server.httpPort(), "/v1/traces",
        "application/x-protobuf", otlpProtobuf(traceId, 1))) {
      StalledUpload.Answer answer = upload.answer(Duration.ofSeconds(30));
      upload.sendTheRest();

      assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
      assertThat(answer.headers()).containsEntry("retry-after", "1");
      assertThat(answer.body()).contains("collector.request-timeout");
    }
    assertThat(server.memory.trace(traceId)).isEmpty();
  }

  @Test
  void aZipkinUploadWhoseBodyStallsIsAnswered503WithRetryAfterAndNothingIsStored()
      throws Exception {
    TraceId traceId = randomTraceId();
    byte[] body = SpanBytesEncoder.JSON_V2.encodeList(
        List.of(ZipkinHttpReceiverTest.zipkinSpan(traceId, "a")));
    try (StalledUpload upload =
        StalledUpload.start(server.httpPort(), "/api/v2/spans", "application/json", body)) {
      StalledUpload.Answer answer = upload.answer(Duration.ofSeconds(30));
      upload.sendTheRest();

      assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
      assertThat(answer.headers()).containsEntry("retry-after", "1");
    }
    assertThat(server.memory.trace(traceId)).isEmpty();
  }

  @Test
  void anOtlpGrpcUploadWhoseMessageStallsIsAnsweredUnavailableWithARetryHintAndNothingIsStored()
      throws Exception {
    TraceId traceId = randomTraceId();
    GrpcResponse.Stalled upload =
        GrpcResponse.stall(server, GrpcResponse.EXPORT, otlpProtobuf(traceId, 1));
    GrpcResponse answer = upload.answer().get(30, TimeUnit.SECONDS);
    upload.sendTheRest();

    assertThat(answer.status()).isEqualTo(Code.UNAVAILABLE_VALUE);
    assertThat(answer.message()).contains("request timeout");
    assertThat(answer.retryDelaySeconds()).isEqualTo(1);
    assertThat(server.memory.trace(traceId)).isEmpty();
  }

  @Test
  void aJaegerGrpcUploadWhoseMessageStallsIsAnsweredUnavailableWithARetryHintAndNothingIsStored()
      throws Exception {
    TraceId traceId = randomTraceId();
    GrpcResponse.Stalled upload =
        GrpcResponse.stall(server, GrpcResponse.POST_SPANS, jaegerProto(traceId, 1));
    GrpcResponse answer = upload.answer().get(30, TimeUnit.SECONDS);
    upload.sendTheRest();

    assertThat(answer.status()).isEqualTo(Code.UNAVAILABLE_VALUE);
    assertThat(answer.retryDelaySeconds()).isEqualTo(1);
    assertThat(server.memory.trace(traceId)).isEmpty();
  }
}
