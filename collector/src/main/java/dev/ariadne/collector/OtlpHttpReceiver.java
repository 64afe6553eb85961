package dev.ariadne.collector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.rpc.Status;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ariadne.collector.Outcome.Kind;
import dev.ariadne.model.otlp.OtlpJsonDecoder;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * OTLP/HTTP {@code POST /v1/traces}: {@code application/x-protobuf} (or {@code
 * application/protobuf}) and {@code application/json}. Answers in the request's format, as OTLP
 * asks: an {@code ExportTraceServiceResponse}, with {@code partial_success} when some spans were
 * rejected; on error a {@code google.rpc.Status} naming the problem.
 */
final class OtlpHttpReceiver extends HttpReceiver {
  private static final Format PROTOBUF =
      new Format(Protocol.OTLP_HTTP, OtlpProtobufDecoder::decode, MediaType.X_PROTOBUF);
  private static final Format JSON =
      new Format(Protocol.OTLP_HTTP, OtlpJsonDecoder::decode, MediaType.JSON);
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  OtlpHttpReceiver(Ingest ingest, Meters meters, int maxRequestBytes, Intake intake,
      Duration requestTimeout) {
    super(ingest, meters, "otlp_http", maxRequestBytes, intake, requestTimeout);
  }

  @Override
  Format format(MediaType contentType) {
    if (contentType == null) {
      return null;
    }
    if (contentType.is(MediaType.X_PROTOBUF) || contentType.is(MediaType.PROTOBUF)) {
      return PROTOBUF;
    }
    return contentType.is(MediaType.JSON) ? JSON : null;
  }

  @Override
  String expectedContentTypes() {
    return "application/x-protobuf or application/json";
  }

  @Override
  HttpResponse response(Format format, Outcome outcome) {
    boolean json = JSON.equals(format);
    byte[] body;
    if (outcome.kind() == Kind.ACCEPTED) {
      body = json ? exportResponseJson(outcome) : exportResponse(outcome).toByteArray();
    } else {
      int code = outcome.kind().rpcCode().getNumber();
      body = json
          ? statusJson(code, outcome.message())
          : Status.newBuilder().setCode(code).setMessage(outcome.message()).build().toByteArray();
    }
    return HttpResponse.of(headers(outcome, format.mediaType()), HttpData.wrap(body));
  }

  /** The response OTLP/gRPC and OTLP/HTTP protobuf send: partial success if anything was wrong. */
  static ExportTraceServiceResponse exportResponse(Outcome outcome) {
    if (outcome.rejected() == 0 && outcome.message().isEmpty()) {
      return ExportTraceServiceResponse.getDefaultInstance();
    }
    return ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder()
            .setRejectedSpans(outcome.rejected())
            .setErrorMessage(outcome.message()))
        .build();
  }

  private static byte[] exportResponseJson(Outcome outcome) {
    return json(generator -> {
      generator.writeStartObject();
      if (outcome.rejected() != 0 || !outcome.message().isEmpty()) {
        generator.writeObjectFieldStart("partialSuccess");
        // OTLP/JSON writes 64-bit integers as decimal strings.
        generator.writeStringField("rejectedSpans", Integer.toString(outcome.rejected()));
        generator.writeStringField("errorMessage", outcome.message());
        generator.writeEndObject();
      }
      generator.writeEndObject();
    });
  }

  private static byte[] statusJson(int code, String message) {
    return json(generator -> {
      generator.writeStartObject();
      generator.writeNumberField("code", code);
      generator.writeStringField("message", message);
      generator.writeEndObject();
    });
  }

  private interface JsonWriter {
    void write(JsonGenerator generator) throws IOException;
  }

  private static byte[] json(JsonWriter writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = JSON_FACTORY.createGenerator(out)) {
      writer.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return out.toByteArray();
  }
}
