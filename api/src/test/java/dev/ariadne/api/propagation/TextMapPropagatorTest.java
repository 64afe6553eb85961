package dev.ariadne.api.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.ContextKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextMapPropagatorTest {
  static final ContextKey<String> FIRST = ContextKey.named("first");
  static final ContextKey<String> SECOND = ContextKey.named("second");

  /** Copies one context value to and from carrier fields, and records what it saw on extract. */
  static final class FieldPropagator implements TextMapPropagator {
    final ContextKey<String> key;
    final List<String> fields;
    Context extractedFrom;

    FieldPropagator(ContextKey<String> key, String... fields) {
      this.key = key;
      this.fields = List.of(fields);
    }

    @Override
    public Collection<String> fields() {
      return fields;
    }

    @Override
    public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
      String value = context.get(key);
      if (value != null) setter.set(carrier, fields.get(0), value);
    }

    @Override
    public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
      extractedFrom = context;
      String value = getter.get(carrier, fields.get(0));
      return value == null ? context : context.with(key, value);
    }
  }

  final FieldPropagator first = new FieldPropagator(FIRST, "first", "shared");
  final FieldPropagator second = new FieldPropagator(SECOND, "second", "shared", "extra");

  @Test
  void compositeFieldsAreTheUnionInOrderWithoutDuplicates() {
    TextMapPropagator composite = TextMapPropagator.composite(first, second);

    assertThat(composite.fields()).containsExactly("first", "shared", "second", "extra");
  }

  @Test
  void compositeInjectsThroughEveryPropagator() {
    TextMapPropagator composite = TextMapPropagator.composite(first, second);
    Context context = Context.root().with(FIRST, "1").with(SECOND, "2");
    Map<String, String> carrier = new HashMap<>();

    composite.inject(context, carrier, Carriers.mapSetter());

    assertThat(carrier).containsOnly(entry("first", "1"), entry("second", "2"));
  }

  @Test
  void compositeExtractChainsEachResultIntoTheNext() {
    TextMapPropagator composite = TextMapPropagator.composite(first, second);
    Context start = Context.root().with(ContextKey.named("unrelated"), "x");
    Map<String, String> carrier = Map.of("first", "1", "second", "2");

    Context extracted = composite.extract(start, carrier, Carriers.mapGetter());

    assertThat(extracted.get(FIRST)).isEqualTo("1");
    assertThat(extracted.get(SECOND)).isEqualTo("2");
    assertThat(first.extractedFrom).isSameAs(start);
    assertThat(second.extractedFrom.get(FIRST)).isEqualTo("1");
  }

  @Test
  void compositeExtractOfANullContextStartsFromRoot() {
    TextMapPropagator composite = TextMapPropagator.composite(first, second);

    Context extracted = composite.extract(null, Map.of("first", "1"), Carriers.mapGetter());

    assertThat(first.extractedFrom).isSameAs(Context.root());
    assertThat(extracted.get(FIRST)).isEqualTo("1");
  }

  @Test
  void compositeOfOnePropagatorIsThatPropagator() {
    assertThat(TextMapPropagator.composite(first)).isSameAs(first);
    assertThat(TextMapPropagator.composite(List.of(first))).isSameAs(first);
  }

  @Test
  void compositeOfNoPropagatorsDoesNothing() {
    TextMapPropagator empty = TextMapPropagator.composite();
    Context context = Context.root().with(FIRST, "1");
    Map<String, String> carrier = new HashMap<>();

    empty.inject(context, carrier, Carriers.mapSetter());

    assertThat(empty.fields()).isEmpty();
    assertThat(carrier).isEmpty();
    assertThat(empty.extract(context, Map.of("first", "2"), Carriers.mapGetter())).isSameAs(context);
  }

  @Test
  void noopWritesNothingAndExtractsNothing() {
    TextMapPropagator noop = TextMapPropagator.noop();
    Context context = Context.root().with(FIRST, "1");
    Map<String, String> carrier = new HashMap<>();

    noop.inject(context, carrier, Carriers.mapSetter());

    assertThat(noop.fields()).isEmpty();
    assertThat(carrier).isEmpty();
    assertThat(noop.extract(context, Map.of("first", "2"), Carriers.mapGetter())).isSameAs(context);
    assertThat(noop.extract(null, Map.of(), Carriers.mapGetter())).isSameAs(Context.root());
  }

  @Test
  void compositeIgnoresNullContextOrAccessors() {
    TextMapPropagator composite = TextMapPropagator.composite(first, second);
    Context context = Context.root().with(FIRST, "1");
    Map<String, String> carrier = new HashMap<>();

    composite.inject(null, carrier, Carriers.mapSetter());
    composite.inject(context, carrier, null);

    assertThat(carrier).isEmpty();
    assertThat(composite.extract(context, carrier, null)).isSameAs(context);
  }
}
