package dev.ariadne.collector;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpRequestWriter;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The answer to an OTLP/gRPC or Jaeger gRPC call made by hand over HTTP/2, for bodies no stub would
 * send and for the status details a stub hides.
 */
record GrpcResponse(int status, String message, Optional<Status> details) {
  static final String EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
  static final String POST_SPANS = "/jaeger.api_v2.CollectorService/PostSpans";

  static GrpcResponse export(ServerExtension server, byte[] message) {
    return exportAsync(server, message).join();
  }

  static CompletableFuture<GrpcResponse> exportAsync(ServerExtension server, byte[] message) {
    return callAsync(server, EXPORT, message);
  }

  static GrpcResponse postSpans(ServerExtension server, byte[] message) {
    return postSpansAsync(server, message).join();
  }

  static CompletableFuture<GrpcResponse> postSpansAsync(ServerExtension server, byte[] message) {
    return callAsync(server, POST_SPANS, message);
  }

  /** Calls the unary method at {@code path} with {@code message}, framed as gRPC frames it. */
  static CompletableFuture<GrpcResponse> callAsync(
      ServerExtension server, String path, byte[] message) {
    ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
    framed.put((byte) 0).putInt(message.length).put(message);
    return callWithBody(server, path, "identity", framed.array());
  }

  /**
   * Calls the unary method at {@code path} with {@code body} as the whole request body, gRPC's
   * framing included, and the given {@code grpc-encoding}.
   */
  static CompletableFuture<GrpcResponse> callWithBody(
      ServerExtension server, String path, String encoding, byte[] body) {
    return WebClient.of(server.uri(SessionProtocol.H2C))
        .execute(
            RequestHeaders.builder(HttpMethod.POST, path)
                .contentType(MediaType.parse("application/grpc"))
                .set("te", "trailers")
                .set("grpc-encoding", encoding)
                .build(),
            body)
        .aggregate()
        .thenApply(GrpcResponse::of);
  }

  /**
   * A call to the unary method at {@code path} that sends its headers and the first half of its
   * framed {@code message}, then stalls until told to send the rest: a slow or stuck client, which
   * a gRPC stub's unary call cannot be.
   */
  static Stalled stall(ServerExtension server, String path, byte[] message) {
    byte[] framed = frame(0, message.length, message);
    HttpRequestWriter request = HttpRequest.streaming(RequestHeaders.builder(HttpMethod.POST, path)
        .contentType(MediaType.parse("application/grpc"))
        .set("te", "trailers")
        .build());
    CompletableFuture<GrpcResponse> answer = WebClient.of(server.uri(SessionProtocol.H2C))
        .execute(request)
        .aggregate()
        .thenApply(GrpcResponse::of);
    request.write(HttpData.copyOf(framed, 0, framed.length / 2));
    return new Stalled(request, HttpData.copyOf(framed, framed.length / 2,
        framed.length - framed.length / 2), answer);
  }

  /** A call {@link #stall stalled} halfway through its message, and its answer to come. */
  record Stalled(
      HttpRequestWriter request, HttpData rest, CompletableFuture<GrpcResponse> answer) {
    /** Sends the rest of the message and ends the request, if the stream is still open. */
    void sendTheRest() {
      if (request.tryWrite(rest)) {
        request.close();
      }
    }
  }

  /** A gRPC message frame: the compressed flag, then a length prefix that may not be the truth. */
  static byte[] frame(int flags, int lengthPrefix, byte[] message) {
    return ByteBuffer.allocate(5 + message.length)
        .put((byte) flags).putInt(lengthPrefix).put(message).array();
  }

  /** The retry delay in the status details, in seconds, or -1 without one. */
  long retryDelaySeconds() throws InvalidProtocolBufferException {
    for (Any detail : details.orElseThrow().getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        return detail.unpack(RetryInfo.class).getRetryDelay().getSeconds();
      }
    }
    return -1;
  }

  private static GrpcResponse of(AggregatedHttpResponse response) {
    // A trailers-only answer carries the status in its headers.
    HttpHeaders trailers = response.trailers().contains("grpc-status")
        ? response.trailers()
        : response.headers();
    String message = trailers.get("grpc-message", "");
    String details = trailers.get("grpc-status-details-bin");
    try {
      return new GrpcResponse(
          trailers.getInt("grpc-status", -1),
          URLDecoder.decode(message.replace("+", "%2B"), UTF_8),
          details == null
              ? Optional.empty()
              : Optional.of(Status.parseFrom(Base64.getDecoder().decode(details))));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("grpc-status-details-bin is not a google.rpc.Status", e);
    }
  }
}
