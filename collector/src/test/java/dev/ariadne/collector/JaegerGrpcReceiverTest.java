package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.jaegerProto;
import static dev.ariadne.collector.TestRequests.jaegerProtoRequest;
import static dev.ariadne.collector.TestRequests.jaegerProtoSpan;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.SessionProtocol;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Collector.PostSpansResponse;
import io.opentelemetry.exporter.jaeger.proto.api_v2.CollectorServiceGrpc.CollectorServiceBlockingStub;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Model;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jaeger gRPC {@code PostSpans}: what it stores, and how it answers bad, truncated, oversize and
 * hostile messages. Well-formed requests are built with the classes protoc generated from Jaeger's
 * IDL and sent with their stub; the others are framed by hand.
 */
class JaegerGrpcReceiverTest {
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  @RegisterExtension
  static final CollectorServer server =
      new CollectorServer(builder -> builder.maxRequestBytes(MAX_REQUEST_BYTES));

  static CollectorServiceBlockingStub client(CollectorServer server) {
    return GrpcClients.newClient(
        server.uri(SessionProtocol.H2C), CollectorServiceBlockingStub.class);
  }

  @Test
  void storesTheSpansAndAnswersAnEmptyResponse() {
    TraceId traceId = randomTraceId();

    PostSpansResponse response = client(server).postSpans(jaegerProtoRequest("frontend",
        jaegerProtoSpan(traceId, 1, "GET /"), jaegerProtoSpan(traceId, 2, "SELECT")));

    assertThat(response).isEqualTo(PostSpansResponse.getDefaultInstance());
    assertThat(server.memory.trace(traceId)).extracting(Span::name, Span::serviceName)
        .containsExactlyInAnyOrder(
            tuple("GET /", "frontend"), tuple("SELECT", "frontend"));
  }

  @Test
  void acceptsAnEmptyRequest() {
    GrpcResponse response = GrpcResponse.postSpans(server, new byte[0]);

    assertThat(response.status()).isEqualTo(Status.Code.OK.value());
  }

  @Test
  void storesTheGoodSpansOfARequestWithSomeBadOnesAndCountsTheBadOnes() {
    double invalid = server.count("spans.invalid", Protocol.JAEGER_PROTO);
    TraceId traceId = randomTraceId();

    PostSpansResponse response = client(server).postSpans(jaegerProtoRequest("frontend",
        jaegerProtoSpan(traceId, 1, "good"),
        jaegerProtoSpan(traceId, 2, "bad").setSpanId(ByteString.copyFrom(new byte[3]))));

    assertThat(response).isEqualTo(PostSpansResponse.getDefaultInstance());
    assertThat(server.memory.trace(traceId)).extracting(Span::name).containsExactly("good");
    assertThat(server.count("spans.invalid", Protocol.JAEGER_PROTO)).isEqualTo(invalid + 1);
  }

