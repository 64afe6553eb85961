package dev.ariadne.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumberTextsTest {
  @Test
  void integersReadAsLongToStringWritesThem() {
    long[] numbers = {0, 1, 1023, 1024, 8080, -1, -1024, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
    for (long number : numbers) {
      assertThat(NumberTexts.of(number)).isEqualTo(Long.toString(number));
      assertThat(NumberTexts.of(number)).isEqualTo(Long.toString(number));
    }
  }

  @Test
  void doublesReadAsDoubleToStringWritesThem() {
    double[] numbers = {0.0, -0.0, 0.5, 2.0, 1e-300, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 8080.0};
    for (double number : numbers) {
      assertThat(NumberTexts.of(number)).isEqualTo(Double.toString(number));
      assertThat(NumberTexts.of(number)).isEqualTo(Double.toString(number));
    }
  }

  @Test
  void anIntegerAndADoubleOfTheSameBitsKeepTheirOwnTexts() {
    long bits = Double.doubleToRawLongBits(0.5);
    assertThat(NumberTexts.of(0.5)).isEqualTo("0.5");
    assertThat(NumberTexts.of(bits)).isEqualTo(Long.toString(bits));
    assertThat(NumberTexts.of(0.5)).isEqualTo("0.5");
  }

  @Test
  void aNumberMetAgainIsOneInstance() {
    assertThat(NumberTexts.of(5432L)).isSameAs(NumberTexts.of(5432L));
    assertThat(NumberTexts.of(0.25)).isSameAs(NumberTexts.of(0.25));
  }

  @Test
  void aNumberFoundAgainKeepsItsSlotAgainstOthersThatMapThere() {
    long common = 6379;
    String text = NumberTexts.of(common);
    for (long other = 1_000_000; other < 1_200_000; other++) {
      NumberTexts.of(common);
      NumberTexts.of(other);
    }

    assertThat(NumberTexts.of(common)).isSameAs(text);
  }
}
