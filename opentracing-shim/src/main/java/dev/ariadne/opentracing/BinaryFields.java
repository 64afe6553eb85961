package dev.ariadne.opentracing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.opentracing.propagation.BinaryInject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BINARY carrier format: the text fields a propagator writes (such as {@code traceparent} and
 * {@code baggage}), packed as
 *
 * <pre>
 *   version        1 byte, 0x01
 *   field count    2 bytes, unsigned big-endian
 *   per field:
 *     key length   2 bytes, unsigned big-endian, then the key in UTF-8 (at least 1 byte)
 *     value length 2 bytes, unsigned big-endian, then the value in UTF-8
 * </pre>
 *
 * <p>An encoding holds at most {@value #MAX_FIELDS} fields and {@value #MAX_LENGTH} bytes; writing
 * leaves out the fields that would pass either limit. Reading never throws: another version, a
 * truncated buffer, an empty key, invalid UTF-8 or a length past the limits yields null. Bytes
 * after the encoding are left for the caller, whose buffer is advanced past the encoding only on
 * success.
 */
final class BinaryFields {
  static final byte VERSION = 1;
  static final int MAX_FIELDS = 256;
  static final int MAX_LENGTH = 32 * 1024;
  private static final int HEADER_LENGTH = 3;
  private static final int MAX_STRING_LENGTH = 0xffff;

  private BinaryFields() {}

  /**
   * Writes {@code fields} into the buffer the carrier hands out for the exact encoded length.
   *
   * @throws IllegalArgumentException if that buffer is null, read-only or has too little room,
   *     or the carrier says it has too little (opentracing-api's adapter throws an {@link
   *     AssertionError})
   */
  static void write(Map<String, String> fields, BinaryInject carrier) {
    List<byte[]> strings = new ArrayList<>(fields.size() * 2);
    int length = HEADER_LENGTH;
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (strings.size() == MAX_FIELDS * 2) break;
      byte[] key = field.getKey().getBytes(UTF_8);
      byte[] value = field.getValue().getBytes(UTF_8);
      int fieldLength = 4 + key.length + value.length;
      if (key.length == 0
          || key.length > MAX_STRING_LENGTH
          || value.length > MAX_STRING_LENGTH
          || length + fieldLength > MAX_LENGTH) {
        continue;
      }
      strings.add(key);
      strings.add(value);
      length += fieldLength;
    }
    byte[] encoded = new byte[length];
    encoded[0] = VERSION;
    putLength(encoded, 1, strings.size() / 2);
    int offset = HEADER_LENGTH;
    for (byte[] string : strings) {
      putLength(encoded, offset, string.length);
      System.arraycopy(string, 0, encoded, offset + 2, string.length);
      offset += 2 + string.length;
    }
    ByteBuffer buffer;
    try {
      buffer = carrier.injectionBuffer(length);
    } catch (AssertionError e) { // how opentracing-api's own BinaryAdapters says it has no room
      throw new IllegalArgumentException(
          "carrier buffer: " + e.getMessage() + " (expected: >= " + length + " bytes remaining)",
          e);
    }
    if (buffer == null || buffer.remaining() < length || buffer.isReadOnly()) {
      throw new IllegalArgumentException(
          "carrier buffer: "
              + (buffer == null ? "null" : buffer.isReadOnly() ? "read-only"
                  : buffer.remaining() + " bytes remaining")
              + " (expected: >= " + length + " bytes remaining, writable)");
    }
    buffer.put(encoded);
  }

  private static void putLength(byte[] dest, int offset, int length) {
    dest[offset] = (byte) (length >>> 8);
    dest[offset + 1] = (byte) length;
  }

  /** The fields encoded at the buffer's position, or null if there is no valid encoding there. */
  static Map<String, String> read(ByteBuffer buffer) {
    if (buffer == null) return null;
    ByteBuffer in = buffer.duplicate();
    if (in.remaining() < HEADER_LENGTH || in.get() != VERSION) return null;
    int count = readLength(in);
    if (count > MAX_FIELDS) return null;
    CharsetDecoder decoder = UTF_8.newDecoder();
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String key = readString(in, buffer.position(), decoder);
      if (key == null || key.isEmpty()) return null;
      String value = readString(in, buffer.position(), decoder);
      if (value == null) return null;
      fields.put(key, value);
    }
    buffer.position(in.position());
    return fields;
  }

  private static int readLength(ByteBuffer in) {
    return ((in.get() & 0xff) << 8) | (in.get() & 0xff);
  }

  /** Reads one length-prefixed string; null if truncated, past the limit, or not UTF-8. */
  private static String readString(ByteBuffer in, int start, CharsetDecoder decoder) {
    if (in.remaining() < 2) return null;
    int length = readLength(in);
    if (length > in.remaining() || in.position() + length - start > MAX_LENGTH) return null;
    ByteBuffer bytes = in.slice();
    bytes.limit(length);
    in.position(in.position() + length);
    try {
      return decoder.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
