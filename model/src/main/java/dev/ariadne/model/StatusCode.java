package dev.ariadne.model;

/** A span's outcome, as OTLP numbers it. */
public enum StatusCode {
  UNSET,
  OK,
  ERROR
}
