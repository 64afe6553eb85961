package dev.ariadne.model;

import java.util.List;
import java.util.Objects;

/** The instrumentation library that created a span. {@code version} is empty when unknown. */
public record Scope(String name, String version, List<Attribute> attributes) {
  public static final Scope UNKNOWN = new Scope("", "", List.of());

  public Scope {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    attributes = List.copyOf(attributes);
  }
}
