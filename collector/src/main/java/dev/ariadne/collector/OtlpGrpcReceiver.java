package dev.ariadne.collector;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.ariadne.collector.Outcome.Kind;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * OTLP/gRPC {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}. The request
 * message is taken as bytes and decoded by the {@link Ingest}, off the event loop, so it is parsed
 * once. Errors carry a {@code google.rpc.Status}; {@code RESOURCE_EXHAUSTED} and {@code
 * UNAVAILABLE} carry a {@code google.rpc.RetryInfo}, which OTLP clients honour.
 */
final class OtlpGrpcReceiver {
  static final String SERVICE_NAME = "opentelemetry.proto.collector.trace.v1.TraceService";

  private static final MethodDescriptor<byte[], ExportTraceServiceResponse> EXPORT =
      MethodDescriptor.<byte[], ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Export"))
          .setRequestMarshaller(new BytesMarshaller())
          .setResponseMarshaller(
              ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
          .build();

  private final Ingest ingest;
  private final Meters meters;

  private OtlpGrpcReceiver(Ingest ingest, Meters meters) {
    this.ingest = ingest;
    this.meters = meters;
  }

  /**
   * The service. Armeria refuses request messages over {@code maxRequestBytes} (after {@code
   * grpc-encoding} is undone) before they reach the receiver; they are answered {@code
   * INVALID_ARGUMENT}, not Armeria's {@code RESOURCE_EXHAUSTED}, which would read as backpressure.
   */
  static GrpcService service(Ingest ingest, Meters meters, int maxRequestBytes) {
    OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(ingest, meters);
    return GrpcService.builder()
        .addService(ServerServiceDefinition.builder(SERVICE_NAME)
            .addMethod(EXPORT, ServerCalls.asyncUnaryCall(receiver::export))
            .build())
        .supportedSerializationFormats(GrpcSerializationFormats.PROTO)
        .maxRequestMessageLength(maxRequestBytes)
        // Armeria's answer to an oversize message; the receiver's own answers do not come here.
        .exceptionHandler((ctx, status, cause, metadata) ->
            status.getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED
                ? io.grpc.Status.INVALID_ARGUMENT.withDescription(
                    "request message is larger than maxRequestBytes (" + maxRequestBytes + ")")
                : status)
        .build();
  }

  private void export(byte[] body, StreamObserver<ExportTraceServiceResponse> observer) {
    long start = System.nanoTime();
    ServiceRequestContext ctx = ServiceRequestContext.current();
    ingest.submit(Protocol.OTLP_GRPC, body, false, OtlpProtobufDecoder::decode)
        .thenAcceptAsync(outcome -> {
          meters.request("otlp_grpc", outcome.kind(), System.nanoTime() - start);
          if (outcome.kind() == Kind.ACCEPTED) {
            observer.onNext(OtlpHttpReceiver.exportResponse(outcome));
            observer.onCompleted();
          } else {
            observer.onError(StatusProto.toStatusRuntimeException(status(outcome)));
          }
        }, ctx.eventLoop());
  }

  private static Status status(Outcome outcome) {
    Status.Builder status = Status.newBuilder()
        .setCode(outcome.kind().rpcCode().getNumber())
        .setMessage(outcome.message());
    if (outcome.kind().retryable()) {
      status.addDetails(Any.pack(RetryInfo.newBuilder()
          .setRetryDelay(Duration.newBuilder().setSeconds(Ingest.RETRY_AFTER_SECONDS))
          .build()));
    }
    return status.build();
  }

  /** Passes the request message on as its bytes. */
  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw io.grpc.Status.INTERNAL.withDescription("could not read the request message")
            .withCause(e)
            .asRuntimeException();
      }
    }
  }
}
