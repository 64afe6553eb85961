package dev.ariadne.exporter.otlp;

import static dev.ariadne.exporter.otlp.ProtoWriter.FIXED32;
import static dev.ariadne.exporter.otlp.ProtoWriter.FIXED64;
import static dev.ariadne.exporter.otlp.ProtoWriter.LENGTH_DELIMITED;
import static dev.ariadne.exporter.otlp.ProtoWriter.VARINT;
import static dev.ariadne.exporter.otlp.ProtoWriter.lengthDelimitedSize;
import static dev.ariadne.exporter.otlp.ProtoWriter.tag;
import static dev.ariadne.exporter.otlp.ProtoWriter.utf8Length;
import static dev.ariadne.exporter.otlp.ProtoWriter.varintSize;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.AttributeType;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.LinkData;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes spans as an OTLP {@code ExportTraceServiceRequest}, grouped by resource and then by
 * instrumentation scope in the order they are first seen. Two passes: the first records the length
 * of every string and nested message in a table, in the order the second pass meets them; the
 * second writes into an array of exactly the computed size, reading the lengths back. Field numbers
 * are those of opentelemetry-proto's trace.proto, common.proto, resource.proto and
 * trace_service.proto. Empty strings, zero numbers and an UNSET status are left out, as proto3
 * does, except inside {@code AnyValue}, where the field present says the value's type.
 *
 * <p>One instance encodes one request on one thread.
 */
final class TraceRequestMarshaler {
  // ExportTraceServiceRequest, ResourceSpans, Resource, ScopeSpans, InstrumentationScope
  private static final int REQUEST_RESOURCE_SPANS = tag(1, LENGTH_DELIMITED);
  private static final int RESOURCE_SPANS_RESOURCE = tag(1, LENGTH_DELIMITED);
  private static final int RESOURCE_SPANS_SCOPE_SPANS = tag(2, LENGTH_DELIMITED);
  private static final int RESOURCE_ATTRIBUTES = tag(1, LENGTH_DELIMITED);
  private static final int SCOPE_SPANS_SCOPE = tag(1, LENGTH_DELIMITED);
  private static final int SCOPE_SPANS_SPANS = tag(2, LENGTH_DELIMITED);
  private static final int SCOPE_NAME = tag(1, LENGTH_DELIMITED);
  private static final int SCOPE_VERSION = tag(2, LENGTH_DELIMITED);
  // Span
  private static final int SPAN_TRACE_ID = tag(1, LENGTH_DELIMITED);
  private static final int SPAN_SPAN_ID = tag(2, LENGTH_DELIMITED);
  private static final int SPAN_TRACE_STATE = tag(3, LENGTH_DELIMITED);
  private static final int SPAN_PARENT_SPAN_ID = tag(4, LENGTH_DELIMITED);
  private static final int SPAN_NAME = tag(5, LENGTH_DELIMITED);
  private static final int SPAN_KIND = tag(6, VARINT);
  private static final int SPAN_START_TIME = tag(7, FIXED64);
  private static final int SPAN_END_TIME = tag(8, FIXED64);
  private static final int SPAN_ATTRIBUTES = tag(9, LENGTH_DELIMITED);
  private static final int SPAN_DROPPED_ATTRIBUTES_COUNT = tag(10, VARINT);
  private static final int SPAN_EVENTS = tag(11, LENGTH_DELIMITED);
  private static final int SPAN_DROPPED_EVENTS_COUNT = tag(12, VARINT);
  private static final int SPAN_LINKS = tag(13, LENGTH_DELIMITED);
  private static final int SPAN_DROPPED_LINKS_COUNT = tag(14, VARINT);
  private static final int SPAN_STATUS = tag(15, LENGTH_DELIMITED);
  private static final int SPAN_FLAGS = tag(16, FIXED32);
  // Span.Event
  private static final int EVENT_TIME = tag(1, FIXED64);
  private static final int EVENT_NAME = tag(2, LENGTH_DELIMITED);
  private static final int EVENT_ATTRIBUTES = tag(3, LENGTH_DELIMITED);
  private static final int EVENT_DROPPED_ATTRIBUTES_COUNT = tag(4, VARINT);
  // Span.Link
  private static final int LINK_TRACE_ID = tag(1, LENGTH_DELIMITED);
  private static final int LINK_SPAN_ID = tag(2, LENGTH_DELIMITED);
  private static final int LINK_TRACE_STATE = tag(3, LENGTH_DELIMITED);
  private static final int LINK_ATTRIBUTES = tag(4, LENGTH_DELIMITED);
  private static final int LINK_DROPPED_ATTRIBUTES_COUNT = tag(5, VARINT);
  private static final int LINK_FLAGS = tag(6, FIXED32);
  // Status
  private static final int STATUS_MESSAGE = tag(2, LENGTH_DELIMITED);
  private static final int STATUS_CODE = tag(3, VARINT);
  // KeyValue, AnyValue, ArrayValue
  private static final int KEY_VALUE_KEY = tag(1, LENGTH_DELIMITED);
  private static final int KEY_VALUE_VALUE = tag(2, LENGTH_DELIMITED);
  private static final int ANY_VALUE_STRING = tag(1, LENGTH_DELIMITED);
  private static final int ANY_VALUE_BOOL = tag(2, VARINT);
  private static final int ANY_VALUE_INT = tag(3, VARINT);
  private static final int ANY_VALUE_DOUBLE = tag(4, FIXED64);
  private static final int ANY_VALUE_ARRAY = tag(5, LENGTH_DELIMITED);
  private static final int ARRAY_VALUE_VALUES = tag(1, LENGTH_DELIMITED);

