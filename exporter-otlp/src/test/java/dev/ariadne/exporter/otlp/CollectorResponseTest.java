package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CollectorResponseTest {

  @Test
  void readsTheRejectedSpansAndTheErrorMessageOfAPartialSuccess() {
    byte[] body = partialSuccess(7, "7 spans were older than the retention").toByteArray();

    CollectorResponse response = CollectorResponse.parse(body);

    assertThat(response.isPartialSuccess()).isTrue();
    assertThat(response.rejectedSpans).isEqualTo(7);
    assertThat(response.errorMessage).isEqualTo("7 spans were older than the retention");
  }

  @Test
  void takesAnEmptyBodyOrAnEmptyPartialSuccessForFullSuccess() {
    byte[] emptyPartialSuccess =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(ExportTracePartialSuccess.getDefaultInstance())
            .build()
            .toByteArray();

    assertThat(CollectorResponse.parse(new byte[0]).isPartialSuccess()).isFalse();
    assertThat(emptyPartialSuccess).isNotEmpty();
    assertThat(CollectorResponse.parse(emptyPartialSuccess).isPartialSuccess()).isFalse();
  }

  @Test
  void takesAWarningWithoutRejectedSpansForAPartialSuccess() {
    CollectorResponse response = CollectorResponse.parse(partialSuccess(0, "deprecated field").toByteArray());

    assertThat(response.isPartialSuccess()).isTrue();
    assertThat(response.rejectedSpans).isZero();
  }

  @Test
  void skipsFieldsItDoesNotKnow() throws IOException {
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    CodedOutputStream inner = CodedOutputStream.newInstance(partial);
    inner.writeFixed64(9, 123);
    inner.writeInt64(1, 3);
    inner.writeFixed32(10, 5);
    inner.writeString(2, "three rejected");
    inner.flush();
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    CodedOutputStream outer = CodedOutputStream.newInstance(response);
    outer.writeString(5, "unknown");
    outer.writeUInt64(6, Long.MAX_VALUE);
    outer.writeByteArray(1, partial.toByteArray());
    outer.writeFixed64(7, 1);
    outer.flush();

    CollectorResponse parsed = CollectorResponse.parse(response.toByteArray());

    assertThat(parsed.rejectedSpans).isEqualTo(3);
    assertThat(parsed.errorMessage).isEqualTo("three rejected");
  }

  @Test
  void rejectsATruncatedBody() {
    byte[] body = partialSuccess(7, "truncated").toByteArray();
    byte[] truncated = Arrays.copyOf(body, body.length - 3);

    assertThatThrownBy(() -> CollectorResponse.parse(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed protobuf");
    assertThatThrownBy(() -> CollectorResponse.parse(new byte[] {(byte) 0x80}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesAProtobufErrorByTheMessageOfItsStatus() throws IOException {
    ByteArrayOutputStream status = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(status);
    out.writeInt32(1, 3); // INVALID_ARGUMENT
    out.writeString(2, "trace_id must be 16 bytes");
    out.flush();

    assertThat(CollectorResponse.describeError("application/x-protobuf", status.toByteArray()))
        .isEqualTo("trace_id must be 16 bytes");
    assertThat(CollectorResponse.describeError("application/x-protobuf", new byte[] {(byte) 0xff}))
        .isEqualTo("(unreadable protobuf body)");
  }

  @Test
  void describesATextErrorByItsFirstCharactersOnOneLine() {
    byte[] body = ("bad\nrequest " + "x".repeat(1000)).getBytes(StandardCharsets.UTF_8);

    String description = CollectorResponse.describeError("text/plain", body);

    assertThat(description).startsWith("bad request xxx").hasSize(256).doesNotContain("\n");
    assertThat(CollectorResponse.describeError(null, new byte[0])).isEmpty();
  }

  private static ExportTraceServiceResponse partialSuccess(long rejected, String message) {
    return ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(
            ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(message))
        .build();
  }
}
