package dev.ariadne.collector;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ariadne.model.zipkin.ZipkinDecoder;
import java.time.Duration;

/**
 * Zipkin {@code POST /api/v2/spans}: {@code application/json} (also when there is no {@code
 * Content-Type}, as Zipkin's server assumes) and {@code application/x-protobuf} (proto3). Answers
 * 202 with no body when every span was stored, as Zipkin does; 202 with a text body naming the
 * rejected spans when only some were; otherwise the error status with a text body naming the
 * problem.
 */
final class ZipkinHttpReceiver extends HttpReceiver {
  private static final Format JSON =
      new Format(Protocol.ZIPKIN_JSON, ZipkinDecoder.JSON_V2::decode, MediaType.JSON);
  private static final Format PROTO3 =
      new Format(Protocol.ZIPKIN_PROTO3, ZipkinDecoder.PROTO3::decode, MediaType.X_PROTOBUF);

  ZipkinHttpReceiver(Ingest ingest, Meters meters, int maxRequestBytes, Intake intake,
      Duration requestTimeout) {
    super(ingest, meters, "zipkin", maxRequestBytes, intake, requestTimeout);
  }

  @Override
  Format format(MediaType contentType) {
    if (contentType == null || contentType.is(MediaType.JSON)) {
      return JSON;
    }
    if (contentType.is(MediaType.X_PROTOBUF) || contentType.is(MediaType.PROTOBUF)) {
      return PROTO3;
    }
    return null;
  }

  @Override
  String expectedContentTypes() {
    return "application/json or application/x-protobuf";
  }

  @Override
  HttpResponse response(Format format, Outcome outcome) {
    return acceptedResponse(outcome);
  }
}
