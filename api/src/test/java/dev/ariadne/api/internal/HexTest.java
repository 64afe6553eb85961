package dev.ariadne.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HexTest {

  /** The obvious per-character parse, to hold the SWAR one to. */
  private static long naiveParseLowerHex32(byte[] s, int offset) {
    long value = 0;
    for (int i = offset; i < offset + 8; i++) {
      int b = s[i] & 0xff;
      int digit;
      if (b >= '0' && b <= '9') {
        digit = b - '0';
      } else if (b >= 'a' && b <= 'f') {
        digit = b - 'a' + 10;
      } else {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }

  @Test
  void parsesEveryByteValueInEveryPositionLikeTheObviousParse() {
    byte[] bytes = "x0123abcdx".getBytes(StandardCharsets.ISO_8859_1);
    for (int position = 1; position <= 8; position++) {
      byte original = bytes[position];
      for (int b = 0; b < 256; b++) {
        bytes[position] = (byte) b;
        assertThat(Hex.parseLowerHex32(bytes, 1))
            .as("byte %02x at %d", b, position)
            .isEqualTo(naiveParseLowerHex32(bytes, 1));
      }
      bytes[position] = original;
    }
  }

  @Test
  void parsesRandomValidAndInvalidGroupsLikeTheObviousParse() {
    Random random = new Random(42);
    byte[] alphabet = "0123456789abcdefABCDEFg/:`@ \u00ff".getBytes(StandardCharsets.ISO_8859_1);
    byte[] bytes = new byte[8];
    for (int i = 0; i < 100_000; i++) {
      boolean onlyHex = random.nextBoolean();
      for (int j = 0; j < 8; j++) bytes[j] = alphabet[random.nextInt(onlyHex ? 16 : alphabet.length)];
      assertThat(Hex.parseLowerHex32(bytes, 0)).isEqualTo(naiveParseLowerHex32(bytes, 0));
    }
  }

  @Test
  void parsesTheExtremes() {
    assertThat(Hex.parseLowerHex32("00000000".getBytes(StandardCharsets.US_ASCII), 0)).isZero();
    assertThat(Hex.parseLowerHex32("ffffffff".getBytes(StandardCharsets.US_ASCII), 0))
        .isEqualTo(0xffffffffL);
    assertThat(Hex.parseLowerHex32("FFFFFFFF".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(-1);
  }

  @Test
  void rendersAsTheJdkDoes() {
    Random random = new Random(7);
    byte[] ascii = new byte[16];
    for (int i = 0; i < 10_000; i++) {
      long value = random.nextLong() >>> random.nextInt(64);
      Hex.writeLong(value, ascii, 0);

      assertThat(new String(ascii, StandardCharsets.US_ASCII))
          .isEqualTo(String.format("%016x", value));
    }
  }

  @Test
  void rendersLongsAsLowerCaseHex() {
    byte[] ascii = new byte[34];
    ascii[0] = '<';
    ascii[33] = '>';
    Hex.writeLong(0x0123456789abcdefL, ascii, 1);
    Hex.writeLong(0xfedcba9876543210L, ascii, 17);

    assertThat(new String(ascii, StandardCharsets.US_ASCII))
        .isEqualTo("<0123456789abcdeffedcba9876543210>");
    assertThat(Hex.toHex(-1L)).isEqualTo("ffffffffffffffff");
  }
}
