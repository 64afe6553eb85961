package dev.ariadne.api.trace;

/** The outcome of a span's operation. OK is final; ERROR counts toward the error rate. */
public enum StatusCode {
  UNSET,
  OK,
  ERROR
}
