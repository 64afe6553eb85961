package dev.ariadne.model.zipkin;

import static com.google.protobuf.WireFormat.WIRETYPE_FIXED32;
import static com.google.protobuf.WireFormat.WIRETYPE_FIXED64;
import static com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
import static com.google.protobuf.WireFormat.WIRETYPE_VARINT;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.internal.SharedText;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a Zipkin proto3 {@code ListOfSpans} with protobuf's {@link CodedInputStream}, one pass
 * straight into {@link SpanMapper}, following the rules of zipkin2's own reader ({@code
 * Proto3ZipkinFields}): every entry of the list is a span, and an empty one ends the list; within
 * a span, a field it does not know, or of another wire type than it expects, is skipped; an empty
 * string or byte field is an absent one; an annotation without timestamp or value and a tag
 * without key are dropped; a kind it does not know leaves the kind as it was; a boolean is one
 * byte, 0 or 1; a varint for a key, a length, the kind or the port has at most 32 bits. Unlike
 * zipkin2's reader it refuses text that is not valid UTF-8, and a field that runs past the end of
 * its message (zipkin2 checks only the end of the body, and skips a truncated unknown field).
 *
 * <p>Problems throw {@link IllegalArgumentException} with Zipkin's message where Zipkin has one
 * (the IDs, a missing field, the port, truncation, wire types), with the byte offset of the
 * problem where it is about the encoding.
 */
final class Proto3Reader {
  private static final int TRACE_ID = 1 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int PARENT_ID = 2 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int ID = 3 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int KIND = 4 << 3 | WIRETYPE_VARINT;
  private static final int NAME = 5 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int TIMESTAMP = 6 << 3 | WIRETYPE_FIXED64;
  private static final int DURATION = 7 << 3 | WIRETYPE_VARINT;
  private static final int LOCAL_ENDPOINT = 8 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int REMOTE_ENDPOINT = 9 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int ANNOTATIONS = 10 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int TAGS = 11 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int DEBUG = 12 << 3 | WIRETYPE_VARINT;
  private static final int SHARED = 13 << 3 | WIRETYPE_VARINT;

  private static final int SERVICE_NAME = 1 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int IPV4 = 2 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int IPV6 = 3 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int PORT = 4 << 3 | WIRETYPE_VARINT;

  private static final int ANNOTATION_TIMESTAMP = 1 << 3 | WIRETYPE_FIXED64;
  private static final int ANNOTATION_VALUE = 2 << 3 | WIRETYPE_LENGTH_DELIMITED;

  private static final int TAG_KEY = 1 << 3 | WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_VALUE = 2 << 3 | WIRETYPE_LENGTH_DELIMITED;

  /** Zipkin's kinds by their proto3 number less one. */
  private static final SpanKind[] KINDS =
      {SpanKind.CLIENT, SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER};

  /** How many distinct endpoints of a request are read once and then copied. */
  private static final int MAX_SHARED_ENDPOINTS = 32;

  private final byte[] body;
  private final CodedInputStream input;
  private final SpanMapper mapper;
  private final SharedText texts;

  private final ZipkinEndpoint[] endpoints = new ZipkinEndpoint[MAX_SHARED_ENDPOINTS];
  private final int[] endpointOffsets = new int[MAX_SHARED_ENDPOINTS];
  private final int[] endpointLengths = new int[MAX_SHARED_ENDPOINTS];
  private int endpointCount;

  private Proto3Reader(byte[] body, SpanMapper mapper, SharedText texts) {
    this.body = body;
    this.mapper = mapper;
    this.texts = texts;
    input = CodedInputStream.newInstance(body);
  }

