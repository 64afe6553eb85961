package dev.ariadne.collector;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import dev.ariadne.model.Ids;
import dev.ariadne.model.TraceId;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Process;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Collector.PostSpansRequest;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Model;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocolFactory;

/**
 * Request bodies for receiver tests, in one place. IDs are random, so tests sharing a server (and
 * its storage) never see each other's spans.
 */
final class TestRequests {
  /** 2024-01-01T00:00:00Z in nanoseconds. */
  static final long START = 1_704_067_200_000_000_000L;

  private TestRequests() {}

  static TraceId randomTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new TraceId(random.nextLong() | 1, random.nextLong() | 1);
  }

  /** An OTLP span of {@code service}'s request, 10 ms long. */
  static Span.Builder otlpSpan(TraceId traceId, long spanId, String name) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(
            ByteBuffer.allocate(16).putLong(traceId.high()).putLong(traceId.low()).flip()))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(spanId).flip()))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(START)
        .setEndTimeUnixNano(START + 10_000_000);
  }

  static ExportTraceServiceRequest otlpRequest(String service, List<Span> spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(
                Resource.newBuilder().addAttributes(stringAttribute("service.name", service)))
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)))
        .build();
  }

  /** One OTLP span as a whole request. */
  static byte[] otlpProtobuf(TraceId traceId, long spanId) {
    return otlpRequest("frontend", List.of(otlpSpan(traceId, spanId, "GET /").build()))
        .toByteArray();
  }

  /** OTLP/JSON of one span per span ID, in {@code service}. */
  static byte[] otlpJson(String service, TraceId traceId, long... spanIds) {
    StringBuilder spans = new StringBuilder();
    for (long spanId : spanIds) {
      if (spans.length() > 0) {
        spans.append(',');
      }
      spans.append("""
          {"traceId":"%s","spanId":"%s","name":"GET /","kind":2,
           "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
           "attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}}]}"""
          .formatted(traceId.toHex(), Ids.toHex(spanId), START, START + 10_000_000));
    }
    return """
        {"resourceSpans":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"%s"}}]},
          "scopeSpans":[{"scope":{"name":"test"},"spans":[%s]}]}]}"""
        .formatted(service, spans)
        .getBytes(UTF_8);
  }

  static KeyValue stringAttribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  /** A sampled Jaeger Thrift span with only the required fields, 10 ms long. */
  static io.jaegertracing.thriftjava.Span jaegerSpan(TraceId traceId, long spanId, String name) {
    return new io.jaegertracing.thriftjava.Span(
        traceId.low(), traceId.high(), spanId, 0, name, 1, START / 1000, 10_000);
  }

  static Batch jaegerBatch(String service, io.jaegertracing.thriftjava.Span... spans) {
    return new Batch(new Process(service), new ArrayList<>(Arrays.asList(spans)));
  }

  /** One Jaeger span as a binary Thrift {@code Batch}, as jaeger-client's HttpSender posts it. */
  static byte[] jaegerThrift(TraceId traceId, long spanId) {
    return thrift(jaegerBatch("frontend", jaegerSpan(traceId, spanId, "GET /")),
        new TBinaryProtocol.Factory());
  }

  /**
   * A sampled Jaeger protobuf span with IDs, name and times, 10 ms long, built with the classes
   * protoc generated from Jaeger's IDL.
   */
  static Model.Span.Builder jaegerProtoSpan(TraceId traceId, long spanId, String name) {
    return Model.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(
            ByteBuffer.allocate(16).putLong(traceId.high()).putLong(traceId.low()).flip()))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(spanId).flip()))
        .setOperationName(name)
        .setFlags(1)
        .setStartTime(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(START / 1_000_000_000)
            .setNanos((int) (START % 1_000_000_000)))
        .setDuration(com.google.protobuf.Duration.newBuilder().setNanos(10_000_000));
  }

  static PostSpansRequest jaegerProtoRequest(String service, Model.Span.Builder... spans) {
    Model.Batch.Builder batch = Model.Batch.newBuilder()
        .setProcess(Model.Process.newBuilder().setServiceName(service));
    for (Model.Span.Builder span : spans) {
      batch.addSpans(span);
    }
    return PostSpansRequest.newBuilder().setBatch(batch).build();
  }

  /** One Jaeger span as a protobuf {@code PostSpansRequest}, the message of Jaeger gRPC. */
  static byte[] jaegerProto(TraceId traceId, long spanId) {
    return jaegerProtoRequest("frontend", jaegerProtoSpan(traceId, spanId, "GET /"))
        .toByteArray();
  }

  /** A Thrift struct's bytes in {@code protocol}. */
  static byte[] thrift(TBase<?, ?> struct, TProtocolFactory protocol) {
    try {
      return new TSerializer(protocol).serialize(struct);
    } catch (TException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
