package dev.ariadne.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceStateLimitTest {
  /** {@code count} members {@code m0=v}, {@code m1=v}, ... joined by commas. */
  static String members(int count) {
    List<String> members = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      members.add("m" + i + "=v");
    }
    return String.join(",", members);
  }

  @Test
  void keepsATraceStateWithinTheLimitsAsItIsValidOrNot() {
    String longest = "k=" + "v".repeat(TraceStateLimit.MAX_LENGTH - 2);

    assertThat(TraceStateLimit.fits("")).isTrue();
    assertThat(TraceStateLimit.fits(longest)).isTrue();
    assertThat(TraceStateLimit.fits(members(32))).isTrue();
    assertThat(TraceStateLimit.fits("not a trace state at all")).isTrue();
    assertThat(TraceStateLimit.fits(members(32) + ", ,\t,")).as("empty members do not count")
        .isTrue();
  }

  @Test
  void findsATraceStatePastEitherLimit() {
    assertThat(TraceStateLimit.fits(longer(TraceStateLimit.MAX_LENGTH + 1))).isFalse();
    assertThat(TraceStateLimit.fits(members(33))).isFalse();
  }

  @Test
  void cutsToTheFirst32Members() {
    assertThat(TraceStateLimit.cut(members(40))).isEqualTo(members(32));
  }

  @Test
  void cutsAtTheLastMemberThatFitsIn512Characters() {
    String member = "k" + "v".repeat(98); // 99 characters, 100 with its comma
    String traceState = String.join(",", member, member, member, member, member, member);

    assertThat(TraceStateLimit.cut(traceState))
        .isEqualTo(String.join(",", member, member, member, member, member));
  }

  @Test
  void dropsMembersLongerThan128CharactersFirst() {
    String longMember = "long=" + "x".repeat(124);

    assertThat(TraceStateLimit.cut(longMember + "," + members(40) + "," + longMember))
        .isEqualTo(members(32));
  }

  @Test
  void dropsATraceStateThatNoMemberBoundaryBringsWithinTheLimits() {
    assertThat(TraceStateLimit.cut("vendor=" + "x".repeat(600))).isEmpty();
    assertThat(TraceStateLimit.cut("x".repeat(100_000))).isEmpty();
  }

  @Test
  void leavesOutEmptyMembersAndTheWhiteSpaceAroundMembersWhenItCuts() {
    assertThat(TraceStateLimit.cut(" a=1 ,, \t,b=2\t," + longer(600))).isEqualTo("a=1,b=2");
  }

  private static String longer(int length) {
    return "k=" + "v".repeat(length - 2);
  }
}
