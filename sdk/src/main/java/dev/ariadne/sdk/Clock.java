package dev.ariadne.sdk;

import java.time.Instant;

/**
 * The time source of spans. Spans read the wall clock once at the start of a local trace and
 * measure the rest with the monotonic clock, so durations are immune to wall-clock steps.
 */
public interface Clock {

  /**
   * The system clock. Its {@link #epochNanosAt} reads no wall clock on the hot path: it adds the
   * monotonic reading to a shared wall-clock anchor that is renewed every 100 ms, so wall-clock
   * steps and drift show within that time.
   */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** Wall-clock time in nanoseconds since the epoch. */
  long now();

  /** A monotonic reading in nanoseconds, meaningful only as a difference. */
  long nanoTime();

  /** The wall-clock time, in nanoseconds since the epoch, of the monotonic reading given. */
  default long epochNanosAt(long nanoTime) {
    return now() - (nanoTime() - nanoTime);
  }

  /** The JDK's clocks. */
  final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();
    private static final long RENEW_NANOS = 100_000_000L;

    /** A wall-clock reading and the monotonic reading taken with it. */
    private static final class Anchor {
      final long epochNanos;
      final long nanoTime;

      Anchor(long epochNanos, long nanoTime) {
        this.epochNanos = epochNanos;
        this.nanoTime = nanoTime;
      }
    }

    private volatile Anchor anchor = new Anchor(wallClock(), System.nanoTime());

    private SystemClock() {}

    @Override
    public long now() {
      return wallClock();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long epochNanosAt(long nanoTime) {
      Anchor current = anchor;
      if (nanoTime - current.nanoTime > RENEW_NANOS) {
        current = new Anchor(wallClock(), System.nanoTime());
        anchor = current;
      }
      return current.epochNanos + (nanoTime - current.nanoTime);
    }

    private static long wallClock() {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
  }
}
