package dev.ariadne.query;

import static dev.ariadne.storage.TestSpans.CART;
import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.storage.TestSpans;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletenessTest {
  @Test
  void findsNothingWrongWithACompleteTrace() {
    Completeness completeness = Completeness.of(TestSpans.checkout(TRACE_ID, TODAY), List.of(), 0);

    assertThat(completeness.complete()).isTrue();
    assertThat(completeness.orphanSpanIds()).isEmpty();
    assertThat(completeness.skews()).isEmpty();
    assertThat(completeness.duplicateSpanIds()).isEmpty();
  }

  @Test
  void measuresSkewAgainstTheServerHalfOfASharedSpan() {
    Span root = span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, 100 * MILLIS)
        .build();
    Span client = span(TRACE_ID, 2, 1, FRONTEND, "GET /cart", SpanKind.CLIENT,
        TODAY + 10 * MILLIS, 30 * MILLIS).build();
    Span server = span(TRACE_ID, 2, 1, CART, "GET /cart", SpanKind.SERVER,
        TODAY + 12 * MILLIS, 26 * MILLIS).build();
    Span child = span(TRACE_ID, 3, 2, CART, "SELECT", SpanKind.CLIENT,
        TODAY + 11 * MILLIS, 2 * MILLIS).build();

    Completeness completeness = Completeness.of(List.of(root, server, child, client), List.of(), 0);

    assertThat(completeness.complete()).isTrue();
    assertThat(completeness.duplicateSpanIds()).as("a shared ID is no duplicate").isEmpty();
    assertThat(completeness.skews()).containsExactly(
        new Completeness.Skew(child, server, MILLIS, 0));
    assertThat(completeness.skewOf(child).parent()).isSameAs(server);
    assertThat(completeness.skewOf(server)).isNull();
  }

  @Test
  void aSpanItsParentDoesNotWaitForMayEndAfterItButNotStartBefore() {
    Span root = span(TRACE_ID, 1, 0, FRONTEND, "checkout", SpanKind.SERVER, TODAY, 10 * MILLIS)
        .build();
    Span follower = span(TRACE_ID, 2, 1, FRONTEND, "send receipt", SpanKind.INTERNAL,
        TODAY + 5 * MILLIS, 50 * MILLIS)
        .links(List.of(new Link(TRACE_ID, 1, "", List.of(), 0, true))).build();
    Span producer = span(TRACE_ID, 3, 1, FRONTEND, "enqueue", SpanKind.PRODUCER,
        TODAY + 6 * MILLIS, MILLIS).build();
    Span consumer = span(TRACE_ID, 4, 3, CART, "dequeue", SpanKind.CONSUMER,
        TODAY + 5 * MILLIS, 20 * MILLIS).build();
    Span plainLink = span(TRACE_ID, 5, 1, FRONTEND, "linked", SpanKind.INTERNAL,
        TODAY + 8 * MILLIS, 4 * MILLIS)
        .links(List.of(new Link(TRACE_ID, 1, "", List.of(), 0, false))).build();

    Completeness completeness =
        Completeness.of(List.of(root, follower, producer, consumer, plainLink), List.of(), 0);

    assertThat(completeness.skews()).containsExactly(
        new Completeness.Skew(consumer, producer, MILLIS, 0),
        new Completeness.Skew(plainLink, root, 0, 2 * MILLIS));
  }

  @Test
  void countsAllOrphansOfAMissingParent() {
    Span a = span(TRACE_ID, 2, 9, CART, "a", SpanKind.SERVER, TODAY, MILLIS).build();
    Span b = span(TRACE_ID, 3, 9, CART, "b", SpanKind.SERVER, TODAY, MILLIS).build();

    Completeness completeness = Completeness.of(List.of(a, b), List.of(), 0);

    assertThat(completeness.rootPresent()).isFalse();
    assertThat(completeness.orphanSpanIds()).containsExactly(2L, 3L);
    assertThat(completeness.isOrphan(a)).isTrue();
  }

  @Test
  void aRetriedHalfOfASharedSpanIsADuplicateAndNoCollision() {
    Span client = span(TRACE_ID, 2, 1, FRONTEND, "GET /cart", SpanKind.CLIENT, TODAY, 30 * MILLIS)
        .build();
    Span server = span(TRACE_ID, 2, 1, CART, "GET /cart", SpanKind.SERVER, TODAY + MILLIS,
        26 * MILLIS).build();

    Completeness completeness = Completeness.of(List.of(client, server, server), List.of(), 0);

    assertThat(completeness.duplicateSpanIds()).containsExactly(2L);
    assertThat(completeness.collidingSpanIds()).isEmpty();
  }

  @Test
  void findsACycleAtTheEndOfALongChainWithoutRecursion() {
    int length = 200_000;
    List<Span> spans = new ArrayList<>();
    for (long id = 1; id <= length; id++) {
      long parent = id == length ? length - 2 : id + 1;
      spans.add(span(TRACE_ID, id, parent, CART, "s", SpanKind.INTERNAL, TODAY, MILLIS).build());
    }

    Completeness completeness = Completeness.of(spans, List.of(), 0);

    assertThat(completeness.cyclicSpanIds())
        .containsExactly((long) length - 2, (long) length - 1, (long) length);
    assertThat(completeness.orphanSpanIds()).isEmpty();
    assertThat(completeness.complete()).isFalse();
  }
}
