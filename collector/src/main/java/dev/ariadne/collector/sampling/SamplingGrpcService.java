package dev.ariadne.collector.sampling;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code jaeger.api_v2.SamplingManager/GetSamplingStrategy}, where OpenTelemetry's Jaeger remote
 * sampler and Jaeger agents ask on port 14250: the {@code serviceName} of a {@code
 * SamplingStrategyParameters} read, its answer from a function of it (answers encoded beforehand,
 * or an agent's from its collector). A message that is not one, or has no service name, is
 * answered {@code INVALID_ARGUMENT}; an answer that fails, with the status of its failure.
 */
final class SamplingGrpcService {
  static final String SERVICE_NAME = "jaeger.api_v2.SamplingManager";
  /** A {@code SamplingStrategyParameters} holds one name: far less than this. */
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private SamplingGrpcService() {}

  /**
   * The service answering each request with the {@code SamplingStrategyResponse} message {@code
   * strategy} completes with for its service name, or with the status {@link Status#fromThrowable}
   * finds in its failure.
   */
  static GrpcService of(Function<String, ? extends CompletionStage<byte[]>> strategy) {
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(
            MethodDescriptor.generateFullMethodName(SERVICE_NAME, "GetSamplingStrategy"))
        .setRequestMarshaller(new Bytes())
        .setResponseMarshaller(new Bytes())
        .build();
    return GrpcService.builder()
        .addService(ServerServiceDefinition.builder(SERVICE_NAME)
            .addMethod(method, ServerCalls.asyncUnaryCall(
                (byte[] request, StreamObserver<byte[]> observer) -> {
                  String service;
                  try {
                    service = serviceName(request);
                  } catch (InvalidProtocolBufferException e) {
                    observer.onError(Status.INVALID_ARGUMENT.withDescription(
                        "not a SamplingStrategyParameters message: " + e.getMessage())
                        .asRuntimeException());
                    return;
                  }
                  if (service.isEmpty()) {
                    observer.onError(Status.INVALID_ARGUMENT
                        .withDescription("serviceName is missing or empty").asRuntimeException());
                    return;
                  }
                  strategy.apply(service).whenComplete((answer, failure) -> {
                    if (failure == null) {
                      observer.onNext(answer);
                      observer.onCompleted();
                    } else {
                      observer.onError(Status.fromThrowable(failure).asRuntimeException());
                    }
                  });
                }))
            .build())
        .supportedSerializationFormats(GrpcSerializationFormats.PROTO)
        .maxRequestMessageLength(MAX_REQUEST_BYTES)
        .build();
  }

  /** The {@code serviceName} (field 1) of a {@code SamplingStrategyParameters}, others skipped. */
  static String serviceName(byte[] request) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(request);
    String service = "";
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == 1
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          service = in.readStringRequireUtf8();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return service;
  }

  /** A message as its bytes. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("could not read the request message")
            .withCause(e).asRuntimeException();
      }
    }
  }
}
