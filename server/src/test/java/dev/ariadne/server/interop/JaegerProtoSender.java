package dev.ariadne.server.interop;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.grpc.StatusRuntimeException;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerSpanContext;
import io.jaegertracing.internal.LogData;
import io.jaegertracing.internal.Reference;
import io.jaegertracing.internal.exceptions.SenderException;
import io.jaegertracing.spi.Sender;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Collector.PostSpansRequest;
import io.opentelemetry.exporter.jaeger.proto.api_v2.CollectorServiceGrpc.CollectorServiceBlockingStub;
import io.opentelemetry.exporter.jaeger.proto.api_v2.Model;
import io.opentracing.References;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A jaeger-client {@link Sender} that posts to Jaeger's gRPC collector ({@code
 * jaeger.api_v2.CollectorService/PostSpans}) what jaeger-client's own senders post as Thrift.
 * jaeger-client has no gRPC sender, and OpenTelemetry's last Jaeger gRPC exporter does not run on
 * the OpenTelemetry version this build uses; so the spans are the real client's, converted field
 * by field to the classes protoc generated from Jaeger's IDL and sent with their gRPC stub over
 * Armeria's HTTP/2 client. The conversion is Jaeger's own from Thrift: the parent, which protobuf
 * has no field for, is a CHILD_OF reference unless a reference already names it. Spans wait for
 * {@link #flush()}, which the client's reporter calls; one tracer per sender. {@link #close()}
 * closes the sender's connections, as the client's HttpSender does.
 */
final class JaegerProtoSender implements Sender {
  private final ClientFactory connections = ClientFactory.builder().build();
  private final CollectorServiceBlockingStub collector;
  private final List<Model.Span> spans = new ArrayList<>();
  private Model.Process process;

  /** A sender to {@code endpoint}, such as {@code http://127.0.0.1:14250}. */
  JaegerProtoSender(String endpoint) {
    collector = GrpcClients.builder(endpoint)
        .factory(connections)
        .build(CollectorServiceBlockingStub.class);
  }

  @Override
  public synchronized int append(JaegerSpan span) {
    if (process == null) {
      Model.Process.Builder tracer =
          Model.Process.newBuilder().setServiceName(span.getTracer().getServiceName());
      span.getTracer().tags().forEach((key, value) -> tracer.addTags(keyValue(key, value)));
      process = tracer.build();
    }
    spans.add(span(span));
    return 0;
  }

  @Override
  public synchronized int flush() throws SenderException {
    if (spans.isEmpty()) {
      return 0;
    }
    int count = spans.size();
    PostSpansRequest request = PostSpansRequest.newBuilder()
        .setBatch(Model.Batch.newBuilder().setProcess(process).addAllSpans(spans))
        .build();
    spans.clear();
    try {
      collector.postSpans(request);
    } catch (StatusRuntimeException e) {
      throw new SenderException("PostSpans failed: " + e.getStatus(), e, count);
    }
    return count;
  }

  @Override
  public int close() throws SenderException {
    try {
      return flush();
    } finally {
      connections.close();
    }
  }

  private static Model.Span span(JaegerSpan span) {
    JaegerSpanContext context = span.context();
    Model.Span.Builder proto = Model.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16)
            .putLong(context.getTraceIdHigh()).putLong(context.getTraceIdLow()).flip()))
        .setSpanId(id(context.getSpanId()))
        .setOperationName(span.getOperationName())
        .setFlags(context.getFlags() & 0xff)
        .setStartTime(timestamp(span.getStart()))
        .setDuration(Duration.newBuilder()
            .setSeconds(span.getDuration() / 1_000_000)
            .setNanos((int) (span.getDuration() % 1_000_000 * 1000)));
    boolean parentNamed = false;
    for (Reference reference : span.getReferences()) {
      parentNamed |= reference.getSpanContext().getSpanId() == context.getParentId();
    }
    if (context.getParentId() != 0 && !parentNamed) {
      proto.addReferences(reference(Model.SpanRefType.CHILD_OF, context.getTraceIdHigh(),
          context.getTraceIdLow(), context.getParentId()));
    }
    for (Reference reference : span.getReferences()) {
      JaegerSpanContext referenced = reference.getSpanContext();
      proto.addReferences(reference(
          References.CHILD_OF.equals(reference.getType())
              ? Model.SpanRefType.CHILD_OF
              : Model.SpanRefType.FOLLOWS_FROM,
          referenced.getTraceIdHigh(), referenced.getTraceIdLow(), referenced.getSpanId()));
    }
    span.getTags().forEach((key, value) -> proto.addTags(keyValue(key, value)));
    List<LogData> logs = span.getLogs() == null ? List.of() : span.getLogs();
    for (LogData log : logs) {
      Model.Log.Builder entry = Model.Log.newBuilder().setTimestamp(timestamp(log.getTime()));
      Map<String, ?> fields = log.getFields();
      if (fields != null) {
        fields.forEach((key, value) -> entry.addFields(keyValue(key, value)));
      } else if (log.getMessage() != null) {
        entry.addFields(keyValue("event", log.getMessage()));
      }
      proto.addLogs(entry);
    }
    return proto.build();
  }

  private static Model.SpanRef reference(
      Model.SpanRefType type, long traceIdHigh, long traceIdLow, long spanId) {
    return Model.SpanRef.newBuilder()
        .setRefType(type)
        .setTraceId(ByteString.copyFrom(
            ByteBuffer.allocate(16).putLong(traceIdHigh).putLong(traceIdLow).flip()))
        .setSpanId(id(spanId))
        .build();
  }

  /** A tag or log field, typed as jaeger-client's Thrift converter types it. */
  private static Model.KeyValue keyValue(String key, Object value) {
    Model.KeyValue.Builder keyValue = Model.KeyValue.newBuilder().setKey(key);
    if (value instanceof Boolean bool) {
      keyValue.setVType(Model.ValueType.BOOL).setVBool(bool);
    } else if (value instanceof Double || value instanceof Float) {
      keyValue.setVType(Model.ValueType.FLOAT64).setVFloat64(((Number) value).doubleValue());
    } else if (value instanceof Number number) {
      keyValue.setVType(Model.ValueType.INT64).setVInt64(number.longValue());
    } else if (value instanceof byte[] bytes) {
      keyValue.setVType(Model.ValueType.BINARY).setVBinary(ByteString.copyFrom(bytes));
    } else {
      keyValue.setVType(Model.ValueType.STRING).setVStr(String.valueOf(value));
    }
    return keyValue.build();
  }

  private static ByteString id(long id) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).flip());
  }

  private static Timestamp timestamp(long epochMicros) {
    return Timestamp.newBuilder()
        .setSeconds(epochMicros / 1_000_000)
        .setNanos((int) (epochMicros % 1_000_000 * 1000))
        .build();
  }
}
