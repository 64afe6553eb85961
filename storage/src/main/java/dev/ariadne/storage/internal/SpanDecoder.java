package dev.ariadne.storage.internal;

import static dev.ariadne.storage.internal.SpanCodec.MAX_VALUE_DEPTH;

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
import dev.ariadne.model.internal.SharedText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one call's spans in the layout {@link SpanCodec} describes, reading each stream in the
 * order the encoder wrote it. Lists are never allocated at their stored count beyond a small
 * bound, but grown as their elements are actually read, so what decoding allocates stays
 * proportional to the bytes it reads. Equal strings, resources and scopes come back as one
 * shared instance. One per call, or per run of a {@code SpanPage}.
 */
public final class SpanDecoder {
  /** Lists longer than this grow as they are read rather than being sized from their count. */
  private static final int PREALLOCATED = 64;
  /** The fewest bytes one event takes in its stream: time, name and dropped count. */
  private static final int MIN_EVENT_BYTES = 3;
  /** The fewest bytes one link takes in its stream: trace, span ID, trace state, count, flag. */
  private static final int MIN_LINK_BYTES = 12;
  /** Each stream's name in errors, made once rather than per call. */
  private static final String[] STREAM_NAMES = new String[SpanCodec.STREAM_NAMES.length];
  /** The names of the value streams of the first keys. */
  private static final String[] VALUE_STREAM_NAMES = new String[128];

  static {
    for (int i = 0; i < STREAM_NAMES.length; i++) {
      STREAM_NAMES[i] = "span codec " + SpanCodec.STREAM_NAMES[i];
    }
    for (int key = 0; key < VALUE_STREAM_NAMES.length; key++) {
      VALUE_STREAM_NAMES[key] = valueStreamName(key);
    }
  }

  private static final Value.Bool FALSE = new Value.Bool(false);
  private static final Value.Bool TRUE = new Value.Bool(true);

  private final int count;
  private final long unitNanos;
  private final ByteSource[] streams;
  private final ByteSource dictionary;
  private final ByteSource traceIds;
  private final ByteSource traceRuns;
  private final ByteSource spanIds;
  private final ByteSource parents;
  private final ByteSource parentIds;
  private final ByteSource names;
  private final ByteSource kinds;
  private final ByteSource startTimes;
  private final ByteSource durations;
  private final ByteSource resources;
  private final ByteSource resourceDefs;
  private final ByteSource scopes;
  private final ByteSource scopeDefs;
  private final ByteSource counts;
  private final ByteSource keys;
  private final ByteSource types;
  private final ByteSource eventCounts;
  private final ByteSource events;
  private final ByteSource statuses;
  private final ByteSource extras;
  private final ByteSource extraValues;
  private final ByteSource links;
  /** Per string table index, the value stream of the attributes with that key, or null. */
  private final ByteSource[] valueStreams;

  private final Strings strings;
  private TraceId[] traceTable = new TraceId[16];
  /** Per trace table entry, the index of the trace's latest span so far, or -1. */
  private int[] latestSpanOfTrace = new int[16];
  private int traceCount;
  private final List<Resource> resourceTable = new ArrayList<>();
  private final List<Scope> scopeTable = new ArrayList<>();
  private final long[] spanIdsByIndex;
  /** Per span, its start in the time unit. */
  private final long[] starts;

