package dev.ariadne.model.otlp;

import static com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;

import com.google.protobuf.CodedOutputStream;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.internal.LoneSurrogates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes spans as an OTLP/protobuf {@code ExportTraceServiceRequest}, the inverse of {@link
 * OtlpProtobufDecoder}: a local agent hands on the spans its receivers decoded, whatever their
 * protocol, to a collector over OTLP/HTTP. Spans with equal resources share one {@code
 * ResourceSpans}, and within it spans with equal scopes one {@code ScopeSpans}, in the order they
 * first appear; {@link OtlpProtobufDecoder} gives back the same spans, so grouped.
 *
 * <p>Two details make the request say what the model says. A resource whose attributes do not
 * name its {@code serviceName} gets a {@code service.name} attribute first, and a follows-from
 * link without the {@code opentracing.ref_type=follows_from} attribute gets it first. Half of a
 * surrogate pair alone, which no UTF-8 can hold, is written as U+FFFD, as the JSON decoders read
 * it. What the model does not keep is not written: schema URLs, entity references, the scope's
 * dropped attribute count, link flags.
 *
 * <p>Written in two passes with protobuf's {@link CodedOutputStream}, the first computing the
 * size of every message, without the generated message classes. Thread-safe: each call has its
 * own state.
 */
public final class OtlpProtobufEncoder {
  private static final int LEN = WIRETYPE_LENGTH_DELIMITED;

  private static final Attribute FOLLOWS_FROM = Attribute.of(Otlp.REF_TYPE, Otlp.FOLLOWS_FROM);

  private final List<ResourceGroup> groups;
  /** The size of every message below the request, in the order they are written. */
  private int[] sizes = new int[64];
  private int sizeCount;
  /** Where the writing pass is in {@link #sizes}. */
  private int nextSize;
  private CodedOutputStream out;

  private OtlpProtobufEncoder(List<ResourceGroup> groups) {
    this.groups = groups;
  }

