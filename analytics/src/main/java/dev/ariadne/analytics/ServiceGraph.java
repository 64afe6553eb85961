package dev.ariadne.analytics;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Finds the calls between services in spans as they are ingested, in any order and in any number
 * of batches, and hands each call to a sink as one {@link Edge}. The two spans of a call are paired
 * when both have arrived; a span that may still be paired is held for at most {@code wait}, and at
 * most {@code maxPending} halves are held in all. Rules (docs/architecture.md, "Service graph"):
 *
 * <ul>
 *   <li>A span whose parent is in another service is called by it: CLIENT → SERVER and any other
 *       pair are plain requests, PRODUCER → CONSUMER goes through a messaging system.
 *   <li>Zipkin's shared spans: a SERVER span marked {@code zipkin.shared} is called by the CLIENT
 *       span with its span ID, not by its parent, and the children of that ID belong to it.
 *   <li>A CONSUMER span is also called by each PRODUCER span it links to.
 *   <li>A CLIENT or PRODUCER span that nothing called within {@code wait} calls the peer its
 *       attributes name (a database or a virtual node), or is counted as expired.
 * </ul>
 *
 * <p>Each pair of spans makes at most one edge; a span delivered again while it is held is ignored.
 * Thread-safe: one lock, and edges reach the sink outside it.
 */
final class ServiceGraph {
  static final String ZIPKIN_SHARED = "zipkin.shared";
  static final String PEER_SERVICE = "peer.service";
  static final String SERVER_ADDRESS = "server.address";
  static final String NET_PEER_NAME = "net.peer.name";
  static final String DB_SYSTEM = "db.system";
  static final String DB_SYSTEM_NAME = "db.system.name";

  private final long waitNanos;
  private final int maxPending;
  private final LongSupplier nanoClock;
  private final Consumer<Edge> sink;

  private final Object lock = new Object();
  /** The held spans and waiting callees, by the span ID they are held under. */
  private final Map<Key, Slot> slots = new HashMap<>();
  /** Every hold in the order it was taken, hence of its deadline; resolved ones are skipped. */
  private final ArrayDeque<Hold> deadlines = new ArrayDeque<>();
  private long pending;
  private long expired;
  private long dropped;

