package dev.ariadne.api.baggage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.Scope;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BaggageTest {

  @AfterEach
  void nothingLeaksIntoTheNextTest() {
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void putStoresAValueWithEmptyMetadata() {
    Baggage baggage = Baggage.builder().put("user", "alice").build();

    assertThat(baggage.getEntryValue("user")).isEqualTo("alice");
    assertThat(baggage.getEntry("user")).isEqualTo(BaggageEntry.create("alice", ""));
    assertThat(baggage.getEntry("user").getMetadata()).isEmpty();
    assertThat(baggage.size()).isEqualTo(1);
  }

  @Test
  void putKeepsTheMetadata() {
    Baggage baggage = Baggage.builder().put("user", "alice", "ttl=60").build();

    assertThat(baggage.getEntry("user").getValue()).isEqualTo("alice");
    assertThat(baggage.getEntry("user").getMetadata()).isEqualTo("ttl=60");
  }

  @Test
  void nullMetadataIsStoredAsEmpty() {
    Baggage baggage = Baggage.builder().put("user", "alice", null).build();

    assertThat(baggage.getEntry("user").getMetadata()).isEmpty();
  }

  @Test
  void putOfAnExistingKeyReplacesItsValueAndMetadata() {
    Baggage baggage = Baggage.builder().put("k", "old", "meta").put("k", "new").build();

    assertThat(baggage.size()).isEqualTo(1);
    assertThat(baggage.getEntry("k")).isEqualTo(BaggageEntry.create("new", ""));
  }

  @Test
  void removeOfANullKeyIsIgnoredAsPutOfOneIs() {
    Baggage baggage = Baggage.builder().put(null, "1").put("a", "1").remove(null).build();

    assertThat(baggage.getEntryValue("a")).isEqualTo("1");
  }

  @Test
  void removeDropsTheEntry() {
    Baggage baggage =
        Baggage.builder().put("a", "1").put("b", "2").remove("a").remove("absent").build();

    assertThat(baggage.getEntry("a")).isNull();
    assertThat(baggage.getEntryValue("a")).isNull();
    assertThat(baggage.asMap()).containsOnlyKeys("b");
  }

  @Test
  void nullOrEmptyKeysAndNullValuesAreIgnored() {
    Baggage baggage =
        Baggage.builder().put(null, "v").put("", "v").put("k", null).put("k", null, "meta").build();

    assertThat(baggage.isEmpty()).isTrue();
    assertThat(baggage).isSameAs(Baggage.empty());
  }

  @Test
  void entriesKeepInsertionOrder() {
    Baggage baggage = Baggage.builder().put("z", "1").put("a", "2").put("m", "3").build();
    List<String> keys = new ArrayList<>();

    baggage.forEach((key, entry) -> keys.add(key));

    assertThat(keys).containsExactly("z", "a", "m");
    assertThat(baggage.asMap().keySet()).containsExactly("z", "a", "m");
  }

  @Test
  void toBuilderLeavesTheOriginalUnchanged() {
    Baggage original = Baggage.builder().put("a", "1").build();

    Baggage changed = original.toBuilder().put("a", "changed").put("b", "2").build();
    Baggage emptied = original.toBuilder().remove("a").build();

    assertThat(original.asMap()).containsOnlyKeys("a");
    assertThat(original.getEntryValue("a")).isEqualTo("1");
    assertThat(changed.getEntryValue("a")).isEqualTo("changed");
    assertThat(changed.getEntryValue("b")).isEqualTo("2");
    assertThat(emptied).isSameAs(Baggage.empty());
  }

  @Test
  void builtBaggageDoesNotChangeWhenTheBuilderIsReused() {
    Baggage.Builder builder = Baggage.builder().put("a", "1");
    Baggage first = builder.build();

    builder.put("b", "2").remove("a");

    assertThat(first.asMap()).containsOnlyKeys("a");
  }

  @Test
  void asMapIsReadOnly() {
    Baggage baggage = Baggage.builder().put("a", "1").build();

    assertThatThrownBy(() -> baggage.asMap().put("b", BaggageEntry.create("2", "")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Baggage.empty().asMap().put("b", BaggageEntry.create("2", "")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void baggageWithTheSameEntriesIsEqual() {
    Baggage one = Baggage.builder().put("a", "1", "m").build();
    Baggage two = Baggage.builder().put("a", "1", "m").build();

    assertThat(one).isEqualTo(two);
    assertThat(one.hashCode()).isEqualTo(two.hashCode());
    assertThat(one).isNotEqualTo(Baggage.builder().put("a", "1").build());
  }

  @Test
  void currentIsEmptyWhenNothingIsCurrent() {
    assertThat(Baggage.current()).isSameAs(Baggage.empty());
  }

  @Test
  void fromContextReturnsTheBaggageStoredInIt() {
    Baggage baggage = Baggage.builder().put("a", "1").build();

    assertThat(Baggage.fromContext(Context.root().with(baggage))).isSameAs(baggage);
    assertThat(Baggage.fromContext(Context.root())).isSameAs(Baggage.empty());
    assertThat(Baggage.fromContext(null)).isSameAs(Baggage.empty());
  }

  @Test
  void makeCurrentMakesTheBaggageCurrentUntilClosed() {
    Baggage baggage = Baggage.builder().put("a", "1").build();

    try (Scope scope = baggage.makeCurrent()) {
      assertThat(Baggage.current()).isSameAs(baggage);
    }

    assertThat(Baggage.current()).isSameAs(Baggage.empty());
  }

  @Test
  void baggageAndSpanLiveSideBySideInOneContext() {
    Baggage baggage = Baggage.builder().put("a", "1").build();
    Span span = Span.wrap(SpanContext.create(1, 2, 3, (byte) 1, TraceState.empty()));

    Context context = Context.root().with(span).with(baggage);

    assertThat(Baggage.fromContext(context)).isSameAs(baggage);
    assertThat(Span.fromContext(context)).isSameAs(span);
  }
}
