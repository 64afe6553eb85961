package dev.ariadne.storage.embedded;

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
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's byte form of a list of spans, used for WAL records and block pages. Every field
 * of {@link Span} survives a round trip exactly. Self-contained: a decoder needs nothing but the
 * bytes.
 *
 * <p>Layout: a varint span count, then each span as its fields in declaration order.
 */
final class SpanCodec {
  /** Kinds by their stored code; the codes are part of the file format and never change. */
  private static final SpanKind[] KINDS = {
    SpanKind.UNSPECIFIED, SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER,
    SpanKind.CONSUMER
  };
  /** Status codes by their stored code; part of the file format. */
  private static final StatusCode[] STATUSES = {StatusCode.UNSET, StatusCode.OK, StatusCode.ERROR};
  /** Deeper values than this are refused when written and treated as corrupt when read. */
  static final int MAX_VALUE_DEPTH = 64;

  private SpanCodec() {}

  static void encode(List<Span> spans, ByteSink out) {
    out.writeVarInt(spans.size());
    for (Span span : spans) {
      writeTraceId(span.traceId(), out);
      out.writeLongLe(span.spanId());
      out.writeLongLe(span.parentSpanId());
      out.writeString(span.name());
      out.writeByte(code(KINDS, span.kind()));
      out.writeZigZag(span.startEpochNanos());
      out.writeZigZag(span.endEpochNanos() - span.startEpochNanos());
      out.writeString(span.resource().serviceName());
      writeAttributes(span.resource().attributes(), out, 0);
      out.writeVarInt(span.resource().droppedAttributesCount());
      out.writeString(span.scope().name());
      out.writeString(span.scope().version());
      writeAttributes(span.scope().attributes(), out, 0);
      writeAttributes(span.attributes(), out, 0);
      out.writeVarInt(span.events().size());
      for (Event event : span.events()) {
        out.writeZigZag(event.epochNanos() - span.startEpochNanos());
        out.writeString(event.name());
        writeAttributes(event.attributes(), out, 0);
        out.writeVarInt(event.droppedAttributesCount());
      }
      out.writeVarInt(span.links().size());
      for (Link link : span.links()) {
        writeTraceId(link.traceId(), out);
        out.writeLongLe(link.spanId());
        out.writeString(link.traceState());
        writeAttributes(link.attributes(), out, 0);
        out.writeVarInt(link.droppedAttributesCount());
        out.writeByte(link.followsFrom() ? 1 : 0);
      }
      out.writeByte(code(STATUSES, span.statusCode()));
      out.writeString(span.statusMessage());
      out.writeString(span.traceState());
      out.writeVarInt(span.flags());
      out.writeVarInt(span.droppedAttributesCount());
      out.writeVarInt(span.droppedEventsCount());
      out.writeVarInt(span.droppedLinksCount());
    }
  }

  static byte[] encode(List<Span> spans) {
    ByteSink out = new ByteSink(256 * spans.size());
    encode(spans, out);
    return out.toByteArray();
  }

