package dev.ariadne.collector;

import com.linecorp.armeria.server.grpc.GrpcService;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import io.grpc.protobuf.ProtoUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/**
 * OTLP/gRPC {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}. Answers OTLP's
 * partial success when some spans were rejected.
 */
final class OtlpGrpcReceiver extends GrpcReceiver<ExportTraceServiceResponse> {
  static final String SERVICE_NAME = "opentelemetry.proto.collector.trace.v1.TraceService";

  private OtlpGrpcReceiver(Ingest ingest, Meters meters, Intake intake) {
    super(ingest, meters, intake, Protocol.OTLP_GRPC, "otlp_grpc", OtlpProtobufDecoder::decode);
  }

  static GrpcService service(Ingest ingest, Meters meters, Intake intake, int maxRequestBytes) {
    return new OtlpGrpcReceiver(ingest, meters, intake).grpcService(SERVICE_NAME, "Export",
        ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()), maxRequestBytes);
  }

  @Override
  ExportTraceServiceResponse response(Outcome outcome) {
    return OtlpHttpReceiver.exportResponse(outcome);
  }
}
