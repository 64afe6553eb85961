package dev.ariadne.sdk.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InstrumentationScopeTest {

  @Test
  void equalsByNameAndVersion() {
    assertThat(InstrumentationScope.create("http", "1.0"))
        .isEqualTo(InstrumentationScope.create("http", "1.0"))
        .hasSameHashCodeAs(InstrumentationScope.create("http", "1.0"))
        .isNotEqualTo(InstrumentationScope.create("http", "2.0"))
        .isNotEqualTo(InstrumentationScope.create("http", null))
        .isNotEqualTo(InstrumentationScope.create("grpc", "1.0"));
    assertThat(InstrumentationScope.create("http", null))
        .isEqualTo(InstrumentationScope.create("http", null));
  }

  @Test
  void printsTheVersionOnlyWhenThereIsOne() {
    assertThat(InstrumentationScope.create("http", "1.0")).hasToString("http@1.0");
    assertThat(InstrumentationScope.create("http", null)).hasToString("http");
  }

  @Test
  void rejectsANullName() {
    assertThatThrownBy(() -> InstrumentationScope.create(null, "1.0")).hasMessage("name");
  }
}
