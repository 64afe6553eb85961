package dev.ariadne.storage.internal;

import static dev.ariadne.storage.internal.SpanCodec.MAX_VALUE_DEPTH;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one call's spans in the layout {@link SpanCodec} describes: fills every stream in one
 * pass over the spans when made, then gives the header and the streams. One per call, or per run
 * of a {@code SpanPage}, whose runs share one string table.
 */
public final class SpanEncoder {
  private static final int VALUE_STREAM_CAPACITY = 64;
  /**
   * About how many distinct strings a span brings to its call's table: the load generator's traces,
   * grouped by trace as a write's spans are, hold 9 per span at the median and 15 at the 90th
   * percentile. A table sized for fewer grows once or twice per call, which took a fifth of the
   * encoder's CPU.
   */
  private static final int STRINGS_PER_SPAN = 8;

  private final List<Span> spans;
  private final int timeUnit;
  private final ByteSink[] streams = new ByteSink[SpanCodec.STREAM_NAMES.length];
  private final ByteSink dictionary;
  private final ByteSink traceIds;
  private final ByteSink traceRuns;
  private final ByteSink spanIds;
  private final ByteSink parents;
  private final ByteSink parentIds;
  private final ByteSink names;
  private final ByteSink kinds;
  private final ByteSink startTimes;
  private final ByteSink durations;
  private final ByteSink resources;
  private final ByteSink resourceDefs;
  private final ByteSink scopes;
  private final ByteSink scopeDefs;
  private final ByteSink counts;
  private final ByteSink keys;
  private final ByteSink types;
  private final ByteSink eventCounts;
  private final ByteSink events;
  private final ByteSink statuses;
  private final ByteSink extras;
  private final ByteSink extraValues;
  private final ByteSink links;
  private final ByteSink header;
  /** Per string table index, the value stream of the attributes with that key, or null. */
  private ByteSink[] valueStreams = new ByteSink[16];

  private final StringIndex stringTable;
  private final Map<TraceId, Integer> traceTable = new HashMap<>();
  /** Per trace table entry, the index of the trace's latest span so far, or -1. */
  private int[] latestSpanOfTrace = new int[16];
  private final ValueTable<Resource> resourceTable = new ValueTable<>();
  private final ValueTable<Scope> scopeTable = new ValueTable<>();
  private final SpanIdIndex spanIndex;
  /** Per span, its start in the time unit. */
  private final long[] starts;

  public SpanEncoder(List<Span> spans) {
    this(spans, new StringIndex(32 + STRINGS_PER_SPAN * spans.size()));
  }

  /**
   * Encodes {@code spans} with {@code strings} as the string table: strings it holds already are
   * referred to, not written again, and the new ones are added to it.
   */
  public SpanEncoder(List<Span> spans, StringIndex strings) {
    this.spans = spans;
    long[] ids = new long[spans.size()];
    int unit = SpanCodec.TIME_UNITS.length - 1;
    for (int i = 0; i < ids.length; i++) {
      Span span = spans.get(i);
      ids[i] = span.spanId();
      if (unit > 0) {
        unit = timeUnit(span, unit);
      }
    }
    spanIndex = new SpanIdIndex(ids, ids.length);
    timeUnit = unit;
    starts = new long[spans.size()];
    stringTable = strings;
    for (int i = 0; i < streams.length; i++) {
      streams[i] = new ByteSink(spans.size() * bytesPerSpan(i));
    }
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
    writeSpans();
    header = header();
  }

  /** About how many bytes a span takes in a fixed stream, to size its buffer once. */
  private static int bytesPerSpan(int stream) {
    return switch (stream) {
      case SpanCodec.DICTIONARY -> 64;
      case SpanCodec.KEYS, SpanCodec.TYPES -> 10;
      case SpanCodec.SPAN_IDS -> 8;
      case SpanCodec.START_TIMES, SpanCodec.DURATIONS -> 4;
      case SpanCodec.NAMES, SpanCodec.COUNTS, SpanCodec.EVENTS -> 2;
      default -> 1;
    };
  }

