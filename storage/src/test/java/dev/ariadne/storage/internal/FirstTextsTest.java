package dev.ariadne.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.storage.Storage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FirstTextsTest {
  static final int FIRST = Storage.MAX_VALUES_PER_KEY;

  /** Puts {@code text} as a backend does: unless it is past or held. */
  static void offer(FirstTexts<String> texts, String text) {
    if (!texts.isPast(text) && texts.get(text) == null) {
      texts.put(text, "value of " + text);
    }
  }

  static Map<String, String> first(FirstTexts<String> texts) {
    Map<String, String> first = new LinkedHashMap<>();
    for (String text : texts.first()) {
      first.put(text, texts.get(text));
    }
    return first;
  }

  @Test
  void keepsTheTextsThatSortFirstWithTheirValues() {
    FirstTexts<String> texts = new FirstTexts<>(FIRST);
    Random random = new Random(3);
    TreeSet<String> all = new TreeSet<>();
    for (int i = 0; i < 20 * FIRST; i++) {
      String text = Integer.toString(random.nextInt(50 * FIRST));
      offer(texts, text);
      all.add(text);
    }

    List<String> expected = all.stream().limit(FIRST).toList();
    assertThat(first(texts).keySet()).containsExactlyElementsOf(expected);
    assertThat(first(texts)).containsEntry(expected.get(0), "value of " + expected.get(0));
    assertThat(texts.size()).isBetween(FIRST, 2 * FIRST);
    assertThat(texts.isPast(all.last())).isTrue();
    assertThat(texts.isPast(expected.get(FIRST - 1))).isFalse();
  }

  @Test
  void countsWhatAPutAddsAndWhatAPrunePutsAway() {
    FirstTexts<String> texts = new FirstTexts<>(FIRST);
    int held = 0;
    for (int i = 2 * FIRST; i >= 0; i--) {
      held += texts.put(String.format("t%05d", i), "v");
    }

    assertThat(held).isEqualTo(texts.size()).isEqualTo(FIRST);
    assertThat(first(texts).keySet()).first().isEqualTo("t00000");
  }

  @Test
  void textsPastTheFirstAreTakenAgainOnceFewerThanTheFirstAreHeld() {
    FirstTexts<String> texts = new FirstTexts<>(FIRST);
    for (int i = 0; i <= 2 * FIRST; i++) {
      offer(texts, String.format("a%05d", i));
    }
    assertThat(texts.isPast("b")).isTrue();
    for (int i = 0; i < 10; i++) {
      offer(texts, String.format("a%05dx", i));
    }
    assertThat(texts.size()).isEqualTo(FIRST + 10);

    // Letting go of a few leaves as many as the first: a later text is still past.
    assertThat(texts.removeIf(value -> value.equals("value of a00000"))).isTrue();
    assertThat(texts.isPast("b")).isTrue();
    assertThat(texts.removeIf(value -> value.equals("none"))).isFalse();

    assertThat(texts.removeIf(value -> value.compareTo("value of a00500") < 0)).isTrue();
    assertThat(texts.isPast("b")).isFalse();
    offer(texts, "b");
    List<String> expected = new ArrayList<>();
    for (int i = 500; i < FIRST; i++) {
      expected.add(String.format("a%05d", i));
    }
    expected.add("b");
    assertThat(first(texts).keySet()).containsExactlyElementsOf(expected);
  }

  @Test
  void textsOfTheSameHashAreHeldApart() {
    FirstTexts<String> texts = new FirstTexts<>(FIRST);
    List<String> sameHash = List.of("AaAa", "AaBB", "BBAa", "BBBB", "Aa", "BB");
    for (String text : sameHash) {
      offer(texts, text);
    }
    for (int i = 0; i < 100; i++) {
      offer(texts, "other " + i);
    }

    assertThat("AaAa".hashCode()).isEqualTo("BBBB".hashCode());
    for (String text : sameHash) {
      assertThat(texts.get(text)).isEqualTo("value of " + text);
    }
    assertThat(texts.get("AaAb")).isNull();
    assertThat(texts.size()).isEqualTo(106);
  }

  @Test
  void anEqualTextOfAnotherInstanceTakesTheHeldOnesPlace() {
    FirstTexts<String> texts = new FirstTexts<>(FIRST);
    String first = new String("checkout");
    String later = new String("checkout");
    texts.put(first, "value");

    assertThat(texts.get(later)).isEqualTo("value");
    assertThat(texts.first()).hasSize(1);
    assertThat(texts.first().iterator().next()).isSameAs(later);
  }
}
