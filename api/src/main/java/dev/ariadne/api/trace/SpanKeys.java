package dev.ariadne.api.trace;

import dev.ariadne.api.context.ContextKey;

final class SpanKeys {
  static final ContextKey<Span> SPAN = ContextKey.named("ariadne-span");

  private SpanKeys() {}
}
