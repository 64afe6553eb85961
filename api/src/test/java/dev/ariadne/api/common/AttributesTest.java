package dev.ariadne.api.common;

import static dev.ariadne.api.common.AttributeKey.booleanArrayKey;
import static dev.ariadne.api.common.AttributeKey.booleanKey;
import static dev.ariadne.api.common.AttributeKey.doubleArrayKey;
import static dev.ariadne.api.common.AttributeKey.doubleKey;
import static dev.ariadne.api.common.AttributeKey.longArrayKey;
import static dev.ariadne.api.common.AttributeKey.longKey;
import static dev.ariadne.api.common.AttributeKey.stringArrayKey;
import static dev.ariadne.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributesTest {

  @Test
  void getReturnsTheValueOfEachType() {
    Attributes attributes =
        Attributes.builder()
            .put("s", "text")
            .put("l", 42L)
            .put("d", 1.5)
            .put("b", true)
            .put("sa", "x", "y")
            .put(booleanArrayKey("ba"), List.of(true, false))
            .put(longArrayKey("la"), List.of(1L, 2L))
            .put(doubleArrayKey("da"), List.of(0.5))
            .build();

    assertThat(attributes.get(stringKey("s"))).isEqualTo("text");
    assertThat(attributes.get(longKey("l"))).isEqualTo(42L);
    assertThat(attributes.get(doubleKey("d"))).isEqualTo(1.5);
    assertThat(attributes.get(booleanKey("b"))).isTrue();
    assertThat(attributes.get(stringArrayKey("sa"))).containsExactly("x", "y");
    assertThat(attributes.get(booleanArrayKey("ba"))).containsExactly(true, false);
    assertThat(attributes.get(longArrayKey("la"))).containsExactly(1L, 2L);
    assertThat(attributes.get(doubleArrayKey("da"))).containsExactly(0.5);
    assertThat(attributes.size()).isEqualTo(8);
  }

  @Test
  void getWithTheRightNameButAnotherTypeReturnsNull() {
    Attributes attributes = Attributes.of(longKey("count"), 3L);

    assertThat(attributes.get(stringKey("count"))).isNull();
    assertThat(attributes.get(doubleKey("count"))).isNull();
    assertThat(attributes.get(longKey("absent"))).isNull();
  }

  @Test
  void lastValueWinsForTheSameName() {
    Attributes attributes = Attributes.builder().put("k", "first").put("k", "second").build();

    assertThat(attributes.size()).isEqualTo(1);
    assertThat(attributes.get(stringKey("k"))).isEqualTo("second");
  }

  @Test
  void lastValueWinsForTheSameNameEvenAcrossTypes() {
    Attributes attributes = Attributes.builder().put("k", "text").put("k", 7L).build();

    assertThat(attributes.size()).isEqualTo(1);
    assertThat(attributes.get(stringKey("k"))).isNull();
    assertThat(attributes.get(longKey("k"))).isEqualTo(7L);
    assertThat(attributes.getKey(0)).isEqualTo(longKey("k"));
  }

  @Test
  void nullValuesNullKeysAndEmptyNamesAreIgnored() {
    Attributes attributes =
        Attributes.builder()
            .put("k", (String) null)
            .put("k", (String[]) null)
            .put(stringKey("k"), null)
            .put((AttributeKey<String>) null, "v")
            .put("", "v")
            .put("", 1L)
            .put(stringKey(""), "v")
            .put((String) null, "v")
            .put((String) null, 1L)
            .put((String) null, 1.0)
            .put((String) null, true)
            .put((String) null, "a", "b")
            .build();

    assertThat(attributes.isEmpty()).isTrue();
    assertThat(attributes).isSameAs(Attributes.empty());
  }

  @Test
  void arraysAreCopiedWhenPut() {
    String[] values = {"a", "b"};
    List<Long> longs = new ArrayList<>(List.of(1L, 2L));
    AttributesBuilder builder = Attributes.builder().put("s", values).put(longArrayKey("l"), longs);

    values[0] = "changed";
    longs.add(3L);
    Attributes attributes = builder.build();

    assertThat(attributes.get(stringArrayKey("s"))).containsExactly("a", "b");
    assertThat(attributes.get(longArrayKey("l"))).containsExactly(1L, 2L);
  }

  @Test
  void arrayValuesAreUnmodifiable() {
    Attributes attributes = Attributes.builder().put("s", "a", "b").build();
    List<String> values = attributes.get(stringArrayKey("s"));

    assertThatThrownBy(() -> values.add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> values.set(0, "c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void arraysContainingNullAreIgnored() {
    Attributes attributes =
        Attributes.builder()
            .put("s", "a", null)
            .put(longArrayKey("l"), Arrays.asList(1L, null))
            .build();

    assertThat(attributes.isEmpty()).isTrue();
  }

  @Test
  void anIgnoredArrayLeavesTheEarlierValueInPlace() {
    Attributes attributes = Attributes.builder().put("k", "kept").put("k", "a", null).build();

    assertThat(attributes.get(stringKey("k"))).isEqualTo("kept");
  }

  @Test
  void removeDropsTheEntryAndKeepsTheOrderOfTheRest() {
    Attributes attributes =
        Attributes.builder().put("a", 1L).put("b", "two").put("c", true).remove("b").build();

    assertThat(attributes.size()).isEqualTo(2);
    assertThat(attributes.get(stringKey("b"))).isNull();
    assertThat(attributes.getKey(0)).isEqualTo(longKey("a"));
    assertThat(attributes.getKey(1)).isEqualTo(booleanKey("c"));
  }

  @Test
  void removeMatchesByNameWhateverTheType() {
    Attributes attributes = Attributes.builder().put("k", 1L).remove("k").remove("absent").build();

    assertThat(attributes.isEmpty()).isTrue();
  }

  @Test
  void putAllAddsEveryEntryAndLaterValuesWin() {
    Attributes other = Attributes.builder().put("b", "other").put("c", 3L).build();

    Attributes attributes = Attributes.builder().put("a", "mine").put("b", "mine").putAll(other).build();

    assertThat(attributes.size()).isEqualTo(3);
    assertThat(attributes.get(stringKey("a"))).isEqualTo("mine");
    assertThat(attributes.get(stringKey("b"))).isEqualTo("other");
    assertThat(attributes.get(longKey("c"))).isEqualTo(3L);
  }

  @Test
  void indexAccessFollowsInsertionOrder() {
    Attributes attributes = Attributes.builder().put("z", "last-name").put("a", 2L).put("m", 0.5).build();

    assertThat(attributes.getKey(0)).isEqualTo(stringKey("z"));
    assertThat(attributes.getValue(0)).isEqualTo("last-name");
    assertThat(attributes.getKey(1)).isEqualTo(longKey("a"));
    assertThat(attributes.getValue(1)).isEqualTo(2L);
    assertThat(attributes.getKey(2)).isEqualTo(doubleKey("m"));
    assertThat(attributes.getValue(2)).isEqualTo(0.5);
    assertThat(attributes.asMap().keySet())
        .containsExactly(stringKey("z"), longKey("a"), doubleKey("m"));
  }

  @Test
  void holdsMoreEntriesThanTheInitialCapacity() {
    AttributesBuilder builder = Attributes.builder();
    for (long i = 0; i < 40; i++) builder.put("k" + i, i);

    Attributes attributes = builder.build();

    assertThat(attributes.size()).isEqualTo(40);
    for (int i = 0; i < 40; i++) {
      assertThat(attributes.getKey(i).getName()).isEqualTo("k" + i);
      assertThat(attributes.get(longKey("k" + i))).isEqualTo(i);
    }
  }

  @Test
  void builtAttributesDoNotChangeWhenTheBuilderIsReused() {
    AttributesBuilder builder = Attributes.builder().put("a", "1");
    Attributes first = builder.build();

    builder.put("a", "2").put("b", "3");

    assertThat(first.size()).isEqualTo(1);
    assertThat(first.get(stringKey("a"))).isEqualTo("1");
  }

  @Test
  void asMapIsReadOnly() {
    Attributes attributes = Attributes.of(stringKey("a"), "1");

    assertThatThrownBy(() -> attributes.asMap().put(stringKey("b"), "2"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void attributesWithTheSameEntriesAreEqual() {
    Attributes one = Attributes.of(stringKey("a"), "1", longKey("b"), 2L);
    Attributes two = Attributes.builder().put("a", "1").put("b", 2L).build();

    assertThat(one).isEqualTo(two);
    assertThat(one.hashCode()).isEqualTo(two.hashCode());
  }

  @Test
  void attributesDifferingInValueOrTypeAreNotEqual() {
    Attributes base = Attributes.of(stringKey("a"), "1");

    assertThat(base).isNotEqualTo(Attributes.of(stringKey("a"), "2"));
    assertThat(Attributes.of(longKey("a"), 1L)).isNotEqualTo(Attributes.of(doubleKey("a"), 1.0));
    assertThat(base).isNotEqualTo(Attributes.empty());
  }

  @Test
  void keysWithTheSameNameAndTypeAreEqual() {
    assertThat(stringKey("a")).isEqualTo(stringKey("a")).hasSameHashCodeAs(stringKey("a"));
    assertThat(stringKey("a")).isNotEqualTo(stringArrayKey("a"));
    assertThat(stringKey("a")).isNotEqualTo(stringKey("b"));
    assertThat(longArrayKey("a").getType()).isEqualTo(AttributeType.LONG_ARRAY);
  }
}
