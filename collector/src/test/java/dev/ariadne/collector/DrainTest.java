package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.jaegerProto;
import static dev.ariadne.collector.TestRequests.jaegerThrift;
import static dev.ariadne.collector.TestRequests.otlpProtobuf;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Code;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.ariadne.model.TraceId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import zipkin2.codec.SpanBytesEncoder;

/**
 * A draining collector refuses new requests at once with a retry hint, acknowledges the ones it
 * had taken once they are stored, and is drained as soon as none is left; closing it then answers
 * an upload still arriving 503 with a retry hint.
 */
class DrainTest {
  static final GatedStorage storage = new GatedStorage();

  @RegisterExtension
  static final CollectorServer server = new CollectorServer(storage, builder -> builder);

  /** A second collector, for the test that closes it. */
  @RegisterExtension
  static final CollectorServer closing = new CollectorServer();

  @Test
  void refusesNewRequestsWithARetryHintAndIsDrainedOnceTheRequestsTakenAreStored()
      throws Exception {
    storage.closeGate();
    TraceId taken = randomTraceId();
    CompletableFuture<AggregatedHttpResponse> inFlight =
        post("/v1/traces", MediaType.X_PROTOBUF, otlpProtobuf(taken, 1));
    storage.awaitWrite();

    server.collector().drain();
    AggregatedHttpResponse otlp =
        post("/v1/traces", MediaType.X_PROTOBUF, otlpProtobuf(randomTraceId(), 1))
            .get(5, TimeUnit.SECONDS);
    AggregatedHttpResponse zipkin = post("/api/v2/spans", MediaType.JSON,
        SpanBytesEncoder.JSON_V2.encodeList(
            List.of(ZipkinHttpReceiverTest.zipkinSpan(randomTraceId(), "a"))))
        .get(5, TimeUnit.SECONDS);
    AggregatedHttpResponse jaeger = post("/api/traces", JaegerThriftHttpReceiverTest.X_THRIFT,
        jaegerThrift(randomTraceId(), 1)).get(5, TimeUnit.SECONDS);
    GrpcResponse grpc = GrpcResponse.exportAsync(server, otlpProtobuf(randomTraceId(), 1))
        .get(5, TimeUnit.SECONDS);
    GrpcResponse jaegerGrpc = GrpcResponse.postSpansAsync(server, jaegerProto(randomTraceId(), 1))
        .get(5, TimeUnit.SECONDS);
    boolean drainedWhileWriting = server.collector().awaitDrained(Duration.ofMillis(50));
    storage.open();

    for (AggregatedHttpResponse refused : List.of(otlp, zipkin, jaeger)) {
      assertThat(refused.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
      assertThat(refused.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    }
    assertThat(zipkin.contentUtf8()).contains("stopping");
    for (GrpcResponse refused : List.of(grpc, jaegerGrpc)) {
      assertThat(refused.status()).isEqualTo(Code.UNAVAILABLE_VALUE);
      assertThat(refused.retryDelaySeconds()).isEqualTo(1);
    }
    assertThat(drainedWhileWriting).as("drained while a request was being written").isFalse();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).status()).isEqualTo(HttpStatus.OK);
    assertThat(server.collector().awaitDrained(Duration.ofSeconds(10))).isTrue();
    assertThat(storage.memory.trace(taken)).hasSize(1);
  }

  @Test
  void closingAnswersAnUploadStillArriving503WithRetryAfterAndStoresNothingOfIt()
      throws Exception {
    TraceId traceId = randomTraceId();
    try (StalledUpload upload = StalledUpload.start(closing.httpPort(), "/v1/traces",
        "application/x-protobuf", otlpProtobuf(traceId, 1))) {
      // The request is taken before the drain begins, so the drain waits for it.
      awaitInFlight();
      closing.collector().drain();
      assertThat(closing.collector().awaitDrained(Duration.ofMillis(100))).isFalse();
      CompletableFuture.runAsync(closing.collector()::close);

      StalledUpload.Answer answer = upload.answer(Duration.ofSeconds(5));
      upload.sendTheRest();

      assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
      assertThat(answer.headers()).containsEntry("retry-after", "1");
    }
    assertThat(closing.memory.trace(traceId)).isEmpty();
  }

  private static void awaitInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (closing.collector().inFlight() == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the upload never reached the collector");
      }
      Thread.sleep(5);
    }
  }

  private static CompletableFuture<AggregatedHttpResponse> post(
      String path, MediaType type, byte[] body) {
    return WebClient.of(server.httpUri())
        .execute(RequestHeaders.builder(HttpMethod.POST, path).contentType(type).build(), body)
        .aggregate();
  }
}
