package dev.ariadne.api.propagation;

import dev.ariadne.api.context.Context;
import java.util.Collection;
import java.util.List;

/**
 * The seed's Inject and Extract: writes the span context and baggage of a {@link Context} into a
 * carrier, and reads them back in another process. Implementations never throw on malformed input:
 * extract returns the context unchanged instead.
 */
public interface TextMapPropagator {

  /** A propagator that does nothing. */
  static TextMapPropagator noop() {
    return CompositePropagator.NOOP;
  }

  /**
   * A propagator that injects with every one of {@code propagators}, and extracts with each in
   * order, a later one's result building on the earlier ones'.
   */
  static TextMapPropagator composite(TextMapPropagator... propagators) {
    return composite(List.of(propagators));
  }

  static TextMapPropagator composite(List<TextMapPropagator> propagators) {
    return propagators.size() == 1 ? propagators.get(0) : new CompositePropagator(propagators);
  }

  /** The carrier fields this propagator writes, so carriers can be cleared before reuse. */
  Collection<String> fields();

  <C> void inject(Context context, C carrier, TextMapSetter<C> setter);

  /** Returns {@code context} plus what {@code carrier} holds, or {@code context} if nothing valid. */
  <C> Context extract(Context context, C carrier, TextMapGetter<C> getter);
}
