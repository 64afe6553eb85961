package dev.ariadne.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DependencyLinkTest {

  @Test
  void rejectsALinkWithoutCalls() {
    assertThatThrownBy(() -> new DependencyLink("a", "b", 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callCount: 0 (expected: >= 1)");
  }

  @Test
  void rejectsMoreErrorsThanCalls() {
    assertThatThrownBy(() -> new DependencyLink("a", "b", 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("errorCount: 3 (expected: 0 to callCount 2)");
  }
}
