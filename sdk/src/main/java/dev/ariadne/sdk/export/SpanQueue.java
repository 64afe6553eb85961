package dev.ariadne.sdk.export;

import dev.ariadne.sdk.data.SpanData;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded queue for many producers and one consumer, over a ring of slots. Offer is one CAS and
 * one ordered store, with no lock and no allocation; it fails instead of waiting when full. Written
 * by hand because the SDK depends on nothing but the JDK, whose bounded queues take a lock per
 * offer (see RATIONALE.md).
 */
final class SpanQueue {
  /** The largest capacity: the ring's length, a power of two at least the capacity, is an int. */
  static final int MAX_CAPACITY = 1 << 30;
  /**
   * Added to the producer index by {@link #close()}: every later offer then sees a full queue. The
   * index itself never comes near it (2^62 offers).
   */
  private static final long CLOSED = 1L << 62;

  private final AtomicReferenceArray<SpanData> slots;
  private final int mask;
  private final int capacity;
  private final AtomicLong producerIndex = new AtomicLong();
  private volatile long consumerIndex;

  SpanQueue(int capacity) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "capacity: " + capacity + " (expected: >= 1 and <= " + MAX_CAPACITY + ")");
    }
    int length = Integer.highestOneBit(capacity);
    if (length < capacity) length <<= 1;
    this.slots = new AtomicReferenceArray<>(length);
    this.mask = length - 1;
    this.capacity = capacity;
  }

  /** The most spans the queue holds. */
  int capacity() {
    return capacity;
  }

  /**
   * Adds {@code span} unless the queue holds {@code capacity} spans already or is closed. Any
   * thread.
   */
  boolean offer(SpanData span) {
    long index;
    do {
      index = producerIndex.get();
      if (index - consumerIndex >= capacity) return false;
    } while (!producerIndex.compareAndSet(index, index + 1));
    slots.lazySet((int) (index & mask), span);
    return true;
  }

  /** Moves up to {@code max} spans into {@code out}; returns how many. Consumer thread only. */
  int drainTo(List<SpanData> out, int max) {
    long index = consumerIndex;
    int count = 0;
    while (count < max) {
      int slot = (int) (index & mask);
      SpanData span = slots.get(slot);
      if (span == null) break; // empty, or a producer has claimed the slot but not yet filled it
      slots.lazySet(slot, null);
      out.add(span);
      index++;
      count++;
    }
    consumerIndex = index;
    return count;
  }

  /**
   * The number of claimed slots, an upper bound on what {@link #drainTo} can take now; once the
   * queue is closed, exactly what is left to drain, some of it perhaps still being filled.
   */
  int size() {
    return (int) ((producerIndex.get() & (CLOSED - 1)) - consumerIndex);
  }

  /**
   * Makes every later offer fail, as if the queue were full, so that the consumer can know it has
   * drained the last span: the slots claimed before are those {@link #size()} counts. Consumer
   * thread only; closing again does nothing.
   */
  void close() {
    long index;
    do {
      index = producerIndex.get();
      if (index >= CLOSED) return;
    } while (!producerIndex.compareAndSet(index, index + CLOSED));
  }
}
