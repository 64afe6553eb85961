package dev.ariadne.storage.internal;

import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import java.util.List;

/**
 * The byte form of a list of spans: the embedded engine's WAL records and the runs of its block
 * pages ({@code SpanPage}), and the spans the memory backend holds. Every field of {@link Span}
 * survives a round trip exactly, doubles to the bit. Self-contained: a decoder needs nothing but
 * the bytes (a run of a page: and the strings of the runs before it). Columnar, so that zstd finds
 * the repetition across spans: each field is its own stream, attribute values have a stream per
 * key, and repeated strings, trace IDs, resources and scopes are written once per call.
 *
 * <p>Layout; integers are little-endian, "varint" is unsigned LEB128 and "zig-zag" a zig-zag
 * encoded signed varint:
 *
 * <pre>
 * byte    version (1)
 * varint  span count
 * byte    time unit: 0 nanoseconds, 1 microseconds, 2 milliseconds; the coarsest in which every
 *         time in the call is whole; the times below are in it
 * varint  byte length of each of the 23 fixed streams, in the order below
 * varint  number of value streams; then per value stream, by ascending key: varint key (its
 *         index in the string table) minus the previous key minus 1 (the first: the key itself),
 *         and varint byte length
 * bytes   the fixed streams, then the value streams, each in the order of its length
 * </pre>
 *
 * <p>A "ref" is a reference to one of the tables that start empty in each call: strings, trace
 * IDs, resources, scopes. It is a varint: 0 for the table's next entry, which is read from the
 * table's own stream and appended, so entries are stored in the order of their first use; or 1 +
 * the index of an entry already read. A "string" is a ref to the string table.
 *
 * <p>Fixed streams, in order: compressible structure first, then times, then random IDs, so that
 * zstd's blocks hold bytes alike.
 *
 * <pre>
 *  0 dictionary      the string table: per string a varint (byte length &lt;&lt; 1 | form) and
 *                    its bytes; form 0 is UTF-8, 1 UTF-16LE (strings with unpaired surrogates)
 *  1 trace runs      per run of adjacent spans of one trace: trace ref, varint span count
 *  2 parents         varint per span: 0 no parent; 1 the parent ID is next in parent IDs; n &gt;= 2
 *                    the parent is the span at (this span's index + zig-zag-decoded (n - 2))
 *  3 names           string per span
 *  4 kinds           byte per span: 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER,
 *                    5 CONSUMER
 *  5 statuses        byte per span: 0 UNSET, 1 OK, 2 ERROR
 *  6 extras          byte per span, the rare fields it has: 1 status message, 2 trace state,
 *                    4 flags, 8 dropped counts, 16 links
 *  7 extra values    per span, those it has in that order: status message string, trace state
 *                    string, varint flags, varint dropped attributes, events and links counts,
 *                    varint link count
 *  8 links           per link: trace ref, 8 bytes span ID, trace state string, varint dropped
 *                    attributes count, byte follows-from (0 or 1), then its attribute list
 *  9 resources       resource ref per span
 * 10 resource defs   per resource table entry: service name string, varint dropped attributes
 *                    count, then its attribute list
 * 11 scopes          scope ref per span
 * 12 scope defs      per scope table entry: name string, version string, its attribute list
 * 13 event counts    varint per span
 * 14 counts          varint per attribute list (its attributes) and per array value (elements)
 * 15 keys            string per attribute
 * 16 types           byte per value: 0 string, 1 boolean, 2 int, 3 double, 4 bytes, 5 array,
 *                    6 key-value list, 7 decimal double
 * 17 start times     zig-zag per span: its start minus the start of the previous span of its
 *                    trace in this call, or of the previous span if none, or 0 for the first
 * 18 durations       varint per span: end minus start, modulo 2^64
 * 19 events          per event: zig-zag time minus its span's start, name string, varint dropped
 *                    attributes count, then its attribute list
 * 20 trace IDs       the trace table: 16 bytes per trace ID, high half first
 * 21 span IDs        8 bytes per span
 * 22 parent IDs      8 bytes per parent ID not found among this call's spans
 * </pre>
 *
 * <p>Value streams hold the payloads of the values of the attributes with their key, by type:
 * string: a string; boolean: a byte 0 or 1; int: zig-zag; double: its 8 raw bytes; decimal
 * double: varint (zig-zag mantissa &lt;&lt; 3 | scale), for a double that is exactly mantissa /
 * 10^scale (as one parsed from short decimal text is) with |mantissa| &lt; 2^53; bytes: varint
 * length and the bytes; array: nothing (its elements' payloads follow in the same stream).
 *
 * <p>A span is written in this order: a new trace run if its trace differs from the previous
 * span's, parent, name, kind, start, duration, resource, scope, attribute list, events, status,
 * extras, links. Only the order of refs to one table and of uses of the shared attribute streams
 * matters across streams. An attribute list is its count, then per attribute its key and value; a
 * value is its type, then its payload (an array: its count, then its elements as values; a
 * key-value list: an attribute list). A value directly in an attribute list is at depth 1, and
 * each array or key-value list adds one; values deeper than {@link #MAX_VALUE_DEPTH} are refused.
 *
 * <p>Decoding checks every count against what the stream it counts has left, every ref against
 * its table, every code against its list, and that every stream is used up, so bad bytes end in a
 * {@link CorruptDataException} naming the stream and the problem, and what decoding allocates
 * stays proportional to the bytes it is given.
 */