  /**
   * @param wait how long a span waits for the other span of a call
   * @param maxPending how many halves may wait at once; beyond it a half is dropped and counted
   * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
   * @param sink receives each call found, outside the lock, from the thread that found it
   */
  ServiceGraph(Duration wait, int maxPending, LongSupplier nanoClock, Consumer<Edge> sink) {
    Objects.requireNonNull(wait, "wait");
    if (wait.isNegative() || wait.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(
          "wait: " + wait + " (expected: 0 to " + Duration.ofNanos(Long.MAX_VALUE) + ")");
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending: " + maxPending + " (expected: >= 1)");
    }
    this.waitNanos = wait.toNanos();
    this.maxPending = maxPending;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** Pairs a span with what is held, and holds it for the calls that may still come. */
  void accept(Span span) {
    if (span.spanId() == 0) {
      return;
    }
    Half half = new Half(span);
    List<Edge> edges = new ArrayList<>();
    synchronized (lock) {
      acceptLocked(half, edges);
    }
    edges.forEach(sink);
  }

  /** Lets go of the halves whose wait is over: peers called and halves never paired. */
  void expire() {
    List<Edge> edges = new ArrayList<>();
    synchronized (lock) {
      long now = nanoClock.getAsLong();
      Hold first;
      while ((first = deadlines.peekFirst()) != null && first.deadline - now <= 0) {
        release(deadlines.pollFirst(), edges);
      }
    }
    edges.forEach(sink);
  }

  /** Lets go of every half now, as if its wait were over; for closing. */
  void flush() {
    List<Edge> edges = new ArrayList<>();
    synchronized (lock) {
      Hold first;
      while ((first = deadlines.pollFirst()) != null) {
        release(first, edges);
      }
    }
    edges.forEach(sink);
  }

  /** Halves that waited in vain: no edge came of them. */
  long expired() {
    synchronized (lock) {
      return expired;
    }
  }

  /** Spans not held, or held only in part, because {@code maxPending} halves were waiting. */
  long dropped() {
    synchronized (lock) {
      return dropped;
    }
  }

  /** Halves waiting now. */
  long pending() {
    synchronized (lock) {
      return pending;
    }
  }

  private void acceptLocked(Half half, List<Edge> edges) {
    boolean full = false;
    Slot own = slots.get(half.key);
    Half there = own == null ? null : own.place(half);
    if (there != null && there.sameSpan(half)) {
      return;
    }
    if (there == null) {
      if (hasRoom()) {
        own = slots.computeIfAbsent(half.key, Slot::new);
        own.put(half);
        hold(new Hold(own, half, null));
        resolveWaiting(own, edges);
      } else {
        full = true;
      }
    }
    if (half.shared) {
      full |= !callee(half, Relation.SHARED, half.key, edges);
    }
    Key parentKey = half.parentKey();
    if (parentKey != null) {
      full |= !callee(half, Relation.PARENT, parentKey, edges);
    }
    for (Key producer : half.producerKeys) {
      full |= !callee(half, Relation.LINK, producer, edges);
    }
    if (full) {
      dropped++;
    }
  }

  /** Pairs a callee with its caller, or makes it wait; false when there is no room to wait. */
  private boolean callee(Half half, Relation relation, Key callerKey, List<Edge> edges) {
    Slot slot = slots.get(callerKey);
    if (slot != null && resolve(half, relation, slot, edges) == Outcome.DONE) {
      return true;
    }
    if (!hasRoom()) {
      return false;
    }
    slot = slots.computeIfAbsent(callerKey, Slot::new);
    Hold waiter = new Hold(slot, half, relation);
    slot.waiting().addLast(waiter);
    hold(waiter);
    return true;
  }

  /** Tries the callees waiting under a slot again, now that a span is held there. */
  private void resolveWaiting(Slot slot, List<Edge> edges) {
    if (!slot.hasWaiting()) {
      return;
    }
    ArrayDeque<Hold> left = new ArrayDeque<>();
    for (Hold waiter : slot.waiting) {
      if (resolve(waiter.half, waiter.relation, slot, edges) == Outcome.DONE) {
        waiter.done = true;
        pending--;
      } else {
        left.addLast(waiter);
      }
    }
    slot.waiting = left.isEmpty() ? null : left;
  }

  private Outcome resolve(Half callee, Relation relation, Slot slot, List<Edge> edges) {
    Half caller;
    switch (relation) {
      case SHARED -> {
        caller = slot.callerSide;
        if (caller == null || caller.kind != SpanKind.CLIENT) {
          return Outcome.WAIT;
        }
        return call(caller, callee, Edge.REQUEST, edges);
      }
      case LINK -> {
        caller = slot.callerSide;
        if (caller == null || caller.kind != SpanKind.PRODUCER) {
          return Outcome.WAIT;
        }
        return call(caller, callee, Edge.MESSAGING_SYSTEM, edges);
      }
      default -> {
        caller = slot.parent();
        if (caller == null) {
          return Outcome.WAIT;
        }
        if (caller.kind == SpanKind.CLIENT && callee.kind != SpanKind.SERVER) {
          // Zipkin's shared SERVER span may still come and take over this child.
          return caller.service.equals(callee.service) ? Outcome.DONE : Outcome.TENTATIVE;
        }
        boolean messaging = caller.kind == SpanKind.PRODUCER && callee.kind == SpanKind.CONSUMER;
        return call(caller, callee, messaging ? Edge.MESSAGING_SYSTEM : Edge.REQUEST, edges);
      }
    }
  }

  private static Outcome call(Half caller, Half callee, String connectionType, List<Edge> edges) {
    caller.called = true;
    if (!caller.service.equals(callee.service)) {
      boolean failed = callee.error || (caller.isCallerSide() && caller.error);
      edges.add(new Edge(
          caller.service, callee.service, connectionType, caller.key.traceId(), caller.start,
          caller.duration, callee.duration, failed));
    }
    return Outcome.DONE;
  }

  private void release(Hold hold, List<Edge> edges) {
    if (hold.done) {
      return;
    }
    hold.done = true;
    pending--;
    Slot slot = hold.slot;
    if (hold.relation == null) {
      releaseSpan(slot, hold.half, edges);
    } else {
      ArrayDeque<Hold> waiting = slot.waiting();
      if (waiting.peekFirst() == hold) {
        waiting.pollFirst();
      } else {
        waiting.remove(hold);
      }
      switch (resolve(hold.half, hold.relation, slot, edges)) {
        case TENTATIVE -> call(slot.parent(), hold.half, Edge.REQUEST, edges);
        case WAIT -> expired++;
        case DONE -> {}
      }
    }
    if (slot.isEmpty()) {
      slots.remove(slot.key);
    }
  }

  private void releaseSpan(Slot slot, Half half, List<Edge> edges) {
    if (slot.callerSide != half) {
      slot.other = null;
      return;
    }
    if (slot.other == null && half.kind == SpanKind.CLIENT && slot.hasWaiting()) {
      // No shared SERVER span came: the CLIENT span's children in other services are its callees.
      ArrayDeque<Hold> left = new ArrayDeque<>();
      for (Hold waiter : slot.waiting) {
        if (resolve(waiter.half, waiter.relation, slot, edges) == Outcome.TENTATIVE) {
          call(half, waiter.half, Edge.REQUEST, edges);
          waiter.done = true;
          pending--;
        } else {
          left.addLast(waiter);
        }
      }
      slot.waiting = left.isEmpty() ? null : left;
    }
    slot.callerSide = null;
    if (half.called) {
      return;
    }
    if (half.peer != null && !half.peer.equals(half.service)) {
      edges.add(new Edge(
          half.service, half.peer, half.peerType, half.key.traceId(), half.start, half.duration,
          Edge.NOT_SEEN, half.error));
    } else {
      expired++;
    }
  }

  private boolean hasRoom() {
    return pending < maxPending;
  }

  private void hold(Hold hold) {
    hold.deadline = nanoClock.getAsLong() + waitNanos;
    pending++;
    deadlines.addLast(hold);
    // Resolved holds stay in the queue until their deadline; drop them before they outnumber the
    // live ones, so the queue stays within about twice maxPending.
    if (deadlines.size() > 2L * maxPending + 16) {
      deadlines.removeIf(h -> h.done);
    }
  }

  /** How a callee relates to the span it waits for. */
  private enum Relation {
    /** The caller's span ID is the callee's parent span ID. */
    PARENT,
    /** Zipkin: the caller is the CLIENT span with the SERVER callee's own span ID. */
    SHARED,
    /** The callee is a CONSUMER span with a link to the PRODUCER caller. */
    LINK
  }

  private enum Outcome {
    /** Paired (an edge when the services differ), or nothing to pair. */
    DONE,
    /** Under a CLIENT span for now: paired with it when its wait ends, unless a shared span comes. */
    TENTATIVE,
    /** The caller has not come. */
    WAIT
  }

  /** A span ID in a trace. */
  private record Key(long traceHigh, long traceLow, long spanId) {
    Key(TraceId traceId, long spanId) {
      this(traceId.high(), traceId.low(), spanId);
    }

    TraceId traceId() {
      return new TraceId(traceHigh, traceLow);
    }
  }

  /** What a span ID holds: up to two spans (Zipkin's shared span IDs), and callees waiting. */
  private static final class Slot {
    final Key key;
    /** The CLIENT or PRODUCER span with this ID. */
    Half callerSide;
    /** A span of any other kind with this ID. */
    Half other;
    /** The callees waiting for this ID's span, in the order they came; null until one waits. */
    ArrayDeque<Hold> waiting;

    Slot(Key key) {
      this.key = key;
    }

    boolean hasWaiting() {
      return waiting != null && !waiting.isEmpty();
    }

    ArrayDeque<Hold> waiting() {
      if (waiting == null) {
        waiting = new ArrayDeque<>(4);
      }
      return waiting;
    }

    /** The span already at the place {@code half} would take, if any. */
    Half place(Half half) {
      return half.isCallerSide() ? callerSide : other;
    }

    void put(Half half) {
      if (half.isCallerSide()) {
        callerSide = half;
      } else {
        other = half;
      }
    }

    /** The parent of this ID's children: a shared SERVER span rather than its CLIENT span. */
    Half parent() {
      return other != null ? other : callerSide;
    }

    boolean isEmpty() {
      return callerSide == null && other == null && !hasWaiting();
    }
  }

  /** A span held, or a callee waiting for one relation, until its deadline. */
  private static final class Hold {
    final Slot slot;
    final Half half;
    /** Null for a span held under its own ID. */
    final Relation relation;
    long deadline;
    boolean done;

    Hold(Slot slot, Half half, Relation relation) {
      this.slot = slot;
      this.half = half;
      this.relation = relation;
    }
  }

  /**
   * What the service graph keeps of a span: its part in calls, not its content. Held for the pair
   * wait, so it keeps no more than it needs (each byte of it lives through young collections).
   */
  private static final class Half {
    final Key key;
    final long parentSpanId;
    final String service;
    final SpanKind kind;
    final long start;
    final long duration;
    final boolean error;
    final boolean shared;
    /** The PRODUCER spans a CONSUMER span links to, apart from its parent. */
    final Set<Key> producerKeys;
    /** The peer a CLIENT or PRODUCER span names, or null. */
    final String peer;
    final String peerType;
    /** A CLIENT or PRODUCER span that met the other side of its call. */
    boolean called;

    Half(Span span) {
      key = new Key(span.traceId(), span.spanId());
      parentSpanId = span.parentSpanId();
      service = span.serviceName().isBlank() ? Resource.UNKNOWN_SERVICE : span.serviceName();
      kind = span.kind();
      start = span.startEpochNanos();
      duration = Math.max(0, span.durationNanos());
      error = span.statusCode() == StatusCode.ERROR;
      shared = kind == SpanKind.SERVER && isTrue(span.attributes(), ZIPKIN_SHARED);
      producerKeys = kind == SpanKind.CONSUMER ? producerKeys(span.links()) : Set.of();
      if (isCallerSide()) {
        String peerService = string(span.attributes(), PEER_SERVICE);
        String address = string(span.attributes(), SERVER_ADDRESS);
        String name = address != null ? address : string(span.attributes(), NET_PEER_NAME);
        String dbSystem = string(span.attributes(), DB_SYSTEM);
        dbSystem = dbSystem != null ? dbSystem : string(span.attributes(), DB_SYSTEM_NAME);
        String named = peerService != null ? peerService : name;
        peer = dbSystem != null && named == null ? dbSystem : named;
        peerType = dbSystem != null ? Edge.DATABASE : Edge.VIRTUAL_NODE;
      } else {
        peer = null;
        peerType = null;
      }
    }

    /** The parent's key, or null for a root, a self-parent and a shared SERVER span. */
    Key parentKey() {
      return shared || parentSpanId == 0 || parentSpanId == key.spanId()
          ? null
          : new Key(key.traceHigh(), key.traceLow(), parentSpanId);
    }

    boolean isCallerSide() {
      return kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER;
    }

    /** True for the same span delivered again (the key is compared by the caller). */
    boolean sameSpan(Half other) {
      return kind == other.kind && parentSpanId == other.parentSpanId && start == other.start
          && duration == other.duration && service.equals(other.service);
    }

    private Set<Key> producerKeys(List<Link> links) {
      Set<Key> keys = new LinkedHashSet<>();
      Key parentKey = parentKey();
      for (Link link : links) {
        Key linked = new Key(link.traceId(), link.spanId());
        if (link.spanId() != 0 && !linked.equals(key) && !linked.equals(parentKey)) {
          keys.add(linked);
        }
      }
      return keys;
    }

    private static boolean isTrue(List<Attribute> attributes, String key) {
      for (Attribute attribute : attributes) {
        if (attribute.key().equals(key) && attribute.value() instanceof Value.Bool b) {
          return b.value();
        }
      }
      return false;
    }

    /** The first non-blank string value of {@code key}, or null. */
    private static String string(List<Attribute> attributes, String key) {
      for (Attribute attribute : attributes) {
        if (attribute.key().equals(key)
            && attribute.value() instanceof Value.Str s
            && !s.value().isBlank()) {
          return s.value();
        }
      }
      return null;
    }
  }
}
