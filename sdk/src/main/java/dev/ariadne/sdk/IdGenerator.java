package dev.ariadne.sdk;

import java.util.concurrent.ThreadLocalRandom;

/** Makes trace and span IDs. Implementations never return zero and are safe across threads. */
public interface IdGenerator {

  /** Random IDs from {@link ThreadLocalRandom}: fast, uncontended, 128-bit random trace IDs. */
  static IdGenerator random() {
    return RandomIdGenerator.INSTANCE;
  }

  /** A non-zero span ID. */
  long generateSpanId();

  /** The high 64 bits of a new trace ID. */
  long generateTraceIdHigh();

  /** The low 64 bits of a new trace ID; non-zero, and random, since ratio sampling reads them. */
  long generateTraceIdLow();

  /** Uniform random IDs. */
  enum RandomIdGenerator implements IdGenerator {
    INSTANCE;

    @Override
    public long generateSpanId() {
      return nonZero();
    }

    @Override
    public long generateTraceIdHigh() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public long generateTraceIdLow() {
      return nonZero();
    }

    private static long nonZero() {
      long id;
      do {
        id = ThreadLocalRandom.current().nextLong();
      } while (id == 0);
      return id;
    }
  }
}