  private SpanDecoder(int count, long unitNanos, ByteSource[] streams, ByteSource[] valueStreams,
      Strings strings) throws CorruptDataException {
    this.count = count;
    this.unitNanos = unitNanos;
    this.streams = streams;
    this.valueStreams = valueStreams;
    this.strings = strings;
    dictionary = streams[SpanCodec.DICTIONARY];
    traceIds = streams[SpanCodec.TRACE_IDS];
    traceRuns = streams[SpanCodec.TRACE_RUNS];
    spanIds = streams[SpanCodec.SPAN_IDS];
    parents = streams[SpanCodec.PARENTS];
    parentIds = streams[SpanCodec.PARENT_IDS];
    names = streams[SpanCodec.NAMES];
    kinds = streams[SpanCodec.SPAN_KINDS];
    startTimes = streams[SpanCodec.START_TIMES];
    durations = streams[SpanCodec.DURATIONS];
    resources = streams[SpanCodec.RESOURCES];
    resourceDefs = streams[SpanCodec.RESOURCE_DEFS];
    scopes = streams[SpanCodec.SCOPES];
    scopeDefs = streams[SpanCodec.SCOPE_DEFS];
    counts = streams[SpanCodec.COUNTS];
    keys = streams[SpanCodec.KEYS];
    types = streams[SpanCodec.TYPES];
    eventCounts = streams[SpanCodec.EVENT_COUNTS];
    events = streams[SpanCodec.EVENTS];
    statuses = streams[SpanCodec.STATUS_CODES];
    extras = streams[SpanCodec.EXTRAS];
    extraValues = streams[SpanCodec.EXTRA_VALUES];
    links = streams[SpanCodec.LINKS];
    // Fixed-size columns must hold exactly the span count, which bounds it by the input's length
    // before anything is allocated for it.
    expectLength(spanIds, 8L * count);
    expectLength(kinds, count);
    expectLength(statuses, count);
    expectLength(extras, count);
    spanIdsByIndex = new long[count];
    starts = new long[count];
  }

  public static List<Span> decode(ByteSource in) throws CorruptDataException {
    Header header = readHeader(in, 0);
    long total = header.streamBytes();
    if (total > in.remaining()) {
      throw in.corrupt("streams of " + total + " bytes, " + in.remaining() + " left");
    }
    int[] streamStarts = new int[header.lengths.length];
    int offset = in.position();
    for (int i = 0; i < streamStarts.length; i++) {
      streamStarts[i] = offset;
      offset += header.lengths[i];
    }
    int[] valueStarts = new int[header.valueKeys.length];
    for (int i = 0; i < valueStarts.length; i++) {
      valueStarts[i] = offset;
      offset += header.valueLengths[i];
    }
    in.skip((int) total);
    return decode(header, in.array(), streamStarts, valueStarts, new Strings());
  }

  /**
   * Decodes the spans of a call whose {@code header} has been read and whose streams start in
   * {@code bytes} at {@code streamStarts} (the fixed streams) and {@code valueStarts} (the value
   * streams, in the header's order), which the caller has checked to lie in {@code bytes}. The
   * call's new strings are added to {@code strings}.
   */
  public static List<Span> decode(Header header, byte[] bytes, int[] streamStarts, int[] valueStarts,
      Strings strings) throws CorruptDataException {
    ByteSource[] streams = new ByteSource[header.lengths.length];
    for (int i = 0; i < streams.length; i++) {
      streams[i] = new ByteSource(bytes, streamStarts[i], header.lengths[i], STREAM_NAMES[i]);
    }
    int[] keys = header.valueKeys;
    ByteSource[] valueStreams = new ByteSource[keys.length == 0 ? 0 : keys[keys.length - 1] + 1];
    for (int i = 0; i < keys.length; i++) {
      int key = keys[i];
      valueStreams[key] = new ByteSource(bytes, valueStarts[i], header.valueLengths[i],
          key < VALUE_STREAM_NAMES.length ? VALUE_STREAM_NAMES[key] : valueStreamName(key));
    }
    return new SpanDecoder(header.count, SpanCodec.TIME_UNITS[header.timeUnit], streams,
        valueStreams, strings).spans();
  }

