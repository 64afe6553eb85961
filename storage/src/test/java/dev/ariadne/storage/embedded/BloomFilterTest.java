package dev.ariadne.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class BloomFilterTest {
  @Test
  void holdsEveryIdAdded() {
    BloomFilter filter = BloomFilter.create(50_000);
    Random random = new Random(1);
    TraceId[] ids = new TraceId[50_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = new TraceId(random.nextLong(), random.nextLong());
      filter.add(ids[i]);
    }

    for (TraceId id : ids) {
      assertThat(filter.mightContain(id)).isTrue();
    }
  }

  @Test
  void isWrongAboutOnePercentOfRandomIds() {
    BloomFilter filter = BloomFilter.create(10_000);
    Random random = new Random(2);
    for (int i = 0; i < 10_000; i++) {
      filter.add(new TraceId(random.nextLong(), random.nextLong()));
    }

    assertThat(falsePositives(filter, i -> new TraceId(random.nextLong(), random.nextLong())))
        .isBetween(0.003, 0.02);
  }

  @Test
  void isWrongAboutOnePercentOfSequentialSixtyFourBitIds() {
    BloomFilter filter = BloomFilter.create(10_000);
    for (int i = 1; i <= 10_000; i++) {
      filter.add(new TraceId(0, i));
    }

    assertThat(falsePositives(filter, i -> new TraceId(0, 10_001 + i))).isBetween(0.003, 0.02);
  }

  @Test
  void isWrongAboutOnePercentOfNamesThatDifferInADigit() {
    BloomFilter filter = BloomFilter.create(10_000);
    for (int i = 0; i < 10_000; i++) {
      filter.add(String.format("pod-%07d", i));
      assertThat(filter.mightContain(String.format("pod-%07d", i))).isTrue();
    }

    assertThat(falsePositives(filter, i -> String.format("pod-%07d", 10_000 + i)))
        .isBetween(0.003, 0.02);
  }

  @Test
  void aNameSetsTheBitsItSetWhenTheFormatWasMade() {
    // The bits are part of the block format: blocks written before must still find their names.
    BloomFilter filter = BloomFilter.create(8);
    filter.add("frontend");
    filter.add("Ünïcødé サービス");
    ByteSink out = new ByteSink(64);
    filter.writeTo(out);

    assertThat(HexFormat.of().formatHex(out.toByteArray()))
        .isEqualTo("0b0245441400104000011511051040000140");
  }

  @Test
  void readsBackWhatItWrote() throws CorruptDataException {
    BloomFilter filter = BloomFilter.create(1000);
    for (int i = 0; i < 1000; i++) {
      filter.add(new TraceId(i, i));
    }
    ByteSink out = new ByteSink(2048);
    filter.writeTo(out);

    BloomFilter read = BloomFilter.read(new ByteSource(out.toByteArray(), "bloom"));

    for (int i = 0; i < 5000; i++) {
      TraceId id = new TraceId(i, i);
      assertThat(read.mightContain(id)).isEqualTo(filter.mightContain(id));
    }
  }

  @Test
  void anEmptyFilterHoldsNothing() {
    BloomFilter filter = BloomFilter.create(0);

    assertThat(filter.mightContain(new TraceId(1, 2))).isFalse();
  }

  @Test
  void refusesStoredFiltersWithoutBitsOrWithAbsurdHashCounts() {
    assertThatThrownBy(() -> BloomFilter.read(new ByteSource(new byte[] {7, 0}, "bloom")))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("bloom: no bits");
    assertThatThrownBy(() -> BloomFilter.read(new ByteSource(new byte[] {0, 1, 0}, "bloom")))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("hash count 0");
    assertThatThrownBy(() -> BloomFilter.read(new ByteSource(new byte[] {7, 5, 0}, "bloom")))
        .isInstanceOf(CorruptDataException.class);
  }

  private static double falsePositives(BloomFilter filter, IntFunction<?> absent) {
    int wrong = 0;
    int tries = 100_000;
    for (int i = 0; i < tries; i++) {
      Object tried = absent.apply(i);
      if (tried instanceof TraceId traceId
          ? filter.mightContain(traceId) : filter.mightContain((String) tried)) {
        wrong++;
      }
    }
    return (double) wrong / tries;
  }
}
