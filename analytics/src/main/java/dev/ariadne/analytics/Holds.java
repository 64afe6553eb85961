package dev.ariadne.analytics;

import dev.ariadne.model.SpanKind;
import java.util.Arrays;

/**
 * The service graph's holds in the order they were taken, hence in the order of their deadlines: a
 * ring of parallel primitive arrays (see {@link Slots} for why not objects). A hold is a span held
 * under its own ID, or a callee waiting for its caller's ID, with what a call needs of the span.
 * A hold that is resolved early stays in the ring, marked done, until its deadline or until the
 * ring is compacted. Not thread-safe: guarded by {@link ServiceGraph}.
 */
final class Holds {
  /** Relations of a hold to its slot. */
  static final byte OWN = 0;
  static final byte PARENT = 1;
  static final byte SHARED = 2;
  static final byte LINK = 3;

  private static final byte ERROR = 1;
  private static final byte CALLED = 2;
  private static final byte DONE = 4;
  private static final byte DATABASE = 8;
  private static final SpanKind[] KINDS = SpanKind.values();

  long[] parentSpanId;
  long[] start;
  long[] duration;
  long[] deadline;
  String[] service;
  /** The peer a CLIENT or PRODUCER span names, or null. */
  String[] peer;
  int[] slot;
  /** The next callee waiting under the same slot, or {@link Slots#NONE}. */
  int[] next;
  private byte[] kind;
  byte[] relation;
  private byte[] flags;
  private int head;
  private int size;

  Holds() {
    allocate(1024);
  }

  boolean isEmpty() {
    return size == 0;
  }

  boolean isFull() {
    return size == deadline.length;
  }

  /** The oldest hold. */
  int first() {
    return head;
  }

  /** Takes the oldest hold out of the ring; its fields stay readable until the next {@link #add}. */
  int removeFirst() {
    int position = head;
    head = (head + 1) % deadline.length;
    size--;
    return position;
  }

  /** Lets go of the texts of a hold taken out of the ring. */
  void clear(int position) {
    service[position] = null;
    peer[position] = null;
  }

  /** Adds a hold at the end of the ring, which must not be full; returns its position. */
  @SuppressWarnings("EnumOrdinal") // the kind is kept as a byte and read back through KINDS
  int add(ServiceGraph.Half half, int slotOf, byte relationTo, long deadlineNanos) {
    int position = (head + size) % deadline.length;
    size++;
    parentSpanId[position] = half.parentSpanId;
    start[position] = half.start;
    duration[position] = half.duration;
    deadline[position] = deadlineNanos;
    service[position] = half.service;
    peer[position] = half.peer;
    slot[position] = slotOf;
    next[position] = Slots.NONE;
    kind[position] = (byte) half.kind.ordinal();
    relation[position] = relationTo;
    flags[position] = (byte) ((half.error ? ERROR : 0)
        | (Edge.DATABASE.equals(half.peerType) ? DATABASE : 0));
    return position;
  }

  SpanKind kind(int position) {
    return KINDS[kind[position]];
  }

  boolean error(int position) {
    return (flags[position] & ERROR) != 0;
  }

  boolean called(int position) {
    return (flags[position] & CALLED) != 0;
  }

  void setCalled(int position) {
    flags[position] |= CALLED;
  }

  boolean done(int position) {
    return (flags[position] & DONE) != 0;
  }

  void setDone(int position) {
    flags[position] |= DONE;
  }

  String peerType(int position) {
    return (flags[position] & DATABASE) != 0 ? Edge.DATABASE : Edge.VIRTUAL_NODE;
  }

  /**
   * Makes room in a full ring: keeps the holds not done, in order, from position 0, in a ring of
   * the same capacity when they fill at most half of it, else of twice the capacity.
   *
   * @return the new position of each old position (of a hold not done)
   */
  int[] compact(int notDone) {
    int capacity = deadline.length;
    int[] newPosition = new int[capacity];
    Arrays.fill(newPosition, Slots.NONE);
    long[] oldParent = parentSpanId;
    long[] oldStart = start;
    long[] oldDuration = duration;
    long[] oldDeadline = deadline;
    String[] oldService = service;
    String[] oldPeer = peer;
    int[] oldSlot = slot;
    int[] oldNext = next;
    byte[] oldKind = kind;
    byte[] oldRelation = relation;
    byte[] oldFlags = flags;
    allocate(2 * notDone <= capacity ? capacity : 2 * capacity);
    int kept = 0;
    for (int i = 0; i < size; i++) {
      int from = (head + i) % capacity;
      if ((oldFlags[from] & DONE) != 0) {
        continue;
      }
      newPosition[from] = kept;
      parentSpanId[kept] = oldParent[from];
      start[kept] = oldStart[from];
      duration[kept] = oldDuration[from];
      deadline[kept] = oldDeadline[from];
      service[kept] = oldService[from];
      peer[kept] = oldPeer[from];
      slot[kept] = oldSlot[from];
      next[kept] = oldNext[from];
      kind[kept] = oldKind[from];
      relation[kept] = oldRelation[from];
      flags[kept] = oldFlags[from];
      kept++;
    }
    for (int position = 0; position < kept; position++) {
      if (next[position] != Slots.NONE) {
        next[position] = newPosition[next[position]];
      }
    }
    head = 0;
    size = kept;
    return newPosition;
  }

  private void allocate(int capacity) {
    parentSpanId = new long[capacity];
    start = new long[capacity];
    duration = new long[capacity];
    deadline = new long[capacity];
    service = new String[capacity];
    peer = new String[capacity];
    slot = new int[capacity];
    next = new int[capacity];
    kind = new byte[capacity];
    relation = new byte[capacity];
    flags = new byte[capacity];
  }
}
