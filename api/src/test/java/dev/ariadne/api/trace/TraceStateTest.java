package dev.ariadne.api.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceStateTest {

  static String repeat(char c, int count) {
    return String.valueOf(c).repeat(count);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "vendor", "a0_-*/", "rojo", "z9"})
  void simpleKeysStartingWithALowerCaseLetterAreValid(String key) {
    assertThat(TraceState.isValidKey(key)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "A", "Vendor", "1abc", "_a", "a b", "a=b", "a,b", "a.b", "k\u00e9", "a\t"})
  void simpleKeysBreakingTheW3cGrammarAreInvalid(String key) {
    assertThat(TraceState.isValidKey(key)).isFalse();
  }

  @Test
  void simpleKeysMayBe256CharactersLong() {
    assertThat(TraceState.isValidKey("a" + repeat('b', 255))).isTrue();
    assertThat(TraceState.isValidKey("a" + repeat('b', 256))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tenant@system", "1tenant@sys", "t@s", "t-_*/0@s-_*/0", "0@a"})
  void multiTenantKeysAreValid(String key) {
    assertThat(TraceState.isValidKey(key)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"@system", "tenant@", "t@1s", "t@S", "T@s", "_t@s", "a@b@c", "t@s.x"})
  void multiTenantKeysBreakingTheW3cGrammarAreInvalid(String key) {
    assertThat(TraceState.isValidKey(key)).isFalse();
  }

  @Test
  void tenantIdMayBe241AndSystemId14Characters() {
    String tenant241 = "t" + repeat('0', 240);
    String system14 = "s" + repeat('0', 13);

    assertThat(TraceState.isValidKey(tenant241 + "@" + system14)).isTrue();
    assertThat((tenant241 + "@" + system14).length()).isEqualTo(256);
    assertThat(TraceState.isValidKey(tenant241 + "0@s")).isFalse();
    assertThat(TraceState.isValidKey("t@" + system14 + "0")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v", " leading", "in side", "!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~", "00f067aa0ba902b7"})
  void printableValuesWithoutCommaOrEqualsAreValid(String value) {
    assertThat(TraceState.isValidValue(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "trailing ", "a,b", "a=b", "tab\there", "del\u007f", "caf\u00e9", "line\n"})
  void valuesBreakingTheW3cGrammarAreInvalid(String value) {
    assertThat(TraceState.isValidValue(value)).isFalse();
  }

  @Test
  void valuesMayBe256CharactersLong() {
    assertThat(TraceState.isValidValue(repeat('v', 256))).isTrue();
    assertThat(TraceState.isValidValue(repeat('v', 257))).isFalse();
  }

  @Test
  void putStoresTheEntry() {
    TraceState traceState = TraceState.builder().put("vendor", "value").build();

    assertThat(traceState.get("vendor")).isEqualTo("value");
    assertThat(traceState.size()).isEqualTo(1);
    assertThat(traceState.get("absent")).isNull();
  }

  @Test
  void putPlacesTheNewestEntryFirst() {
    TraceState traceState = TraceState.builder().put("a", "1").put("b", "2").put("c", "3").build();

    assertThat(traceState.asMap().keySet()).containsExactly("c", "b", "a");
  }

  @Test
  void putOfAnExistingKeyMovesItToTheFront() {
    TraceState traceState =
        TraceState.builder().put("a", "1").put("b", "2").put("c", "3").put("a", "updated").build();

    assertThat(traceState.asMap()).containsExactly(
        entry("a", "updated"), entry("c", "3"), entry("b", "2"));
  }

  @Test
  void the33rdEntryDropsTheOldest() {
    TraceState.Builder builder = TraceState.builder();
    for (int i = 0; i <= TraceState.MAX_ENTRIES; i++) builder.put("k" + i, "v" + i);

    TraceState traceState = builder.build();

    assertThat(traceState.size()).isEqualTo(32);
    assertThat(traceState.get("k0")).isNull();
    assertThat(traceState.get("k1")).isEqualTo("v1");
    assertThat(traceState.asMap().keySet().iterator().next()).isEqualTo("k32");
  }

  @Test
  void updatingAKeyInAFullStateDropsNothing() {
    TraceState.Builder builder = TraceState.builder();
    for (int i = 0; i < TraceState.MAX_ENTRIES; i++) builder.put("k" + i, "v" + i);

    TraceState traceState = builder.put("k0", "updated").build();

    assertThat(traceState.size()).isEqualTo(32);
    assertThat(traceState.get("k0")).isEqualTo("updated");
    assertThat(traceState.get("k1")).isEqualTo("v1");
  }

  @Test
  void removeDropsTheEntry() {
    TraceState traceState =
        TraceState.builder().put("a", "1").put("b", "2").remove("a").remove("absent").build();

    assertThat(traceState.asMap()).containsOnlyKeys("b");
  }

  @Test
  void removingEveryEntryGivesTheEmptyState() {
    assertThat(TraceState.builder().put("a", "1").remove("a").build()).isSameAs(TraceState.empty());
  }

  @Test
  void invalidEntriesAreIgnored() {
    TraceState traceState =
        TraceState.builder()
            .put("Upper", "v")
            .put("k", "a,b")
            .put("k", "trailing ")
            .put(null, "v")
            .put("k", null)
            .put("", "v")
            .build();

    assertThat(traceState.isEmpty()).isTrue();
  }

  @Test
  void anInvalidUpdateLeavesTheEarlierValue() {
    TraceState traceState = TraceState.builder().put("k", "kept").put("k", "a=b").build();

    assertThat(traceState.get("k")).isEqualTo("kept");
  }

  @Test
  void toBuilderLeavesTheOriginalUnchanged() {
    TraceState original = TraceState.builder().put("a", "1").build();

    TraceState changed = original.toBuilder().put("b", "2").remove("a").build();

    assertThat(original.asMap()).containsOnlyKeys("a");
    assertThat(changed.asMap()).containsOnlyKeys("b");
  }

  @Test
  void asMapIsReadOnly() {
    TraceState traceState = TraceState.builder().put("a", "1").build();

    assertThatThrownBy(() -> traceState.asMap().put("b", "2"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void statesWithTheSameEntriesInTheSameOrderAreEqual() {
    TraceState one = TraceState.builder().put("a", "1").put("b", "2").build();
    TraceState two = TraceState.builder().put("a", "1").put("b", "2").build();

    assertThat(one).isEqualTo(two);
    assertThat(one.hashCode()).isEqualTo(two.hashCode());
    assertThat(one).isNotEqualTo(TraceState.builder().put("a", "1").put("b", "3").build());
    assertThat(one).isNotEqualTo(TraceState.empty());
  }
}
