package dev.ariadne.model.zipkin;

import dev.ariadne.model.Ids;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.internal.SharedText;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields of one Zipkin v2 span as a decoder reads them, checked and normalized as zipkin2's
 * {@code Span.Builder} does, with its messages: IDs in lower-case hex (or bytes in proto3) of the
 * right length, a span ID not all zeros when written in full, the name lower-cased, a negative
 * timestamp or duration taken as none, tags by key with the last value winning. Mutable and reused
 * from span to span of a request; {@link SpanMapper} turns it into the model.
 */
final class ZipkinSpan {
  /** The value of each lower-case hex digit, -1 for any other character below 128. */
  private static final byte[] LOWER_HEX = new byte[128];

  static {
    Arrays.fill(LOWER_HEX, (byte) -1);
    for (int i = 0; i < 16; i++) {
      LOWER_HEX["0123456789abcdef".charAt(i)] = (byte) i;
    }
  }

  long traceIdHigh;
  long traceIdLow;
  /** Hex digits of the trace ID as sent (twice the bytes in proto3), 0 when absent. */
  int traceIdLength;
  long id;
  boolean hasId;
  /** 0 when absent. */
  long parentId;
  /** Null when absent. */
  SpanKind kind;
  /** Lower-cased; null when absent or empty. */
  String name;
  /** Microseconds; 0 when absent or negative. */
  long timestamp;
  /** Microseconds; 0 when absent or negative. */
  long duration;
  final ZipkinEndpoint localEndpoint = new ZipkinEndpoint();
  final ZipkinEndpoint remoteEndpoint = new ZipkinEndpoint();
  boolean debug;
  boolean shared;

  long[] annotationTimestamps = new long[4];
  String[] annotationValues = new String[4];
  int annotationCount;

  String[] tagKeys = new String[16];
  String[] tagValues = new String[16];
  int tagCount;

  private final SharedText texts;

  ZipkinSpan(SharedText texts) {
    this.texts = texts;
  }

  void clear() {
    traceIdHigh = 0;
    traceIdLow = 0;
    traceIdLength = 0;
    id = 0;
    hasId = false;
    parentId = 0;
    kind = null;
    name = null;
    timestamp = 0;
    duration = 0;
    localEndpoint.clear();
    remoteEndpoint.clear();
    debug = false;
    shared = false;
    Arrays.fill(annotationValues, 0, annotationCount, null);
    annotationCount = 0;
    Arrays.fill(tagKeys, 0, tagCount, null);
    Arrays.fill(tagValues, 0, tagCount, null);
    tagCount = 0;
  }

  /** The trace ID in hex, the {@code length} bytes of {@code text} from {@code offset} (JSON). */
  void traceIdHex(byte[] text, int offset, int length) {
    if (length == 0) {
      throw new IllegalArgumentException("traceId is empty");
    }
    if (length > 32 && characters(text, offset, length) > 32) {
      throw new IllegalArgumentException("traceId.length > 32");
    }
    int split = Math.max(0, length - 16);
    long high = hex(text, offset, offset + split, offset, length);
    long low = hex(text, offset + split, offset + length, offset, length);
    if (high == 0 && low == 0) {
      throw new IllegalArgumentException("traceId is all zeros");
    }
    traceIdHigh = high;
    traceIdLow = low;
    traceIdLength = length;
  }

  /** The trace ID as {@code length} bytes of {@code bytes} from {@code offset} (proto3). */
  void traceId(byte[] bytes, int offset, int length) {
    if (length == 0) {
      throw new IllegalArgumentException("traceId == null");
    }
    checkHexField(length);
    if (length > 16) {
      throw new IllegalArgumentException("traceId.length > 32");
    }
    int split = Math.max(0, length - 8);
    long high = bigEndian(bytes, offset, split);
    long low = bigEndian(bytes, offset + split, length - split);
    if (high == 0 && low == 0) {
      throw new IllegalArgumentException("traceId is all zeros");
    }
    traceIdHigh = high;
    traceIdLow = low;
    traceIdLength = 2 * length;
  }

  void idHex(byte[] text, int offset, int length) {
    if (length == 0) {
      throw new IllegalArgumentException("id is empty");
    }
    if (length > 16 && characters(text, offset, length) > 16) {
      throw new IllegalArgumentException("id.length > 16");
    }
    id(hex(text, offset, offset + length, offset, length), length);
  }

  void id(byte[] bytes, int offset, int length) {
    if (length == 0) {
      throw new IllegalArgumentException("id == null");
    }
    checkHexField(length);
    if (length > 8) {
      throw new IllegalArgumentException("id.length > 16");
    }
    id(bigEndian(bytes, offset, length), 2 * length);
  }

  /** Zipkin refuses a zero ID only when written in full: {@code "0"} passes, rejected later. */
  private void id(long value, int hexLength) {
    if (value == 0 && hexLength == 16) {
      throw new IllegalArgumentException("id is all zeros");
    }
    id = value;
    hasId = true;
  }

