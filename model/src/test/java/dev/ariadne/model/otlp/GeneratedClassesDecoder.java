package dev.ariadne.model.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.internal.Problems;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference for {@link OtlpProtobufDecoder}: the same mapping done the straightforward way,
 * parsing with the generated opentelemetry-proto classes and then converting their messages (the
 * decoder as it was before it read the wire format itself, with one fix: the path of a resource
 * or scope attribute now names the list, {@code resource.attributes[0]} rather than {@code
 * resource[0]}, as OTLP/JSON does). Whatever the body, both must give the same spans, rejections
 * and messages, or the same {@link MalformedException} message.
 */
final class GeneratedClassesDecoder {
  private final Path path = new Path();
  private final Problems problems = new Problems();
  private final List<Span> spans = new ArrayList<>();

  private GeneratedClassesDecoder() {}

  static DecodeResult decode(byte[] body) throws MalformedException {
    requireNonNull(body, "body");
    return decode(CodedInputStream.newInstance(body));
  }

  private static DecodeResult decode(CodedInputStream in) throws MalformedException {
    // Safe: every byte string is copied out before decode returns.
    in.enableAliasing(true);
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(in);
      in.checkLastTagWas(0);
    } catch (IOException e) {
      // InvalidProtocolBufferException; nothing else can fail when reading from memory.
      throw new MalformedException("OTLP protobuf: " + e.getMessage(), e);
    }
    return new GeneratedClassesDecoder().request(request);
  }

  private DecodeResult request(ExportTraceServiceRequest request) throws MalformedException {
    path.push("resourceSpans");
    for (int i = 0; i < request.getResourceSpansCount(); i++) {
      path.push(i);
      resourceSpans(request.getResourceSpans(i));
      path.pop();
    }
    path.pop();
    return problems.result(spans);
  }

  private void resourceSpans(ResourceSpans resourceSpans) throws MalformedException {
    Resource resource = Otlp.NO_RESOURCE;
    if (resourceSpans.hasResource()) {
      io.opentelemetry.proto.resource.v1.Resource proto = resourceSpans.getResource();
      path.push("resource");
      path.push("attributes");
      List<Attribute> attributes = new ArrayList<>(proto.getAttributesCount());
      int empty = keyValues(proto.getAttributesList(), attributes, 1);
      resource = Otlp.resource(attributes, dropped(proto.getDroppedAttributesCount(), empty));
      path.pop();
      path.pop();
    }
    path.push("scopeSpans");
    for (int i = 0; i < resourceSpans.getScopeSpansCount(); i++) {
      path.push(i);
      scopeSpans(resourceSpans.getScopeSpans(i), resource);
      path.pop();
    }
    path.pop();
  }

  private void scopeSpans(ScopeSpans scopeSpans, Resource resource) throws MalformedException {
    Scope scope = Scope.UNKNOWN;
    if (scopeSpans.hasScope()) {
      InstrumentationScope proto = scopeSpans.getScope();
      path.push("scope");
      path.push("attributes");
      List<Attribute> attributes = new ArrayList<>(proto.getAttributesCount());
      keyValues(proto.getAttributesList(), attributes, 1);
      scope = new Scope(proto.getName(), proto.getVersion(), attributes);
      path.pop();
      path.pop();
    }
    path.push("spans");
    for (int i = 0; i < scopeSpans.getSpansCount(); i++) {
      path.push(i);
      span(scopeSpans.getSpans(i), resource, scope);
      path.pop();
    }
    path.pop();
  }

  private void span(io.opentelemetry.proto.trace.v1.Span proto, Resource resource, Scope scope)
      throws MalformedException {
    String problem = idProblem("traceId", proto.getTraceId(), 16, false);
    if (problem == null) {
      problem = idProblem("spanId", proto.getSpanId(), 8, false);
    }
    if (problem == null && !proto.getParentSpanId().isEmpty()) {
      problem = idProblem("parentSpanId", proto.getParentSpanId(), 8, true);
    }
    if (problem != null) {
      problems.reject(problem);
      return;
    }
    ByteString traceId = proto.getTraceId();
    Span.Builder span = Span.builder()
        .traceId(new TraceId(longAt(traceId, 0), longAt(traceId, 8)))
        .spanId(longAt(proto.getSpanId(), 0))
        .parentSpanId(proto.getParentSpanId().isEmpty() ? 0 : longAt(proto.getParentSpanId(), 0))
        .traceState(proto.getTraceState())
        .flags(proto.getFlags())
        .name(proto.getName())
        .kind(Otlp.kind(proto.getKindValue()))
        .startEpochNanos(proto.getStartTimeUnixNano())
        .endEpochNanos(proto.getEndTimeUnixNano())
        .resource(resource)
        .scope(scope)
        .status(Otlp.statusCode(proto.getStatus().getCodeValue()), proto.getStatus().getMessage())
        .droppedEventsCount(Otlp.count(Integer.toUnsignedLong(proto.getDroppedEventsCount())));

    path.push("attributes");
    List<Attribute> attributes = new ArrayList<>(proto.getAttributesCount());
    int empty = keyValues(proto.getAttributesList(), attributes, 1);
    span.attributes(attributes)
        .droppedAttributesCount(dropped(proto.getDroppedAttributesCount(), empty));
    path.pop();

    path.push("events");
    List<Event> events = new ArrayList<>(proto.getEventsCount());
    for (int i = 0; i < proto.getEventsCount(); i++) {
      path.push(i);
      events.add(event(proto.getEvents(i)));
      path.pop();
    }
    span.events(events);
    path.pop();

    path.push("links");
    List<Link> links = new ArrayList<>(proto.getLinksCount());
    for (int i = 0; i < proto.getLinksCount(); i++) {
      path.push(i);
      Link link = link(proto.getLinks(i));
      if (link != null) {
        links.add(link);
      }
      path.pop();
    }
    int invalidLinks = proto.getLinksCount() - links.size();
    span.links(links).droppedLinksCount(dropped(proto.getDroppedLinksCount(), invalidLinks));
    path.pop();

    spans.add(span.build());
  }

  private Event event(io.opentelemetry.proto.trace.v1.Span.Event proto) throws MalformedException {
    path.push("attributes");
    List<Attribute> attributes = new ArrayList<>(proto.getAttributesCount());
    int empty = keyValues(proto.getAttributesList(), attributes, 1);
    path.pop();
    return new Event(
        proto.getTimeUnixNano(),
        proto.getName(),
        attributes,
        dropped(proto.getDroppedAttributesCount(), empty));
  }

  /** The link, or null, with a warning, if its IDs have the wrong length. */
  private Link link(io.opentelemetry.proto.trace.v1.Span.Link proto) throws MalformedException {
    ByteString traceId = proto.getTraceId();
    ByteString spanId = proto.getSpanId();
    String problem = traceId.isEmpty() ? null : idProblem("traceId", traceId, 16, true);
    if (problem == null && !spanId.isEmpty()) {
      problem = idProblem("spanId", spanId, 8, true);
    }
    if (problem != null) {
      problems.warn(problem + "; link dropped");
      return null;
    }
    path.push("attributes");
    List<Attribute> attributes = new ArrayList<>(proto.getAttributesCount());
    int empty = keyValues(proto.getAttributesList(), attributes, 1);
    path.pop();
    return new Link(
        traceId.isEmpty() ? new TraceId(0, 0) : new TraceId(longAt(traceId, 0), longAt(traceId, 8)),
        spanId.isEmpty() ? 0 : longAt(spanId, 0),
        proto.getTraceState(),
        attributes,
        dropped(proto.getDroppedAttributesCount(), empty),
        Otlp.isFollowsFrom(attributes));
  }

  /**
   * Adds the attributes that have a value to {@code into}, and returns how many had none. The
   * caller has pushed the list's name.
   */
  private int keyValues(List<KeyValue> keyValues, List<Attribute> into, int depth)
      throws MalformedException {
    int empty = 0;
    for (int i = 0; i < keyValues.size(); i++) {
      KeyValue keyValue = keyValues.get(i);
      path.push(i);
      path.push("value");
      Value value = keyValue.hasValue() ? value(keyValue.getValue(), depth) : null;
      path.pop();
      path.pop();
      if (value == null) {
        empty++;
      } else {
        into.add(new Attribute(keyValue.getKey(), value));
      }
    }
    return empty;
  }

  /** The value, or null if the AnyValue is empty. */
  private Value value(AnyValue proto, int depth) throws MalformedException {
    if (depth > Otlp.MAX_VALUE_DEPTH) {
      throw new MalformedException("OTLP protobuf: " + path + ": " + Otlp.TOO_DEEP);
    }
    return switch (proto.getValueCase()) {
      case STRING_VALUE -> new Value.Str(proto.getStringValue());
      case BOOL_VALUE -> new Value.Bool(proto.getBoolValue());
      case INT_VALUE -> new Value.Int(proto.getIntValue());
      case DOUBLE_VALUE -> new Value.Dbl(proto.getDoubleValue());
      case BYTES_VALUE -> new Value.Bytes(proto.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        List<AnyValue> elements = proto.getArrayValue().getValuesList();
        List<Value> values = new ArrayList<>(elements.size());
        path.push("arrayValue");
        path.push("values");
        for (int i = 0; i < elements.size(); i++) {
          path.push(i);
          Value value = value(elements.get(i), depth + 1);
          if (value != null) {
            values.add(value);
          }
          path.pop();
        }
        path.pop();
        path.pop();
        yield new Value.Array(values);
      }
      case KVLIST_VALUE -> {
        List<KeyValue> entries = proto.getKvlistValue().getValuesList();
        List<Attribute> attributes = new ArrayList<>(entries.size());
        path.push("kvlistValue");
        path.push("values");
        keyValues(entries, attributes, depth + 1);
        path.pop();
        path.pop();
        yield new Value.KvList(attributes);
      }
      // A string-table reference belongs to the profiles signal; OTLP says to treat it as absent.
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> null;
    };
  }

  /**
   * Null if {@code id} has {@code length} bytes and is not all zeros (unless {@code zeroAllowed});
   * otherwise a message naming the field.
   */
  private String idProblem(String field, ByteString id, int length, boolean zeroAllowed) {
    if (id.size() != length) {
      String found = id.isEmpty() ? "missing" : id.size() + " bytes";
      return path.with(field) + ": " + found + " (expected: " + length + " bytes)";
    }
    if (!zeroAllowed && longAt(id, 0) == 0 && longAt(id, length - 8) == 0) {
      return path.with(field) + ": all zeros (expected: at least one non-zero byte)";
    }
    return null;
  }

  private static long longAt(ByteString bytes, int offset) {
    long value = 0;
    for (int i = offset; i < offset + 8; i++) {
      value = value << 8 | (bytes.byteAt(i) & 0xff);
    }
    return value;
  }

  /** A received uint32 dropped count plus what the decoder dropped itself. */
  private static int dropped(int receivedUnsigned, int droppedHere) {
    return Otlp.add(Otlp.count(Integer.toUnsignedLong(receivedUnsigned)), droppedHere);
  }
}
