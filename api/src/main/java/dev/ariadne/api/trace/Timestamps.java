package dev.ariadne.api.trace;

import java.time.Instant;

/** Converts the API's {@link Instant} timestamps to the nanoseconds since the epoch it records. */
final class Timestamps {
  private Timestamps() {}

  /**
   * Nanoseconds since the epoch, clamped to what a long holds (1677-09-21 to 2262-04-11), as
   * {@link java.util.concurrent.TimeUnit#toNanos} clamps the long forms, instead of wrapping.
   */
  static long toEpochNanos(Instant timestamp) {
    try {
      return Math.addExact(
          Math.multiplyExact(timestamp.getEpochSecond(), 1_000_000_000L), timestamp.getNano());
    } catch (ArithmeticException e) {
      return timestamp.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
