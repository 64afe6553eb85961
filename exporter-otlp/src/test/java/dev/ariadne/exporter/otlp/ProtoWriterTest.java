package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtoWriterTest {

  /** ASCII, 2-byte, 3-byte, surrogate pairs and lone surrogates of both kinds. */
  private static final char[] ALPHABET = {
    'a', 'Z', '0', ' ', '\u0000', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '日', '\uffff',
    '\uD83E', '\uDDF5', '\uD800', '\uDFFF'
  };

  @Test
  void measuresAndWritesUtf8ExactlyAsTheJdkEncodesIt() {
    Random random = new Random(42);
    for (int n = 0; n < 5_000; n++) {
      char[] chars = new char[random.nextInt(12)];
      for (int i = 0; i < chars.length; i++) chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
      String s = new String(chars);
      byte[] jdk = s.getBytes(StandardCharsets.UTF_8);

      byte[] written = new byte[ProtoWriter.utf8Length(s)];
      new ProtoWriter(written).writeUtf8(s);

      assertThat(written).as("UTF-8 of %s", s.chars().mapToObj(Integer::toHexString).toList())
          .isEqualTo(jdk);
    }
  }

  @Test
  void sizesVarintsAsProtobufJavaDoes() {
    long[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, 1L << 35, Long.MAX_VALUE, -1, Long.MIN_VALUE};
    for (long value : values) {
      assertThat(ProtoWriter.varintSize(value))
          .as("varint size of %d", value)
          .isEqualTo(CodedOutputStream.computeUInt64SizeNoTag(value));
    }
  }

  @Test
  void writesFixedWidthNumbersLittleEndianAndIdsBigEndian() {
    byte[] bytes = new byte[20];
    ProtoWriter writer = new ProtoWriter(bytes);

    writer.writeFixed32(0x04030201);
    writer.writeFixed64(0x0c0b0a0908070605L);
    writer.writeLongBigEndian(0x0102030405060708L);

    assertThat(bytes).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(writer.position()).isEqualTo(20);
  }
}
