package dev.ariadne.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.grpc.Status;
import java.util.List;

/**
 * What both gRPC receivers answer to a body that is not whole gRPC messages: Armeria's deframer
 * refuses it before the receiver runs, and the receivers' shared exception handler makes its
 * answer INVALID_ARGUMENT naming the problem, or UNIMPLEMENTED for an encoding it does not know.
 */
final class MalformedFrames {
  private MalformedFrames() {}

  /** Calls {@code path} with malformed framings of {@code message} and checks each answer. */
  static void assertRejected(ServerExtension server, String path, byte[] message) {
    GrpcResponse truncated = GrpcResponse.callWithBody(server, path, "identity",
        GrpcResponse.frame(0, message.length + 100, message)).join();
    GrpcResponse noMessage = GrpcResponse.callWithBody(server, path, "identity",
        new byte[] {0, 0, 0}).join();
    for (GrpcResponse response : List.of(truncated, noMessage)) {
      assertThat(response.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(response.message()).isEqualTo("malformed gRPC request: the body ends before a"
          + " whole message (a 5-byte prefix and as many bytes as the prefix gives)");
    }

    GrpcResponse notGzip = GrpcResponse.callWithBody(server, path, "gzip",
        GrpcResponse.frame(1, 4, new byte[] {1, 2, 3, 4})).join();
    assertThat(notGzip.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(notGzip.message()).startsWith(
        "malformed gRPC request: the message could not be decompressed as gzip: ");

    GrpcResponse zstd = GrpcResponse.callWithBody(server, path, "zstd",
        GrpcResponse.frame(1, 4, new byte[] {1, 2, 3, 4})).join();
    assertThat(zstd.status()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
    assertThat(zstd.message())
        .isEqualTo("grpc-encoding zstd is not supported (expected one of: gzip, identity)");
    GrpcResponse reserved = GrpcResponse.callWithBody(server, path, "identity",
        GrpcResponse.frame(4, 0, new byte[0])).join();
    GrpcResponse compressed = GrpcResponse.callWithBody(server, path, "identity",
        GrpcResponse.frame(1, 4, new byte[] {1, 2, 3, 4})).join();
    assertThat(reserved.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(reserved.message())
        .isEqualTo("malformed gRPC request: Frame header malformed: reserved bits not zero");
    assertThat(compressed.status()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(compressed.message()).startsWith("malformed gRPC request: ")
        .doesNotContain("Armeria");
  }
}
