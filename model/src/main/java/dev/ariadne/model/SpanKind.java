package dev.ariadne.model;

/** A span's role, as OTLP numbers it (UNSPECIFIED = 0). */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER
}