  /** The byte form's header: everything before the streams. */
  private ByteSink header() {
    ByteSink header = new ByteSink(64 + 4 * streams.length);
    header.writeByte(SpanCodec.VERSION);
    header.writeVarInt(spans.size());
    header.writeByte(timeUnit);
    for (ByteSink stream : streams) {
      header.writeVarInt(stream.size());
    }
    int valueStreamCount = 0;
    for (ByteSink stream : valueStreams) {
      if (stream != null) {
        valueStreamCount++;
      }
    }
    header.writeVarInt(valueStreamCount);
    int previousKey = -1;
    for (int key = 0; key < valueStreams.length; key++) {
      if (valueStreams[key] != null) {
        header.writeVarInt(key - previousKey - 1);
        header.writeVarInt(valueStreams[key].size());
        previousKey = key;
      }
    }
    return header;
  }

  /** The byte form's length. */
  int size() {
    long size = header.size();
    for (ByteSink stream : streams) {
      size += stream.size();
    }
    for (ByteSink stream : valueStreams) {
      size += stream == null ? 0 : stream.size();
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("spans of over 2 GiB encoded");
    }
    return (int) size;
  }

  /** Appends the byte form to {@code out}. */
  void writeTo(ByteSink out) {
    writeHeader(out);
    for (int stream = 0; stream < streams.length; stream++) {
      writeStream(stream, out);
    }
    for (int key = 0; key < valueStreams.length; key++) {
      writeValueStream(key, out);
    }
  }

  /** Appends the header: everything before the streams. */
  public void writeHeader(ByteSink out) {
    out.writeBytes(header.array(), 0, header.size());
  }

  /** Appends fixed stream {@code stream} (a {@link SpanCodec} stream number). */
  public void writeStream(int stream, ByteSink out) {
    out.writeBytes(streams[stream].array(), 0, streams[stream].size());
  }

  /** One past the highest key with a value stream. */
  public int valueStreamEnd() {
    for (int key = valueStreams.length - 1; key >= 0; key--) {
      if (valueStreams[key] != null) {
        return key + 1;
      }
    }
    return 0;
  }

  /** Appends the value stream of {@code key}, if there is one. */
  public void writeValueStream(int key, ByteSink out) {
    if (key < valueStreams.length && valueStreams[key] != null) {
      out.writeBytes(valueStreams[key].array(), 0, valueStreams[key].size());
    }
  }

  private void writeSpans() {
    TraceId runTraceId = null;
    int runTrace = -1;
    int runLength = 0;
    for (int i = 0; i < spans.size(); i++) {
      Span span = spans.get(i);
      TraceId traceId = span.traceId();
      if (runLength == 0
          || traceId.low() != runTraceId.low()
          || traceId.high() != runTraceId.high()) {
        if (runLength > 0) {
          traceRuns.writeVarInt(runLength);
        }
        runTraceId = traceId;
        runTrace = traceRef(traceRuns, traceId);
        runLength = 0;
      }
      runLength++;
      writeSpan(i, span, runTrace);
    }
    if (runLength > 0) {
      traceRuns.writeVarInt(runLength);
    }
  }

  private void writeSpan(int index, Span span, int trace) {
    spanIds.writeLongLe(span.spanId());
    long parent = span.parentSpanId();
    if (parent == 0) {
      parents.writeByte(0);
    } else {
      int parentIndex = spanIndex.positionOf(parent);
      if (parentIndex < 0) {
        parents.writeByte(1);
        parentIds.writeLongLe(parent);
      } else {
        long distance = (long) parentIndex - index;
        parents.writeVarLong(((distance << 1) ^ (distance >> 63)) + 2);
      }
    }
    string(names, span.name());
    kinds.writeByte(SpanCodec.code(SpanCodec.KINDS, span.kind()));

    long start = inUnit(span.startEpochNanos());
    starts[index] = start;
    int previous = latestSpanOfTrace[trace] >= 0 ? latestSpanOfTrace[trace] : index - 1;
    startTimes.writeZigZag(start - (previous >= 0 ? starts[previous] : 0));
    latestSpanOfTrace[trace] = index;
    durations.writeVarLong(inUnit(span.endEpochNanos()) - start);

    Resource resource = span.resource();
    int resourceIndex = resourceTable.indexOrAdd(resource);
    resources.writeVarInt(resourceIndex + 1);
    if (resourceIndex < 0) {
      string(resourceDefs, resource.serviceName());
      resourceDefs.writeVarInt(resource.droppedAttributesCount());
      attributes(resource.attributes(), 1);
    }
    Scope scope = span.scope();
    int scopeIndex = scopeTable.indexOrAdd(scope);
    scopes.writeVarInt(scopeIndex + 1);
    if (scopeIndex < 0) {
      string(scopeDefs, scope.name());
      string(scopeDefs, scope.version());
      attributes(scope.attributes(), 1);
    }
    attributes(span.attributes(), 1);

    List<Event> spanEvents = span.events();
    eventCounts.writeVarInt(spanEvents.size());
    for (int i = 0; i < spanEvents.size(); i++) {
      Event event = spanEvents.get(i);
      events.writeZigZag(inUnit(event.epochNanos()) - start);
      string(events, event.name());
      events.writeVarInt(event.droppedAttributesCount());
      attributes(event.attributes(), 1);
    }

    statuses.writeByte(SpanCodec.code(SpanCodec.STATUSES, span.statusCode()));
    writeExtras(span);
  }

