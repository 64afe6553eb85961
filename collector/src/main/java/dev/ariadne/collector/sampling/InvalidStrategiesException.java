package dev.ariadne.collector.sampling;

/**
 * A strategies file that cannot be served: not readable, not JSON, or with a value Jaeger's
 * clients could not use. The message names the file, the place in it and the problem, on one line.
 */
public final class InvalidStrategiesException extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidStrategiesException(String message) {
    super(message);
  }
}
