package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

/** A query parameter that cannot be used; answered with 400 naming the parameter. */
final class BadParameterException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String parameter;

  BadParameterException(String parameter, String message) {
    super(message);
    this.parameter = requireNonNull(parameter, "parameter");
  }

  String parameter() {
    return parameter;
  }
}
