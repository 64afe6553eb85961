package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.jaegerProto;
import static dev.ariadne.collector.TestRequests.jaegerThrift;
import static dev.ariadne.collector.TestRequests.otlpProtobuf;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Code;
import com.google.rpc.Status;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.ariadne.model.TraceId;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import zipkin2.codec.SpanBytesEncoder;

/** A 2xx / OK answer means Storage.write returned for the request's spans; nothing earlier. */
class AcknowledgementTest {
  static final GatedStorage storage = new GatedStorage();

  @RegisterExtension
  static final CollectorServer server = new CollectorServer(storage, builder -> builder);

  @AfterEach
  void reset() {
    storage.failWith(null);
    storage.open();
  }

  @Test
  void answersOnlyAfterTheWriteReturned() throws Exception {
    storage.closeGate();
    TraceId traceId = randomTraceId();
    CompletableFuture<AggregatedHttpResponse> response =
        post("/v1/traces", MediaType.X_PROTOBUF, otlpProtobuf(traceId, 1));
    CompletableFuture<AggregatedHttpResponse> jaeger =
        post("/api/traces", JaegerThriftHttpReceiverTest.X_THRIFT, jaegerThrift(traceId, 2));
    CompletableFuture<GrpcResponse> jaegerGrpc =
        GrpcResponse.postSpansAsync(server, jaegerProto(traceId, 3));
    storage.awaitWrite();
    Thread.sleep(200);

    assertThat(response).isNotDone();
    assertThat(jaeger).isNotDone();
    assertThat(jaegerGrpc).isNotDone();
    storage.open();

    assertThat(response.get(10, TimeUnit.SECONDS).status()).isEqualTo(HttpStatus.OK);
    assertThat(jaeger.get(10, TimeUnit.SECONDS).status()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(jaegerGrpc.get(10, TimeUnit.SECONDS).status())
        .isEqualTo(io.grpc.Status.Code.OK.value());
    assertThat(storage.trace(traceId)).hasSize(3);
  }

  @Test
  void answers503WithRetryAfterWhenTheWriteFailsAndStoresNothing() throws Exception {
    storage.failWith(new IOException("disk full"));
    TraceId traceId = randomTraceId();
    double failed = server.count("spans.failed", Protocol.OTLP_HTTP);
    double accepted = server.count("spans.accepted", Protocol.OTLP_HTTP);
    Timer failedWrites = server.registry.get("ariadne.collector.storage.writes")
        .tag("outcome", "error").timer();
    long failedWritesBefore = failedWrites.count();

    AggregatedHttpResponse otlp =
        post("/v1/traces", MediaType.X_PROTOBUF, otlpProtobuf(traceId, 1)).get();
    AggregatedHttpResponse zipkin = post("/api/v2/spans", MediaType.JSON,
        SpanBytesEncoder.JSON_V2.encodeList(
            List.of(ZipkinHttpReceiverTest.zipkinSpan(traceId, "b"))))
        .get();
    GrpcResponse grpc = GrpcResponse.export(server, otlpProtobuf(traceId, 3));
    AggregatedHttpResponse jaeger = post("/api/traces", JaegerThriftHttpReceiverTest.X_THRIFT,
        jaegerThrift(traceId, 4)).get();
    GrpcResponse jaegerGrpc = GrpcResponse.postSpans(server, jaegerProto(traceId, 5));

    assertThat(otlp.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(otlp.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    Status status = Status.parseFrom(otlp.content().array());
    assertThat(status.getCode()).isEqualTo(Code.UNAVAILABLE_VALUE);
    assertThat(status.getMessage()).isEqualTo("storage failed; nothing was stored");
    assertThat(zipkin.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(zipkin.contentUtf8()).isEqualTo("storage failed; nothing was stored");
    assertThat(grpc.status()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE.value());
    assertThat(grpc.retryDelaySeconds()).isEqualTo(1);
    assertThat(jaeger.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(jaeger.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    assertThat(jaeger.contentUtf8()).isEqualTo("storage failed; nothing was stored");
    assertThat(jaegerGrpc.status()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE.value());
    assertThat(jaegerGrpc.message()).isEqualTo("storage failed; nothing was stored");
    assertThat(jaegerGrpc.retryDelaySeconds()).isEqualTo(1);
    assertThat(storage.trace(traceId)).isEmpty();
    assertThat(server.count("spans.failed", Protocol.OTLP_HTTP)).isEqualTo(failed + 1);
    assertThat(server.count("spans.accepted", Protocol.OTLP_HTTP)).isEqualTo(accepted);
    assertThat(failedWrites.count()).isEqualTo(failedWritesBefore + 5);
  }

  private static CompletableFuture<AggregatedHttpResponse> post(
      String path, MediaType type, byte[] body) {
    return server.webClient()
        .execute(RequestHeaders.builder(HttpMethod.POST, path).contentType(type).build(), body)
        .aggregate();
  }
}