  static List<Span> decode(ByteSource in) throws CorruptDataException {
    // Each span takes at least 40 bytes, which bounds the count before anything is allocated.
    int count = in.readCount(in.remaining() / 40);
    List<Span> spans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Span.Builder span = Span.builder();
      span.traceId(readTraceId(in));
      span.spanId(in.readLongLe());
      span.parentSpanId(in.readLongLe());
      span.name(in.readString());
      span.kind(KINDS[readEnum(in, KINDS.length, "span kind")]);
      long start = in.readZigZag();
      span.startEpochNanos(start);
      span.endEpochNanos(start + in.readZigZag());
      String service = in.readString();
      List<Attribute> resourceAttributes = readAttributes(in, 0);
      span.resource(new Resource(service, resourceAttributes, in.readVarInt()));
      String scopeName = in.readString();
      String scopeVersion = in.readString();
      span.scope(new Scope(scopeName, scopeVersion, readAttributes(in, 0)));
      span.attributes(readAttributes(in, 0));
      int eventCount = in.readCount(in.remaining());
      List<Event> events = new ArrayList<>(eventCount);
      for (int e = 0; e < eventCount; e++) {
        long time = start + in.readZigZag();
        String name = in.readString();
        List<Attribute> attributes = readAttributes(in, 0);
        events.add(new Event(time, name, attributes, in.readVarInt()));
      }
      span.events(events);
      int linkCount = in.readCount(in.remaining() / 24);
      List<Link> links = new ArrayList<>(linkCount);
      for (int l = 0; l < linkCount; l++) {
        TraceId traceId = readTraceId(in);
        long spanId = in.readLongLe();
        String traceState = in.readString();
        List<Attribute> attributes = readAttributes(in, 0);
        int dropped = in.readVarInt();
        links.add(new Link(traceId, spanId, traceState, attributes, dropped,
            readEnum(in, 2, "follows-from flag") == 1));
      }
      span.links(links);
      StatusCode status = STATUSES[readEnum(in, STATUSES.length, "status code")];
      span.status(status, in.readString());
      span.traceState(in.readString());
      span.flags(in.readVarInt());
      span.droppedAttributesCount(in.readVarInt());
      span.droppedEventsCount(in.readVarInt());
      span.droppedLinksCount(in.readVarInt());
      spans.add(span.build());
    }
    return spans;
  }

  private static void writeTraceId(TraceId traceId, ByteSink out) {
    out.writeLongLe(traceId.high());
    out.writeLongLe(traceId.low());
  }

  private static TraceId readTraceId(ByteSource in) throws CorruptDataException {
    long high = in.readLongLe();
    return new TraceId(high, in.readLongLe());
  }

  private static void writeAttributes(List<Attribute> attributes, ByteSink out, int depth) {
    out.writeVarInt(attributes.size());
    for (Attribute attribute : attributes) {
      out.writeString(attribute.key());
      writeValue(attribute.value(), out, depth);
    }
  }

  private static List<Attribute> readAttributes(ByteSource in, int depth)
      throws CorruptDataException {
    int count = in.readCount(in.remaining() / 2);
    List<Attribute> attributes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String key = in.readString();
      attributes.add(new Attribute(key, readValue(in, depth)));
    }
    return attributes;
  }

  private static final int STR = 0;
  private static final int BOOL = 1;
  private static final int INT = 2;
  private static final int DBL = 3;
  private static final int BYTES = 4;
  private static final int ARRAY = 5;
  private static final int KVLIST = 6;

  private static void writeValue(Value value, ByteSink out, int depth) {
    if (depth > MAX_VALUE_DEPTH) {
      throw new IllegalArgumentException(
          "attribute value nested deeper than " + MAX_VALUE_DEPTH + " levels");
    }
    if (value instanceof Value.Str str) {
      out.writeByte(STR);
      out.writeString(str.value());
    } else if (value instanceof Value.Bool bool) {
      out.writeByte(BOOL);
      out.writeByte(bool.value() ? 1 : 0);
    } else if (value instanceof Value.Int integer) {
      out.writeByte(INT);
      out.writeZigZag(integer.value());
    } else if (value instanceof Value.Dbl dbl) {
      out.writeByte(DBL);
      out.writeLongLe(Double.doubleToRawLongBits(dbl.value()));
    } else if (value instanceof Value.Bytes bytes) {
      out.writeByte(BYTES);
      out.writeVarInt(bytes.value().length);
      out.writeBytes(bytes.value());
    } else if (value instanceof Value.Array array) {
      out.writeByte(ARRAY);
      out.writeVarInt(array.values().size());
      for (Value element : array.values()) {
        writeValue(element, out, depth + 1);
      }
    } else if (value instanceof Value.KvList kvList) {
      out.writeByte(KVLIST);
      writeAttributes(kvList.attributes(), out, depth + 1);
    } else {
      throw new IllegalArgumentException("unknown value type: " + value.getClass());
    }
  }

  private static Value readValue(ByteSource in, int depth) throws CorruptDataException {
    if (depth > MAX_VALUE_DEPTH) {
      throw in.corrupt("attribute value nested deeper than " + MAX_VALUE_DEPTH + " levels");
    }
    int type = in.readByte();
    switch (type) {
      case STR:
        return new Value.Str(in.readString());
      case BOOL:
        return new Value.Bool(readEnum(in, 2, "boolean") == 1);
      case INT:
        return new Value.Int(in.readZigZag());
      case DBL:
        return new Value.Dbl(Double.longBitsToDouble(in.readLongLe()));
      case BYTES:
        return new Value.Bytes(in.readBytes(in.readCount(in.remaining())));
      case ARRAY: {
        int count = in.readCount(in.remaining());
        List<Value> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          values.add(readValue(in, depth + 1));
        }
        return new Value.Array(values);
      }
      case KVLIST:
        return new Value.KvList(readAttributes(in, depth + 1));
      default:
        throw in.corrupt("unknown value type " + type);
    }
  }

  /** The stored code of {@code value}: its index in {@code codes}. */
  static <E extends Enum<E>> int code(E[] codes, E value) {
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] == value) {
        return i;
      }
    }
    throw new IllegalArgumentException("no stored code for " + value);
  }

  private static int readEnum(ByteSource in, int size, String what) throws CorruptDataException {
    int value = in.readByte();
    if (value >= size) {
      throw in.corrupt(what + " " + value + " (expected: 0 to " + (size - 1) + ")");
    }
    return value;
  }
}