  /**
   * The bytes of one {@code ExportTraceServiceRequest} holding {@code spans}; none makes the empty
   * request, no bytes.
   *
   * @throws IllegalArgumentException if an attribute value nests values deeper than the decoders
   *     accept (32 levels), or if the request would not fit in 2 GiB, protobuf's limit
   */
  public static byte[] encode(List<Span> spans) {
    OtlpProtobufEncoder encoder = new OtlpProtobufEncoder(group(spans));
    long size = encoder.requestSize();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          spans.size() + " spans make " + size + " bytes, more than one protobuf message holds");
    }
    byte[] bytes = new byte[(int) size];
    encoder.out = CodedOutputStream.newInstance(bytes);
    try {
      encoder.writeRequest();
      encoder.out.checkNoSpaceLeft();
    } catch (IOException e) {
      // Only if the sizes computed first were wrong: the array is exactly that long.
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  /** The spans by resource, then by scope, in the order of first appearance. */
  @SuppressWarnings("ReferenceEquality") // identity first, as a fast path
  private static List<ResourceGroup> group(List<Span> spans) {
    Map<Resource, ResourceGroup> byResource = new LinkedHashMap<>();
    ResourceGroup last = null;
    for (Span span : spans) {
      Resource resource = span.resource();
      // Spans decoded from one request share their resource: a lookup would compare its lists.
      if (last == null || last.resource != resource) {
        last = byResource.computeIfAbsent(resource, ResourceGroup::new);
      }
      last.add(span);
    }
    return new ArrayList<>(byResource.values());
  }

  /** The spans of one resource, by scope. */
  private static final class ResourceGroup {
    final Resource resource;
    /** The {@code service.name} attribute to write before the resource's own, or null. */
    final Attribute serviceName;
    final Map<Scope, List<Span>> byScope = new LinkedHashMap<>();
    private Scope lastScope;
    private List<Span> lastSpans;

    ResourceGroup(Resource resource) {
      this.resource = resource;
      String name = resource.serviceName();
      boolean named = name.isEmpty()
          || Otlp.resource(resource.attributes(), 0).serviceName().equals(name);
      this.serviceName = named ? null : Attribute.of(Otlp.SERVICE_NAME, name);
    }

    @SuppressWarnings("ReferenceEquality") // identity first, as a fast path
    void add(Span span) {
      if (lastSpans == null || lastScope != span.scope()) {
        lastScope = span.scope();
        lastSpans = byScope.computeIfAbsent(lastScope, scope -> new ArrayList<>());
      }
      lastSpans.add(span);
    }

    boolean hasResource() {
      return serviceName != null
          || !resource.attributes().isEmpty()
          || resource.droppedAttributesCount() != 0;
    }
  }

  // The size pass. Each method returns the size of a message's body and, for a message below the
  // request, notes it in sizes before those of the messages within it, as the writing pass reads
  // them.

  private long requestSize() {
    long size = 0;
    for (ResourceGroup group : groups) {
      size += field(1, resourceSpansSize(group));
    }
    return size;
  }

  private int resourceSpansSize(ResourceGroup group) {
    int slot = reserve();
    long size = 0;
    if (group.hasResource()) {
      size += field(1, resourceSize(group));
    }
    for (Map.Entry<Scope, List<Span>> scopeSpans : group.byScope.entrySet()) {
      size += field(2, scopeSpansSize(scopeSpans.getKey(), scopeSpans.getValue()));
    }
    return note(slot, size);
  }

  private int resourceSize(ResourceGroup group) {
    int slot = reserve();
    long size = attributesSize(1, group.serviceName, group.resource.attributes())
        + countSize(2, group.resource.droppedAttributesCount());
    return note(slot, size);
  }

  private int scopeSpansSize(Scope scope, List<Span> spans) {
    int slot = reserve();
    long size = 0;
    if (!scope.equals(Scope.UNKNOWN)) {
      size += field(1, scopeSize(scope));
    }
    for (Span span : spans) {
      size += field(2, spanSize(span));
    }
    return note(slot, size);
  }

  private int scopeSize(Scope scope) {
    int slot = reserve();
    long size = stringSize(1, scope.name())
        + stringSize(2, scope.version())
        + attributesSize(3, null, scope.attributes());
    return note(slot, size);
  }

  private int spanSize(Span span) {
    int slot = reserve();
    long size = field(1, 16)
        + field(2, 8)
        + stringSize(3, span.traceState())
        + (span.parentSpanId() == 0 ? 0 : field(4, 8))
        + stringSize(5, span.name())
        + enumSize(6, Otlp.number(span.kind()))
        + fixed64Size(7, span.startEpochNanos())
        + fixed64Size(8, span.endEpochNanos())
        + attributesSize(9, null, span.attributes())
        + countSize(10, span.droppedAttributesCount());
    for (Event event : span.events()) {
      size += field(11, eventSize(event));
    }
    size += countSize(12, span.droppedEventsCount());
    for (Link link : span.links()) {
      size += field(13, linkSize(link));
    }
    size += countSize(14, span.droppedLinksCount());
    if (hasStatus(span)) {
      size += field(15, statusSize(span));
    }
    if (span.flags() != 0) {
      size += CodedOutputStream.computeFixed32Size(16, span.flags());
    }
    return note(slot, size);
  }

  private int eventSize(Event event) {
    int slot = reserve();
    long size = fixed64Size(1, event.epochNanos())
        + stringSize(2, event.name())
        + attributesSize(3, null, event.attributes())
        + countSize(4, event.droppedAttributesCount());
    return note(slot, size);
  }

  private int linkSize(Link link) {
    int slot = reserve();
    long size = field(1, 16)
        + field(2, 8)
        + stringSize(3, link.traceState())
        + attributesSize(4, followsFrom(link), link.attributes())
        + countSize(5, link.droppedAttributesCount());
    return note(slot, size);
  }

  private int statusSize(Span span) {
    int slot = reserve();
    long size = (long) stringSize(2, span.statusMessage())
        + enumSize(3, Otlp.number(span.statusCode()));
    return note(slot, size);
  }

  /** The size of the {@code KeyValue}s of {@code field}: {@code first}, if any, then the rest. */
  private long attributesSize(int field, Attribute first, List<Attribute> rest) {
    return attributesSize(field, first, rest, 1);
  }

  /** As above, for attributes whose values are at {@code depth}. */
  private long attributesSize(int field, Attribute first, List<Attribute> rest, int depth) {
    long size = first == null ? 0 : field(field, keyValueSize(first, depth));
    for (Attribute attribute : rest) {
      size += field(field, keyValueSize(attribute, depth));
    }
    return size;
  }

  private int keyValueSize(Attribute attribute, int depth) {
    int slot = reserve();
    long size = stringSize(1, attribute.key()) + field(2, anyValueSize(attribute.value(), depth));
    return note(slot, size);
  }

  /** The size of a value at {@code depth}: an attribute's is at 1, each array or list adds one. */
  private int anyValueSize(Value value, int depth) {
    if (depth > Otlp.MAX_VALUE_DEPTH) {
      throw new IllegalArgumentException(Otlp.TOO_DEEP + ", which no decoder accepts");
    }
    int slot = reserve();
    long size;
    if (value instanceof Value.Str text) {
      size = CodedOutputStream.computeStringSize(1, wellFormed(text.value()));
    } else if (value instanceof Value.Bool bool) {
      size = CodedOutputStream.computeBoolSize(2, bool.value());
    } else if (value instanceof Value.Int number) {
      size = CodedOutputStream.computeInt64Size(3, number.value());
    } else if (value instanceof Value.Dbl number) {
      size = CodedOutputStream.computeDoubleSize(4, number.value());
    } else if (value instanceof Value.Array array) {
      int arraySlot = reserve();
      long arraySize = 0;
      for (Value element : array.values()) {
        arraySize += field(1, anyValueSize(element, depth + 1));
      }
      size = field(5, note(arraySlot, arraySize));
    } else if (value instanceof Value.KvList list) {
      int listSlot = reserve();
      size = field(6, note(listSlot, attributesSize(1, null, list.attributes(), depth + 1)));
    } else {
      size = CodedOutputStream.computeByteArraySize(7, ((Value.Bytes) value).value());
    }
    return note(slot, size);
  }

  /** Makes room in {@link #sizes} for the size of a message, noted once known. */
  private int reserve() {
    if (sizeCount == sizes.length) {
      sizes = Arrays.copyOf(sizes, sizeCount * 2);
    }
    return sizeCount++;
  }

  private int note(int slot, long size) {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a message of " + size + " bytes, more than one protobuf message holds");
    }
    sizes[slot] = (int) size;
    return (int) size;
  }

  /** The size of a length-delimited field whose value has {@code size} bytes. */
  private static long field(int field, int size) {
    return (long) CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt32SizeNoTag(size)
        + size;
  }

  private static int stringSize(int field, String text) {
    return text.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, wellFormed(text));
  }

  private static int enumSize(int field, int number) {
    return number == 0 ? 0 : CodedOutputStream.computeEnumSize(field, number);
  }

  private static int fixed64Size(int field, long value) {
    return value == 0 ? 0 : CodedOutputStream.computeFixed64Size(field, value);
  }

  private static int countSize(int field, int count) {
    return count == 0 ? 0 : CodedOutputStream.computeUInt32Size(field, count);
  }

  // The writing pass: the same walk, in the same order, each message's size read from sizes.

  private void writeRequest() throws IOException {
    for (ResourceGroup group : groups) {
      start(1);
      if (group.hasResource()) {
        start(1);
        writeAttributes(1, group.serviceName, group.resource.attributes());
        writeCount(2, group.resource.droppedAttributesCount());
      }
      for (Map.Entry<Scope, List<Span>> scopeSpans : group.byScope.entrySet()) {
        writeScopeSpans(scopeSpans.getKey(), scopeSpans.getValue());
      }
    }
  }

  private void writeScopeSpans(Scope scope, List<Span> spans) throws IOException {
    start(2);
    if (!scope.equals(Scope.UNKNOWN)) {
      start(1);
      writeString(1, scope.name());
      writeString(2, scope.version());
      writeAttributes(3, null, scope.attributes());
    }
    for (Span span : spans) {
      writeSpan(span);
    }
  }

  private void writeSpan(Span span) throws IOException {
    start(2);
    writeTraceId(1, span.traceId());
    writeSpanId(2, span.spanId());
    writeString(3, span.traceState());
    if (span.parentSpanId() != 0) {
      writeSpanId(4, span.parentSpanId());
    }
    writeString(5, span.name());
    writeEnum(6, Otlp.number(span.kind()));
    writeFixed64(7, span.startEpochNanos());
    writeFixed64(8, span.endEpochNanos());
    writeAttributes(9, null, span.attributes());
    writeCount(10, span.droppedAttributesCount());
    for (Event event : span.events()) {
      start(11);
      writeFixed64(1, event.epochNanos());
      writeString(2, event.name());
      writeAttributes(3, null, event.attributes());
      writeCount(4, event.droppedAttributesCount());
    }
    writeCount(12, span.droppedEventsCount());
    for (Link link : span.links()) {
      start(13);
      writeTraceId(1, link.traceId());
      writeSpanId(2, link.spanId());
      writeString(3, link.traceState());
      writeAttributes(4, followsFrom(link), link.attributes());
      writeCount(5, link.droppedAttributesCount());
    }
    writeCount(14, span.droppedLinksCount());
    if (hasStatus(span)) {
      start(15);
      writeString(2, span.statusMessage());
      writeEnum(3, Otlp.number(span.statusCode()));
    }
    if (span.flags() != 0) {
      out.writeFixed32(16, span.flags());
    }
  }

  private void writeAttributes(int field, Attribute first, List<Attribute> rest)
      throws IOException {
    if (first != null) {
      writeKeyValue(field, first);
    }
    for (Attribute attribute : rest) {
      writeKeyValue(field, attribute);
    }
  }

  private void writeKeyValue(int field, Attribute attribute) throws IOException {
    start(field);
    writeString(1, attribute.key());
    writeAnyValue(2, attribute.value());
  }

  private void writeAnyValue(int field, Value value) throws IOException {
    start(field);
    if (value instanceof Value.Str text) {
      out.writeString(1, wellFormed(text.value()));
    } else if (value instanceof Value.Bool bool) {
      out.writeBool(2, bool.value());
    } else if (value instanceof Value.Int number) {
      out.writeInt64(3, number.value());
    } else if (value instanceof Value.Dbl number) {
      out.writeDouble(4, number.value());
    } else if (value instanceof Value.Array array) {
      start(5);
      for (Value element : array.values()) {
        writeAnyValue(1, element);
      }
    } else if (value instanceof Value.KvList list) {
      start(6);
      writeAttributes(1, null, list.attributes());
    } else {
      out.writeByteArray(7, ((Value.Bytes) value).value());
    }
  }

  /** Writes the tag and the length of the next message, whose fields follow. */
  private void start(int field) throws IOException {
    out.writeTag(field, LEN);
    out.writeUInt32NoTag(sizes[nextSize++]);
  }

  /** The 16 bytes of a trace ID, big-endian as OTLP writes them. */
  private void writeTraceId(int field, TraceId id) throws IOException {
    out.writeTag(field, LEN);
    out.writeUInt32NoTag(16);
    out.writeFixed64NoTag(Long.reverseBytes(id.high()));
    out.writeFixed64NoTag(Long.reverseBytes(id.low()));
  }

  private void writeSpanId(int field, long id) throws IOException {
    out.writeTag(field, LEN);
    out.writeUInt32NoTag(8);
    out.writeFixed64NoTag(Long.reverseBytes(id));
  }

  private void writeString(int field, String text) throws IOException {
    if (!text.isEmpty()) {
      out.writeString(field, wellFormed(text));
    }
  }

  private void writeEnum(int field, int number) throws IOException {
    if (number != 0) {
      out.writeEnum(field, number);
    }
  }

  private void writeFixed64(int field, long value) throws IOException {
    if (value != 0) {
      out.writeFixed64(field, value);
    }
  }

  private void writeCount(int field, int count) throws IOException {
    if (count != 0) {
      out.writeUInt32(field, count);
    }
  }

  private static boolean hasStatus(Span span) {
    return Otlp.number(span.statusCode()) != 0 || !span.statusMessage().isEmpty();
  }

  /** The attribute to write before a link's own so that it reads as follows-from, or null. */
  private static Attribute followsFrom(Link link) {
    return link.followsFrom() && !Otlp.isFollowsFrom(link.attributes()) ? FOLLOWS_FROM : null;
  }

  /** The text with each half of a surrogate pair alone as U+FFFD, which UTF-8 can hold. */
  private static String wellFormed(String text) {
    return LoneSurrogates.replace(text);
  }
}
