package dev.ariadne.query;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on how many searches run at once ({@code query.max-concurrent-searches}): a search
 * takes a slot before it reads storage and gives it back when its answer is ready, so that
 * searches cannot take the cores ingest needs. Thread-safe.
 */
final class SearchSlots {
  private final int max;
  private final Semaphore free;
  private final AtomicInteger running = new AtomicInteger();

  SearchSlots(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
    }
    this.max = max;
    free = new Semaphore(max, true);
  }

  /** Takes a slot, waiting at most {@code timeoutNanos}; false if none came free in time. */
  boolean take(long timeoutNanos) throws InterruptedException {
    if (!free.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
      return false;
    }
    running.incrementAndGet();
    return true;
  }

  /** Gives back a slot {@link #take} took. */
  void give() {
    running.decrementAndGet();
    free.release();
  }

  int max() {
    return max;
  }

  /** Searches holding a slot now. */
  int running() {
    return running.get();
  }
}
