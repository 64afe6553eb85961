package dev.ariadne.api.trace;

/** What role a span plays in a request; the server-side analysis pairs CLIENT with SERVER spans. */
public enum SpanKind {
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER
}