  void parentIdHex(byte[] text, int offset, int length) {
    if (length == 0) {
      throw new IllegalArgumentException("parentId is empty");
    }
    if (length > 16 && characters(text, offset, length) > 16) {
      throw new IllegalArgumentException("parentId.length > 16");
    }
    parentId = hex(text, offset, offset + length, offset, length);
  }

  /** An empty proto3 parent ID means none, as in Zipkin. */
  void parentId(byte[] bytes, int offset, int length) {
    checkHexField(length);
    if (length > 8) {
      throw new IllegalArgumentException("parentId.length > 16");
    }
    parentId = bigEndian(bytes, offset, length);
  }

  void name(String name) {
    this.name = name.isEmpty() ? null : texts.lowerCase(name);
  }

  void timestamp(long micros) {
    timestamp = Math.max(micros, 0);
  }

  void duration(long micros) {
    duration = Math.max(micros, 0);
  }

  void addAnnotation(long timestamp, String value) {
    if (annotationCount == annotationValues.length) {
      annotationTimestamps = Arrays.copyOf(annotationTimestamps, 2 * annotationCount);
      annotationValues = Arrays.copyOf(annotationValues, 2 * annotationCount);
    }
    annotationTimestamps[annotationCount] = timestamp;
    annotationValues[annotationCount++] = value;
  }

  void putTag(String key, String value) {
    if (tagCount == tagKeys.length) {
      tagKeys = Arrays.copyOf(tagKeys, 2 * tagCount);
      tagValues = Arrays.copyOf(tagValues, 2 * tagCount);
    }
    tagKeys[tagCount] = key;
    tagValues[tagCount++] = value;
  }

  /**
   * Puts the tags in key order with one value per key, the last one sent, as Zipkin's tag map
   * holds them. Clients send them in key order already, which costs one pass to check.
   */
  void sortTags() {
    for (int i = 1; i < tagCount; i++) {
      if (tagKeys[i - 1].compareTo(tagKeys[i]) >= 0) {
        Map<String, String> sorted = new TreeMap<>();
        for (int j = 0; j < tagCount; j++) {
          sorted.put(tagKeys[j], tagValues[j]);
        }
        Arrays.fill(tagKeys, 0, tagCount, null);
        Arrays.fill(tagValues, 0, tagCount, null);
        tagCount = 0;
        sorted.forEach(this::putTag);
        return;
      }
    }
  }

  /**
   * Checks what zipkin2's {@code Span.Builder.build()} checks, and drops the {@code shared} flag of
   * a client span as it does.
   *
   * @throws IllegalArgumentException with Zipkin's message if the trace ID or ID is missing
   */
  void complete() {
    if (traceIdLength == 0 || !hasId) {
      throw new IllegalArgumentException(
          "Missing :" + (traceIdLength == 0 ? " traceId" : "") + (hasId ? "" : " id"));
    }
    if (parentId == id) {
      parentId = 0;
    }
    if (kind == SpanKind.CLIENT) {
      shared = false;
    }
  }

  /** The trace ID as Zipkin writes it: 16 hex digits when sent with at most 16 or high bits 0. */
  String traceIdHex() {
    String low = Ids.toHex(traceIdLow);
    return traceIdLength <= 16 || (traceIdLength == 32 && traceIdHigh == 0)
        ? low
        : Ids.toHex(traceIdHigh) + low;
  }

  /** Zipkin's proto3 reader refuses any ID field longer than 32 bytes before anything else. */
  private static void checkHexField(int length) {
    if (length > 32) {
      throw new IllegalArgumentException("hex field greater than 32 chars long: " + length);
    }
  }

  /**
   * The value of the lower-case hex digits from {@code from} to {@code to} of the UTF-8 {@code
   * text}, part of the ID of {@code length} bytes at {@code offset}.
   *
   * @throws IllegalArgumentException with Zipkin's message, quoting the ID, if a character is not
   *     lower-case hex
   */
  private static long hex(byte[] text, int from, int to, int offset, int length) {
    long value = 0;
    for (int i = from; i < to; i++) {
      byte c = text[i];
      int digit = c >= 0 ? LOWER_HEX[c] : -1;
      if (digit < 0) {
        throw new IllegalArgumentException(new String(text, offset, length, StandardCharsets.UTF_8)
            + " should be lower-hex encoded with no prefix");
      }
      value = value << 4 | digit;
    }
    return value;
  }

  /**
   * How many Java characters the UTF-8 text has: Zipkin checks an ID's length in characters, so
   * an ID of non-ASCII characters within the length is refused as not hex, as there.
   */
  private static int characters(byte[] text, int offset, int length) {
    int characters = 0;
    for (int i = offset; i < offset + length; i++) {
      int b = text[i] & 0xff;
      if ((b & 0xc0) != 0x80) {
        characters += b >= 0xf0 ? 2 : 1;
      }
    }
    return characters;
  }

  private static long bigEndian(byte[] bytes, int offset, int length) {
    long value = 0;
    for (int i = 0; i < length; i++) {
      value = value << 8 | (bytes[offset + i] & 0xff);
    }
    return value;
  }
}
