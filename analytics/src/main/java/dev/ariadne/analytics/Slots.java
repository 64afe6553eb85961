package dev.ariadne.analytics;

import java.util.Arrays;

/**
 * The service graph's slots: what each span ID of a trace holds (up to two spans, and the callees
 * waiting for it), as positions in {@link Holds}. Kept in parallel primitive arrays with an
 * open-addressing index on (trace ID, span ID), not as objects: a slot lives as long as its spans
 * wait, ten seconds by default, long enough to be promoted, and marking the five objects per held
 * span of the earlier maps took about a third of G1's concurrent marking time on durable ingest
 * with a 512 MiB heap (docs/benchmarks.md, "What analytics costs with a 512 MiB heap"). Not
 * thread-safe: guarded by {@link ServiceGraph}.
 */
final class Slots {
  static final int NONE = -1;

  /** Per slot its trace ID's high and low half and its span ID, side by side, read together. */
  private long[] ids = new long[3 * 16];
  /** The CLIENT or PRODUCER span with this ID, or {@link #NONE}. */
  int[] callerSide = new int[16];
  /** A span of any other kind with this ID, or {@link #NONE}. */
  int[] other = new int[16];
  /** The first and last callee waiting for this ID, linked through {@link Holds#next}. */
  int[] waitHead = new int[16];
  int[] waitTail = new int[16];

  /**
   * Per place of the index, 0 where empty, else the slot's hash in the high half and the slot + 1
   * in the low: probing past other slots, and moving them on removal, reads only the index, which
   * matters because the slots of ten seconds of spans are far larger than the processor's caches
   * (async-profiler put a fifth of analytics' CPU in probing when the index held only the slot).
   * Linear probing, at most half full.
   */
  private long[] index = new long[32];
  /** Slots ever handed out, and those of them free again. */
  private int allocated;
  private int[] free = new int[16];
  private int freeCount;

  long traceHigh(int slot) {
    return ids[3 * slot];
  }

  long traceLow(int slot) {
    return ids[3 * slot + 1];
  }

  /** The slot of a span ID, or {@link #NONE}. */
  int find(long high, long low, long id) {
    int hash = hash(high, low, id);
    int mask = index.length - 1;
    for (int at = hash & mask; ; at = (at + 1) & mask) {
      long entry = index[at];
      if (entry == 0) {
        return NONE;
      }
      int slot = slotOf(entry);
      if (hashOf(entry) == hash
          && ids[3 * slot + 2] == id && ids[3 * slot + 1] == low && ids[3 * slot] == high) {
        return slot;
      }
    }
  }

  /** Adds an empty slot for a span ID that has none ({@link #find} gave {@link #NONE}). */
  int add(long high, long low, long id) {
    if (2 * (allocated - freeCount + 1) > index.length) {
      growIndex();
    }
    int slot = newSlot();
    ids[3 * slot] = high;
    ids[3 * slot + 1] = low;
    ids[3 * slot + 2] = id;
    callerSide[slot] = NONE;
    other[slot] = NONE;
    waitHead[slot] = NONE;
    waitTail[slot] = NONE;
    place(entry(hash(high, low, id), slot));
    return slot;
  }

  boolean isEmpty(int slot) {
    return callerSide[slot] == NONE && other[slot] == NONE && waitHead[slot] == NONE;
  }

  /** The parent of this ID's children: a shared SERVER span rather than its CLIENT span. */
  int parent(int slot) {
    return other[slot] != NONE ? other[slot] : callerSide[slot];
  }

  /** Forgets an empty slot. */
  void remove(int slot) {
    int mask = index.length - 1;
    int at = hash(ids[3 * slot], ids[3 * slot + 1], ids[3 * slot + 2]) & mask;
    while (slotOf(index[at]) != slot) {
      at = (at + 1) & mask;
    }
    // Backward-shift deletion: move up every later entry of the run that may sit here.
    int gap = at;
    for (int next = (gap + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
      int home = hashOf(index[next]) & mask;
      boolean homeInGapToNext = gap <= next ? gap < home && home <= next : gap < home || home <= next;
      if (!homeInGapToNext) {
        index[gap] = index[next];
        gap = next;
      }
    }
    index[gap] = 0;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, 2 * freeCount);
    }
    free[freeCount++] = slot;
  }

  /**
   * Points every reference to a hold at its new position after {@link Holds#compact}. A free slot
   * refers to none, since only empty slots are removed.
   */
  void remap(int[] newPosition) {
    for (int slot = 0; slot < allocated; slot++) {
      callerSide[slot] = moved(callerSide[slot], newPosition);
      other[slot] = moved(other[slot], newPosition);
      waitHead[slot] = moved(waitHead[slot], newPosition);
      waitTail[slot] = moved(waitTail[slot], newPosition);
    }
  }

  private static int moved(int position, int[] newPosition) {
    return position == NONE ? NONE : newPosition[position];
  }

  private int newSlot() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    if (allocated == callerSide.length) {
      int length = 2 * allocated;
      ids = Arrays.copyOf(ids, 3 * length);
      callerSide = Arrays.copyOf(callerSide, length);
      other = Arrays.copyOf(other, length);
      waitHead = Arrays.copyOf(waitHead, length);
      waitTail = Arrays.copyOf(waitTail, length);
    }
    return allocated++;
  }

  private void place(long entry) {
    int mask = index.length - 1;
    int at = hashOf(entry) & mask;
    while (index[at] != 0) {
      at = (at + 1) & mask;
    }
    index[at] = entry;
  }

  private void growIndex() {
    long[] old = index;
    index = new long[2 * old.length];
    for (long entry : old) {
      if (entry != 0) {
        place(entry);
      }
    }
  }

  /** An index entry: the hash in the high half, the slot + 1 in the low (never 0). */
  private static long entry(int hash, int slot) {
    return (long) hash << 32 | (slot + 1);
  }

  private static int hashOf(long entry) {
    return (int) (entry >>> 32);
  }

  private static int slotOf(long entry) {
    return (int) entry - 1;
  }

  /** Mixes all three IDs (murmur3's finaliser), so that chosen IDs cannot crowd one run. */
  private static int hash(long high, long low, long id) {
    long h = high * 0x9E3779B97F4A7C15L ^ low * 0xC2B2AE3D27D4EB4FL ^ id;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return (int) h;
  }
}
