package dev.ariadne.model.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.DecodeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemsTest {

  @Test
  void aResultCountsEveryRejectionAndQuotesOnlyTheFirstMessages() {
    Problems problems = new Problems();
    for (int i = 0; i < 1000; i++) {
      problems.reject("span " + i);
    }
    problems.warn("a warning");

    DecodeResult result = problems.result(List.of());

    assertThat(result.rejectedCount()).isEqualTo(1000);
    assertThat(problems.rejectedCount()).isEqualTo(1000);
    assertThat(result.errorMessage())
        .isEqualTo("span 0; span 1; span 2; span 3; span 4 (and 996 more)");
  }

  @Test
  void aWarningIsQuotedButRejectsNothing() {
    Problems problems = new Problems();
    problems.warn("an attribute dropped");

    DecodeResult result = problems.result(List.of());

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEqualTo("an attribute dropped");
  }

  @Test
  void aLongValueIsCutAndAShortOneKept() {
    String value = "x".repeat(100);

    assertThat(Problems.quote(value)).isEqualTo('"' + "x".repeat(40) + "…\"");
    assertThat(Problems.quote("short")).isEqualTo("\"short\"");
    assertThat(Problems.cut("x".repeat(40))).isEqualTo("x".repeat(40));
    assertThat(Problems.cutMessage(value)).isEqualTo(value);
    assertThat(Problems.cutMessage("y".repeat(500))).isEqualTo("y".repeat(200) + "…");
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String clef = "\uD834\uDD1E"; // U+1D11E, two chars
    String value = "x".repeat(39) + clef + "tail";
    String message = "y".repeat(199) + clef + "tail";

    assertThat(Problems.cut(value)).isEqualTo("x".repeat(39) + "…");
    assertThat(Problems.cutMessage(message)).isEqualTo("y".repeat(199) + "…");
    assertThat(Problems.cut("x".repeat(38) + clef + "tail")).isEqualTo("x".repeat(38) + clef + "…");
  }
}
