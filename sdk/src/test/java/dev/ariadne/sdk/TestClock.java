package dev.ariadne.sdk;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when a test says so. The wall clock and the monotonic clock can
 * be moved together ({@link #advance}) or the wall clock alone ({@link #stepWallClock}), as an NTP
 * step would, to show that durations come from the monotonic clock. The monotonic origin is an
 * arbitrary negative number, as {@link System#nanoTime()} may be.
 */
public final class TestClock implements Clock {
  private final AtomicLong wallNanos;
  private final AtomicLong monotonicNanos = new AtomicLong(-7_000_000_000L);

  public TestClock() {
    this(TestObjects.EPOCH_NANOS);
  }

  public TestClock(long epochNanos) {
    wallNanos = new AtomicLong(epochNanos);
  }

  @Override
  public long now() {
    return wallNanos.get();
  }

  @Override
  public long nanoTime() {
    return monotonicNanos.get();
  }

  /** Time passes: both clocks move by {@code elapsed}. */
  public void advance(Duration elapsed) {
    wallNanos.addAndGet(elapsed.toNanos());
    monotonicNanos.addAndGet(elapsed.toNanos());
  }

  /** The wall clock is set forward or back by {@code step}; no time passes. */
  public void stepWallClock(Duration step) {
    wallNanos.addAndGet(step.toNanos());
  }
}