public final class SpanCodec {
  static final int VERSION = 1;
  /** Deeper values than this are refused when written and treated as corrupt when read. */
  public static final int MAX_VALUE_DEPTH = 64;

  /** Kinds by their stored code; the codes are part of the file format and never change. */
  static final SpanKind[] KINDS = {
    SpanKind.UNSPECIFIED, SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER,
    SpanKind.CONSUMER
  };
  /** Status codes by their stored code; part of the file format. */
  static final StatusCode[] STATUSES = {StatusCode.UNSET, StatusCode.OK, StatusCode.ERROR};
  /** Time units by their stored code, in nanoseconds. */
  static final long[] TIME_UNITS = {1, 1_000, 1_000_000};

  public static final int DICTIONARY = 0;
  static final int TRACE_RUNS = 1;
  static final int PARENTS = 2;
  public static final int NAMES = 3;
  static final int SPAN_KINDS = 4;
  static final int STATUS_CODES = 5;
  static final int EXTRAS = 6;
  static final int EXTRA_VALUES = 7;
  static final int LINKS = 8;
  static final int RESOURCES = 9;
  static final int RESOURCE_DEFS = 10;
  static final int SCOPES = 11;
  static final int SCOPE_DEFS = 12;
  static final int EVENT_COUNTS = 13;
  static final int COUNTS = 14;
  static final int KEYS = 15;
  static final int TYPES = 16;
  static final int START_TIMES = 17;
  static final int DURATIONS = 18;
  static final int EVENTS = 19;
  static final int TRACE_IDS = 20;
  static final int SPAN_IDS = 21;
  static final int PARENT_IDS = 22;
  /** The fixed streams' names, for error messages, by their position. */
  static final String[] STREAM_NAMES = {
    "dictionary", "trace runs", "parents", "names", "kinds", "statuses", "extras", "extra values",
    "links", "resources", "resource defs", "scopes", "scope defs", "event counts", "counts", "keys",
    "types", "start times", "durations", "events", "trace IDs", "span IDs", "parent IDs"
  };
  /** How many fixed streams there are. */
  public static final int STREAMS = STREAM_NAMES.length;

  static final int TYPE_STR = 0;
  static final int TYPE_BOOL = 1;
  static final int TYPE_INT = 2;
  static final int TYPE_DBL = 3;
  static final int TYPE_BYTES = 4;
  static final int TYPE_ARRAY = 5;
  static final int TYPE_KVLIST = 6;
  static final int TYPE_DECIMAL = 7;
  /** Powers of ten by decimal scale: a decimal double is its mantissa over one of these. */
  static final double[] DECIMAL_SCALES = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 1e7};
  /** Decimal mantissas stay within the integers a double holds exactly. */
  static final long MAX_DECIMAL_MANTISSA = 1L << 53;

  static final int HAS_STATUS_MESSAGE = 1;
  static final int HAS_TRACE_STATE = 2;
  static final int HAS_FLAGS = 4;
  static final int HAS_DROPPED_COUNTS = 8;
  static final int HAS_LINKS = 16;
  static final int ALL_EXTRAS = 31;

  private SpanCodec() {}

  /**
   * Appends the byte form of {@code spans} to {@code out}.
   *
   * @throws IllegalArgumentException if an attribute value nests deeper than {@link
   *     #MAX_VALUE_DEPTH}
   */
  public static void encode(List<Span> spans, ByteSink out) {
    new SpanEncoder(spans).writeTo(out);
  }

  public static byte[] encode(List<Span> spans) {
    SpanEncoder encoder = new SpanEncoder(spans);
    ByteSink out = new ByteSink(encoder.size());
    encoder.writeTo(out);
    return out.size() == out.array().length ? out.array() : out.toByteArray();
  }

  /**
   * Reads one byte form of spans from {@code in}, leaving it just after.
   *
   * @throws CorruptDataException if the bytes are not such a byte form
   */
  public static List<Span> decode(ByteSource in) throws CorruptDataException {
    return SpanDecoder.decode(in);
  }

  /**
   * Decodes {@code length} bytes at {@code offset} that this process encoded or already checked,
   * such as spans held in memory; {@code what} names them.
   *
   * @throws IllegalStateException if they do not decode, which is a bug, not bad input
   */
  public static List<Span> decodeHeld(byte[] bytes, int offset, int length, String what) {
    try {
      return decode(new ByteSource(bytes, offset, length, what));
    } catch (CorruptDataException e) {
      throw new IllegalStateException(what + " does not decode", e);
    }
  }

  /** The stored code of {@code value}: its index in {@code codes}. */
  public static <E extends Enum<E>> int code(E[] codes, E value) {
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] == value) {
        return i;
      }
    }
    throw new IllegalArgumentException("no stored code for " + value);
  }
}