  private static final int TRACE_ID_FIELD_SIZE = lengthDelimitedSize(SPAN_TRACE_ID, 16);
  private static final int SPAN_ID_FIELD_SIZE = lengthDelimitedSize(SPAN_SPAN_ID, 8);

  /** SpanFlags: the W3C trace flags, and whether the parent's or link's remoteness is known. */
  static final int FLAGS_TRACE_FLAGS_MASK = 0xFF;
  static final int FLAGS_HAS_IS_REMOTE = 0x100;
  static final int FLAGS_IS_REMOTE = 0x200;

  /** Caps what a thread keeps between requests; a larger request borrows a throwaway buffer. */
  private static final int MAX_KEPT_LENGTHS = 1 << 16;
  private static final int MAX_KEPT_BYTES = 1 << 20;
  private static final ThreadLocal<int[]> KEPT_LENGTHS =
      ThreadLocal.withInitial(() -> new int[1024]);
  private static final ThreadLocal<byte[]> KEPT_BYTES = ThreadLocal.withInitial(() -> new byte[0]);

  private final List<ResourceGroup> groups;
  private int[] lengths;
  private int count;
  private int cursor;
  private ProtoWriter out;
  private TraceState lastTraceState;
  private String lastTraceStateHeader;

  private TraceRequestMarshaler(List<ResourceGroup> groups, int[] lengths) {
    this.groups = groups;
    this.lengths = lengths;
  }

  /** The request for {@code spans}, gzipped if {@code gzip}. */
  static byte[] encode(Collection<SpanData> spans, boolean gzip) throws IOException {
    int[] kept = KEPT_LENGTHS.get();
    TraceRequestMarshaler marshaler = new TraceRequestMarshaler(group(spans), kept);
    int size = marshaler.sizeRequest();
    if (marshaler.lengths != kept && marshaler.lengths.length <= MAX_KEPT_LENGTHS) {
      KEPT_LENGTHS.set(marshaler.lengths);
    }
    if (!gzip) {
      byte[] body = new byte[size];
      marshaler.writeRequest(body, size);
      return body;
    }
    byte[] plain = borrowBytes(size);
    marshaler.writeRequest(plain, size);
    return gzip(plain, size);
  }

  private static byte[] borrowBytes(int size) {
    byte[] kept = KEPT_BYTES.get();
    if (kept.length >= size) return kept;
    if (size > MAX_KEPT_BYTES) return new byte[size];
    byte[] larger = new byte[Math.max(size, Math.min(MAX_KEPT_BYTES, kept.length * 2))];
    KEPT_BYTES.set(larger);
    return larger;
  }

