package dev.ariadne.analytics;

import java.io.IOException;

/** A metrics record or file that does not read back as it was written. */
final class CorruptMetricsException extends IOException {
  private static final long serialVersionUID = 1L;

  CorruptMetricsException(String message) {
    super(message);
  }

  CorruptMetricsException(String message, Throwable cause) {
    super(message, cause);
  }
}