  private void writeExtras(Span span) {
    boolean dropped = span.droppedAttributesCount() != 0 || span.droppedEventsCount() != 0
        || span.droppedLinksCount() != 0;
    int present = (span.statusMessage().isEmpty() ? 0 : SpanCodec.HAS_STATUS_MESSAGE)
        | (span.traceState().isEmpty() ? 0 : SpanCodec.HAS_TRACE_STATE)
        | (span.flags() == 0 ? 0 : SpanCodec.HAS_FLAGS)
        | (dropped ? SpanCodec.HAS_DROPPED_COUNTS : 0)
        | (span.links().isEmpty() ? 0 : SpanCodec.HAS_LINKS);
    extras.writeByte(present);
    if ((present & SpanCodec.HAS_STATUS_MESSAGE) != 0) {
      string(extraValues, span.statusMessage());
    }
    if ((present & SpanCodec.HAS_TRACE_STATE) != 0) {
      string(extraValues, span.traceState());
    }
    if ((present & SpanCodec.HAS_FLAGS) != 0) {
      extraValues.writeVarInt(span.flags());
    }
    if (dropped) {
      extraValues.writeVarInt(span.droppedAttributesCount());
      extraValues.writeVarInt(span.droppedEventsCount());
      extraValues.writeVarInt(span.droppedLinksCount());
    }
    List<Link> spanLinks = span.links();
    if (!spanLinks.isEmpty()) {
      extraValues.writeVarInt(spanLinks.size());
      for (int i = 0; i < spanLinks.size(); i++) {
        Link link = spanLinks.get(i);
        traceRef(links, link.traceId());
        links.writeLongLe(link.spanId());
        string(links, link.traceState());
        links.writeVarInt(link.droppedAttributesCount());
        links.writeByte(link.followsFrom() ? 1 : 0);
        attributes(link.attributes(), 1);
      }
    }
  }

  /** Writes a ref to {@code traceId} to {@code out} and returns its index in the trace table. */
  private int traceRef(ByteSink out, TraceId traceId) {
    Integer known = traceTable.get(traceId);
    if (known != null) {
      out.writeVarInt(known + 1);
      return known;
    }
    int index = traceTable.size();
    traceTable.put(traceId, index);
    out.writeByte(0);
    traceIds.writeLongLe(traceId.high());
    traceIds.writeLongLe(traceId.low());
    if (index == latestSpanOfTrace.length) {
      latestSpanOfTrace = Arrays.copyOf(latestSpanOfTrace, 2 * index);
    }
    latestSpanOfTrace[index] = -1;
    return index;
  }

  private void attributes(List<Attribute> attributes, int depth) {
    counts.writeVarInt(attributes.size());
    for (int i = 0; i < attributes.size(); i++) {
      Attribute attribute = attributes.get(i);
      int key = string(keys, attribute.key());
      value(attribute.value(), valueStream(key), depth);
    }
  }

