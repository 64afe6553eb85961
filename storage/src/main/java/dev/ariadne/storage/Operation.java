package dev.ariadne.storage;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.SpanKind;

/** A span name as a service uses it, with the span kind it was seen with. */
public record Operation(String spanName, SpanKind kind) {
  public Operation {
    requireNonNull(spanName, "spanName");
    requireNonNull(kind, "kind");
  }
}
