package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotsTest {
  private record Key(long high, long low, long id) {}

  @Test
  void findsEverySlotAddedAndNoneRemovedThroughManyAddsAndRemoves() {
    Slots slots = new Slots();
    Map<Key, Integer> model = new HashMap<>();
    List<Key> held = new ArrayList<>();
    Random random = new Random(7);
    for (int step = 0; step < 200_000; step++) {
      if (held.isEmpty() || random.nextInt(3) > 0) {
        // Few distinct traces and small span IDs, so that many keys share runs of the index.
        Key key = new Key(random.nextInt(4), random.nextInt(4), random.nextInt(50_000));
        int slot = findOrAdd(slots, key);
        Integer before = model.putIfAbsent(key, slot);
        if (before == null) {
          held.add(key);
          assertThat(slots.isEmpty(slot)).isTrue();
        } else {
          assertThat(slot).isEqualTo(before);
        }
      } else {
        Key key = held.remove(random.nextInt(held.size()));
        slots.remove(model.remove(key));
        assertThat(slots.find(key.high(), key.low(), key.id())).isEqualTo(Slots.NONE);
      }
      if (step % 10_000 == 0) {
        model.forEach((key, slot) ->
            assertThat(slots.find(key.high(), key.low(), key.id())).isEqualTo(slot));
      }
    }
    model.forEach((key, slot) ->
        assertThat(slots.find(key.high(), key.low(), key.id())).isEqualTo(slot));
    assertThat(model.values()).doesNotHaveDuplicates();
  }

  @Test
  void aRemovedSlotIsReusedEmpty() {
    Slots slots = new Slots();
    int first = slots.add(1, 2, 3);
    slots.callerSide[first] = 5;
    slots.callerSide[first] = Slots.NONE;
    slots.remove(first);

    int second = slots.add(4, 5, 6);
    assertThat(second).isEqualTo(first);
    assertThat(slots.isEmpty(second)).isTrue();
    assertThat(slots.find(1, 2, 3)).isEqualTo(Slots.NONE);
    assertThat(slots.find(4, 5, 6)).isEqualTo(second);
  }

  private static int findOrAdd(Slots slots, Key key) {
    int slot = slots.find(key.high(), key.low(), key.id());
    return slot != Slots.NONE ? slot : slots.add(key.high(), key.low(), key.id());
  }
}