  /**
   * Reads the spans of {@code body} into {@code mapper}, its texts shared through {@code texts}.
   *
   * @throws IllegalArgumentException if {@code body} is not a Zipkin proto3 list of spans
   */
  static void read(byte[] body, SpanMapper mapper, SharedText texts) {
    Proto3Reader reader = new Proto3Reader(body, mapper, texts);
    try {
      reader.spans();
    } catch (InvalidProtocolBufferException e) {
      // Only a varint can fail in CodedInputStream: every length is checked before it is read.
      throw new IllegalArgumentException((reader.input.getBytesUntilLimit() == 0
          ? "Truncated: a varint runs past the end"
          : "Malformed: a varint of more than 10 bytes") + reader.at(), e);
    } catch (IOException e) {
      // Reading from memory fails only as above; this is for the compiler.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Every entry of the body is a span, whatever its field number, as in Zipkin's reader, which
   * also stops at an empty one: what follows it is ignored.
   */
  private void spans() throws IOException {
    input.pushLimit(body.length); // so that the bytes left are known at the top level too
    while (!input.isAtEnd()) {
      varint32();
      int length = length();
      if (length == 0) {
        return;
      }
      int limit = input.pushLimit(length);
      span(mapper.span());
      input.popLimit(limit);
      mapper.add();
    }
  }

  private void span(ZipkinSpan span) throws IOException {
    while (!input.isAtEnd()) {
      int tag = varint32();
      switch (tag) {
        case TRACE_ID -> {
          int length = length();
          span.traceId(body, position(), length);
          input.skipRawBytes(length);
        }
        case PARENT_ID -> {
          int length = length();
          span.parentId(body, position(), length);
          input.skipRawBytes(length);
        }
        case ID -> {
          int length = length();
          span.id(body, position(), length);
          input.skipRawBytes(length);
        }
        case KIND -> {
          int kind = varint32();
          if (kind < 0) {
            throw new IllegalArgumentException("Malformed: kind " + kind + at());
          }
          if (kind >= 1 && kind <= KINDS.length) {
            span.kind = KINDS[kind - 1];
          }
        }
        case NAME -> span.name(string());
        case TIMESTAMP -> span.timestamp(fixed64());
        case DURATION -> span.duration(input.readRawVarint64());
        case LOCAL_ENDPOINT -> endpoint(span.localEndpoint);
        case REMOTE_ENDPOINT -> endpoint(span.remoteEndpoint);
        case ANNOTATIONS -> annotation(span);
        case TAGS -> tag(span);
        case DEBUG -> span.debug |= bool();
        case SHARED -> span.shared |= bool();
        default -> skip(tag);
      }
    }
  }

  /**
   * Replaces the endpoint, as Zipkin does when the field comes again; empty means none. An
   * endpoint of the same bytes as one read before in the request is copied from it, its strings
   * shared.
   */
  private void endpoint(ZipkinEndpoint endpoint) throws IOException {
    int length = length();
    int start = position();
    for (int i = 0; i < endpointCount; i++) {
      int seen = endpointOffsets[i];
      if (endpointLengths[i] == length
          && Arrays.equals(body, seen, seen + length, body, start, start + length)) {
        endpoint.copy(endpoints[i]);
        input.skipRawBytes(length);
        return;
      }
    }
    endpoint.clear();
    int limit = input.pushLimit(length);
    while (!input.isAtEnd()) {
      int tag = varint32();
      switch (tag) {
        case SERVICE_NAME -> endpoint.serviceName(string());
        case IPV4, IPV6 -> {
          int address = length();
          endpoint.ip(body, position(), address);
          input.skipRawBytes(address);
        }
        case PORT -> endpoint.port(varint32());
        default -> skip(tag);
      }
    }
    input.popLimit(limit);
    if (endpointCount < MAX_SHARED_ENDPOINTS) {
      ZipkinEndpoint copy = new ZipkinEndpoint();
      copy.copy(endpoint);
      endpoints[endpointCount] = copy;
      endpointOffsets[endpointCount] = start;
      endpointLengths[endpointCount++] = length;
    }
  }

  private void annotation(ZipkinSpan span) throws IOException {
    int limit = input.pushLimit(length());
    long timestamp = 0;
    String value = "";
    while (!input.isAtEnd()) {
      int tag = varint32();
      switch (tag) {
        case ANNOTATION_TIMESTAMP -> timestamp = fixed64();
        case ANNOTATION_VALUE -> value = string();
        default -> skip(tag);
      }
    }
    input.popLimit(limit);
    if (timestamp != 0 && !value.isEmpty()) {
      span.addAnnotation(timestamp, value);
    }
  }

  /** A map entry; an empty value does not replace one read before, as in Zipkin. */
  private void tag(ZipkinSpan span) throws IOException {
    int limit = input.pushLimit(length());
    String key = "";
    String value = "";
    while (!input.isAtEnd()) {
      int tag = varint32();
      switch (tag) {
        case TAG_KEY -> key = string();
        case TAG_VALUE -> {
          String read = string();
          if (!read.isEmpty()) {
            value = read;
          }
        }
        default -> skip(tag);
      }
    }
    input.popLimit(limit);
    if (!key.isEmpty()) {
      span.putTag(key, value);
    }
  }

  private void skip(int tag) throws IOException {
    switch (tag & 7) {
      case WIRETYPE_VARINT -> input.readRawVarint64();
      case WIRETYPE_FIXED64 -> input.skipRawBytes(require(8));
      case WIRETYPE_LENGTH_DELIMITED -> input.skipRawBytes(length());
      case WIRETYPE_FIXED32 -> input.skipRawBytes(require(4));
      default -> throw new IllegalArgumentException(
          "Malformed: invalid wireType " + (tag & 7) + at());
    }
  }

  private String string() throws IOException {
    int length = length();
    int start = position();
    input.skipRawBytes(length);
    return texts.decode(start, length);
  }

  private long fixed64() throws IOException {
    require(8);
    return input.readRawLittleEndian64();
  }

  /** Zipkin reads a boolean as one byte. */
  private boolean bool() throws IOException {
    require(1);
    byte value = input.readRawByte();
    if (value < 0 || value > 1) {
      throw new IllegalArgumentException("Malformed: invalid boolean value" + at());
    }
    return value == 1;
  }

  /** A length prefix, checked against what is left of the message it is in. */
  private int length() throws IOException {
    int length = varint32();
    if (length < 0) {
      throw new IllegalArgumentException("Malformed: negative length " + length + at());
    }
    return require(length);
  }

  private int require(int length) {
    int available = input.getBytesUntilLimit();
    if (length > available) {
      throw new IllegalArgumentException(
          "Truncated: length " + length + " > bytes available " + available + at());
    }
    return length;
  }

  /** A varint of at most 32 bits, as Zipkin reads keys, lengths, the kind and the port. */
  private int varint32() throws IOException {
    long value = input.readRawVarint64();
    if (value >>> 32 != 0) {
      throw new IllegalArgumentException("Greater than 32-bit varint" + at());
    }
    return (int) value;
  }

  private int position() {
    return input.getTotalBytesRead();
  }

  private String at() {
    return " at byte " + position();
  }
}
