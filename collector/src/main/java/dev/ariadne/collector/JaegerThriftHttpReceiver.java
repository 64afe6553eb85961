package dev.ariadne.collector;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ariadne.model.jaeger.JaegerThriftDecoder;
import java.time.Duration;

/**
 * Jaeger collector {@code POST /api/traces}: one Thrift {@code Batch} per body, in the binary
 * protocol as {@code application/x-thrift} (what jaeger-client's HttpSender sends) or {@code
 * application/vnd.apache.thrift.binary} (the two types Jaeger's collector reads), or in the compact
 * protocol as {@code application/vnd.apache.thrift.compact}. Answers 202 with no body when every
 * span was stored, as Jaeger does; 202 with a text body naming the rejected spans when only some
 * were; otherwise the error status with a text body naming the problem.
 */
final class JaegerThriftHttpReceiver extends HttpReceiver {
  private static final MediaType X_THRIFT = MediaType.create("application", "x-thrift");
  private static final MediaType THRIFT_BINARY =
      MediaType.create("application", "vnd.apache.thrift.binary");
  private static final MediaType THRIFT_COMPACT =
      MediaType.create("application", "vnd.apache.thrift.compact");

  private static final Format BINARY =
      new Format(Protocol.JAEGER_THRIFT, JaegerThriftDecoder.BINARY::decode, X_THRIFT);
  private static final Format COMPACT =
      new Format(Protocol.JAEGER_THRIFT, JaegerThriftDecoder.COMPACT::decode, THRIFT_COMPACT);

  JaegerThriftHttpReceiver(Ingest ingest, Meters meters, int maxRequestBytes, Intake intake,
      Duration requestTimeout) {
    super(ingest, meters, "jaeger_thrift_http", maxRequestBytes, intake, requestTimeout);
  }

  @Override
  Format format(MediaType contentType) {
    if (contentType == null) {
      return null;
    }
    if (contentType.is(X_THRIFT) || contentType.is(THRIFT_BINARY)) {
      return BINARY;
    }
    return contentType.is(THRIFT_COMPACT) ? COMPACT : null;
  }

  @Override
  String expectedContentTypes() {
    return "application/x-thrift, application/vnd.apache.thrift.binary or "
        + "application/vnd.apache.thrift.compact";
  }

  @Override
  HttpResponse response(Format format, Outcome outcome) {
    return acceptedResponse(outcome);
  }
}
