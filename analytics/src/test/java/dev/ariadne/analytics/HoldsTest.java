package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.SpanKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldsTest {
  @Test
  void compactingKeepsTheHoldsNotDoneInOrderWithTheirFieldsAndLinks() {
    Holds holds = new Holds();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; !holds.isFull(); i++) {
      positions.add(holds.add(half(i), i, Holds.PARENT, 1_000L + i));
    }
    // Wrap the ring: take the first 100 out and add as many.
    for (int i = 0; i < 100; i++) {
      holds.clear(holds.removeFirst());
    }
    positions.subList(0, 100).clear();
    for (int i = positions.size() + 100; !holds.isFull(); i++) {
      positions.add(holds.add(half(i), i, Holds.PARENT, 1_000L + i));
    }
    // Every third hold is done; the others link each to the next one kept.
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < positions.size(); i++) {
      if (i % 3 == 0) {
        holds.setDone(positions.get(i));
      } else {
        kept.add(positions.get(i));
      }
    }
    for (int i = 0; i + 1 < kept.size(); i++) {
      holds.next[kept.get(i)] = kept.get(i + 1);
    }
    int capacity = positions.size();
    long firstDeadline = holds.deadline[kept.get(0)];

    int[] moved = holds.compact(kept.size());

    assertThat(holds.isFull()).isFalse();
    assertThat(holds.first()).isZero();
    for (int i = 0; i < kept.size(); i++) {
      int at = moved[kept.get(i)];
      assertThat(at).isEqualTo(i);
      assertThat(holds.deadline[at]).isEqualTo(firstDeadline + (i / 2) * 3 + (i % 2));
      assertThat(holds.slot[at]).isEqualTo((int) (holds.deadline[at] - 1_000));
      assertThat(holds.service[at]).isEqualTo("s" + holds.slot[at]);
      assertThat(holds.kind(at)).isEqualTo(SpanKind.CONSUMER);
      assertThat(holds.next[at]).isEqualTo(i + 1 < kept.size() ? i + 1 : Slots.NONE);
    }
    // Two thirds kept of a full ring is more than half: the ring doubled.
    for (int i = kept.size(); i < 2 * capacity; i++) {
      assertThat(holds.isFull()).isFalse();
      holds.add(half(i), i, Holds.OWN, 0);
    }
    assertThat(holds.isFull()).isTrue();
  }

  private static ServiceGraph.Half half(long id) {
    return new ServiceGraph.Half(ServiceGraphTest.span("s" + id, id + 1, 0, SpanKind.CONSUMER)
        .build());
  }
}
