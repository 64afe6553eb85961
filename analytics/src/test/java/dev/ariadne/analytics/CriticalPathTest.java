package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.analytics.CriticalPath.Segment;
import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CriticalPathTest {
  static final TraceId TRACE = new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L);
  static final long T0 = 1_704_067_200_000_000_000L;
  static final long MS = 1_000_000L;

  static final long A = 0xa;
  static final long B = 0xb;
  static final long C = 0xc;
  static final long D = 0xd;
  static final long E = 0xe;
  static final long F = 0xf;
  static final long G = 0x10;
  static final long H = 0x11;

  /**
   * The seed's eight spans, times read off its timeline one column to a millisecond:
   *
   * <pre>
   * --|-------|-------|-------|-------|-------|-------|-------|-> time
   *  [Span A***************************************************]           A  1..59
   *    [Span B**********************************************]              B  3..56, child of A
   *       [Span D******************************************]               D  6..55, child of B
   *     [Span C****************************************]                   C  4..51, child of A
   *          [Span E*******]        [Span F**] [Span G**] [Span H**]       E  9..23, child of C
   *                                                                        F 32..41, child of C
   *                                                                        G 43..52, follows F
   *                                                                        H 54..63, follows G
   * </pre>
   *
   * G and H are as the decoders give a FollowsFrom-only reference: the followed span as the parent
   * and a follows-from link to it.
   */
  static List<Span> seed() {
    return List.of(
        span(A, 0, 1, 59),
        span(B, A, 3, 56),
        span(D, B, 6, 55),
        span(C, A, 4, 51),
        span(E, C, 9, 23),
        span(F, C, 32, 41),
        follower(G, F, F, 43, 52),
        follower(H, G, G, 54, 63));
  }

  @Test
  void seedExampleGoesThroughBAndD() {
    // From A's end (59) back: A's children are B (ends 56) and C (ends 51); B ended last, so A's
    // own 56..59 is on the path, then B. B's only child D ends at 55: B's own 55..56, then all of
    // D (no children), then B from D's start back to its own start, 3..6. Back in A at B's start
    // (3): C ended at 51, after 3, so it ran in parallel with B and is not on the path; A's own
    // 1..3 ends the path. C, E and the F, G, H chain are off it: shortening them cannot shorten A.
    assertThat(CriticalPath.of(seed())).containsExactly(
        segment(A, 1, 3), segment(B, 3, 6), segment(D, 6, 55), segment(B, 55, 56),
        segment(A, 56, 59));
  }

  @Test
  void seedExampleWithoutBGoesThroughTheFollowsFromChain() {
    // B lost: D is an orphan, a second root, but A ends later (59 > 55) and is the root. A's only
    // child is now C: A's own 51..59, then C. C waits for E, F and, through the follows-from chain,
    // for G and H: G counts as C's child, clipped to C's end (43..51); H starts at 54, after C's
    // end, so it does not count. From C's end: G ended last (51), so C has no own time at its end;
    // G 43..51; back in C at 43, F ended last (41): C's own 41..43, F 32..41; then E (ends 23): C's
    // own 23..32, E 9..23; then C's own 4..9, and A's own 1..4. Jaeger's rule, with G and H as
    // children of F, would end with C's own 41..51 instead of G.
    List<Span> withoutB = new ArrayList<>(seed());
    withoutB.removeIf(span -> span.spanId() == B);

    assertThat(CriticalPath.of(withoutB)).containsExactly(
        segment(A, 1, 4), segment(C, 4, 9), segment(E, 9, 23), segment(C, 23, 32),
        segment(F, 32, 41), segment(C, 41, 43), segment(G, 43, 51), segment(A, 51, 59));
  }

  @Test
  void followsFromLinkWithoutParentCountsAsTheSameChain() {
    List<Span> withoutB = new ArrayList<>(seed());
    withoutB.removeIf(span -> span.spanId() == B);
    List<Span> linksOnly = new ArrayList<>();
    for (Span span : withoutB) {
      linksOnly.add(span.spanId() == G || span.spanId() == H
          ? rebuild(span).parentSpanId(0).build() : span);
    }

    assertThat(CriticalPath.of(linksOnly)).isEqualTo(CriticalPath.of(withoutB));
  }

  @Test
  void followsFromChainWithoutWaitingParentStaysUnderTheFollowedSpan() {
    // R is the root, so nobody waits for S: S stays R's child, and it starts after R ends.
    List<Span> trace = List.of(span(1, 0, 0, 10), follower(2, 1, 1, 12, 20));

    assertThat(CriticalPath.of(trace)).containsExactly(segment(1, 0, 10));
  }

  @Test
  void followsFromLinkToAnotherTraceIsNotAParent() {
    Span other = rebuild(span(2, 0, 5, 50))
        .links(List.of(new Link(new TraceId(9, 9), 1, "", List.of(), 0, true)))
        .build();

    assertThat(CriticalPath.of(List.of(span(1, 0, 0, 40), other)))
        .as("two roots; the one ending last wins")
        .containsExactly(segment(2, 5, 50));
  }

  @Test
  void simpleChainSplitsEachSpanAroundItsChild() {
    List<Span> trace = List.of(span(3, 2, 20, 80), span(1, 0, 0, 100), span(2, 1, 10, 90));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(2, 10, 20), segment(3, 20, 80), segment(2, 80, 90),
        segment(1, 90, 100));
  }

  @Test
  void parallelChildrenTheOneEndingLastWins() {
    List<Span> trace = List.of(
        span(1, 0, 0, 100),
        span(2, 1, 10, 50),
        span(3, 1, 12, 80),
        span(4, 1, 2, 8));

    // 3 ends last; 2 ends after 3 starts, so it ran in parallel and is skipped; 4 ended before.
    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 2), segment(4, 2, 8), segment(1, 8, 12), segment(3, 12, 80),
        segment(1, 80, 100));
  }

  @Test
  void equalEndsPreferTheChildThatStartedFirst() {
    List<Span> trace = List.of(span(1, 0, 0, 100), span(3, 1, 40, 60), span(2, 1, 20, 60));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 20), segment(2, 20, 60), segment(1, 60, 100));
  }

  @Test
  void sequentialChildrenTouchingEachOtherAreAllOnThePath() {
    List<Span> trace = List.of(span(1, 0, 0, 30), span(2, 1, 0, 10), span(3, 1, 10, 30));

    assertThat(CriticalPath.of(trace)).containsExactly(segment(2, 0, 10), segment(3, 10, 30));
  }

  @Test
  void childOutlivingItsParentIsClippedToTheParentsEnd() {
    List<Span> trace = List.of(span(1, 0, 0, 100), span(2, 1, 10, 60), span(3, 2, 40, 120));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(2, 10, 40), segment(3, 40, 60), segment(1, 60, 100));
  }

  @Test
  void childStartingBeforeItsParentIsClippedToTheParentsStart() {
    List<Span> trace = List.of(span(1, 0, 0, 100), span(2, 1, 10, 50), span(3, 2, 5, 30));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(3, 10, 30), segment(2, 30, 50), segment(1, 50, 100));
  }

  @Test
  void childrenEntirelyOutsideTheirParentDoNotCount() {
    List<Span> trace = List.of(
        span(1, 0, 0, 100),
        span(2, 1, 10, 50),
        span(3, 2, 60, 70),
        span(4, 2, 0, 5),
        span(5, 1, 150, 300));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(2, 10, 50), segment(1, 50, 100));
  }

  @Test
  void clippingCarriesDownToGrandchildren() {
    // 3 is clipped to 2's 10..50 first, so 4 (inside 3, outside 2) does not count.
    List<Span> trace = List.of(
        span(1, 0, 0, 100), span(2, 1, 10, 50), span(3, 2, 40, 90), span(4, 3, 60, 80));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(2, 10, 40), segment(3, 40, 50), segment(1, 50, 100));
  }

  @Test
  void missingRootThenTheOrphanEndingLastIsTheRoot() {
    List<Span> trace = List.of(
        span(0x10, 0x1, 0, 50),
        span(0x11, 0x10, 5, 20),
        span(0x20, 0x2, 10, 80),
        span(0x21, 0x20, 30, 40));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(0x20, 10, 30), segment(0x21, 30, 40), segment(0x20, 40, 80));
  }

  @Test
  void severalRootsEndingTogetherThenTheEarliestStartWins() {
    List<Span> trace = List.of(span(1, 0, 20, 80), span(2, 0, 10, 80), span(3, 0, 10, 80));

    assertThat(CriticalPath.of(trace)).containsExactly(segment(2, 10, 80));
  }

  @Test
  void emptyTraceHasNoPath() {
    assertThat(CriticalPath.of(List.of())).isEmpty();
  }

  @Test
  void duplicatesCountOnce() {
    Span child = span(2, 1, 10, 60);
    List<Span> trace = List.of(span(1, 0, 0, 100), child, child, span(3, 2, 20, 30), child);

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(2, 10, 20), segment(3, 20, 30), segment(2, 30, 60),
        segment(1, 60, 100));
  }

  @Test
  void sharedClientAndServerIdCountsTheServerSpanInAnyOrder() {
    Span client = rebuild(span(2, 1, 10, 90)).kind(SpanKind.CLIENT).build();
    Span server = rebuild(span(2, 1, 20, 80)).kind(SpanKind.SERVER).build();
    Span root = span(1, 0, 0, 100);
    List<Segment> expected =
        List.of(segment(1, 0, 20), segment(2, 20, 80), segment(1, 80, 100));

    assertThat(CriticalPath.of(List.of(root, client, server))).isEqualTo(expected);
    assertThat(CriticalPath.of(List.of(server, root, client))).isEqualTo(expected);
  }

  @Test
  void zeroDurationSpansLeaveNoSegment() {
    List<Span> trace = List.of(
        span(1, 0, 0, 100),
        span(2, 1, 50, 50),
        span(3, 1, 20, 40),
        span(4, 3, 40, 40));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 20), segment(3, 20, 40), segment(1, 40, 100));
  }

  @Test
  void zeroDurationRootHasNoPath() {
    assertThat(CriticalPath.of(List.of(span(1, 0, 5, 5), span(2, 1, 5, 5)))).isEmpty();
  }

  @Test
  void endBeforeStartCountsAsNoTime() {
    List<Span> trace = List.of(span(1, 0, 0, 100), span(2, 1, 60, 30), span(3, 1, 10, 20));

    // 2 is 60..60: it splits nothing, and 3 ended before it.
    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(3, 10, 20), segment(1, 20, 100));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void parentCyclesAreNeverOnThePath() {
    List<Span> trace = List.of(
        span(1, 0, 0, 100),
        span(2, 1, 10, 20),
        span(3, 4, 0, 1_000),
        span(4, 3, 0, 1_000),
        span(5, 5, 0, 1_000),
        span(6, 3, 30, 40));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(2, 10, 20), segment(1, 20, 100));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void traceOfOnlyCyclesHasNoPath() {
    List<Span> trace = List.of(span(1, 2, 0, 10), span(2, 3, 0, 10), span(3, 1, 0, 10));

    assertThat(CriticalPath.of(trace)).isEmpty();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void followsFromCyclesAreNeverOnThePath() {
    List<Span> trace = List.of(
        span(1, 0, 0, 100),
        follower(2, 3, 3, 10, 20),
        follower(3, 2, 2, 30, 40),
        follower(4, 0, 4, 50, 60));

    assertThat(CriticalPath.of(trace)).containsExactly(segment(1, 0, 100));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void followsFromCycleUnderAWaitingParentDoesNotLoop() {
    // 2 is 1's child; 3 follows 4 and 4 follows 3: a chain without a start, so both stay where
    // their parent IDs put them, in a cycle, off the path.
    List<Span> trace = List.of(
        span(1, 0, 0, 100),
        span(2, 1, 10, 20),
        follower(3, 4, 4, 30, 40),
        follower(4, 3, 3, 50, 60));

    assertThat(CriticalPath.of(trace)).containsExactly(
        segment(1, 0, 10), segment(2, 10, 20), segment(1, 20, 100));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void hundredThousandDeepChainNeedsNoRecursion() {
    int depth = 100_000;
    List<Span> trace = new ArrayList<>(depth);
    for (int i = 1; i <= depth; i++) {
      // Span i runs from i to 2 * depth + 1 - i: inside its parent, one unit shorter at each end.
      trace.add(span(i, i - 1, i, 2L * depth + 1 - i));
    }
    Collections.reverse(trace);

    List<Segment> path = CriticalPath.of(trace);

    assertThat(path).hasSize(2 * depth - 1);
    assertThat(path.get(0)).isEqualTo(segment(1, 1, 2));
    assertThat(path.get(depth - 1)).isEqualTo(segment(depth, depth, depth + 1));
    assertThat(path.get(2 * depth - 2)).isEqualTo(segment(1, 2L * depth - 1, 2L * depth));
    assertContiguous(path, 1, 2L * depth);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void hundredThousandLongFollowsFromChainIsWalkedOnce() {
    int length = 100_000;
    List<Span> trace = new ArrayList<>(length + 2);
    trace.add(span(1, 0, 0, 2L * length + 10));
    trace.add(span(2, 1, 0, 2L * length + 10));
    trace.add(span(3, 2, 0, 2));
    for (int i = 1; i < length; i++) {
      trace.add(follower(3 + i, 2 + i, 2 + i, 2L * i, 2L * i + 1));
    }
    Collections.shuffle(trace, new Random(42));

    List<Segment> path = CriticalPath.of(trace);

    // Every follower is a child of 2, one after another, with a unit of 2's own time between
    // (except between 3 and the first follower, which starts as 3 ends).
    assertThat(path).hasSize(2 * length - 1);
    assertThat(path.get(1)).isEqualTo(segment(4, 2, 3));
    assertThat(path.get(2)).isEqualTo(segment(2, 3, 4));
    assertThat(path.get(0)).isEqualTo(segment(3, 0, 2));
    assertThat(path.get(path.size() - 1)).isEqualTo(segment(2, 2L * length - 1, 2L * length + 10));
    assertContiguous(path, 0, 2L * length + 10);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void hundredThousandWideFanOut() {
    int width = 100_000;
    List<Span> trace = new ArrayList<>(2 * width + 1);
    trace.add(span(1, 0, 0, 4L * width));
    for (int i = 0; i < width; i++) {
      trace.add(span(2 + i, 1, 2L * i + 1, 2L * i + 2));
    }
    // A child running alongside all of them and ending last: it alone is on the path.
    trace.add(span(2 + width, 1, 1, 4L * width - 1));
    Collections.shuffle(trace, new Random(7));

    assertThat(CriticalPath.of(trace)).containsExactly(segment(1, 0, 1),
        segment(2 + width, 1, 4L * width - 1), segment(1, 4L * width - 1, 4L * width));

    trace.removeIf(span -> span.spanId() == 2 + width);
    List<Segment> path = CriticalPath.of(trace);
    assertThat(path).hasSize(2 * width + 1);
    assertThat(path.get(1)).isEqualTo(segment(2, 1, 2));
    assertContiguous(path, 0, 4L * width);
  }

  @Test
  void randomTracesAreCoveredWithoutGapsInsideEachSpanWhateverTheOrder() {
    Random random = new Random(2024);
    for (int round = 0; round < 200; round++) {
      int size = 1 + random.nextInt(60);
      List<Span> trace = new ArrayList<>(size);
      trace.add(span(1, 0, 0, 1_000));
      for (int id = 2; id <= size; id++) {
        // Any earlier span as parent, times anywhere around the root: skew, outliving, outside.
        long parent = 1 + random.nextInt(id - 1);
        long start = random.nextInt(1_200) - 100;
        long end = start + random.nextInt(400);
        trace.add(random.nextInt(8) == 0
            ? follower(id, parent, parent, start, end) : span(id, parent, start, end));
      }
      List<Segment> path = CriticalPath.of(trace);
      Collections.shuffle(trace, random);

      assertContiguous(path, 0, 1_000);
      for (Segment segment : path) {
        Span span = trace.stream().filter(s -> s.spanId() == segment.spanId()).findFirst()
            .orElseThrow();
        assertThat(segment.startEpochNanos()).isGreaterThanOrEqualTo(span.startEpochNanos());
        assertThat(segment.endEpochNanos()).isLessThanOrEqualTo(span.endEpochNanos());
      }
      assertThat(CriticalPath.of(trace)).isEqualTo(path);
    }
  }

  @Test
  void segmentRefusesAnEndBeforeItsStart() {
    assertThatThrownBy(() -> new Segment(0xab, 10, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("segment of span ab ends at 9, before its start 10");
  }

  /** Segments follow one another without gaps or overlap from {@code from} to {@code to}. */
  static void assertContiguous(List<Segment> path, long fromMs, long toMs) {
    assertThat(path.get(0).startEpochNanos()).isEqualTo(T0 + fromMs * MS);
    for (int i = 1; i < path.size(); i++) {
      assertThat(path.get(i).startEpochNanos()).isEqualTo(path.get(i - 1).endEpochNanos());
    }
    assertThat(path.get(path.size() - 1).endEpochNanos()).isEqualTo(T0 + toMs * MS);
  }

  static Span span(long id, long parent, long startMs, long endMs) {
    return Span.builder()
        .traceId(TRACE)
        .spanId(id)
        .parentSpanId(parent)
        .name("op " + id)
        .startEpochNanos(T0 + startMs * MS)
        .endEpochNanos(T0 + endMs * MS)
        .build();
  }

  /** A span following {@code followed}: parent as the decoders set it, and a follows-from link. */
  static Span follower(long id, long parent, long followed, long startMs, long endMs) {
    return rebuild(span(id, parent, startMs, endMs))
        .links(List.of(new Link(TRACE, followed, "", List.of(), 0, true)))
        .build();
  }

  static Span.Builder rebuild(Span span) {
    return Span.builder()
        .traceId(span.traceId())
        .spanId(span.spanId())
        .parentSpanId(span.parentSpanId())
        .name(span.name())
        .kind(span.kind())
        .startEpochNanos(span.startEpochNanos())
        .endEpochNanos(span.endEpochNanos())
        .links(span.links());
  }

  static Segment segment(long id, long startMs, long endMs) {
    return new Segment(id, T0 + startMs * MS, T0 + endMs * MS);
  }
}
