package dev.ariadne.api.propagation;

/** Writes fields into a carrier of type {@code C} during inject, replacing any existing value. */
@FunctionalInterface
public interface TextMapSetter<C> {

  void set(C carrier, String key, String value);
}
