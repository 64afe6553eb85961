package dev.ariadne.model.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountedTest {
  @Test
  void theNounIsPluralUnlessTheCountIsOne() {
    assertThat(Counted.of(1, "span")).isEqualTo("1 span");
    assertThat(Counted.of(0, "span")).isEqualTo("0 spans");
    assertThat(Counted.of(3, "reference")).isEqualTo("3 references");
  }
}
