package dev.ariadne.collector;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.ariadne.collector.Outcome.Kind;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.ZipException;

/**
 * What the gRPC receivers share: one unary method whose request message is taken as bytes and
 * decoded by the {@link Ingest}, off the event loop, so it is parsed once; the answer waits for
 * the outcome. Errors carry a {@code google.rpc.Status}; {@code RESOURCE_EXHAUSTED} and {@code
 * UNAVAILABLE} carry a {@code google.rpc.RetryInfo}, which OTLP clients honour.
 *
 * @param <R> the response message
 */
abstract class GrpcReceiver<R> {
  /**
   * Where gRPC carries a {@code google.rpc.Status}, {@code grpc-status-details-bin}, where {@link
   * StatusProto} puts it and clients look for it ({@link ProtoUtils#keyForProto} would name it
   * {@code google.rpc.status-bin}, which no client reads).
   */
  private static final Metadata.Key<Status> STATUS_DETAILS = Metadata.Key.of(
      "grpc-status-details-bin", ProtoUtils.metadataMarshaller(Status.getDefaultInstance()));

  /** How Armeria's deframer starts the descriptions of what it refuses. */
  private static final String DEFRAMER =
      "com.linecorp.armeria.common.grpc.protocol.ArmeriaMessageDeframer: ";

  /** The {@code grpc-encoding}s Armeria undoes (grpc-java's default decompressors). */
  private static final List<String> KNOWN_ENCODINGS = List.of("gzip", "identity");

  private final Ingest ingest;
  private final Meters meters;
  private final Intake intake;
  private final Protocol protocol;
  private final String receiver;
  private final Ingest.Decoder decoder;

  GrpcReceiver(Ingest ingest, Meters meters, Intake intake, Protocol protocol, String receiver,
      Ingest.Decoder decoder) {
    this.ingest = ingest;
    this.meters = meters;
    this.intake = intake;
    this.protocol = protocol;
    this.receiver = receiver;
    this.decoder = decoder;
  }

  /** The response to a request whose spans were stored; some of them may have been rejected. */
  abstract R response(Outcome outcome);

