package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.jaegerProto;
import static dev.ariadne.collector.TestRequests.jaegerThrift;
import static dev.ariadne.collector.TestRequests.otlpJson;
import static dev.ariadne.collector.TestRequests.otlpProtobuf;
import static dev.ariadne.collector.TestRequests.otlpRequest;
import static dev.ariadne.collector.TestRequests.otlpSpan;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Overload is refused, not absorbed: with storage stuck, the ingest queue fills and every receiver
 * answers at once with a retry hint, while the stuck requests are acknowledged when storage
 * recovers.
 */
class BackpressureTest {
  static final GatedStorage storage = new GatedStorage();

  @RegisterExtension
  static final CollectorServer server = new CollectorServer(storage,
      builder -> builder.maxQueuedSpans(4).writerThreads(1));

  @Test
  void refusesWithRetryHintsWhenTheQueueIsFullAndAcknowledgesTheQueuedSpansLater()
      throws Exception {
    storage.closeGate();
    TraceId writing = randomTraceId();
    TraceId queued = randomTraceId();
    CompletableFuture<AggregatedHttpResponse> first = postAsync("/v1/traces",
        MediaType.X_PROTOBUF, otlpRequest("frontend", List.of(
            otlpSpan(writing, 1, "a").build(), otlpSpan(writing, 2, "b").build())).toByteArray());
    storage.awaitWrite();
    CompletableFuture<AggregatedHttpResponse> second =
        postAsync("/v1/traces", MediaType.JSON, otlpJson("cart", queued, 1, 2));
    awaitQueueDepth(4);

    long start = System.nanoTime();
    AggregatedHttpResponse otlp = postAsync("/v1/traces", MediaType.X_PROTOBUF,
        otlpProtobuf(randomTraceId(), 1)).get(5, TimeUnit.SECONDS);
    AggregatedHttpResponse zipkin = postAsync("/api/v2/spans", MediaType.JSON,
        SpanBytesEncoder.JSON_V2.encodeList(
            List.of(ZipkinHttpReceiverTest.zipkinSpan(randomTraceId(), "a"))))
        .get(5, TimeUnit.SECONDS);
    AggregatedHttpResponse jaeger = postAsync("/api/traces", JaegerThriftHttpReceiverTest.X_THRIFT,
        jaegerThrift(randomTraceId(), 1)).get(5, TimeUnit.SECONDS);
    GrpcResponse grpc = GrpcResponse.exportAsync(server, otlpProtobuf(randomTraceId(), 1))
        .get(5, TimeUnit.SECONDS);
    GrpcResponse jaegerGrpc = GrpcResponse.postSpansAsync(server, jaegerProto(randomTraceId(), 1))
        .get(5, TimeUnit.SECONDS);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(otlp.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(otlp.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    Status status = Status.parseFrom(otlp.content().array());
    assertThat(status.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(status.getMessage()).isEqualTo(
        "the collector is busy: the ingest queue is at maxQueuedSpans (4); retry later");

    assertThat(zipkin.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(zipkin.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");

    assertThat(jaeger.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(jaeger.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
    assertThat(jaeger.contentUtf8()).isEqualTo(
        "the collector is busy: the ingest queue is at maxQueuedSpans (4); retry later");

    assertThat(grpc.status()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED.value());
    assertThat(grpc.message()).contains("maxQueuedSpans (4)");
    assertThat(grpc.retryDelaySeconds()).isEqualTo(1);

    assertThat(jaegerGrpc.status()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED.value());
    assertThat(jaegerGrpc.message()).isEqualTo(
        "the collector is busy: the ingest queue is at maxQueuedSpans (4); retry later");
    assertThat(jaegerGrpc.retryDelaySeconds()).isEqualTo(1);

    assertThat(elapsedMillis).as("refusals are immediate").isLessThan(3000);
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    assertThat(server.count("spans.refused", Protocol.OTLP_HTTP)).isEqualTo(1);
    assertThat(server.count("spans.refused", Protocol.ZIPKIN_JSON)).isEqualTo(1);
    assertThat(server.count("spans.refused", Protocol.OTLP_GRPC)).isEqualTo(1);
    assertThat(server.count("spans.refused", Protocol.JAEGER_THRIFT)).isEqualTo(1);
    assertThat(server.count("spans.refused", Protocol.JAEGER_PROTO)).isEqualTo(1);

    storage.open();

    assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(HttpStatus.OK);
    assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(HttpStatus.OK);
    assertThat(storage.trace(writing)).hasSize(2);
    assertThat(storage.trace(queued)).hasSize(2);
    awaitQueueDepth(0);
  }

  private static void awaitQueueDepth(double depth) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.registry.get("ariadne.collector.queue.depth").gauge().value() != depth) {
      assertThat(System.nanoTime()).as("queue depth reaches " + depth).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static CompletableFuture<AggregatedHttpResponse> postAsync(
      String path, MediaType type, byte[] body) {
    return server.webClient()
        .execute(RequestHeaders.builder(HttpMethod.POST, path).contentType(type).build(), body)
        .aggregate();
  }
}