  /**
   * Reads a call's header: everything before its streams. {@code earlierDictionaryBytes} is the
   * length of the dictionaries of the calls whose strings this one starts with (0 for a call on
   * its own): every string takes at least a byte of a dictionary, which bounds the keys.
   */
  public static Header readHeader(ByteSource in, long earlierDictionaryBytes)
      throws CorruptDataException {
    int version = in.readByte();
    if (version != SpanCodec.VERSION) {
      throw in.corrupt("span codec version " + version + " (expected: " + SpanCodec.VERSION + ")");
    }
    int count = in.readCount(in.remaining());
    int timeUnit = in.readByte();
    if (timeUnit >= SpanCodec.TIME_UNITS.length) {
      throw in.corrupt("time unit code " + timeUnit + " (expected: 0 to "
          + (SpanCodec.TIME_UNITS.length - 1) + ")");
    }
    int[] lengths = new int[SpanCodec.STREAM_NAMES.length];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = in.readCount(in.remaining());
    }
    long keyBound = earlierDictionaryBytes + lengths[SpanCodec.DICTIONARY];
    int[] valueKeys = new int[in.readCount((int) Math.min(in.remaining(), keyBound))];
    int[] valueLengths = new int[valueKeys.length];
    for (int i = 0; i < valueKeys.length; i++) {
      long key = (i == 0 ? 0 : valueKeys[i - 1] + 1L) + in.readVarInt();
      if (key >= keyBound) {
        throw in.corrupt("value stream of key " + key + " (expected: under " + keyBound + ")");
      }
      valueKeys[i] = (int) key;
      valueLengths[i] = in.readCount(in.remaining());
    }
    return new Header(count, timeUnit, lengths, valueKeys, valueLengths);
  }

  private List<Span> spans() throws CorruptDataException {
    for (int i = 0; i < count; i++) {
      spanIdsByIndex[i] = spanIds.readLongLe();
    }
    List<Span> spans = new ArrayList<>(count);
    int trace = -1;
    int runLeft = 0;
    for (int i = 0; i < count; i++) {
      if (runLeft == 0) {
        trace = traceRef(traceRuns);
        runLeft = traceRuns.readCount(count - i);
        if (runLeft == 0) {
          throw traceRuns.corrupt("a run of no spans");
        }
      }
      runLeft--;
      spans.add(span(i, trace));
    }
    for (ByteSource stream : streams) {
      usedUp(stream);
    }
    for (ByteSource stream : valueStreams) {
      if (stream != null) {
        usedUp(stream);
      }
    }
    return spans;
  }

  private Span span(int index, int trace) throws CorruptDataException {
    long parent = parent(index);
    String name = string(names);
    SpanKind kind = SpanCodec.KINDS[code(kinds, SpanCodec.KINDS.length, "span kind")];

    int previous = latestSpanOfTrace[trace] >= 0 ? latestSpanOfTrace[trace] : index - 1;
    long start = (previous >= 0 ? starts[previous] : 0) + startTimes.readZigZag();
    starts[index] = start;
    latestSpanOfTrace[trace] = index;
    long end = start + durations.readVarLong();

    Resource resource = resource();
    Scope scope = scope();
    List<Attribute> attributes = attributes(1);
    List<Event> spanEvents = events(start);
    StatusCode status =
        SpanCodec.STATUSES[code(statuses, SpanCodec.STATUSES.length, "status code")];

    int present = extras.readByte();
    if ((present & ~SpanCodec.ALL_EXTRAS) != 0) {
      throw extras.corrupt(
          "extras " + present + " (expected: bits of " + SpanCodec.ALL_EXTRAS + ")");
    }
    String statusMessage =
        (present & SpanCodec.HAS_STATUS_MESSAGE) != 0 ? string(extraValues) : "";
    String traceState = (present & SpanCodec.HAS_TRACE_STATE) != 0 ? string(extraValues) : "";
    int flags = (present & SpanCodec.HAS_FLAGS) != 0 ? extraValues.readVarInt() : 0;
    int droppedAttributes = 0;
    int droppedEvents = 0;
    int droppedLinks = 0;
    if ((present & SpanCodec.HAS_DROPPED_COUNTS) != 0) {
      droppedAttributes = extraValues.readVarInt();
      droppedEvents = extraValues.readVarInt();
      droppedLinks = extraValues.readVarInt();
    }
    List<Link> spanLinks = (present & SpanCodec.HAS_LINKS) != 0 ? links() : List.of();

    return new Span(traceTable[trace], spanIdsByIndex[index], parent, name, kind,
        start * unitNanos, end * unitNanos, resource, scope, attributes, spanEvents, spanLinks,
        status, statusMessage, traceState, flags, droppedAttributes, droppedEvents, droppedLinks);
  }

  private long parent(int index) throws CorruptDataException {
    long ref = parents.readVarLong();
    if (ref == 0) {
      return 0;
    }
    if (ref == 1) {
      return parentIds.readLongLe();
    }
    long zigZag = ref - 2;
    long parentIndex = index + ((zigZag >>> 1) ^ -(zigZag & 1));
    if (parentIndex < 0 || parentIndex >= count) {
      throw parents.corrupt(
          "parent at span " + parentIndex + " (expected: 0 to " + (count - 1) + ")");
    }
    return spanIdsByIndex[(int) parentIndex];
  }

  private List<Event> events(long spanStart) throws CorruptDataException {
    int size = eventCounts.readCount(events.remaining() / MIN_EVENT_BYTES);
    if (size == 0) {
      return List.of();
    }
    Event[] list = new Event[Math.min(size, PREALLOCATED)];
    for (int i = 0; i < size; i++) {
      long time = (spanStart + events.readZigZag()) * unitNanos;
      String name = string(events);
      int dropped = events.readVarInt();
      if (i == list.length) {
        list = Arrays.copyOf(list, Math.min(size, 2 * i));
      }
      list[i] = new Event(time, name, attributes(1), dropped);
    }
    return List.of(list);
  }

  private List<Link> links() throws CorruptDataException {
    int size = extraValues.readCount(links.remaining() / MIN_LINK_BYTES);
    Link[] list = new Link[Math.min(size, PREALLOCATED)];
    for (int i = 0; i < size; i++) {
      TraceId traceId = traceTable[traceRef(links)];
      long spanId = links.readLongLe();
      String traceState = string(links);
      int dropped = links.readVarInt();
      boolean followsFrom = code(links, 2, "follows-from flag") == 1;
      if (i == list.length) {
        list = Arrays.copyOf(list, Math.min(size, 2 * i));
      }
      list[i] = new Link(traceId, spanId, traceState, attributes(1), dropped, followsFrom);
    }
    return List.of(list);
  }

  private Resource resource() throws CorruptDataException {
    int ref = ref(resources, resourceTable.size(), "resource");
    if (ref >= 0) {
      return resourceTable.get(ref);
    }
    String serviceName = string(resourceDefs);
    int dropped = resourceDefs.readVarInt();
    Resource resource = new Resource(serviceName, attributes(1), dropped);
    resourceTable.add(resource);
    return resource;
  }

  private Scope scope() throws CorruptDataException {
    int ref = ref(scopes, scopeTable.size(), "scope");
    if (ref >= 0) {
      return scopeTable.get(ref);
    }
    String name = string(scopeDefs);
    String version = string(scopeDefs);
    Scope scope = new Scope(name, version, attributes(1));
    scopeTable.add(scope);
    return scope;
  }

  private List<Attribute> attributes(int depth) throws CorruptDataException {
    int size = counts.readCount(keys.remaining());
    if (size == 0) {
      return List.of();
    }
    Attribute[] list = new Attribute[Math.min(size, PREALLOCATED)];
    for (int i = 0; i < size; i++) {
      int key = stringRef(keys);
      ByteSource values = key < valueStreams.length ? valueStreams[key] : null;
      if (values == null) {
        throw keys.corrupt("key " + key + " without a value stream");
      }
      if (i == list.length) {
        list = Arrays.copyOf(list, Math.min(size, 2 * i));
      }
      list[i] = new Attribute(strings.get(key), value(values, depth));
    }
    return List.of(list);
  }

  /** Reads a value's type, and its payload from {@code in}, its key's value stream. */
  private Value value(ByteSource in, int depth) throws CorruptDataException {
    if (depth > MAX_VALUE_DEPTH) {
      throw types.corrupt("attribute value nested deeper than " + MAX_VALUE_DEPTH + " levels");
    }
    int type = types.readByte();
    switch (type) {
      case SpanCodec.TYPE_STR:
        return stringValue(in);
      case SpanCodec.TYPE_BOOL:
        return code(in, 2, "boolean") == 1 ? TRUE : FALSE;
      case SpanCodec.TYPE_INT:
        return new Value.Int(in.readZigZag());
      case SpanCodec.TYPE_DBL:
        return new Value.Dbl(Double.longBitsToDouble(in.readLongLe()));
      case SpanCodec.TYPE_DECIMAL:
        return decimal(in);
      case SpanCodec.TYPE_BYTES:
        return new Value.Bytes(in.readBytes(in.readCount(in.remaining())));
      case SpanCodec.TYPE_ARRAY:
        return array(in, depth);
      case SpanCodec.TYPE_KVLIST:
        return new Value.KvList(attributes(depth + 1));
      default:
        throw types.corrupt(
            "value type " + type + " (expected: 0 to " + SpanCodec.TYPE_DECIMAL + ")");
    }
  }

  private static Value decimal(ByteSource in) throws CorruptDataException {
    long packed = in.readVarLong();
    int scale = (int) (packed & 7);
    long zigZag = packed >>> 3;
    long mantissa = (zigZag >>> 1) ^ -(zigZag & 1);
    if (mantissa <= -SpanCodec.MAX_DECIMAL_MANTISSA || mantissa >= SpanCodec.MAX_DECIMAL_MANTISSA) {
      throw in.corrupt("decimal mantissa " + mantissa + " (expected: under 2^53 in size)");
    }
    return new Value.Dbl(mantissa / SpanCodec.DECIMAL_SCALES[scale]);
  }

  private Value array(ByteSource in, int depth) throws CorruptDataException {
    int size = counts.readCount(types.remaining());
    Value[] list = new Value[Math.min(size, PREALLOCATED)];
    for (int i = 0; i < size; i++) {
      if (i == list.length) {
        list = Arrays.copyOf(list, Math.min(size, 2 * i));
      }
      list[i] = value(in, depth + 1);
    }
    return new Value.Array(List.of(list));
  }

  private Value.Str stringValue(ByteSource in) throws CorruptDataException {
    return strings.value(stringRef(in));
  }

  /** The string {@code in} refers to. */
  private String string(ByteSource in) throws CorruptDataException {
    return strings.get(stringRef(in));
  }

  /** The index in the string table of the string {@code in} refers to. */
  private int stringRef(ByteSource in) throws CorruptDataException {
    int ref = ref(in, strings.size(), "string");
    return ref >= 0 ? ref : strings.read(dictionary);
  }

  /** The trace {@code in} refers to, as its index in the trace table. */
  private int traceRef(ByteSource in) throws CorruptDataException {
    int ref = ref(in, traceCount, "trace");
    if (ref >= 0) {
      return ref;
    }
    long high = traceIds.readLongLe();
    long low = traceIds.readLongLe();
    if (traceCount == traceTable.length) {
      traceTable = Arrays.copyOf(traceTable, 2 * traceCount);
      latestSpanOfTrace = Arrays.copyOf(latestSpanOfTrace, 2 * traceCount);
    }
    traceTable[traceCount] = new TraceId(high, low);
    latestSpanOfTrace[traceCount] = -1;
    return traceCount++;
  }

  /**
   * Reads a ref to a table of {@code size} entries: the index of an entry, or -1 for the next.
   */
  private static int ref(ByteSource in, int size, String table) throws CorruptDataException {
    long ref = in.readVarLong();
    if (ref < 0 || ref > size) {
      throw in.corrupt(table + " ref " + Long.toUnsignedString(ref) + " (expected: 0 to " + size
          + ")");
    }
    return (int) ref - 1;
  }

  private static int code(ByteSource in, int size, String what) throws CorruptDataException {
    int value = in.readByte();
    if (value >= size) {
      throw in.corrupt(what + " " + value + " (expected: 0 to " + (size - 1) + ")");
    }
    return value;
  }

  private static String valueStreamName(int key) {
    return "span codec values of key " + key;
  }

  private static void usedUp(ByteSource stream) throws CorruptDataException {
    if (stream.hasRemaining()) {
      throw stream.corrupt(stream.remaining() + " bytes left over");
    }
  }

  private static void expectLength(ByteSource stream, long length) throws CorruptDataException {
    if (stream.remaining() != length) {
      throw stream.corrupt(stream.remaining() + " bytes (expected: " + length + ")");
    }
  }

  /** What a call's header says: its span count, time unit, and the length of each stream. */
  public static final class Header {
    public final int count;
    final int timeUnit;
    /** The fixed streams' lengths, in {@link SpanCodec}'s order. */
    public final int[] lengths;
    /** The keys with a value stream, ascending. */
    public final int[] valueKeys;
    public final int[] valueLengths;

    private Header(int count, int timeUnit, int[] lengths, int[] valueKeys, int[] valueLengths) {
      this.count = count;
      this.timeUnit = timeUnit;
      this.lengths = lengths;
      this.valueKeys = valueKeys;
      this.valueLengths = valueLengths;
    }

    /** The length of all the streams together. */
    public long streamBytes() {
      long total = 0;
      for (int length : lengths) {
        total += length;
      }
      for (int length : valueLengths) {
        total += length;
      }
      return total;
    }
  }

  /**
   * The string table as calls read it: each string read from a dictionary is appended. The runs
   * of a {@code SpanPage} share one; a run read on its own starts with the dictionaries of the runs
   * before it {@linkplain #skim skimmed}, their strings made only when used.
   */
  public static final class Strings {
    private String[] table = new String[32];
    /** Per entry, its string value once one has been asked for. */
    private Value.Str[] values = new Value.Str[32];
    /** The bytes skimmed entries are in, and per entry where its bytes start and its header. */
    private byte[] skimmed;
    private int[] starts = new int[32];
    private int[] headers = new int[32];
    private int count;

    int size() {
      return count;
    }

    String get(int index) {
      String value = table[index];
      if (value == null) {
        value = decode(skimmed, starts[index], headers[index]);
        table[index] = value;
      }
      return value;
    }

    Value.Str value(int index) {
      Value.Str value = values[index];
      if (value == null) {
        value = new Value.Str(get(index));
        values[index] = value;
      }
      return value;
    }

    /** Reads the next string of {@code dictionary} into the table; returns its index. */
    int read(ByteSource dictionary) throws CorruptDataException {
      int header = entry(dictionary);
      int start = dictionary.position() - (header >>> 1);
      return add(decode(dictionary.array(), start, header), start, header);
    }

    /** Adds every entry of {@code dictionary}, each made into a string only when it is used. */
    public void skim(ByteSource dictionary) throws CorruptDataException {
      skimmed = dictionary.array();
      while (dictionary.hasRemaining()) {
        int header = entry(dictionary);
        add(null, dictionary.position() - (header >>> 1), header);
      }
    }

    private int add(String value, int start, int header) {
      if (count == table.length) {
        table = Arrays.copyOf(table, 2 * count);
        values = Arrays.copyOf(values, 2 * count);
        starts = Arrays.copyOf(starts, 2 * count);
        headers = Arrays.copyOf(headers, 2 * count);
      }
      table[count] = value;
      starts[count] = start;
      headers[count] = header;
      return count++;
    }

    /** Checks the next entry of {@code dictionary} and skips it; returns its header. */
    private static int entry(ByteSource dictionary) throws CorruptDataException {
      long header = dictionary.readVarLong();
      long length = header >>> 1;
      if (length > dictionary.remaining()) {
        throw dictionary.corrupt(
            "string of " + length + " bytes, " + dictionary.remaining() + " left");
      }
      dictionary.skip((int) length);
      if ((header & 1) != 0 && length % 2 != 0) {
        throw dictionary.corrupt("UTF-16 string of an odd " + length + " bytes");
      }
      return (int) header;
    }

    /**
     * The string whose entry has {@code header} and whose bytes start at {@code start}: the
     * instance recent requests decoded, if they did, so that a block's string tables and search
     * columns find it by identity with its hash already computed (a head's cut took 7% less CPU
     * on the load generator's spans, see docs/benchmarks.md).
     */
    private static String decode(byte[] array, int start, int header) {
      int size = header >>> 1;
      if ((header & 1) == 0) {
        String recent = SharedText.recent(array, start, size);
        return recent != null ? recent : new String(array, start, size, StandardCharsets.UTF_8);
      }
      char[] chars = new char[size / 2];
      for (int i = 0; i < chars.length; i++) {
        int at = start + 2 * i;
        chars[i] = (char) ((array[at] & 0xFF) | (array[at + 1] & 0xFF) << 8);
      }
      return new String(chars);
    }
  }
}