  private static byte[] gzip(byte[] bytes, int length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 4));
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
      gzip.write(bytes, 0, length);
    }
    return out.toByteArray();
  }

  // Grouping. There are few resources and scopes, and spans of one tracer share their instances,
  // so a linear search that tries identity first beats hashing attributes.

  @SuppressWarnings("ReferenceEquality") // identity first, as a fast path
  private static List<ResourceGroup> group(Collection<SpanData> spans) {
    List<ResourceGroup> groups = new ArrayList<>(1);
    ResourceGroup last = null;
    for (SpanData span : spans) {
      Resource resource = span.getResource();
      if (last == null || last.resource != resource) last = find(groups, resource);
      last.add(span);
    }
    return groups;
  }

  @SuppressWarnings("ReferenceEquality") // identity first, as a fast path
  private static ResourceGroup find(List<ResourceGroup> groups, Resource resource) {
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).resource == resource) return groups.get(i);
    }
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).resource.equals(resource)) return groups.get(i);
    }
    ResourceGroup group = new ResourceGroup(resource);
    groups.add(group);
    return group;
  }

  private static final class ResourceGroup {
    final Resource resource;
    final List<ScopeGroup> scopes = new ArrayList<>(2);
    private ScopeGroup last;

    ResourceGroup(Resource resource) {
      this.resource = resource;
    }

    @SuppressWarnings("ReferenceEquality") // identity first, as a fast path
    void add(SpanData span) {
      InstrumentationScope scope = span.getInstrumentationScope();
      if (last == null || last.scope != scope) last = find(scope);
      last.spans.add(span);
    }

    @SuppressWarnings("ReferenceEquality") // identity first, as a fast path
    private ScopeGroup find(InstrumentationScope scope) {
      for (int i = 0; i < scopes.size(); i++) {
        if (scopes.get(i).scope == scope) return scopes.get(i);
      }
      for (int i = 0; i < scopes.size(); i++) {
        if (scopes.get(i).scope.equals(scope)) return scopes.get(i);
      }
      ScopeGroup group = new ScopeGroup(scope);
      scopes.add(group);
      return group;
    }
  }

  private static final class ScopeGroup {
    final InstrumentationScope scope;
    final List<SpanData> spans = new ArrayList<>();

    ScopeGroup(InstrumentationScope scope) {
      this.scope = scope;
    }
  }

  // Pass 1: sizes. Each nested message reserves its table slot before its content is sized, so the
  // table is in the order that pass 2 writes the headers.

  private int reserve() {
    if (count == lengths.length) lengths = Arrays.copyOf(lengths, count * 2);
    return count++;
  }

  private int message(int tag, int slot, int length) {
    lengths[slot] = length;
    return lengthDelimitedSize(tag, length);
  }

  /** A string field, left out when empty. */
  private int string(int tag, String value) {
    return value == null || value.isEmpty() ? 0 : presentString(tag, value);
  }

  /** A string field written even when empty, as in a oneof. */
  private int presentString(int tag, String value) {
    return message(tag, reserve(), utf8Length(value));
  }

  private static int varint(int tag, long value) {
    return value == 0 ? 0 : varintSize(tag) + varintSize(value);
  }

  private static int uint32(int tag, int value) {
    return varint(tag, value & 0xFFFFFFFFL);
  }

  private static int fixed64(int tag, long value) {
    return value == 0 ? 0 : varintSize(tag) + 8;
  }

  private int sizeRequest() {
    int size = 0;
    for (ResourceGroup group : groups) {
      int slot = reserve();
      size += message(REQUEST_RESOURCE_SPANS, slot, sizeResourceSpans(group));
    }
    return size;
  }

  private int sizeResourceSpans(ResourceGroup group) {
    int slot = reserve();
    int size =
        message(
            RESOURCE_SPANS_RESOURCE,
            slot,
            sizeAttributes(RESOURCE_ATTRIBUTES, group.resource.getAttributes()));
    for (ScopeGroup scope : group.scopes) {
      slot = reserve();
      size += message(RESOURCE_SPANS_SCOPE_SPANS, slot, sizeScopeSpans(scope));
    }
    return size;
  }

  private int sizeScopeSpans(ScopeGroup group) {
    int slot = reserve();
    int size =
        message(
            SCOPE_SPANS_SCOPE,
            slot,
            string(SCOPE_NAME, group.scope.getName())
                + string(SCOPE_VERSION, group.scope.getVersion()));
    for (SpanData span : group.spans) {
      slot = reserve();
      size += message(SCOPE_SPANS_SPANS, slot, sizeSpan(span));
    }
    return size;
  }

  private int sizeSpan(SpanData span) {
    SpanContext context = span.getSpanContext();
    int size = TRACE_ID_FIELD_SIZE + SPAN_ID_FIELD_SIZE;
    size += string(SPAN_TRACE_STATE, traceState(context.getTraceState()));
    if (span.getParentSpanContext().isValid()) size += SPAN_ID_FIELD_SIZE;
    size += string(SPAN_NAME, span.getName());
    size += varint(SPAN_KIND, kind(span.getKind()));
    size += fixed64(SPAN_START_TIME, span.getStartEpochNanos());
    size += fixed64(SPAN_END_TIME, span.getEndEpochNanos());
    size += sizeAttributes(SPAN_ATTRIBUTES, span.getAttributes());
    size += uint32(SPAN_DROPPED_ATTRIBUTES_COUNT, span.getDroppedAttributesCount());
    List<EventData> events = span.getEvents();
    for (int i = 0; i < events.size(); i++) {
      int slot = reserve();
      size += message(SPAN_EVENTS, slot, sizeEvent(events.get(i)));
    }
    size += uint32(SPAN_DROPPED_EVENTS_COUNT, span.getDroppedEventsCount());
    List<LinkData> links = span.getLinks();
    for (int i = 0; i < links.size(); i++) {
      int slot = reserve();
      size += message(SPAN_LINKS, slot, sizeLink(links.get(i)));
    }
    size += uint32(SPAN_DROPPED_LINKS_COUNT, span.getDroppedLinksCount());
    if (hasStatus(span)) {
      int slot = reserve();
      size +=
          message(
              SPAN_STATUS,
              slot,
              string(STATUS_MESSAGE, span.getStatusDescription())
                  + varint(STATUS_CODE, statusCode(span.getStatusCode())));
    }
    return size + varintSize(SPAN_FLAGS) + 4;
  }

  private int sizeEvent(EventData event) {
    return fixed64(EVENT_TIME, event.getEpochNanos())
        + string(EVENT_NAME, event.getName())
        + sizeAttributes(EVENT_ATTRIBUTES, event.getAttributes())
        + uint32(EVENT_DROPPED_ATTRIBUTES_COUNT, event.getDroppedAttributesCount());
  }

  private int sizeLink(LinkData link) {
    return TRACE_ID_FIELD_SIZE
        + SPAN_ID_FIELD_SIZE
        + string(LINK_TRACE_STATE, traceState(link.getSpanContext().getTraceState()))
        + sizeAttributes(LINK_ATTRIBUTES, link.getAttributes())
        + uint32(LINK_DROPPED_ATTRIBUTES_COUNT, link.getDroppedAttributesCount())
        + varintSize(LINK_FLAGS)
        + 4;
  }

  private int sizeAttributes(int tag, Attributes attributes) {
    int size = 0;
    for (int i = 0; i < attributes.size(); i++) {
      int slot = reserve();
      size += message(tag, slot, sizeKeyValue(attributes.getKey(i), attributes.getValue(i)));
    }
    return size;
  }

  private int sizeKeyValue(AttributeKey<?> key, Object value) {
    int size = string(KEY_VALUE_KEY, key.getName());
    int slot = reserve();
    return size + message(KEY_VALUE_VALUE, slot, sizeAnyValue(key.getType(), value));
  }

  private int sizeAnyValue(AttributeType type, Object value) {
    switch (type) {
      case STRING:
        return presentString(ANY_VALUE_STRING, (String) value);
      case BOOLEAN:
        return varintSize(ANY_VALUE_BOOL) + 1;
      case LONG:
        return varintSize(ANY_VALUE_INT) + varintSize((Long) value);
      case DOUBLE:
        return varintSize(ANY_VALUE_DOUBLE) + 8;
      default:
        int slot = reserve();
        return message(ANY_VALUE_ARRAY, slot, sizeArrayValue(elementType(type), (List<?>) value));
    }
  }

  private int sizeArrayValue(AttributeType elementType, List<?> values) {
    int size = 0;
    for (int i = 0; i < values.size(); i++) {
      int slot = reserve();
      size += message(ARRAY_VALUE_VALUES, slot, sizeAnyValue(elementType, values.get(i)));
    }
    return size;
  }

  // Pass 2: writes, in exactly the order of pass 1.

  private void writeRequest(byte[] dest, int size) {
    out = new ProtoWriter(dest);
    cursor = 0;
    for (ResourceGroup group : groups) {
      writeHeader(REQUEST_RESOURCE_SPANS);
      writeResourceSpans(group);
    }
    if (out.position() != size || cursor != count) {
      throw new IllegalStateException(
          "marshaler bug: wrote " + out.position() + " of " + size + " bytes, used " + cursor
              + " of " + count + " lengths");
    }
  }

  /** Writes the tag and the length recorded for this field in pass 1. */
  private void writeHeader(int tag) {
    out.writeVarint(tag);
    out.writeVarint(lengths[cursor++]);
  }

  private void writeString(int tag, String value) {
    if (value != null && !value.isEmpty()) writePresentString(tag, value);
  }

  private void writePresentString(int tag, String value) {
    writeHeader(tag);
    out.writeUtf8(value);
  }

  private void writeVarint(int tag, long value) {
    if (value == 0) return;
    out.writeVarint(tag);
    out.writeVarint(value);
  }

  private void writeUint32(int tag, int value) {
    writeVarint(tag, value & 0xFFFFFFFFL);
  }

  private void writeFixed64(int tag, long value) {
    if (value == 0) return;
    out.writeVarint(tag);
    out.writeFixed64(value);
  }

  private void writeTraceId(int tag, SpanContext context) {
    out.writeVarint(tag);
    out.writeVarint(16);
    out.writeLongBigEndian(context.getTraceIdHigh());
    out.writeLongBigEndian(context.getTraceIdLow());
  }

  private void writeSpanId(int tag, SpanContext context) {
    out.writeVarint(tag);
    out.writeVarint(8);
    out.writeLongBigEndian(context.getSpanIdAsLong());
  }

  private void writeResourceSpans(ResourceGroup group) {
    writeHeader(RESOURCE_SPANS_RESOURCE);
    writeAttributes(RESOURCE_ATTRIBUTES, group.resource.getAttributes());
    for (ScopeGroup scope : group.scopes) {
      writeHeader(RESOURCE_SPANS_SCOPE_SPANS);
      writeScopeSpans(scope);
    }
  }

  private void writeScopeSpans(ScopeGroup group) {
    writeHeader(SCOPE_SPANS_SCOPE);
    writeString(SCOPE_NAME, group.scope.getName());
    writeString(SCOPE_VERSION, group.scope.getVersion());
    for (SpanData span : group.spans) {
      writeHeader(SCOPE_SPANS_SPANS);
      writeSpan(span);
    }
  }

  private void writeSpan(SpanData span) {
    SpanContext context = span.getSpanContext();
    SpanContext parent = span.getParentSpanContext();
    writeTraceId(SPAN_TRACE_ID, context);
    writeSpanId(SPAN_SPAN_ID, context);
    writeString(SPAN_TRACE_STATE, traceState(context.getTraceState()));
    if (parent.isValid()) writeSpanId(SPAN_PARENT_SPAN_ID, parent);
    writeString(SPAN_NAME, span.getName());
    writeVarint(SPAN_KIND, kind(span.getKind()));
    writeFixed64(SPAN_START_TIME, span.getStartEpochNanos());
    writeFixed64(SPAN_END_TIME, span.getEndEpochNanos());
    writeAttributes(SPAN_ATTRIBUTES, span.getAttributes());
    writeUint32(SPAN_DROPPED_ATTRIBUTES_COUNT, span.getDroppedAttributesCount());
    List<EventData> events = span.getEvents();
    for (int i = 0; i < events.size(); i++) {
      writeHeader(SPAN_EVENTS);
      writeEvent(events.get(i));
    }
    writeUint32(SPAN_DROPPED_EVENTS_COUNT, span.getDroppedEventsCount());
    List<LinkData> links = span.getLinks();
    for (int i = 0; i < links.size(); i++) {
      writeHeader(SPAN_LINKS);
      writeLink(links.get(i));
    }
    writeUint32(SPAN_DROPPED_LINKS_COUNT, span.getDroppedLinksCount());
    if (hasStatus(span)) {
      writeHeader(SPAN_STATUS);
      writeString(STATUS_MESSAGE, span.getStatusDescription());
      writeVarint(STATUS_CODE, statusCode(span.getStatusCode()));
    }
    out.writeVarint(SPAN_FLAGS);
    out.writeFixed32(flags(context.getTraceFlags(), parent.isRemote()));
  }

  private void writeEvent(EventData event) {
    writeFixed64(EVENT_TIME, event.getEpochNanos());
    writeString(EVENT_NAME, event.getName());
    writeAttributes(EVENT_ATTRIBUTES, event.getAttributes());
    writeUint32(EVENT_DROPPED_ATTRIBUTES_COUNT, event.getDroppedAttributesCount());
  }

  private void writeLink(LinkData link) {
    SpanContext context = link.getSpanContext();
    writeTraceId(LINK_TRACE_ID, context);
    writeSpanId(LINK_SPAN_ID, context);
    writeString(LINK_TRACE_STATE, traceState(context.getTraceState()));
    writeAttributes(LINK_ATTRIBUTES, link.getAttributes());
    writeUint32(LINK_DROPPED_ATTRIBUTES_COUNT, link.getDroppedAttributesCount());
    out.writeVarint(LINK_FLAGS);
    out.writeFixed32(flags(context.getTraceFlags(), context.isRemote()));
  }

  private void writeAttributes(int tag, Attributes attributes) {
    for (int i = 0; i < attributes.size(); i++) {
      writeHeader(tag);
      AttributeKey<?> key = attributes.getKey(i);
      writeString(KEY_VALUE_KEY, key.getName());
      writeHeader(KEY_VALUE_VALUE);
      writeAnyValue(key.getType(), attributes.getValue(i));
    }
  }

  private void writeAnyValue(AttributeType type, Object value) {
    switch (type) {
      case STRING:
        writePresentString(ANY_VALUE_STRING, (String) value);
        return;
      case BOOLEAN:
        out.writeVarint(ANY_VALUE_BOOL);
        out.writeVarint((Boolean) value ? 1 : 0);
        return;
      case LONG:
        out.writeVarint(ANY_VALUE_INT);
        out.writeVarint((Long) value);
        return;
      case DOUBLE:
        out.writeVarint(ANY_VALUE_DOUBLE);
        out.writeFixed64(Double.doubleToRawLongBits((Double) value));
        return;
      default:
        writeHeader(ANY_VALUE_ARRAY);
        AttributeType elementType = elementType(type);
        List<?> values = (List<?>) value;
        for (int i = 0; i < values.size(); i++) {
          writeHeader(ARRAY_VALUE_VALUES);
          writeAnyValue(elementType, values.get(i));
        }
    }
  }

  // Mappings shared by both passes.

  /** The W3C {@code tracestate} header value, or null; remembers the last one converted. */
  @SuppressWarnings("ReferenceEquality") // identity first, as a fast path
  private String traceState(TraceState state) {
    if (state.isEmpty()) return null;
    if (state != lastTraceState) {
      lastTraceStateHeader = w3cTraceState(state);
      lastTraceState = state;
    }
    return lastTraceStateHeader;
  }

  static String w3cTraceState(TraceState state) {
    StringBuilder header = new StringBuilder();
    for (Map.Entry<String, String> entry : state.asMap().entrySet()) {
      if (header.length() > 0) header.append(',');
      header.append(entry.getKey()).append('=').append(entry.getValue());
    }
    return header.toString();
  }

  static int flags(byte traceFlags, boolean remote) {
    return (traceFlags & FLAGS_TRACE_FLAGS_MASK)
        | FLAGS_HAS_IS_REMOTE
        | (remote ? FLAGS_IS_REMOTE : 0);
  }

  /** The OTLP {@code SpanKind} number; 0 (unspecified) for null. */
  static int kind(SpanKind kind) {
    if (kind == null) return 0;
    switch (kind) {
      case INTERNAL:
        return 1;
      case SERVER:
        return 2;
      case CLIENT:
        return 3;
      case PRODUCER:
        return 4;
      case CONSUMER:
        return 5;
      default:
        return 0;
    }
  }

  /** The OTLP {@code Status.StatusCode} number; 0 (unset) for null. */
  static int statusCode(StatusCode code) {
    if (code == null) return 0;
    switch (code) {
      case OK:
        return 1;
      case ERROR:
        return 2;
      default:
        return 0;
    }
  }

  private static boolean hasStatus(SpanData span) {
    String description = span.getStatusDescription();
    return statusCode(span.getStatusCode()) != 0 || (description != null && !description.isEmpty());
  }

  private static AttributeType elementType(AttributeType arrayType) {
    switch (arrayType) {
      case STRING_ARRAY:
        return AttributeType.STRING;
      case BOOLEAN_ARRAY:
        return AttributeType.BOOLEAN;
      case LONG_ARRAY:
        return AttributeType.LONG;
      case DOUBLE_ARRAY:
        return AttributeType.DOUBLE;
      default:
        throw new IllegalArgumentException("not an array type: " + arrayType);
    }
  }
}