  /** Writes {@code value}'s type, and its payload to {@code out}, its key's value stream. */
  private void value(Value value, ByteSink out, int depth) {
    if (depth > MAX_VALUE_DEPTH) {
      throw new IllegalArgumentException(
          "attribute value nested deeper than " + MAX_VALUE_DEPTH + " levels");
    }
    if (value instanceof Value.Str str) {
      types.writeByte(SpanCodec.TYPE_STR);
      string(out, str.value());
    } else if (value instanceof Value.Bool bool) {
      types.writeByte(SpanCodec.TYPE_BOOL);
      out.writeByte(bool.value() ? 1 : 0);
    } else if (value instanceof Value.Int integer) {
      types.writeByte(SpanCodec.TYPE_INT);
      out.writeZigZag(integer.value());
    } else if (value instanceof Value.Dbl dbl) {
      writeDouble(dbl.value(), out);
    } else if (value instanceof Value.Bytes data) {
      types.writeByte(SpanCodec.TYPE_BYTES);
      out.writeVarInt(data.value().length);
      out.writeBytes(data.value());
    } else if (value instanceof Value.Array array) {
      types.writeByte(SpanCodec.TYPE_ARRAY);
      List<Value> elements = array.values();
      counts.writeVarInt(elements.size());
      for (int i = 0; i < elements.size(); i++) {
        value(elements.get(i), out, depth + 1);
      }
    } else if (value instanceof Value.KvList kvList) {
      types.writeByte(SpanCodec.TYPE_KVLIST);
      attributes(kvList.attributes(), depth + 1);
    } else {
      throw new IllegalArgumentException("unknown value type: " + value.getClass());
    }
  }

  /**
   * Writes {@code value} as a decimal when it is exactly the double nearest to a mantissa over a
   * power of ten (as a double parsed from short decimal text is), else as its raw bits.
   */
  private void writeDouble(double value, ByteSink out) {
    long bits = Double.doubleToRawLongBits(value);
    for (int scale = 0; scale < SpanCodec.DECIMAL_SCALES.length; scale++) {
      double scaled = value * SpanCodec.DECIMAL_SCALES[scale];
      if (!(Math.abs(scaled) < SpanCodec.MAX_DECIMAL_MANTISSA)) {
        break;
      }
      long mantissa = Math.round(scaled);
      if (Double.doubleToRawLongBits(mantissa / SpanCodec.DECIMAL_SCALES[scale]) == bits) {
        types.writeByte(SpanCodec.TYPE_DECIMAL);
        out.writeVarLong(((mantissa << 1) ^ (mantissa >> 63)) << 3 | scale);
        return;
      }
    }
    types.writeByte(SpanCodec.TYPE_DBL);
    out.writeLongLe(bits);
  }

  private ByteSink valueStream(int key) {
    if (key >= valueStreams.length) {
      valueStreams = Arrays.copyOf(valueStreams, Math.max(2 * valueStreams.length, key + 1));
    }
    ByteSink stream = valueStreams[key];
    if (stream == null) {
      stream = new ByteSink(VALUE_STREAM_CAPACITY);
      valueStreams[key] = stream;
    }
    return stream;
  }

  /**
   * Writes a ref to {@code value} to {@code out}, adding it to the string table if new; returns
   * its index there.
   */
  private int string(ByteSink out, String value) {
    int known = stringTable.indexOrAdd(value);
    out.writeVarInt(known + 1);
    if (known >= 0) {
      return known;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (lostSurrogate(value, utf8)) {
      dictionary.writeVarLong((2L * value.length()) << 1 | 1);
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        dictionary.writeByte(c);
        dictionary.writeByte(c >>> 8);
      }
    } else {
      dictionary.writeVarLong((long) utf8.length << 1);
      dictionary.writeBytes(utf8);
    }
    return stringTable.size() - 1;
  }

