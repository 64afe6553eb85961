package dev.ariadne.model.internal;

import com.google.protobuf.UnsafeByteOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for the decoders: text that is not valid UTF-8 (a stray byte, a truncated or
 * overlong sequence, an encoded surrogate) is refused, naming the byte where it goes wrong, instead
 * of being decoded with replacement characters. ASCII, the usual case, costs one scan and a copy.
 */
public final class Utf8Text {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Utf8Text() {}

  /**
   * The text of {@code length} bytes at {@code offset}.
   *
   * @throws IllegalArgumentException if they are not valid UTF-8
   */
  public static String decode(byte[] bytes, int offset, int length) {
    if (isAscii(bytes, offset, length)) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    if (!UnsafeByteOperations.unsafeWrap(bytes, offset, length).isValidUtf8()) {
      throw invalid(bytes, offset, offset + length);
    }
    return new String(bytes, offset, length, StandardCharsets.UTF_8);
  }

  /** Eight bytes at a time. */
  private static boolean isAscii(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      if (((long) LONGS.get(bytes, i) & 0x8080_8080_8080_8080L) != 0) {
        return false;
      }
    }
    for (; i < end; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a whole body.
   *
   * @throws IllegalArgumentException if it is not valid UTF-8
   */
  public static void check(byte[] bytes) {
    if (!UnsafeByteOperations.unsafeWrap(bytes).isValidUtf8()) {
      throw invalid(bytes, 0, bytes.length);
    }
  }

  private static IllegalArgumentException invalid(byte[] bytes, int from, int to) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
    CharBuffer out = CharBuffer.allocate(256);
    CoderResult result;
    do {
      out.clear();
      result = decoder.decode(in, out, true);
    } while (result.isOverflow());
    return new IllegalArgumentException("Invalid UTF-8 at byte " + in.position());
  }
}
