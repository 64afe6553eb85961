package dev.ariadne.collector;

import static dev.ariadne.collector.TestRequests.otlpRequest;
import static dev.ariadne.collector.TestRequests.otlpSpan;
import static dev.ariadne.collector.TestRequests.randomTraceId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.SessionProtocol;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc.TraceServiceBlockingStub;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OtlpGrpcReceiverTest {
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  @RegisterExtension
  static final CollectorServer server =
      new CollectorServer(builder -> builder.maxRequestBytes(MAX_REQUEST_BYTES));

  TraceServiceBlockingStub client() {
    return GrpcClients.newClient(server.uri(SessionProtocol.H2C), TraceServiceBlockingStub.class);
  }

  @Test
  void acceptsAnExportRequest() {
    TraceId traceId = randomTraceId();

    ExportTraceServiceResponse response = client().export(otlpRequest("frontend", List.of(
        otlpSpan(traceId, 1, "GET /").build(), otlpSpan(traceId, 2, "SELECT").build())));

    assertThat(response).isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
    assertThat(server.memory.trace(traceId)).extracting(Span::name)
        .containsExactlyInAnyOrder("GET /", "SELECT");
    assertThat(server.count("spans.accepted", Protocol.OTLP_GRPC)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void answersPartialSuccessWhenSomeSpansAreBad() {
    TraceId traceId = randomTraceId();

    ExportTraceServiceResponse response = client().export(otlpRequest("frontend", List.of(
        otlpSpan(traceId, 1, "good").build(),
        otlpSpan(traceId, 2, "bad").setTraceId(ByteString.copyFrom(new byte[16])).build())));

    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .isEqualTo("resourceSpans[0].scopeSpans[0].spans[1].traceId: all zeros "
            + "(expected: at least one non-zero byte)");
    assertThat(server.memory.trace(traceId)).extracting(Span::name).containsExactly("good");
  }

  @Test
  void rejectsARequestWhoseSpansAreAllBadWithInvalidArgument() {
    TraceId traceId = randomTraceId();

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client().export(otlpRequest("frontend", List.of(
            otlpSpan(traceId, 1, "bad").setEndTimeUnixNano(5).build()))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("endTimeUnixNano 5 is before");
  }

  @Test
  void rejectsAMalformedMessageWithInvalidArgument() {
    GrpcResponse response = GrpcResponse.export(server, "not protobuf".getBytes(UTF_8));

    assertThat(response.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.message()).startsWith("OTLP protobuf: ");
  }

  @Test
  void rejectsMalformedFramingWithInvalidArgumentNamingTheProblem() {
    MalformedFrames.assertRejected(server, GrpcResponse.EXPORT, TestRequests.otlpProtobuf(randomTraceId(), 1));
  }

  @Test
  void rejectsAnOversizeMessageWithInvalidArgumentNamingTheLimit() {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client().export(otlpRequest("frontend", List.of(otlpSpan(randomTraceId(), 1,
            "x".repeat(MAX_REQUEST_BYTES)).build()))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("request message is larger than maxRequestBytes (65536)");
  }
}