  /**
   * The service with the one method. Armeria reads the gRPC framing and undoes {@code
   * grpc-encoding} before the receiver sees the message, and answers what it cannot read itself;
   * those answers are made the collector's ({@link #framingStatus}).
   */
  final GrpcService grpcService(String serviceName, String methodName,
      MethodDescriptor.Marshaller<R> responses, int maxRequestBytes) {
    MethodDescriptor<byte[], R> method = MethodDescriptor.<byte[], R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(serviceName, methodName))
        .setRequestMarshaller(new BytesMarshaller())
        .setResponseMarshaller(responses)
        .build();
    return GrpcService.builder()
        .addService(ServerServiceDefinition.builder(serviceName)
            .addMethod(method, ServerCalls.asyncUnaryCall(this::call))
            .build())
        .supportedSerializationFormats(GrpcSerializationFormats.PROTO)
        .maxRequestMessageLength(maxRequestBytes)
        // Armeria's own answers; the receiver's do not come here.
        .exceptionHandler((ctx, status, cause, metadata) -> withRetryHint(framingStatus(
            status, cause, ctx.request().headers().get("grpc-encoding", "identity"),
            maxRequestBytes), cause, metadata))
        .build();
  }

  /**
   * Armeria's answer to a request body it could not make a message of, as the receivers answer
   * a bad request: {@code INVALID_ARGUMENT} naming the problem. A message over {@code
   * maxRequestBytes} (after {@code grpc-encoding} is undone) is not Armeria's {@code
   * RESOURCE_EXHAUSTED}, which would read as backpressure; a body that ends inside a message, a
   * message that is not in its {@code grpc-encoding} and a malformed frame header are not
   * Armeria's {@code UNKNOWN} without a message or {@code INTERNAL} naming its deframer. A
   * {@code grpc-encoding} the server does not know is {@code UNIMPLEMENTED}, as gRPC's protocol
   * asks, so that a client can send again in one of {@code grpc-accept-encoding}. Any other answer
   * is left as it is.
   */
  private static io.grpc.Status framingStatus(
      io.grpc.Status status, Throwable cause, String encoding, int maxRequestBytes) {
    if ((status.getCode() == io.grpc.Status.Code.UNKNOWN
            || status.getCode() == io.grpc.Status.Code.INTERNAL)
        && !KNOWN_ENCODINGS.contains(encoding)) {
      return io.grpc.Status.UNIMPLEMENTED.withDescription("grpc-encoding " + encoding
          + " is not supported (expected one of: " + String.join(", ", KNOWN_ENCODINGS) + ")");
    }
    String problem = switch (status.getCode()) {
      case RESOURCE_EXHAUSTED ->
          "request message is larger than maxRequestBytes (" + maxRequestBytes + ")";
      case UNKNOWN, INTERNAL -> framingProblem(status, cause, encoding);
      default -> null;
    };
    return problem == null ? status : io.grpc.Status.INVALID_ARGUMENT.withDescription(problem);
  }

  /**
   * Armeria's own {@code UNAVAILABLE} with the retry hint the receivers' answers carry, and its
   * request timeout (a body that did not arrive in time) as {@code UNAVAILABLE}, which clients
   * retry, with it too. (Armeria's {@code RESOURCE_EXHAUSTED}, a message too large, is a bad
   * request by then: {@link #framingStatus}.)
   */
  private static io.grpc.Status withRetryHint(
      io.grpc.Status status, Throwable cause, Metadata metadata) {
    if (cause instanceof RequestTimeoutException) {
      status = io.grpc.Status.UNAVAILABLE.withDescription(
          "the request was not answered within the server's request timeout; retry");
    }
    if (status.getCode() == io.grpc.Status.Code.UNAVAILABLE) {
      metadata.put(STATUS_DETAILS, retryable(Status.newBuilder()
          .setCode(status.getCode().value())
          .setMessage(status.getDescription() == null ? "" : status.getDescription())));
    }
    return status;
  }

  private static String framingProblem(io.grpc.Status status, Throwable cause, String encoding) {
    String malformed = "malformed gRPC request: ";
    if (cause instanceof IndexOutOfBoundsException) {
      return malformed + "the body ends before a whole message (a 5-byte prefix and as many bytes"
          + " as the prefix gives)";
    }
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof ZipException) {
        return malformed + "the message could not be decompressed as " + encoding + ": "
            + c.getMessage();
      }
    }
    String description = status.getDescription();
    if (description != null && description.startsWith(DEFRAMER)) {
      return malformed + description.substring(DEFRAMER.length());
    }
    return null;
  }

  private void call(byte[] body, StreamObserver<R> observer) {
    long start = System.nanoTime();
    ServiceRequestContext ctx = ServiceRequestContext.current();
    CompletableFuture<Outcome> result;
    if (intake.take()) {
      result = ingest.submit(protocol, body, false, decoder);
      result.whenComplete((outcome, failure) -> intake.finish());
    } else {
      result = CompletableFuture.completedFuture(Intake.STOPPING);
    }
    result
        .thenAcceptAsync(outcome -> {
          meters.request(receiver, outcome.kind(), System.nanoTime() - start);
          if (outcome.kind() == Kind.ACCEPTED) {
            observer.onNext(response(outcome));
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
    return outcome.kind().retryable() ? retryable(status) : status.build();
  }

  /** The status with a {@code google.rpc.RetryInfo} asking for {@link Ingest#RETRY_AFTER_SECONDS}. */
  private static Status retryable(Status.Builder status) {
    return status.addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder().setSeconds(Ingest.RETRY_AFTER_SECONDS))
            .build()))
        .build();
  }

  /** A message as its bytes, unparsed. */
  static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
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
