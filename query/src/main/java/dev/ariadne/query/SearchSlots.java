package dev.ariadne.query;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The bound on how many searches run at once ({@code query.max-concurrent-searches}): a search
 * takes a slot before it reads storage and gives it back when its answer is ready, so that
 * searches cannot take the cores ingest needs. A search past the bound waits in a queue, holding
 * no thread, until a finishing search hands it its slot, first come first served. Thread-safe.
 */
final class SearchSlots {
  private final int max;
  /** Searches waiting for a slot, each as the task that starts it. Guarded by this. */
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  /** Searches holding a slot. Guarded by this. */
  private int running;

  SearchSlots(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
    }
    this.max = max;
  }

  /**
   * Runs {@code start} in a slot: now, on this thread, if one is free, or else once a search
   * {@linkplain #give() gives} one back, on that search's thread. {@code start} must be quick (it
   * hands the search to an executor), and the search must give the slot back when done.
   */
  void enter(Runnable start) {
    synchronized (this) {
      if (running == max) {
        waiting.add(start);
        return;
      }
      running++;
    }
    start.run();
  }

  /**
   * Takes {@code start}, which {@link #enter} queued, out of the queue; false if it has a slot
   * already (or never waited).
   */
  synchronized boolean leave(Runnable start) {
    return waiting.remove(start);
  }

  /** Gives back a slot: to the first search waiting, if any. */
  void give() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
        return;
      }
    }
    next.run();
  }

  int max() {
    return max;
  }

  /** Searches holding a slot now. */
  synchronized int running() {
    return running;
  }
}
