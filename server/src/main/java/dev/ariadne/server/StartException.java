package dev.ariadne.server;

/**
 * The server could not start: its data directory or the metrics of analytics cannot be opened, or
 * a port cannot be listened on. The message says which and why, in one line for the command to
 * print; the cause is kept.
 */
final class StartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartException(String message, Throwable cause) {
    this(message, cause.getMessage(), cause);
  }

  /** With {@code reason} in place of the cause's message, which may repeat what {@code message} names. */
  StartException(String message, String reason, Throwable cause) {
    super(message + ": " + reason, cause);
  }
}
