package dev.ariadne.benchmarks.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import dev.ariadne.benchmarks.load.SyntheticSpan.Attribute;
import dev.ariadne.benchmarks.load.SyntheticSpan.Event;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic spans as an OTLP {@code ExportTraceServiceRequest}, built with the published proto
 * classes: one {@code ResourceSpans} per service, with the resource attributes an OpenTelemetry
 * Java agent reports. The JSON form follows the OTLP/JSON rules (hex IDs, 64-bit integers as
 * strings, enums as numbers) and carries the same content.
 */
final class OtlpEncoding {
  private static final JsonFactory JSON = new JsonFactory();
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName("dev.ariadne.benchmarks.load").setVersion("1.0.0").build();

  private OtlpEncoding() {}

  static ExportTraceServiceRequest request(List<SyntheticSpan> spans) {
    Map<String, ScopeSpans.Builder> byService = new LinkedHashMap<>();
    for (SyntheticSpan span : spans) {
      byService.computeIfAbsent(span.service(), s -> ScopeSpans.newBuilder().setScope(SCOPE)).addSpans(span(span));
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byService.forEach((service, scopeSpans) ->
        request.addResourceSpans(ResourceSpans.newBuilder().setResource(resource(service)).addScopeSpans(scopeSpans)));
    return request.build();
  }

  static byte[] json(ExportTraceServiceRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("resourceSpans");
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        json.writeStartObject();
        json.writeObjectFieldStart("resource");
        attributes(json, resourceSpans.getResource().getAttributesList());
        json.writeEndObject();
        json.writeArrayFieldStart("scopeSpans");
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          json.writeStartObject();
          json.writeObjectFieldStart("scope");
          json.writeStringField("name", scopeSpans.getScope().getName());
          json.writeStringField("version", scopeSpans.getScope().getVersion());
          json.writeEndObject();
          json.writeArrayFieldStart("spans");
          for (Span span : scopeSpans.getSpansList()) {
            span(json, span);
          }
          json.writeEndArray();
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return out.toByteArray();
  }

  private static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(keyValue("service.name", service))
        .addAttributes(keyValue("service.namespace", "shop"))
        .addAttributes(keyValue("service.version", "2.14.1"))
        .addAttributes(keyValue("service.instance.id", service + "-6f9c7b5d4-x2kqz"))
        .addAttributes(keyValue("host.name", service + "-6f9c7b5d4-x2kqz"))
        .addAttributes(keyValue("deployment.environment.name", "production"))
        .addAttributes(keyValue("telemetry.sdk.name", "opentelemetry"))
        .addAttributes(keyValue("telemetry.sdk.language", "java"))
        .addAttributes(keyValue("telemetry.sdk.version", "1.67.0"))
        .build();
  }

  private static Span span(SyntheticSpan span) {
    Span.Builder builder = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(span.traceIdHigh()).putLong(span.traceIdLow()).flip()))
        .setSpanId(id(span.spanId()))
        .setName(span.name())
        .setKind(switch (span.kind()) {
          case SERVER -> Span.SpanKind.SPAN_KIND_SERVER;
          case CLIENT -> Span.SpanKind.SPAN_KIND_CLIENT;
          case INTERNAL -> Span.SpanKind.SPAN_KIND_INTERNAL;
        })
        .setStartTimeUnixNano(span.startEpochNanos())
        .setEndTimeUnixNano(span.endEpochNanos());
    if (span.parentId() != 0) {
      builder.setParentSpanId(id(span.parentId()));
    }
    span.attributes().forEach(a -> builder.addAttributes(keyValue(a)));
    for (Event event : span.events()) {
      Span.Event.Builder e = Span.Event.newBuilder().setName(event.name()).setTimeUnixNano(event.epochNanos());
      event.attributes().forEach(a -> e.addAttributes(keyValue(a)));
      builder.addEvents(e);
    }
    if (span.isError()) {
      builder.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(span.errorMessage()));
    }
    return builder.build();
  }

  private static ByteString id(long id) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).flip());
  }

  private static KeyValue keyValue(String key, String value) {
    return keyValue(new Attribute(key, value));
  }

  private static KeyValue keyValue(Attribute attribute) {
    AnyValue.Builder value = AnyValue.newBuilder();
    if (attribute.value() instanceof String s) {
      value.setStringValue(s);
    } else if (attribute.value() instanceof Long l) {
      value.setIntValue(l);
    } else if (attribute.value() instanceof Double d) {
      value.setDoubleValue(d);
    } else if (attribute.value() instanceof Boolean b) {
      value.setBoolValue(b);
    } else {
      throw new IllegalArgumentException(attribute.key() + ": " + attribute.value() + " (expected: String, Long, Double or Boolean)");
    }
    return KeyValue.newBuilder().setKey(attribute.key()).setValue(value).build();
  }

  private static void span(JsonGenerator json, Span span) throws IOException {
    json.writeStartObject();
    json.writeStringField("traceId", hex(span.getTraceId()));
    json.writeStringField("spanId", hex(span.getSpanId()));
    if (!span.getParentSpanId().isEmpty()) {
      json.writeStringField("parentSpanId", hex(span.getParentSpanId()));
    }
    json.writeStringField("name", span.getName());
    json.writeNumberField("kind", span.getKindValue());
    json.writeStringField("startTimeUnixNano", Long.toUnsignedString(span.getStartTimeUnixNano()));
    json.writeStringField("endTimeUnixNano", Long.toUnsignedString(span.getEndTimeUnixNano()));
    attributes(json, span.getAttributesList());
    if (span.getEventsCount() > 0) {
      json.writeArrayFieldStart("events");
      for (Span.Event event : span.getEventsList()) {
        json.writeStartObject();
        json.writeStringField("timeUnixNano", Long.toUnsignedString(event.getTimeUnixNano()));
        json.writeStringField("name", event.getName());
        attributes(json, event.getAttributesList());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    if (span.hasStatus()) {
      json.writeObjectFieldStart("status");
      json.writeNumberField("code", span.getStatus().getCodeValue());
      json.writeStringField("message", span.getStatus().getMessage());
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void attributes(JsonGenerator json, List<KeyValue> attributes) throws IOException {
    json.writeArrayFieldStart("attributes");
    for (KeyValue attribute : attributes) {
      json.writeStartObject();
      json.writeStringField("key", attribute.getKey());
      json.writeObjectFieldStart("value");
      AnyValue value = attribute.getValue();
      switch (value.getValueCase()) {
        case STRING_VALUE -> json.writeStringField("stringValue", value.getStringValue());
        case INT_VALUE -> json.writeStringField("intValue", Long.toString(value.getIntValue()));
        case DOUBLE_VALUE -> json.writeNumberField("doubleValue", value.getDoubleValue());
        case BOOL_VALUE -> json.writeBooleanField("boolValue", value.getBoolValue());
        default -> throw new IllegalArgumentException(attribute.getKey() + ": " + value.getValueCase() + " (expected: a scalar)");
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }
}
