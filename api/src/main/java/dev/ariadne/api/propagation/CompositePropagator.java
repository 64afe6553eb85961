package dev.ariadne.api.propagation;

import dev.ariadne.api.context.Context;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

final class CompositePropagator implements TextMapPropagator {
  static final CompositePropagator NOOP = new CompositePropagator(List.of());

  private final TextMapPropagator[] propagators;
  private final Collection<String> fields;

  CompositePropagator(List<TextMapPropagator> propagators) {
    this.propagators = propagators.toArray(new TextMapPropagator[0]);
    Set<String> all = new LinkedHashSet<>();
    for (TextMapPropagator propagator : propagators) all.addAll(propagator.fields());
    this.fields = List.copyOf(all);
  }

  @Override
  public Collection<String> fields() {
    return fields;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    if (context == null || setter == null) return;
    for (TextMapPropagator propagator : propagators) propagator.inject(context, carrier, setter);
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) context = Context.root();
    if (getter == null) return context;
    for (TextMapPropagator propagator : propagators) {
      context = propagator.extract(context, carrier, getter);
    }
    return context;
  }

  @Override
  public String toString() {
    return "CompositePropagator" + List.of(propagators);
  }
}
