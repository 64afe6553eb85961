package dev.ariadne.collector;

import com.linecorp.armeria.server.grpc.GrpcService;
import dev.ariadne.model.jaeger.JaegerProtoDecoder;

/**
 * Jaeger collector gRPC {@code jaeger.api_v2.CollectorService/PostSpans}, which Jaeger agents and
 * clients and OpenTelemetry's Jaeger exporter call on port 14250. Answers the empty {@code
 * PostSpansResponse} once the spans are stored. Jaeger has no partial success: spans rejected in
 * a request whose other spans were stored are counted ({@code spans.invalid}) but not reported to
 * the client; a request with no valid span is answered {@code INVALID_ARGUMENT} naming them.
 */
final class JaegerGrpcReceiver extends GrpcReceiver<byte[]> {
  static final String SERVICE_NAME = "jaeger.api_v2.CollectorService";

  /** {@code PostSpansResponse} has no fields: its encoding is empty. */
  private static final byte[] POST_SPANS_RESPONSE = new byte[0];

  private JaegerGrpcReceiver(Ingest ingest, Meters meters, Intake intake) {
    super(ingest, meters, intake, Protocol.JAEGER_PROTO, "jaeger_grpc", JaegerProtoDecoder::decode);
  }

  static GrpcService service(Ingest ingest, Meters meters, Intake intake, int maxRequestBytes) {
    return new JaegerGrpcReceiver(ingest, meters, intake).grpcService(
        SERVICE_NAME, "PostSpans", new BytesMarshaller(), maxRequestBytes);
  }

  @Override
  byte[] response(Outcome outcome) {
    return POST_SPANS_RESPONSE;
  }
}
