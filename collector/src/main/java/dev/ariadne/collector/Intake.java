package dev.ariadne.collector;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests the receivers have taken and not yet answered, and the drain: once it begins, no
 * request is taken any more, and it is over when the last one taken is answered. Uploads whose
 * body is still arriving can be cut, answered at once. Thread-safe.
 */
final class Intake {
  /** Refuses requests once the drain has begun. */
  static final Outcome STOPPING = Outcome.failed(Outcome.Kind.UNAVAILABLE,
      "the collector is stopping; retry later or send to another instance");

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Set<Runnable> arriving = ConcurrentHashMap.newKeySet();
  private volatile boolean draining;

  /** Takes a request, or returns false once the drain has begun; a taken one must be finished. */
  boolean take() {
    inFlight.incrementAndGet();
    if (draining) {
      finish();
      return false;
    }
    return true;
  }

  /** The request taken is answered. */
  void finish() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** An upload whose body is arriving; {@code cut} answers it if it still is. */
  void arriving(Runnable cut) {
    arriving.add(cut);
  }

  /** The upload's body has arrived, or it was answered. */
  void arrived(Runnable cut) {
    arriving.remove(cut);
  }

  int inFlight() {
    return inFlight.get();
  }

  void drain() {
    draining = true;
  }

  /** Waits until no request taken is unanswered, at most {@code timeout}; true if none is. */
  synchronized boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Answers every upload whose body is still arriving. */
  void cutArriving() {
    arriving.forEach(Runnable::run);
  }
}
