package dev.ariadne.storage.embedded;

import static dev.ariadne.storage.TestSpans.CART;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.checkout;
import static dev.ariadne.storage.TestSpans.randomTraceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.internal.ByteSink;
import dev.ariadne.storage.internal.ByteSource;
import dev.ariadne.storage.internal.CorruptDataException;
import dev.ariadne.storage.internal.SpanCodec;
import dev.ariadne.storage.internal.TracePart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeadTest {
  private static final TraceId A = new TraceId(2, 1);
  private static final TraceId B = new TraceId(1, 7);
  private static final TraceId C = new TraceId(-1, 3);

  /** Adds {@code spans} as a write does: encoded into a record with a byte before the groups. */
  private static void add(Head head, List<Span> spans) {
    ByteSink record = new ByteSink(64);
    record.writeByte(0x7f);
    List<Head.Group> groups = Head.encode(spans, record);
    head.add(record.array(), 1, record.size() - 1, groups);
  }

  /** The spans of {@code a} and {@code b} taken in turn, so that the two traces interleave. */
  private static List<Span> interleaved(List<Span> a, List<Span> b) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      if (i < a.size()) {
        spans.add(a.get(i));
      }
      if (i < b.size()) {
        spans.add(b.get(i));
      }
    }
    return spans;
  }

  @Test
  void aRecordHoldsOneGroupPerTraceInOrderOfFirstAppearanceAndReadsBackAsWritten()
      throws CorruptDataException {
    List<Span> spans = interleaved(checkout(A, TODAY), checkout(B, TODAY + MILLIS));
    ByteSink record = new ByteSink(64);
    List<Head.Group> written = Head.encode(spans, record);

    ByteSource in = new ByteSource(record.array(), 0, record.size(), "record");
    List<Head.Group> read = Head.readGroups(in);

    assertThat(in.hasRemaining()).isFalse();
    assertThat(written).extracting(Head.Group::traceId).containsExactly(A, B);
    assertThat(read).isEqualTo(written);
    assertThat(read.get(0).spans()).isEqualTo(checkout(A, TODAY));
    assertThat(read.get(1).spans()).isEqualTo(checkout(B, TODAY + MILLIS));
  }

  @Test
  void aTraceWrittenInSeveralRecordsReadsBackWholeInTheOrderItsSpansCame() {
    Head head = new Head(0);
    List<Span> a = checkout(A, TODAY);
    List<Span> b = checkout(B, TODAY);
    add(head, interleaved(a.subList(0, 2), b));
    add(head, a.subList(2, 4));
    add(head, List.of(a.get(4)));

    assertThat(head.trace(A)).isEqualTo(a);
    assertThat(head.trace(B)).isEqualTo(b);
    assertThat(head.trace(C)).isEmpty();
    assertThat(head.spanCount()).isEqualTo(10);
    assertThat(head.spanCount(A)).isEqualTo(5);
    assertThat(head.spanCount(C)).isZero();
    assertThat(head.part(A)).contains(TracePart.of(A, a));
    assertThat(head.part(C)).isEqualTo(Optional.empty());
  }

  @Test
  void searchFindsASpanAtTheEdgeOfItsTracesStartsAndDurationsAndNothingOutside() {
    Head head = new Head(0);
    List<Span> a = checkout(A, TODAY);
    add(head, a.subList(0, 3));
    add(head, a.subList(3, 5));

    // payment's span, 8 ms long, added last, is the shortest span of the trace.
    TraceQuery shortest = TraceQuery.builder().serviceName("payment").maxDurationNanos(8 * MILLIS)
        .startEpochNanos(TODAY + 21 * MILLIS).endEpochNanos(TODAY + 21 * MILLIS + 1).build();
    assertThat(matching(head, shortest)).containsExactly(TracePart.of(A, a));
    // The root, 100 ms long, is the longest and the earliest.
    TraceQuery longest = TraceQuery.builder().minDurationNanos(100 * MILLIS)
        .startEpochNanos(TODAY).endEpochNanos(TODAY + 1).build();
    assertThat(matching(head, longest)).containsExactly(TracePart.of(A, a));

    assertThat(matching(head, TraceQuery.builder().minDurationNanos(100 * MILLIS + 1).build()))
        .isEmpty();
    assertThat(matching(head, TraceQuery.builder().serviceName("payment")
        .maxDurationNanos(8 * MILLIS - 1).build())).isEmpty();
    assertThat(matching(head, TraceQuery.builder().serviceName(CART).spanName("GET /checkout")
        .build())).isEmpty();
  }

  @Test
  void candidatesComeLatestStartFirstAndLeaveOutTracesOutsideTheQuerysRanges() {
    Head head = new Head(0);
    add(head, checkout(A, TODAY + 2000 * MILLIS));
    add(head, checkout(B, TODAY));
    add(head, checkout(C, TODAY + 1000 * MILLIS));

    assertThat(head.candidates(TraceQuery.builder().build()))
        .extracting(held -> held.traceId).containsExactly(A, C, B);
    assertThat(head.candidates(TraceQuery.builder().startEpochNanos(TODAY + 1000 * MILLIS)
        .endEpochNanos(TODAY + 2000 * MILLIS).build()))
        .extracting(held -> held.traceId).containsExactly(C);
    assertThat(head.candidates(TraceQuery.builder().minDurationNanos(101 * MILLIS).build()))
        .isEmpty();
    assertThat(head.candidates(TraceQuery.builder().maxDurationNanos(7 * MILLIS).build()))
        .isEmpty();
  }

  @Test
  void theTracesOfACutComeInTraceIdOrderEachWhole() {
    Head head = new Head(0);
    add(head, interleaved(checkout(A, TODAY), checkout(C, TODAY)));
    add(head, checkout(B, TODAY).subList(0, 1));
    add(head, checkout(B, TODAY).subList(1, 5));

    List<List<Span>> traces = new ArrayList<>();
    for (Iterator<List<Span>> next = head.sortedTraces(); next.hasNext(); ) {
      traces.add(next.next());
    }

    assertThat(traces).containsExactly(checkout(B, TODAY), checkout(A, TODAY), checkout(C, TODAY));
  }

  @Test
  void callsAreCountedPerTraceAndATraceMissingAParentIsOpen() {
    Head head = new Head(0);
    add(head, checkout(A, TODAY));
    add(head, checkout(B, TODAY).subList(2, 5));
    List<String> calls = new ArrayList<>();
    Set<TraceId> open = new HashSet<>();

    head.calls(TODAY, TODAY + 1000 * MILLIS,
        (start, parent, child, error) -> calls.add(parent + ">" + child + (error ? "!" : "")),
        open);

    assertThat(calls).containsExactlyInAnyOrder(
        "frontend>cart", "cart>payment!", "cart>payment!");
    assertThat(open).containsExactly(B);
  }

  @Test
  void aHeadReadsOnlyTheRecordBytesItWasGivenAndKeepsItsOwnCopy() {
    Head head = new Head(0);
    ByteSink record = new ByteSink(64);
    record.writeByte(0x7f);
    List<Head.Group> groups = Head.encode(checkout(randomTraceId(), TODAY), record);
    byte[] bytes = record.array();
    head.add(bytes, 1, record.size() - 1, groups);
    TraceId traceId = groups.get(0).traceId();

    Arrays.fill(bytes, (byte) 0);

    assertThat(head.trace(traceId)).isEqualTo(groups.get(0).spans());
  }

  @Test
  void groupsThatMixTracesHoldNoSpansOrRunPastTheBytesAreCorrupt() {
    ByteSink mixed = new ByteSink(64);
    mixed.writeVarInt(1);
    SpanCodec.encode(interleaved(checkout(A, TODAY), checkout(B, TODAY)), mixed);
    assertThatThrownBy(() -> Head.readGroups(source(mixed)))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("mixes traces");

    ByteSink empty = new ByteSink(64);
    empty.writeVarInt(1);
    SpanCodec.encode(List.of(), empty);
    assertThatThrownBy(() -> Head.readGroups(source(empty)))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("holds no spans");

    ByteSink whole = new ByteSink(64);
    Head.encode(checkout(A, TODAY), whole);
    ByteSink truncated = new ByteSink(64);
    truncated.writeBytes(whole.array(), 0, whole.size() - 1);
    assertThatThrownBy(() -> Head.readGroups(source(truncated)))
        .isInstanceOf(CorruptDataException.class);

    ByteSink tooMany = new ByteSink(64);
    tooMany.writeVarInt(1_000_000);
    assertThatThrownBy(() -> Head.readGroups(source(tooMany)))
        .isInstanceOf(CorruptDataException.class);
  }

  private static List<TracePart> matching(Head head, TraceQuery query) {
    return head.candidates(query).stream()
        .filter(held -> held.matches(query))
        .map(held -> held.part)
        .toList();
  }

  private static ByteSource source(ByteSink sink) {
    return new ByteSource(sink.array(), 0, sink.size(), "record");
  }
}
