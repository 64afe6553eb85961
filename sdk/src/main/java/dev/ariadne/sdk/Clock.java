package dev.ariadne.sdk;

import java.time.Instant;

/**
 * The time source of spans. Spans read the wall clock once at the start of a local trace and
 * measure the rest with the monotonic clock, so durations are immune to wall-clock steps.
 */
public interface Clock {

  /** The system clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** Wall-clock time in nanoseconds since the epoch. */
  long now();

  /** A monotonic reading in nanoseconds, meaningful only as a difference. */
  long nanoTime();

  /** The JDK's clocks. */
  enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long now() {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  }
}
