package dev.ariadne.model.otlp;

import static com.google.protobuf.WireFormat.WIRETYPE_FIXED32;
import static com.google.protobuf.WireFormat.WIRETYPE_FIXED64;
import static com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
import static com.google.protobuf.WireFormat.WIRETYPE_START_GROUP;
import static com.google.protobuf.WireFormat.WIRETYPE_VARINT;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
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
import dev.ariadne.model.internal.SharedText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes an OTLP/protobuf {@code ExportTraceServiceRequest} (the body of OTLP/HTTP with {@code
 * application/x-protobuf}, and of OTLP/gRPC) into spans. A span with an invalid trace or span ID
 * is rejected and counted in the {@link DecodeResult}; only a body that is not such a message at
 * all throws. The mapping is described in the {@linkplain dev.ariadne.model.otlp package}
 * documentation. Thread-safe (each call has its own state); nothing of the input is retained.
 *
 * <p>The body is read in one pass with protobuf's {@link CodedInputStream} straight into the
 * model, without the generated message classes, and one {@link Resource} and one {@link Scope}
 * object serve all the spans under them. It accepts and refuses what the generated classes do,
 * with their error messages: fields may come in any order, a message field that should occur
 * once is merged when it occurs again, a known field with another wire type is an unknown field,
 * unknown fields are skipped, strings must be UTF-8, and messages and groups nest at most {@value
 * #NESTING_LIMIT} levels. Attribute values nested too deeply are refused as the spans are mapped:
 * after the whole body has been read, and only in spans and links that are kept.
 */
public final class OtlpProtobufDecoder {
  /** How deep messages and groups may nest: {@link CodedInputStream}'s default recursion limit. */
  private static final int NESTING_LIMIT = 100;
  /** What the generated classes say of a string that is not UTF-8. */
  private static final String INVALID_UTF8 = "Protocol message had invalid UTF-8.";

  // Wire types. The cases of the switches below are tags, (field number << 3 | wire type), with
  // the field numbers of the OTLP protos; a field with another wire type is an unknown field.
  private static final int VARINT = WIRETYPE_VARINT;
  private static final int I64 = WIRETYPE_FIXED64;
  private static final int LEN = WIRETYPE_LENGTH_DELIMITED;
  private static final int I32 = WIRETYPE_FIXED32;

  private static final Value TRUE = new Value.Bool(true);
  private static final Value FALSE = new Value.Bool(false);

  private final CodedInputStream in;
  private final Path path = new Path();
  private final Problems problems = new Problems();
  private final List<Span> spans = new ArrayList<>();

  /** How many messages enclose the field being read, as the generated classes count them. */
  private int nesting;

  // The parts of the resource and scope being read: they may come in several pieces.
  private final Items<Attribute> resourceAttributes = new Items<>();
  private final Items<Attribute> scopeAttributes = new Items<>();
  private String scopeName;
  private String scopeVersion;

  // The lists of the span being read; the model's records copy them.
  private final Items<Attribute> spanAttributes = new Items<>();
  private final Items<Event> events = new Items<>();
  private final Items<Attribute> eventAttributes = new Items<>();
  private final Items<Link> links = new Items<>();
  private final Items<Attribute> linkAttributes = new Items<>();
  private final List<String> linkProblems = new ArrayList<>();

  /** The attribute values being read, by depth (index 0 unused). */
  private ValueSlot[] valueSlots = new ValueSlot[8];

  /** What {@link #readId} read: the ID's last 8 bytes, and the 8 before them for a trace ID. */
  private long idHigh;
  private long idLow;

  /**
   * Where the value, event or link read last first nests attribute values too deeply, or null: a
   * second result of the methods that read them.
   */
  private String tooDeep;

  /**
   * The texts of the request, shared: keys, names and many values come again span after span. Null
   * when the body is not in an array, and texts are then read one by one.
   */
  private final SharedText texts;
  /** Where the stream's first byte is in the array {@link #texts} reads. */
  private final int base;

  private OtlpProtobufDecoder(CodedInputStream in, SharedText texts, int base) {
    this.in = in;
    this.texts = texts;
    this.base = base;
  }

  /**
   * Decodes a whole request body. An empty body is the empty request: no spans.
   *
   * @throws MalformedException if the body is not an {@code ExportTraceServiceRequest}
   */
  public static DecodeResult decode(byte[] body) throws MalformedException {
    requireNonNull(body, "body");
    return new OtlpProtobufDecoder(CodedInputStream.newInstance(body), new SharedText(body), 0)
        .decode();
  }

  /**
   * Decodes the remaining bytes of {@code body}, heap or direct, without changing its position.
   *
   * @throws MalformedException if those bytes are not an {@code ExportTraceServiceRequest}
   */
  public static DecodeResult decode(ByteBuffer body) throws MalformedException {
    requireNonNull(body, "body");
    CodedInputStream in = CodedInputStream.newInstance(body);
    return body.hasArray()
        ? new OtlpProtobufDecoder(in, new SharedText(body.array()),
            body.arrayOffset() + body.position()).decode()
        : new OtlpProtobufDecoder(in, null, 0).decode();
  }

  private DecodeResult decode() throws MalformedException {
    String firstTooDeep;
    try {
      firstTooDeep = request();
    } catch (IOException e) {
      // InvalidProtocolBufferException; nothing else can fail when reading from memory.
      throw new MalformedException("OTLP protobuf: " + e.getMessage(), e);
    }
    if (firstTooDeep != null) {
      throw new MalformedException("OTLP protobuf: " + firstTooDeep + ": " + Otlp.TOO_DEEP);
    }
    return problems.result(spans);
  }

  /** Reads the request; returns where it first nests attribute values too deeply, or null. */
  private String request() throws IOException {
    String firstTooDeep = null;
    int count = 0;
    path.push("resourceSpans");
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == (1 << 3 | LEN)) {
        path.push(count++);
        String found = resourceSpans();
        path.pop();
        firstTooDeep = firstTooDeep != null ? firstTooDeep : found;
      } else {
        skipUnknown(tag);
      }
    }
    path.pop();
    return firstTooDeep;
  }

  /**
   * Reads a {@code ResourceSpans}; returns where it first nests attribute values too deeply, or
   * null. Its resource is mapped before its spans, as they need it; if a part of the resource
   * comes after spans, those spans are given the whole resource at the end.
   */
  private String resourceSpans() throws IOException {
    int outer = enter();
    int first = spans.size();
    resourceAttributes.clear();
    boolean hasResource = false;
    int dropped = 0;
    Resource resource = null;
    boolean resourceAfterSpans = false;
    String spansTooDeep = null;
    int count = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> {
          path.push("resource");
          dropped = resource(dropped);
          path.pop();
          hasResource = true;
          resource = null;
          resourceAfterSpans |= spans.size() > first;
        }
        case 2 << 3 | LEN -> {
          if (resource == null) {
            resource = hasResource ? resourceSoFar(dropped) : Otlp.NO_RESOURCE;
          }
          path.push("scopeSpans");
          path.push(count++);
          String found = scopeSpans(resource);
          path.pop();
          path.pop();
          spansTooDeep = spansTooDeep != null ? spansTooDeep : found;
        }
        case 3 << 3 | LEN -> skipString(); // schema_url
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
    if (resourceAfterSpans) {
      Resource whole = resourceSoFar(dropped);
      for (int i = first; i < spans.size(); i++) {
        spans.set(i, with(spans.get(i), whole, spans.get(i).scope()));
      }
    }
    return resourceAttributes.tooDeep != null ? resourceAttributes.tooDeep : spansTooDeep;
  }

  /**
   * Reads a part of a {@code Resource} into {@link #resourceAttributes}; returns its dropped
   * attribute count, or {@code dropped}, the count so far, if the part has none.
   */
  private int resource(int dropped) throws IOException {
    int outer = enter();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> attribute("attributes", resourceAttributes);
        case 2 << 3 | VARINT -> dropped = in.readUInt32();
        case 3 << 3 | LEN -> entityRef();
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
    return dropped;
  }

  /** The resource read so far, with its dropped attribute count so far. */
  private Resource resourceSoFar(int dropped) {
    return Otlp.resource(resourceAttributes.kept, dropped(dropped, resourceAttributes.empty));
  }

  /** Reads an {@code EntityRef}, which the model does not keep, checking it as it is read. */
  private void entityRef() throws IOException {
    int outer = enter();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        // schema_url, type, id_keys, description_keys
        case 1 << 3 | LEN, 2 << 3 | LEN, 3 << 3 | LEN, 4 << 3 | LEN -> skipString();
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
  }

  /**
   * Reads a {@code ScopeSpans} with its spans under {@code resource}; returns where it first nests
   * attribute values too deeply, or null. As with the resource, spans that come before a part of
   * the scope are given the whole scope at the end.
   */
  private String scopeSpans(Resource resource) throws IOException {
    int outer = enter();
    int first = spans.size();
    scopeAttributes.clear();
    scopeName = "";
    scopeVersion = "";
    boolean hasScope = false;
    Scope scope = null;
    boolean scopeAfterSpans = false;
    String spansTooDeep = null;
    int count = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> {
          path.push("scope");
          scope();
          path.pop();
          hasScope = true;
          scope = null;
          scopeAfterSpans |= spans.size() > first;
        }
        case 2 << 3 | LEN -> {
          if (scope == null) {
            scope = hasScope ? scopeSoFar() : Scope.UNKNOWN;
          }
          path.push("spans");
          path.push(count++);
          String found = span(resource, scope);
          path.pop();
          path.pop();
          spansTooDeep = spansTooDeep != null ? spansTooDeep : found;
        }
        case 3 << 3 | LEN -> skipString(); // schema_url
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
    if (scopeAfterSpans) {
      Scope whole = scopeSoFar();
      for (int i = first; i < spans.size(); i++) {
        spans.set(i, with(spans.get(i), resource, whole));
      }
    }
    return scopeAttributes.tooDeep != null ? scopeAttributes.tooDeep : spansTooDeep;
  }

  /** Reads a part of an {@code InstrumentationScope}. */
  private void scope() throws IOException {
    int outer = enter();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> scopeName = text();
        case 2 << 3 | LEN -> scopeVersion = text();
        case 3 << 3 | LEN -> attribute("attributes", scopeAttributes);
        case 4 << 3 | VARINT -> skipInt(); // dropped_attributes_count: not in the model
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
  }

  private Scope scopeSoFar() {
    return new Scope(scopeName, scopeVersion, scopeAttributes.kept);
  }

  /**
   * Reads a {@code Span} and keeps it, or rejects it if an ID is invalid. Returns where the kept
   * span first nests attribute values too deeply (its attributes, then its events, then its
   * links, as the mapping goes), or null.
   */
  private String span(Resource resource, Scope scope) throws IOException {
    int outer = enter();
    spanAttributes.clear();
    events.clear();
    links.clear();
    linkProblems.clear();
    int traceIdSize = 0;
    long traceIdHigh = 0;
    long traceIdLow = 0;
    int spanIdSize = 0;
    long spanId = 0;
    int parentSpanIdSize = 0;
    long parentSpanId = 0;
    String traceState = "";
    String name = "";
    int kind = 0;
    long start = 0;
    long end = 0;
    int droppedAttributes = 0;
    int droppedEvents = 0;
    int droppedLinks = 0;
    String statusMessage = "";
    int statusCode = 0;
    int flags = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> {
          traceIdSize = readId(16);
          traceIdHigh = idHigh;
          traceIdLow = idLow;
        }
        case 2 << 3 | LEN -> {
          spanIdSize = readId(8);
          spanId = idLow;
        }
        case 3 << 3 | LEN -> traceState = in.readStringRequireUtf8();
        case 4 << 3 | LEN -> {
          parentSpanIdSize = readId(8);
          parentSpanId = idLow;
        }
        case 5 << 3 | LEN -> name = text();
        case 6 << 3 | VARINT -> kind = in.readEnum();
        case 7 << 3 | I64 -> start = in.readFixed64();
        case 8 << 3 | I64 -> end = in.readFixed64();
        case 9 << 3 | LEN -> attribute("attributes", spanAttributes);
        case 10 << 3 | VARINT -> droppedAttributes = in.readUInt32();
        case 11 << 3 | LEN -> {
          path.push("events");
          path.push(events.count);
          Event event = event();
          path.pop();
          path.pop();
          events.add(event, tooDeep);
        }
        case 12 << 3 | VARINT -> droppedEvents = in.readUInt32();
        case 13 << 3 | LEN -> {
          path.push("links");
          path.push(links.count);
          Link link = link();
          path.pop();
          path.pop();
          links.add(link, tooDeep);
        }
        case 14 << 3 | VARINT -> droppedLinks = in.readUInt32();
        case 15 << 3 | LEN -> {
          int status = enter();
          for (int field = in.readTag(); field != 0; field = in.readTag()) {
            switch (field) {
              case 2 << 3 | LEN -> statusMessage = text();
              case 3 << 3 | VARINT -> statusCode = in.readEnum();
              default -> skipUnknown(field);
            }
          }
          leave(status);
        }
        case 16 << 3 | I32 -> flags = in.readFixed32();
        default -> skipUnknown(tag);
      }
    }
    leave(outer);

    String problem = idProblem("traceId", traceIdSize, 16);
    if (problem == null && traceIdHigh == 0 && traceIdLow == 0) {
      problem = zeroIdProblem("traceId");
    }
    if (problem == null) {
      problem = idProblem("spanId", spanIdSize, 8);
    }
    if (problem == null && spanId == 0) {
      problem = zeroIdProblem("spanId");
    }
    if (problem == null && parentSpanIdSize != 0) {
      problem = idProblem("parentSpanId", parentSpanIdSize, 8);
    }
    if (problem != null) {
      problems.reject(problem);
      return null;
    }
    for (String linkProblem : linkProblems) {
      problems.warn(linkProblem);
    }
    spans.add(new Span(
        new TraceId(traceIdHigh, traceIdLow),
        spanId,
        parentSpanIdSize == 0 ? 0 : parentSpanId,
        name,
        Otlp.kind(kind),
        start,
        end,
        resource,
        scope,
        spanAttributes.kept,
        events.kept,
        links.kept,
        Otlp.statusCode(statusCode),
        statusMessage,
        traceState,
        flags,
        dropped(droppedAttributes, spanAttributes.empty),
        Otlp.count(Integer.toUnsignedLong(droppedEvents)),
        dropped(droppedLinks, links.empty)));
    if (spanAttributes.tooDeep != null) {
      return spanAttributes.tooDeep;
    }
    return events.tooDeep != null ? events.tooDeep : links.tooDeep;
  }

  /** Reads a {@code Span.Event}; sets {@link #tooDeep}. */
  private Event event() throws IOException {
    int outer = enter();
    eventAttributes.clear();
    long time = 0;
    String name = "";
    int dropped = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | I64 -> time = in.readFixed64();
        case 2 << 3 | LEN -> name = text();
        case 3 << 3 | LEN -> attribute("attributes", eventAttributes);
        case 4 << 3 | VARINT -> dropped = in.readUInt32();
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
    tooDeep = eventAttributes.tooDeep;
    return new Event(time, name, eventAttributes.kept, dropped(dropped, eventAttributes.empty));
  }

  /**
   * Reads a {@code Span.Link}: the link, or null if an ID has the wrong length, with the warning
   * in {@link #linkProblems} for when the span is kept. Sets {@link #tooDeep}.
   */
  private Link link() throws IOException {
    int outer = enter();
    linkAttributes.clear();
    int traceIdSize = 0;
    long traceIdHigh = 0;
    long traceIdLow = 0;
    int spanIdSize = 0;
    long spanId = 0;
    String traceState = "";
    int dropped = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> {
          traceIdSize = readId(16);
          traceIdHigh = idHigh;
          traceIdLow = idLow;
        }
        case 2 << 3 | LEN -> {
          spanIdSize = readId(8);
          spanId = idLow;
        }
        case 3 << 3 | LEN -> traceState = in.readStringRequireUtf8();
        case 4 << 3 | LEN -> attribute("attributes", linkAttributes);
        case 5 << 3 | VARINT -> dropped = in.readUInt32();
        case 6 << 3 | I32 -> skipFixed32(); // flags: not in the model
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
    String problem = traceIdSize == 0 ? null : idProblem("traceId", traceIdSize, 16);
    if (problem == null && spanIdSize != 0) {
      problem = idProblem("spanId", spanIdSize, 8);
    }
    if (problem != null) {
      linkProblems.add(problem + "; link dropped");
      tooDeep = null;
      return null;
    }
    tooDeep = linkAttributes.tooDeep;
    return new Link(
        traceIdSize == 0 ? new TraceId(0, 0) : new TraceId(traceIdHigh, traceIdLow),
        spanIdSize == 0 ? 0 : spanId,
        traceState,
        linkAttributes.kept,
        dropped(dropped, linkAttributes.empty),
        Otlp.isFollowsFrom(linkAttributes.kept));
  }

  /**
   * Reads an ID's size and, if it is {@code size}, its bytes into {@link #idHigh} (16 bytes only)
   * and {@link #idLow}; skips the bytes of any other size. Returns the size.
   */
  private int readId(int size) throws IOException {
    idHigh = 0;
    idLow = 0;
    int actual = in.readRawVarint32();
    if (actual != size) {
      in.skipRawBytes(actual);
    } else {
      if (size == 16) {
        idHigh = Long.reverseBytes(in.readRawLittleEndian64());
      }
      idLow = Long.reverseBytes(in.readRawLittleEndian64());
    }
    return actual;
  }

  /** Null if the ID has {@code expected} bytes, else a message naming the field. */
  private String idProblem(String field, int size, int expected) {
    if (size == expected) {
      return null;
    }
    String found = size == 0 ? "missing" : size + " bytes";
    return path.with(field) + ": " + found + " (expected: " + expected + " bytes)";
  }

  private String zeroIdProblem(String field) {
    return path.with(field) + ": all zeros (expected: at least one non-zero byte)";
  }

  /**
   * Reads a {@code KeyValue} of the list {@code name} into {@code into}; its value is at depth 1.
   */
  private void attribute(String name, Items<Attribute> into) throws IOException {
    path.push(name);
    keyValue(into, 1);
    path.pop();
  }

  /**
   * Reads a {@code KeyValue} whose value is at {@code depth} into {@code into}, which keeps it if
   * it has a value. The caller has pushed the list's name.
   */
  private void keyValue(Items<Attribute> into, int depth) throws IOException {
    path.push(into.count);
    int outer = enter();
    String key = "";
    ValueSlot value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> key = text();
        case 2 << 3 | LEN -> {
          path.push("value");
          if (value == null) {
            value = startValue(depth);
          }
          anyValue(value, depth);
          path.pop();
        }
        case 3 << 3 | VARINT -> skipInt(); // key_strindex: profiles only, absent here
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
    path.pop();
    if (value == null) {
      into.add(null, null);
    } else {
      Value finished = value.finish();
      into.add(finished == null ? null : new Attribute(key, finished), value.tooDeep());
    }
  }

  /**
   * The slot for a value at {@code depth}, emptied. The value is too deep if {@code depth} is;
   * where it is is then noted, unless the value it is in is too deep already, which makes this
   * one's place irrelevant.
   */
  private ValueSlot startValue(int depth) {
    if (depth >= valueSlots.length) {
      valueSlots = Arrays.copyOf(valueSlots, depth * 2);
    }
    if (valueSlots[depth] == null) {
      valueSlots[depth] = new ValueSlot();
    }
    ValueSlot slot = valueSlots[depth];
    boolean noted = depth > Otlp.MAX_VALUE_DEPTH && valueSlots[depth - 1].tooDeep() == null;
    slot.clear(noted ? path.toString() : null);
    return slot;
  }

  /**
   * Reads an {@code AnyValue} (or one more occurrence of it, which is merged) into {@code slot}.
   */
  private void anyValue(ValueSlot slot, int depth) throws IOException {
    int outer = enter();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> slot.set(new Value.Str(text()));
        case 2 << 3 | VARINT -> slot.set(in.readBool() ? TRUE : FALSE);
        case 3 << 3 | VARINT -> slot.set(new Value.Int(in.readInt64()));
        case 4 << 3 | I64 -> slot.set(new Value.Dbl(in.readDouble()));
        case 5 << 3 | LEN -> {
          slot.start(ValueSlot.ARRAY);
          path.push("arrayValue");
          path.push("values");
          arrayValue(slot, depth);
          path.pop();
          path.pop();
        }
        case 6 << 3 | LEN -> {
          slot.start(ValueSlot.KVLIST);
          path.push("kvlistValue");
          path.push("values");
          keyValueList(slot, depth);
          path.pop();
          path.pop();
        }
        case 7 << 3 | LEN -> slot.set(new Value.Bytes(in.readByteArray()));
        case 8 << 3 | VARINT -> {
          // A string-table reference belongs to the profiles signal; OTLP says to treat it as absent.
          skipInt();
          slot.set(null);
        }
        default -> skipUnknown(tag);
      }
    }
    leave(outer);
  }

  /** Reads an {@code ArrayValue}, appending its elements to those of {@code slot}. */
  private void arrayValue(ValueSlot slot, int depth) throws IOException {
    int outer = enter();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == (1 << 3 | LEN)) {
        path.push(slot.elements.count);
        ValueSlot element = startValue(depth + 1);
        anyValue(element, depth + 1);
        path.pop();
        slot.elements.add(element.finish(), element.tooDeep());
      } else {
        skipUnknown(tag);
      }
    }
    leave(outer);
  }

  /** Reads a {@code KeyValueList}, appending its entries to those of {@code slot}. */
  private void keyValueList(ValueSlot slot, int depth) throws IOException {
    int outer = enter();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == (1 << 3 | LEN)) {
        keyValue(slot.entries, depth + 1);
      } else {
        skipUnknown(tag);
      }
    }
    leave(outer);
  }

  /**
   * Enters a length-delimited message field as {@link CodedInputStream#readMessage} does: checks
   * the nesting limit, and limits reading to the message. Returns the limit to restore. The
   * stream's recursion limit is kept at the levels left, so that it also counts these levels
   * when it reads an unknown group.
   */
  private int enter() throws IOException {
    int length = in.readRawVarint32();
    in.checkRecursionLimit();
    int outer = in.pushLimit(length);
    nesting++;
    in.setRecursionLimit(NESTING_LIMIT - nesting);
    return outer;
  }

  /** Leaves the message entered last, which has been read to its end. */
  private void leave(int outer) {
    nesting--;
    in.setRecursionLimit(NESTING_LIMIT - nesting);
    in.popLimit(outer);
  }

  /**
   * Reads a string field the model keeps; a text seen before in the request is the same {@code
   * String}. Refuses invalid UTF-8 with the generated classes' message.
   */
  private String text() throws IOException {
    if (texts == null) {
      return in.readStringRequireUtf8();
    }
    int length = in.readRawVarint32();
    int offset = base + in.getTotalBytesRead();
    in.skipRawBytes(length);
    try {
      return texts.decode(offset, length);
    } catch (IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(INVALID_UTF8);
    }
  }

  /** Reads a string the model does not keep, checking that it is UTF-8. */
  private void skipString() throws IOException {
    String unused = in.readStringRequireUtf8();
  }

  /** Reads a 32-bit varint the model does not keep, as the generated classes read it. */
  private void skipInt() throws IOException {
    int unused = in.readInt32();
  }

  private void skipFixed32() throws IOException {
    int unused = in.readFixed32();
  }

  /**
   * Skips a field that is not in the OTLP version this decoder knows, or is of another wire type
   * than declared, reading it as the generated classes do ({@link UnknownFieldSet}): a varint as
   * a 64-bit one (whose reader accepts some ten-byte varints that {@link
   * CodedInputStream#skipField} calls malformed), a group through to its end, counting its levels
   * toward the nesting limit; an end-group tag outside a group is refused.
   */
  private void skipUnknown(int tag) throws IOException {
    switch (WireFormat.getTagWireType(tag)) {
      case VARINT -> {
        long unused = in.readInt64();
      }
      case I64 -> {
        long unused = in.readFixed64();
      }
      case I32 -> {
        int unused = in.readFixed32();
      }
      case WIRETYPE_START_GROUP -> in.readGroup(
          WireFormat.getTagFieldNumber(tag),
          UnknownFieldSet.newBuilder(),
          ExtensionRegistryLite.getEmptyRegistry());
      default -> in.skipField(tag); // length-delimited, end group, or an invalid wire type
    }
  }

  private static Span with(Span span, Resource resource, Scope scope) {
    return new Span(
        span.traceId(), span.spanId(), span.parentSpanId(), span.name(), span.kind(),
        span.startEpochNanos(), span.endEpochNanos(), resource, scope, span.attributes(),
        span.events(), span.links(), span.statusCode(), span.statusMessage(), span.traceState(),
        span.flags(), span.droppedAttributesCount(), span.droppedEventsCount(),
        span.droppedLinksCount());
  }

  /** A received uint32 dropped count plus what the decoder dropped itself. */
  private static int dropped(int receivedUnsigned, int droppedHere) {
    return Otlp.add(Otlp.count(Integer.toUnsignedLong(receivedUnsigned)), droppedHere);
  }

  /**
   * The elements of a repeated field as they are read: those kept, how many were read (for the
   * path of the next) and how many were left out, and where the first one nests attribute values
   * too deeply. Reused from one owner to the next.
   */
  private static final class Items<T> {
    final List<T> kept = new ArrayList<>();
    int count;
    int empty;
    String tooDeep;

    void clear() {
      kept.clear();
      count = 0;
      empty = 0;
      tooDeep = null;
    }

    /** Adds an element: kept unless null; {@code elementTooDeep} counts if it is the first. */
    void add(T element, String elementTooDeep) {
      count++;
      if (element == null) {
        empty++;
      } else {
        kept.add(element);
      }
      if (tooDeep == null) {
        tooDeep = elementTooDeep;
      }
    }
  }

  /**
   * An {@code AnyValue} as it is read, at one depth: a message that may be given in several
   * occurrences, which merge as the generated builder merges them. The kind read last wins, and
   * the elements of every {@code array_value}, and the entries of every {@code kvlist_value}, add
   * up for as long as the value is read, even with other kinds read in between (the builder keeps
   * its array and kvlist builders when another kind is set). Reused from one value to the next at
   * the same depth.
   */
  private static final class ValueSlot {
    static final int NONE = 0;
    static final int SCALAR = 1;
    static final int ARRAY = 2;
    static final int KVLIST = 3;

    final Items<Value> elements = new Items<>();
    final Items<Attribute> entries = new Items<>();
    int kind;
    Value scalar;
    /** Where this value is, if it is itself nested too deeply, whatever it holds. */
    String ownTooDeep;

    void clear(String ownTooDeep) {
      this.ownTooDeep = ownTooDeep;
      kind = NONE;
      scalar = null;
      elements.clear();
      entries.clear();
    }

    /** Makes this a scalar, or no value if null. */
    void set(Value value) {
      kind = value == null ? NONE : SCALAR;
      scalar = value;
    }

    /** Makes this an array or kvlist, with the elements or entries read so far. */
    void start(int listKind) {
      kind = listKind;
    }

    /** The value, or null if there is none. */
    Value finish() {
      return switch (kind) {
        case SCALAR -> scalar;
        case ARRAY -> new Value.Array(elements.kept);
        case KVLIST -> new Value.KvList(entries.kept);
        default -> null;
      };
    }

    /** Where the first element or entry nests values too deeply, or null. */
    String innerTooDeep() {
      return switch (kind) {
        case ARRAY -> elements.tooDeep;
        case KVLIST -> entries.tooDeep;
        default -> null;
      };
    }

    /** Where this value first nests too deeply, or null. */
    String tooDeep() {
      return ownTooDeep != null ? ownTooDeep : innerTooDeep();
    }
  }
}
