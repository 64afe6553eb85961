package dev.ariadne.api.context;

import java.util.Objects;

/**
 * Identifies one kind of value stored in a {@link Context}. Keys compare by identity: keep them
 * as constants.
 *
 * @param <T> the type of the value stored under this key
 */
public final class ContextKey<T> {
  private final String name;

  private ContextKey(String name) {
    this.name = name;
  }

  public static <T> ContextKey<T> named(String name) {
    return new ContextKey<>(Objects.requireNonNull(name, "name"));
  }

  @Override
  public String toString() {
    return name;
  }
}
