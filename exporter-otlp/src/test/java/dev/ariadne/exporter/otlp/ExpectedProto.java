package dev.ariadne.exporter.otlp;

import com.google.protobuf.ByteString;
import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request the marshaler should write, built with the published OTLP classes straight from the
 * OTLP specification, sharing no code with the marshaler.
 */
final class ExpectedProto {
  private ExpectedProto() {}

  static ExportTraceServiceRequest request(List<? extends SpanData> spans) {
    Map<Resource, Map<InstrumentationScope, List<SpanData>>> grouped = new LinkedHashMap<>();
    for (SpanData span : spans) {
      grouped
          .computeIfAbsent(span.getResource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(span.getInstrumentationScope(), s -> new ArrayList<>())
          .add(span);
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder resourceSpans =
              ResourceSpans.newBuilder()
                  .setResource(
                      io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                          .addAllAttributes(keyValues(resource.getAttributes())));
          scopes.forEach(
              (scope, scopeSpans) -> {
                io.opentelemetry.proto.common.v1.InstrumentationScope.Builder protoScope =
                    io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                        .setName(scope.getName());
                if (scope.getVersion() != null) protoScope.setVersion(scope.getVersion());
                ScopeSpans.Builder group = ScopeSpans.newBuilder().setScope(protoScope);
                scopeSpans.forEach(span -> group.addSpans(span(span)));
                resourceSpans.addScopeSpans(group);
              });
          request.addResourceSpans(resourceSpans);
        });
    return request.build();
  }

  static Span span(SpanData span) {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    Span.Builder proto =
        Span.newBuilder()
            .setTraceId(traceId(context))
            .setSpanId(spanId(context))
            .setTraceState(w3c(context))
            .setFlags(flags(context.getTraceFlags(), parent.isRemote()))
            .setName(span.getName())
            .setKind(Span.SpanKind.valueOf("SPAN_KIND_" + span.getKind().name()))
            .setStartTimeUnixNano(span.getStartEpochNanos())
            .setEndTimeUnixNano(span.getEndEpochNanos())
            .addAllAttributes(keyValues(span.getAttributes()))
            .setDroppedAttributesCount(span.getDroppedAttributesCount())
            .setDroppedEventsCount(span.getDroppedEventsCount())
            .setDroppedLinksCount(span.getDroppedLinksCount());
    if (parent.isValid()) proto.setParentSpanId(spanId(parent));
    for (EventData event : span.getEvents()) {
      proto.addEvents(
          Span.Event.newBuilder()
              .setTimeUnixNano(event.getEpochNanos())
              .setName(event.getName())
              .addAllAttributes(keyValues(event.getAttributes()))
              .setDroppedAttributesCount(event.getDroppedAttributesCount()));
    }
    for (LinkData link : span.getLinks()) {
      SpanContext linked = link.getSpanContext();
      proto.addLinks(
          Span.Link.newBuilder()
              .setTraceId(traceId(linked))
              .setSpanId(spanId(linked))
              .setTraceState(w3c(linked))
              .addAllAttributes(keyValues(link.getAttributes()))
              .setDroppedAttributesCount(link.getDroppedAttributesCount())
              .setFlags(flags(linked.getTraceFlags(), linked.isRemote())));
    }
    boolean unset = span.getStatusCode().name().equals("UNSET");
    if (!unset || !span.getStatusDescription().isEmpty()) {
      proto.setStatus(
          Status.newBuilder()
              .setMessage(span.getStatusDescription())
              .setCode(Status.StatusCode.valueOf("STATUS_CODE_" + span.getStatusCode().name())));
    }
    return proto.build();
  }

  static List<KeyValue> keyValues(Attributes attributes) {
    List<KeyValue> keyValues = new ArrayList<>();
    attributes
        .asMap()
        .forEach(
            (key, value) ->
                keyValues.add(
                    KeyValue.newBuilder().setKey(key.getName()).setValue(anyValue(key, value)).build()));
    return keyValues;
  }

  private static AnyValue anyValue(AttributeKey<?> key, Object value) {
    switch (key.getType()) {
      case STRING:
        return AnyValue.newBuilder().setStringValue((String) value).build();
      case BOOLEAN:
        return AnyValue.newBuilder().setBoolValue((Boolean) value).build();
      case LONG:
        return AnyValue.newBuilder().setIntValue((Long) value).build();
      case DOUBLE:
        return AnyValue.newBuilder().setDoubleValue((Double) value).build();
      default:
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (Object element : (List<?>) value) {
          if (element instanceof String s) array.addValues(AnyValue.newBuilder().setStringValue(s));
          if (element instanceof Boolean b) array.addValues(AnyValue.newBuilder().setBoolValue(b));
          if (element instanceof Long l) array.addValues(AnyValue.newBuilder().setIntValue(l));
          if (element instanceof Double d) array.addValues(AnyValue.newBuilder().setDoubleValue(d));
        }
        return AnyValue.newBuilder().setArrayValue(array).build();
    }
  }

  static ByteString traceId(SpanContext context) {
    return ByteString.copyFrom(
        ByteBuffer.allocate(16).putLong(context.getTraceIdHigh()).putLong(context.getTraceIdLow()).array());
  }

  static ByteString spanId(SpanContext context) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(context.getSpanIdAsLong()).array());
  }

  private static String w3c(SpanContext context) {
    List<String> members = new ArrayList<>();
    context.getTraceState().asMap().forEach((k, v) -> members.add(k + "=" + v));
    return String.join(",", members);
  }

  /** SpanFlags: trace flags in bits 0-7, "remoteness known" 0x100, "remote" 0x200. */
  static int flags(byte traceFlags, boolean remote) {
    return (traceFlags & 0xff) | 0x100 | (remote ? 0x200 : 0);
  }
}
