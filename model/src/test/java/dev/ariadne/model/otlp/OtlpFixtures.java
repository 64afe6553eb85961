package dev.ariadne.model.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Deterministic OTLP requests built with the published protobuf classes, the spans they must
 * decode to, and an independent OTLP/JSON writer (protobuf's own JSON writes IDs in base64, which
 * OTLP/JSON forbids).
 */
final class OtlpFixtures {
  static final TraceId TRACE_ID = new TraceId(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
  static final long SPAN_ID = 0x1112131415161718L;
  static final long PARENT_SPAN_ID = 0x2122232425262728L;
  static final TraceId LINKED_TRACE_ID = new TraceId(0xa1a2a3a4a5a6a7a8L, 0xa9aaabacadaeafb0L);
  static final long LINKED_SPAN_ID = 0xb1b2b3b4b5b6b7b8L;
  static final long START = 1_700_000_000_123_456_789L;
  static final long END = START + 1_500_000;

  private OtlpFixtures() {}

  static ByteString bytes(TraceId id) {
    return bytes(id.high()).concat(bytes(id.low()));
  }

  static ByteString bytes(long id) {
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) id;
      id >>>= 8;
    }
    return ByteString.copyFrom(bytes);
  }

  static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static AnyValue str(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  static AnyValue integer(long value) {
    return AnyValue.newBuilder().setIntValue(value).build();
  }

  static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder()
        .setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values)))
        .build();
  }

  static AnyValue kvlist(KeyValue... values) {
    return AnyValue.newBuilder()
        .setKvlistValue(KeyValueList.newBuilder().addAllValues(List.of(values)))
        .build();
  }

  /** Attributes of every AnyValue type, nested arrays and lists included. */
  static List<KeyValue> everyValueType() {
    return List.of(
        kv("s", str("text")),
        kv("b", AnyValue.newBuilder().setBoolValue(true).build()),
        kv("i", integer(-42)),
        kv("d", AnyValue.newBuilder().setDoubleValue(2.5).build()),
        kv("bytes", AnyValue.newBuilder()
            .setBytesValue(ByteString.copyFrom(new byte[] {0, 1, -1}))
            .build()),
        kv("array", array(str("a"), integer(7), array(integer(8)))),
        kv("map", kvlist(
            kv("k", str("v")),
            kv("inner", kvlist(kv("flag", AnyValue.newBuilder().setBoolValue(false).build()))))));
  }

  static List<Attribute> everyValueTypeInModel() {
    return List.of(
        Attribute.of("s", "text"),
        Attribute.of("b", true),
        Attribute.of("i", -42),
        Attribute.of("d", 2.5),
        new Attribute("bytes", new Value.Bytes(new byte[] {0, 1, -1})),
        new Attribute("array", new Value.Array(List.of(
            Value.of("a"), Value.of(7), new Value.Array(List.of(Value.of(8)))))),
        new Attribute("map", new Value.KvList(List.of(
            Attribute.of("k", "v"),
            new Attribute("inner", new Value.KvList(List.of(Attribute.of("flag", false))))))));
  }

  /**
   * Two resources: the first with a named service, two scopes and a span using every field plus a
   * minimal root span; the second with no resource and one span.
   */
  static ExportTraceServiceRequest fullRequest() {
    io.opentelemetry.proto.trace.v1.Span full = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(bytes(TRACE_ID))
        .setSpanId(bytes(SPAN_ID))
        .setParentSpanId(bytes(PARENT_SPAN_ID))
        .setTraceState("vendor=x")
        .setFlags(0x301)
        .setName("GET /users")
        .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(START)
        .setEndTimeUnixNano(END)
        .addAllAttributes(everyValueType())
        .setDroppedAttributesCount(3)
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
            .setTimeUnixNano(START + 10)
            .setName("cache miss")
            .addAttributes(kv("key", str("user:1")))
            .setDroppedAttributesCount(1))
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
            .setTimeUnixNano(START + 20)
            .setName("retry"))
        .setDroppedEventsCount(4)
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(bytes(LINKED_TRACE_ID))
            .setSpanId(bytes(LINKED_SPAN_ID))
            .setTraceState("l=1")
            .addAttributes(kv("opentracing.ref_type", str("follows_from")))
            .addAttributes(kv("why", str("batch")))
            .setDroppedAttributesCount(5)
            .setFlags(0x100))
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(bytes(TRACE_ID))
            .setSpanId(bytes(PARENT_SPAN_ID))
            .addAttributes(kv("opentracing.ref_type", str("child_of"))))
        .setDroppedLinksCount(6)
        .setStatus(Status.newBuilder()
            .setCode(Status.StatusCode.STATUS_CODE_ERROR)
            .setMessage("boom"))
        .build();
    io.opentelemetry.proto.trace.v1.Span minimal = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(bytes(TRACE_ID))
        .setSpanId(bytes(PARENT_SPAN_ID))
        .setName("minimal")
        .build();
    io.opentelemetry.proto.trace.v1.Span orphan = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(bytes(LINKED_TRACE_ID))
        .setSpanId(bytes(LINKED_SPAN_ID))
        .setName("orphan")
        .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CONSUMER)
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                .addAttributes(kv("service.name", str("users")))
                .addAttributes(kv("host.name", str("h1")))
                .setDroppedAttributesCount(2))
            .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
            .addScopeSpans(ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder()
                    .setName("io.ariadne.http")
                    .setVersion("1.2.3")
                    .addAttributes(kv("scope.attr", integer(1))))
                .addSpans(full))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(minimal)))
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(orphan)))
        .build();
  }

  /** What {@link #fullRequest()} decodes to. */
  static List<Span> fullRequestSpans() {
    Resource users = new Resource(
        "users",
        List.of(Attribute.of("service.name", "users"), Attribute.of("host.name", "h1")),
        2);
    Resource none = new Resource(Resource.UNKNOWN_SERVICE, List.of(), 0);
    Span full = Span.builder()
        .traceId(TRACE_ID)
        .spanId(SPAN_ID)
        .parentSpanId(PARENT_SPAN_ID)
        .traceState("vendor=x")
        .flags(0x301)
        .name("GET /users")
        .kind(SpanKind.SERVER)
        .startEpochNanos(START)
        .endEpochNanos(END)
        .resource(users)
        .scope(new Scope("io.ariadne.http", "1.2.3", List.of(Attribute.of("scope.attr", 1))))
        .attributes(everyValueTypeInModel())
        .droppedAttributesCount(3)
        .events(List.of(
            new Event(START + 10, "cache miss", List.of(Attribute.of("key", "user:1")), 1),
            new Event(START + 20, "retry", List.of(), 0)))
        .droppedEventsCount(4)
        .links(List.of(
            new Link(LINKED_TRACE_ID, LINKED_SPAN_ID, "l=1",
                List.of(
                    Attribute.of("opentracing.ref_type", "follows_from"),
                    Attribute.of("why", "batch")),
                5, true),
            new Link(TRACE_ID, PARENT_SPAN_ID, "",
                List.of(Attribute.of("opentracing.ref_type", "child_of")), 0, false)))
        .droppedLinksCount(6)
        .status(StatusCode.ERROR, "boom")
        .build();
    Span minimal = Span.builder()
        .traceId(TRACE_ID)
        .spanId(PARENT_SPAN_ID)
        .name("minimal")
        .resource(users)
        .build();
    Span orphan = Span.builder()
        .traceId(LINKED_TRACE_ID)
        .spanId(LINKED_SPAN_ID)
        .name("orphan")
        .kind(SpanKind.CONSUMER)
        .resource(none)
        .build();
    return List.of(full, minimal, orphan);
  }

  /** How {@link #toOtlpJson} writes names and 64-bit integers. */
  enum JsonStyle {
    /** What OTLP exporters send: lowerCamelCase names, 64-bit integers as strings. */
    OTLP,
    /** The proto field names, and 64-bit integers as JSON numbers. */
    PROTO_NAMES_AND_NUMBERS
  }

  /** The message as OTLP/JSON: hex IDs, base64 other bytes, enums as numbers. */
  static byte[] toOtlpJson(MessageOrBuilder message, JsonStyle style) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      write(json, message, style);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonGenerator json, MessageOrBuilder message, JsonStyle style)
      throws IOException {
    json.writeStartObject();
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      json.writeFieldName(
          style == JsonStyle.OTLP ? descriptor.getJsonName() : descriptor.getName());
      if (descriptor.isRepeated()) {
        json.writeStartArray();
        for (Object element : (List<?>) field.getValue()) {
          writeValue(json, descriptor, element, style);
        }
        json.writeEndArray();
      } else {
        writeValue(json, descriptor, field.getValue(), style);
      }
    }
    json.writeEndObject();
  }

  private static void writeValue(
      JsonGenerator json, FieldDescriptor field, Object value, JsonStyle style) throws IOException {
    switch (field.getType()) {
      case MESSAGE -> write(json, (MessageOrBuilder) value, style);
      case BYTES -> {
        byte[] bytes = ((ByteString) value).toByteArray();
        boolean id = field.getName().endsWith("_id");
        json.writeString(id ? hex(bytes) : Base64.getEncoder().encodeToString(bytes));
      }
      case INT64, SINT64, SFIXED64, FIXED64, UINT64 -> {
        boolean unsigned = field.getType() == FieldDescriptor.Type.FIXED64
            || field.getType() == FieldDescriptor.Type.UINT64;
        String text = unsigned ? Long.toUnsignedString((Long) value) : Long.toString((Long) value);
        if (style == JsonStyle.OTLP) {
          json.writeString(text);
        } else {
          json.writeNumber(text);
        }
      }
      case FIXED32, UINT32 -> json.writeNumber(Integer.toUnsignedLong((Integer) value));
      case INT32, SINT32, SFIXED32 -> json.writeNumber((Integer) value);
      case ENUM -> json.writeNumber(((EnumValueDescriptor) value).getNumber());
      case BOOL -> json.writeBoolean((Boolean) value);
      case DOUBLE -> json.writeNumber((Double) value);
      case STRING -> json.writeString((String) value);
      default -> throw new IllegalArgumentException("not in OTLP traces: " + field);
    }
  }

  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return out.toString();
  }
}
