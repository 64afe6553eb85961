package dev.ariadne.benchmarks.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FiguresTest {
  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwoAndP90IsTheNinthOfTen() {
    Figures figures = Figures.of(new double[] {10, 1, 9, 2, 8, 3, 7, 4, 6, 5});
    assertThat(figures.median()).isEqualTo(5.5);
    assertThat(figures.p90()).isEqualTo(9);
    assertThat(figures.max()).isEqualTo(10);
  }

  @Test
  void theMedianOfAnOddCountIsTheMiddleValue() {
    Figures figures = Figures.of(new double[] {300, 100, 200});
    assertThat(figures.median()).isEqualTo(200);
    assertThat(figures.p90()).isEqualTo(300);
    assertThat(figures.max()).isEqualTo(300);
  }

  @Test
  void oneValueIsEveryFigure() {
    assertThat(Figures.of(new double[] {42})).isEqualTo(new Figures(42, 42, 42));
  }

  @Test
  void theValuesAreLeftInTheirOrder() {
    double[] values = {3, 1, 2};
    Figures.of(values);
    assertThat(values).containsExactly(3, 1, 2);
  }

  @Test
  void noValuesAreRefused() {
    assertThatThrownBy(() -> Figures.of(new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no values (expected: at least one)");
  }
}
