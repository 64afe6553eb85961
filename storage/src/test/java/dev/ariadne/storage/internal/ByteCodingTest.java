package dev.ariadne.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteCodingTest {

  @Test
  void varLongsRoundTripAtEveryLengthBoundary() throws Exception {
    long[] values = {
      0, 1, 127, 128, 16_383, 16_384, (1L << 21) - 1, 1L << 21, (1L << 28) - 1, 1L << 28,
      Integer.MAX_VALUE, 0xFFFF_FFFFL, 1L << 35, (1L << 56) - 1, 1L << 56, (1L << 63) - 1,
      Long.MIN_VALUE, -1
    };
    int[] sizes = {1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 8, 9, 9, 10, 10};
    for (int i = 0; i < values.length; i++) {
      ByteSink sink = new ByteSink(0);
      sink.writeVarLong(values[i]);
      assertThat(sink.size()).as("size of %d", values[i]).isEqualTo(sizes[i]);

      ByteSource source = new ByteSource(sink.toByteArray(), "test");
      assertThat(source.readVarLong()).isEqualTo(values[i]);
      assertThat(source.hasRemaining()).isFalse();
    }
  }

  @Test
  void varIntsKeepTheirSignAndRefuseMoreThan32Bits() throws Exception {
    ByteSink sink = new ByteSink(0);
    sink.writeVarInt(-1);
    sink.writeVarInt(Integer.MIN_VALUE);
    sink.writeVarInt(Integer.MAX_VALUE);
    sink.writeVarLong(1L << 32);
    assertThat(sink.size()).isEqualTo(5 + 5 + 5 + 5);

    ByteSource source = new ByteSource(sink.toByteArray(), "test");
    assertThat(source.readVarInt()).isEqualTo(-1);
    assertThat(source.readVarInt()).isEqualTo(Integer.MIN_VALUE);
    assertThat(source.readVarInt()).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(source::readVarInt)
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("test: varint 4294967296 does not fit 32 bits at byte 20");
  }

  @Test
  void zigZagKeepsSmallMagnitudesSmallAndExtremesExact() throws Exception {
    long[] values = {
      0, -1, 1, -64, 63, -65, 64, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1
    };
    int[] sizes = {1, 1, 1, 1, 1, 2, 2, 10, 10, 10};
    for (int i = 0; i < values.length; i++) {
      ByteSink sink = new ByteSink(0);
      sink.writeZigZag(values[i]);
      assertThat(sink.size()).as("size of %d", values[i]).isEqualTo(sizes[i]);

      assertThat(new ByteSource(sink.toByteArray(), "test").readZigZag()).isEqualTo(values[i]);
    }
  }

  @Test
  void varintsLongerThanTenBytesOrOverSixtyFourBitsAreCorrupt() {
    byte[] eleven = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0};
    assertThatThrownBy(() -> new ByteSource(eleven, "test").readVarLong())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("test: varint over 64 bits at byte 10");

    byte[] continued = {-128, -128, -128, -128, -128, -128, -128, -128, -128, -127, 0};
    assertThatThrownBy(() -> new ByteSource(continued, "test").readVarLong())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("test: varint longer than 10 bytes at byte 10");

    byte[] overflowing = {-128, -128, -128, -128, -128, -128, -128, -128, -128, 2};
    assertThatThrownBy(() -> new ByteSource(overflowing, "test").readVarLong())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("test: varint over 64 bits at byte 10");
  }

  @Test
  void countsAboveTheirBoundAreCorrupt() throws Exception {
    ByteSink sink = new ByteSink(0);
    sink.writeVarInt(5);
    sink.writeVarLong(-1);

    ByteSource source = new ByteSource(sink.toByteArray(), "test");
    assertThat(source.readCount(5)).isEqualTo(5);
    assertThatThrownBy(() -> source.readCount(Integer.MAX_VALUE))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("test: count 18446744073709551615 (expected: 0 to 2147483647) at byte 11");

    ByteSource again = new ByteSource(new byte[] {6}, "test");
    assertThatThrownBy(() -> again.readCount(5))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("test: count 6 (expected: 0 to 5) at byte 1");
  }

  @Test
  void fixedWidthIntegersAreLittleEndian() throws Exception {
    ByteSink sink = new ByteSink(0);
    sink.writeIntLe(0x01020304);
    sink.writeLongLe(0x0102030405060708L);
    sink.writeIntLe(-1);
    sink.writeLongLe(Long.MIN_VALUE);

    byte[] bytes = sink.toByteArray();
    assertThat(bytes).startsWith(4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1);
    ByteSource source = new ByteSource(bytes, "test");
    assertThat(source.readIntLe()).isEqualTo(0x01020304);
    assertThat(source.readLongLe()).isEqualTo(0x0102030405060708L);
    assertThat(source.readIntLe()).isEqualTo(-1);
    assertThat(source.readLongLe()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void putIntLeOverwritesOnlyWrittenBytes() throws Exception {
    ByteSink sink = new ByteSink(0);
    sink.writeIntLe(0);
    sink.writeByte(9);
    sink.putIntLe(0, 0x0A0B0C0D);

    assertThat(new ByteSource(sink.toByteArray(), "test").readIntLe()).isEqualTo(0x0A0B0C0D);
    assertThatThrownBy(() -> sink.putIntLe(2, 1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void stringsAreUtf8WithTheirByteLength() throws Exception {
    String[] strings = {"", "ascii", "héllo", "中文", "😀", "mixed é 中 😀 end"};
    for (String string : strings) {
      ByteSink sink = new ByteSink(0);
      sink.writeString(string);
      int utf8Length = string.getBytes(StandardCharsets.UTF_8).length;
      assertThat(sink.toByteArray()[0]).isEqualTo((byte) utf8Length);
      assertThat(sink.size()).isEqualTo(1 + utf8Length);

      ByteSource source = new ByteSource(sink.toByteArray(), "test");
      assertThat(source.readString()).isEqualTo(string);
      assertThat(source.hasRemaining()).isFalse();
    }
  }

  @Test
  void theSinkGrowsResetsAndExposesItsBytes() {
    ByteSink sink = new ByteSink(0);
    byte[] big = new byte[100_000];
    big[99_999] = 7;
    sink.writeByte(1);
    sink.writeBytes(big);

    assertThat(sink.size()).isEqualTo(100_001);
    assertThat(sink.array()[100_000]).isEqualTo((byte) 7);
    assertThat(sink.toByteArray()).hasSize(100_001);
    sink.reset();
    assertThat(sink.size()).isZero();
    assertThat(sink.toByteArray()).isEmpty();
  }

  @Test
  void readsPastTheEndAreCorruptAndNameWhatIsRead() {
    byte[] bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertThatThrownBy(() -> new ByteSource(bytes, 2, 3, "block 7").readIntLe())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("block 7: needs 4 bytes, 3 left at byte 2");
    assertThatThrownBy(() -> new ByteSource(bytes, 9, 0, "block 7").readByte())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("block 7: needs 1 bytes, 0 left at byte 9");
    assertThatThrownBy(() -> new ByteSource(bytes, "block 7").readBytes(10))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("block 7: needs 10 bytes, 9 left at byte 0");
    assertThatThrownBy(() -> new ByteSource(bytes, "block 7").skip(-1))
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("block 7: needs -1 bytes, 9 left at byte 0");
    assertThatThrownBy(() -> new ByteSource(new byte[] {3, 'a', 'b'}, "block 7").readString())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("block 7: needs 3 bytes, 2 left at byte 1");
    assertThatThrownBy(() -> new ByteSource(new byte[] {-128}, "block 7").readVarLong())
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("block 7: needs 1 bytes, 0 left at byte 1");
  }

  @Test
  void aSourceReadsOnlyItsRange() throws Exception {
    byte[] bytes = {1, 2, 3, 4, 5};
    ByteSource source = new ByteSource(bytes, 1, 3, "test");

    assertThat(source.remaining()).isEqualTo(3);
    assertThat(source.readByte()).isEqualTo(2);
    assertThat(source.readBytes(2)).containsExactly(3, 4);
    assertThat(source.position()).isEqualTo(4);
    assertThat(source.hasRemaining()).isFalse();
    assertThatThrownBy(source::readByte).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void aStringDoesNotReadPastTheEndOfItsRange() {
    ByteSource source = new ByteSource(new byte[] {2, 'a', 'b', 'c'}, 0, 2, "test");

    assertThatThrownBy(source::readString)
        .isInstanceOf(CorruptDataException.class)
        .hasMessage("test: needs 2 bytes, 1 left at byte 1");
  }

  @Test
  void aRangeOutsideTheArrayIsRefused() {
    byte[] bytes = new byte[10];
    assertThatThrownBy(() -> new ByteSource(bytes, 5, 6, "test"))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("range [5, 11) of 10");
    assertThatThrownBy(() -> new ByteSource(bytes, -1, 2, "test"))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new ByteSource(bytes, 5, Integer.MAX_VALUE, "test"))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
