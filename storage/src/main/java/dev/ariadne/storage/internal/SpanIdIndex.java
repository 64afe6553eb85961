package dev.ariadne.storage.internal;

import dev.ariadne.storage.internal.SpanEncoder;

/**
 * Where each span ID occurs in one {@link SpanEncoder} call, so a parent ID can be written as the
 * position of its span. Open addressing over the raw IDs without boxing; a repeated ID keeps its
 * last position. Not thread-safe.
 */
public final class SpanIdIndex {
  private final long[] ids;
  /** Per slot, the position + 1, or 0 for an empty slot. */
  private final int[] positions;
  /** 64 minus the log2 of the capacity: an ID's top bits, once mixed, pick its first slot. */
  private final int shift;

  /** Indexes {@code spanIds[0, count)}. */
  SpanIdIndex(long[] spanIds, int count) {
    int capacity = Integer.highestOneBit(Math.max(4, count) * 2 - 1) * 2;
    ids = new long[capacity];
    positions = new int[capacity];
    shift = Long.numberOfLeadingZeros(capacity) + 1;
    int mask = capacity - 1;
    for (int i = 0; i < count; i++) {
      int slot = firstSlot(spanIds[i]);
      while (positions[slot] != 0 && ids[slot] != spanIds[i]) {
        slot = (slot + 1) & mask;
      }
      ids[slot] = spanIds[i];
      positions[slot] = i + 1;
    }
  }

  /** The last position of {@code spanId}, or -1. */
  int positionOf(long spanId) {
    int mask = ids.length - 1;
    for (int slot = firstSlot(spanId); positions[slot] != 0; slot = (slot + 1) & mask) {
      if (ids[slot] == spanId) {
        return positions[slot] - 1;
      }
    }
    return -1;
  }

  private int firstSlot(long id) {
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> shift);
  }
}
