package dev.ariadne.benchmarks.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.util.List;
import zipkin2.codec.SpanBytesEncoder;

/** A wire format the load generator sends: its body encoding, content type and default endpoint. */
enum Format {
  OTLP_PROTO("otlp-proto", "application/x-protobuf", "http://127.0.0.1:4318/v1/traces", false, 1),
  OTLP_JSON("otlp-json", "application/json", "http://127.0.0.1:4318/v1/traces", true, 1),
  ZIPKIN_JSON("zipkin-json", "application/json", "http://127.0.0.1:9411/api/v2/spans", true, 1000),
  ZIPKIN_PROTO3("zipkin-proto3", "application/x-protobuf", "http://127.0.0.1:9411/api/v2/spans", false, 1000);

  private static final JsonFactory JSON = new JsonFactory();

  final String cliName;
  final String contentType;
  final String defaultUrl;
  /**
   * JSON, with trace IDs as 32 lower-case hex digits and times as decimal numbers; or else
   * protobuf, with trace IDs as 16 bytes and times as fixed64.
   */
  final boolean text;
  /** Nanoseconds per unit of the format's timestamps: 1 for OTLP, 1000 for Zipkin's microseconds. */
  final long timeUnitNanos;

  Format(String cliName, String contentType, String defaultUrl, boolean text, long timeUnitNanos) {
    this.cliName = cliName;
    this.contentType = contentType;
    this.defaultUrl = defaultUrl;
    this.text = text;
    this.timeUnitNanos = timeUnitNanos;
  }

  static Format of(String cliName) {
    for (Format format : values()) {
      if (format.cliName.equals(cliName)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "format: " + cliName + " (expected: otlp-proto, otlp-json, zipkin-json or zipkin-proto3)");
  }

  byte[] encode(List<SyntheticSpan> spans) {
    return switch (this) {
      case OTLP_PROTO -> OtlpEncoding.request(spans).toByteArray();
      case OTLP_JSON -> OtlpEncoding.json(OtlpEncoding.request(spans));
      case ZIPKIN_JSON -> SpanBytesEncoder.JSON_V2.encodeList(ZipkinEncoding.spans(spans));
      case ZIPKIN_PROTO3 -> SpanBytesEncoder.PROTO3.encodeList(ZipkinEncoding.spans(spans));
    };
  }

  /** Spans a 2xx answer says were rejected: OTLP's partial success; Zipkin has none. */
  long rejectedSpans(byte[] response) throws IOException {
    if (response.length == 0) {
      return 0;
    }
    return switch (this) {
      case OTLP_PROTO -> ExportTraceServiceResponse.parseFrom(response).getPartialSuccess().getRejectedSpans();
      case OTLP_JSON -> otlpJsonRejected(response);
      case ZIPKIN_JSON, ZIPKIN_PROTO3 -> 0;
    };
  }

  private static long otlpJsonRejected(byte[] response) throws IOException {
    try (JsonParser json = JSON.createParser(response)) {
      for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
        if (token == JsonToken.FIELD_NAME && json.currentName().equals("rejectedSpans")) {
          json.nextToken();
          return json.getValueAsLong(); // OTLP/JSON writes it as a decimal string
        }
      }
      return 0;
    }
  }

  @Override
  public String toString() {
    return cliName;
  }
}