  @Test
  void rejectsARequestWhoseSpansAreAllBadWithInvalidArgumentNamingThem() {
    TraceId traceId = randomTraceId();

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client(server).postSpans(jaegerProtoRequest("frontend",
            jaegerProtoSpan(traceId, 0, "no span ID"),
            jaegerProtoSpan(traceId, 3, "ends first").setDuration(
                com.google.protobuf.Duration.newBuilder().setNanos(-1)))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .contains("[0] span 0000000000000000 of trace " + traceId.toHex() + ": span ID is zero")
        .contains("0000000000000003: endTimeUnixNano " + (TestRequests.START - 1)
            + " is before startTimeUnixNano " + TestRequests.START);
    assertThat(server.memory.trace(traceId)).isEmpty();
  }

  @Test
  void rejectsGarbageWithInvalidArgumentNamingTheFormat() {
    GrpcResponse response = GrpcResponse.postSpans(server, "not protobuf".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.message()).startsWith("Jaeger protobuf: ").contains("(at byte ");
    assertThat(response.details()).hasValueSatisfying(details ->
        assertThat(details.getDetailsList()).as("no retry hint").isEmpty());
  }

  @Test
  void rejectsATruncatedRequest() {
    byte[] message = jaegerProto(randomTraceId(), 1);

    GrpcResponse response =
        GrpcResponse.postSpans(server, Arrays.copyOf(message, message.length - 3));

    assertThat(response.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.message()).startsWith("Jaeger protobuf: ").contains("truncated");
  }

  @Test
  void rejectsALengthOfTwoGigabytesWithInvalidArgument() {
    byte[] hostile = {0x0a, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x0a, 0};

    GrpcResponse response = GrpcResponse.postSpans(server, hostile);

    assertThat(response.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.message()).startsWith("Jaeger protobuf: ");
  }

  @Test
  void rejectsGroupsNestedTenThousandDeepWithInvalidArgument() {
    byte[] deep = new byte[10_000];
    Arrays.fill(deep, (byte) 0x1b); // start of group 3

    GrpcResponse response = GrpcResponse.postSpans(server, deep);

    assertThat(response.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.message()).startsWith("Jaeger protobuf: ");
  }

  @Test
  void rejectsATagTypeJaegerDoesNotHaveWithInvalidArgumentNamingIt() {
    byte[] message = jaegerProtoRequest("frontend", jaegerProtoSpan(randomTraceId(), 1, "a")
        .addTags(Model.KeyValue.newBuilder()
            .setKey("http.status_code")
            .setVTypeValue(7)))
        .toByteArray();

    GrpcResponse response = GrpcResponse.postSpans(server, message);

    assertThat(response.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.message())
        .startsWith("Jaeger protobuf: v_type 7 of the key-value \"http.status_code\"");
  }

  @Test
  void rejectsMalformedFramingWithInvalidArgumentNamingTheProblem() {
    MalformedFrames.assertRejected(server, GrpcResponse.POST_SPANS, jaegerProto(randomTraceId(), 1));
  }

  @Test
  void rejectsAnOversizeMessageWithInvalidArgumentNamingTheLimit() {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client(server).postSpans(jaegerProtoRequest("frontend",
            jaegerProtoSpan(randomTraceId(), 1, "x".repeat(MAX_REQUEST_BYTES)))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("request message is larger than maxRequestBytes (65536)");
  }

  @Test
  void badRequestsLeaveOtherRequestsUnaffected() {
    byte[] truncated = jaegerProto(randomTraceId(), 1);
    truncated = Arrays.copyOf(truncated, truncated.length / 2);
    ByteArrayOutputStream deep = new ByteArrayOutputStream();
    for (int i = 0; i < 5_000; i++) {
      deep.write(0x1b);
    }
    List<CompletableFuture<GrpcResponse>> good = new ArrayList<>();
    List<CompletableFuture<GrpcResponse>> bad = new ArrayList<>();
    List<TraceId> traceIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      TraceId traceId = randomTraceId();
      traceIds.add(traceId);
      good.add(GrpcResponse.postSpansAsync(server, jaegerProto(traceId, 1)));
      bad.add(GrpcResponse.postSpansAsync(server, "\u0000garbage".getBytes(UTF_8)));
      bad.add(GrpcResponse.postSpansAsync(server, truncated));
      bad.add(GrpcResponse.postSpansAsync(server, deep.toByteArray()));
    }

    assertThat(good).allSatisfy(
        f -> assertThat(f.join().status()).isEqualTo(Status.Code.OK.value()));
    assertThat(bad).allSatisfy(
        f -> assertThat(f.join().status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value()));
    assertThat(traceIds).allSatisfy(
        traceId -> assertThat(server.memory.trace(traceId)).hasSize(1));
  }

  @Test
  void countsSpansAsJaegerProtoAndRequestsAsItsReceiver() {
    double received = server.count("spans.received", Protocol.JAEGER_PROTO);
    double accepted = server.count("spans.accepted", Protocol.JAEGER_PROTO);
    TraceId traceId = randomTraceId();

    client(server).postSpans(jaegerProtoRequest("frontend",
        jaegerProtoSpan(traceId, 1, "a"), jaegerProtoSpan(traceId, 2, "b")));

    assertThat(server.count("spans.received", Protocol.JAEGER_PROTO)).isEqualTo(received + 2);
    assertThat(server.count("spans.accepted", Protocol.JAEGER_PROTO)).isEqualTo(accepted + 2);
    assertThat(server.registry.find("ariadne.collector.requests")
        .tag("receiver", "jaeger_grpc").tag("outcome", "accepted").timer().count())
        .isPositive();
  }
}
