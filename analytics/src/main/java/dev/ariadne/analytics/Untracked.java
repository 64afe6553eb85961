package dev.ariadne.analytics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The services and operations with spans counted in the overflow series since the server started,
 * each with how many and the starts of the first and last: at most {@code maxNames} services and
 * operations in all, so that it stays small however many there are; past them a flag says that
 * more were not remembered. Thread-safe.
 */
final class Untracked {
  /** Spans past the cap: how many, and the earliest and latest start (epoch ms). */
  static class Spans {
    private final LongAdder count = new LongAdder();
    private final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    final void add(long startMillis) {
      count.increment();
      if (startMillis < first.get()) {
        first.accumulateAndGet(startMillis, Math::min);
      }
      if (startMillis > last.get()) {
        last.accumulateAndGet(startMillis, Math::max);
      }
    }

    final long count() {
      return count.sum();
    }

    final long first() {
      return first.get();
    }

    final long last() {
      return last.get();
    }
  }

  /** A service's spans past the cap, and its operations'. */
  static final class Service extends Spans {
    final ConcurrentHashMap<String, Spans> operations = new ConcurrentHashMap<>();
  }

  private final int maxNames;
  private final AtomicInteger names = new AtomicInteger();
  private final Spans all = new Spans();
  private final ConcurrentHashMap<String, Service> services = new ConcurrentHashMap<>();
  private volatile boolean more;

  Untracked(int maxNames) {
    this.maxNames = maxNames;
  }

  /** Notes a span of {@code service} and {@code operation} counted in the overflow series. */
  void add(String service, String operation, long startMillis) {
    all.add(startMillis);
    Service s = services.get(service);
    if (s == null) {
      s = services.computeIfAbsent(service, k -> reserve() ? new Service() : null);
      if (s == null) {
        more = true;
        return;
      }
    }
    s.add(startMillis);
    Spans o = s.operations.get(operation);
    if (o == null) {
      o = s.operations.computeIfAbsent(operation, k -> reserve() ? new Spans() : null);
      if (o == null) {
        more = true;
        return;
      }
    }
    o.add(startMillis);
  }

  private boolean reserve() {
    int taken;
    do {
      taken = names.get();
      if (taken >= maxNames) {
        return false;
      }
    } while (!names.compareAndSet(taken, taken + 1));
    return true;
  }

  /** Every uncounted span, of whatever service. */
  Spans all() {
    return all;
  }

  /** The service's spans past the cap, or its operation's; null when none are remembered. */
  Spans of(String service, String operation) {
    Service s = services.get(service);
    if (s == null || operation == null) {
      return s;
    }
    return s.operations.get(operation);
  }

  /** The services remembered. */
  ConcurrentHashMap<String, Service> services() {
    return services;
  }

  /** Whether services or operations past {@code maxNames} had spans past the cap too. */
  boolean more() {
    return more;
  }
}
