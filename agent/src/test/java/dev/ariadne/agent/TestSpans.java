package dev.ariadne.agent;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.ariadne.model.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/** OTLP requests for the agent's tests; each of a new random trace. */
final class TestSpans {
  /** 2024-01-01T00:00:00Z in nanoseconds. */
  static final long START = 1_704_067_200_000_000_000L;

  private TestSpans() {}

  static TraceId randomTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new TraceId(random.nextLong() | 1, random.nextLong() | 1);
  }

  /**
   * {@code count} spans of {@code traceId} from {@code service}, whose resource has {@code
   * resourceAttributes} (key, value, key, value...) besides its service name.
   */
  static ExportTraceServiceRequest request(
      TraceId traceId, int count, String service, String... resourceAttributes) {
    Resource.Builder resource =
        Resource.newBuilder().addAttributes(attribute("service.name", service));
    for (int i = 0; i < resourceAttributes.length; i += 2) {
      resource.addAttributes(attribute(resourceAttributes[i], resourceAttributes[i + 1]));
    }
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 1; i <= count; i++) {
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(
              ByteBuffer.allocate(16).putLong(traceId.high()).putLong(traceId.low()).flip()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i).flip()))
          .setName("GET /item/" + i)
          .setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(START)
          .setEndTimeUnixNano(START + 10_000_000)
          .addAttributes(attribute("http.route", "/item/{id}")));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
        .build();
  }

  /** Posts {@code request} to the OTLP/HTTP receiver at {@code endpoint}, as protobuf. */
  static AggregatedHttpResponse post(String endpoint, ExportTraceServiceRequest request) {
    return WebClient.of(endpoint).prepare()
        .post("/v1/traces")
        .content(MediaType.PROTOBUF, request.toByteArray())
        .execute()
        .aggregate()
        .join();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
