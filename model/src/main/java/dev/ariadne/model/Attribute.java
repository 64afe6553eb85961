package dev.ariadne.model;

import java.util.Objects;

/** One attribute (the seed's tag): a key and a typed value. */
public record Attribute(String key, Value value) {
  public Attribute {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  public static Attribute of(String key, String value) {
    return new Attribute(key, Value.of(value));
  }

  public static Attribute of(String key, long value) {
    return new Attribute(key, Value.of(value));
  }

  public static Attribute of(String key, double value) {
    return new Attribute(key, Value.of(value));
  }

  public static Attribute of(String key, boolean value) {
    return new Attribute(key, Value.of(value));
  }
}