  /**
   * True if {@code utf8}, {@code value} encoded, lost an unpaired surrogate. When it has one byte
   * per char, every char was ASCII or an unpaired surrogate that the encoder replaced with
   * {@code '?'}: a scan of the bytes for {@code '?'} answers, without reading every char back out
   * of the string, which took 15% of encoding spans (async-profiler, event=itimer).
   */
  private static boolean lostSurrogate(String value, byte[] utf8) {
    if (utf8.length != value.length()) {
      return hasUnpairedSurrogate(value);
    }
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] == '?' && value.charAt(i) != '?') {
        return true;
      }
    }
    return false;
  }

  /** True if {@code value} has a surrogate that is not half of a pair, which UTF-8 cannot hold. */
  public static boolean hasUnpairedSurrogate(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < value.length()
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The code of the coarsest time unit, no coarser than {@code unit}, in which every time of
   * {@code span} is whole.
   */
  private static int timeUnit(Span span, int unit) {
    unit = timeUnit(span.startEpochNanos(), unit);
    unit = timeUnit(span.endEpochNanos(), unit);
    List<Event> spanEvents = span.events();
    for (int i = 0; i < spanEvents.size(); i++) {
      unit = timeUnit(spanEvents.get(i).epochNanos(), unit);
    }
    return unit;
  }

  private static int timeUnit(long nanos, int unit) {
    // Constant divisors, which compile to multiplications.
    if (unit == 2 && nanos % 1_000_000 != 0) {
      unit = 1;
    }
    if (unit == 1 && nanos % 1_000 != 0) {
      unit = 0;
    }
    return unit;
  }

  /** {@code nanos} in the time unit, which divides it. */
  private long inUnit(long nanos) {
    return timeUnit == 0 ? nanos : timeUnit == 1 ? nanos / 1_000 : nanos / 1_000_000;
  }

  /**
   * Numbers resources or scopes in the order first added, telling them apart by value: by
   * identity first, since spans of one batch share one instance, then by {@link ExactKey}. The
   * maps are made only once a second instance shows up.
   */
  private static final class ValueTable<T> {
    private IdentityHashMap<T, Integer> byIdentity;
    private Map<ExactKey, Integer> byValue;
    private T last;
    private int lastIndex;

    /** The index of {@code value}, or -1 after adding it with the next index. */
    @SuppressWarnings("ReferenceEquality") // The same instance again: a shortcut past the maps.
    int indexOrAdd(T value) {
      if (value == last) {
        return lastIndex;
      }
      if (last == null) {
        last = value;
        lastIndex = 0;
        return -1;
      }
      if (byValue == null) {
        byIdentity = new IdentityHashMap<>();
        byValue = new HashMap<>();
        byIdentity.put(last, 0);
        byValue.put(new ExactKey(last), 0);
      }
      Integer index = byIdentity.get(value);
      boolean added = false;
      if (index == null) {
        ExactKey key = new ExactKey(value);
        index = byValue.get(key);
        if (index == null) {
          index = byValue.size();
          byValue.put(key, index);
          added = true;
        }
        byIdentity.put(value, index);
      }
      last = value;
      lastIndex = index;
      return added ? -1 : index;
    }
  }

  /**
   * A resource or scope as a table key that tells doubles apart by their bits, so a NaN payload
   * or the sign of a zero is not lost to deduplication (records compare doubles as {@link
   * Double#compare} does, which counts every NaN equal).
   */
  private static final class ExactKey {
    private final Object value;
    private final int hash;

    ExactKey(Object value) {
      this.value = value;
      this.hash = value.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ExactKey other && hash == other.hash && same(value, other.value);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    private static boolean same(Object a, Object b) {
      if (a instanceof Resource x && b instanceof Resource y) {
        return x.serviceName().equals(y.serviceName())
            && x.droppedAttributesCount() == y.droppedAttributesCount()
            && sameAttributes(x.attributes(), y.attributes());
      }
      if (a instanceof Scope x && b instanceof Scope y) {
        return x.name().equals(y.name())
            && x.version().equals(y.version())
            && sameAttributes(x.attributes(), y.attributes());
      }
      return false;
    }

    private static boolean sameAttributes(List<Attribute> a, List<Attribute> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).key().equals(b.get(i).key())
            || !sameValue(a.get(i).value(), b.get(i).value())) {
          return false;
        }
      }
      return true;
    }

    private static boolean sameValue(Value a, Value b) {
      if (a instanceof Value.Dbl x) {
        return b instanceof Value.Dbl y
            && Double.doubleToRawLongBits(x.value()) == Double.doubleToRawLongBits(y.value());
      }
      if (a instanceof Value.Array x) {
        if (!(b instanceof Value.Array y) || x.values().size() != y.values().size()) {
          return false;
        }
        for (int i = 0; i < x.values().size(); i++) {
          if (!sameValue(x.values().get(i), y.values().get(i))) {
            return false;
          }
        }
        return true;
      }
      if (a instanceof Value.KvList x) {
        return b instanceof Value.KvList y && sameAttributes(x.attributes(), y.attributes());
      }
      return a.equals(b);
    }
  }
}
