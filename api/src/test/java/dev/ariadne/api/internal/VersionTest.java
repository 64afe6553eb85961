package dev.ariadne.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  void isTheVersionTheBuildWroteNotItsPlaceholder() {
    assertThat(System.getProperty("ariadne.version")).isNotBlank();
    assertThat(Version.get()).isEqualTo(System.getProperty("ariadne.version"));
  }
}
