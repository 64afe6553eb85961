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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
 * What is held is kept in flat arrays ({@link Slots}, {@link Holds}), not as objects per span.
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
  private final Slots slots = new Slots();
  /** Every hold in the order it was taken, hence of its deadline. */
  private final Holds holds = new Holds();
  private long pending;
  private long expired;
  private long dropped;
  /** The spans counted in {@link #dropped}, with the starts of the first and last. */
  private final Untracked.Spans droppedSpans = new Untracked.Spans();

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
      while (!holds.isEmpty() && holds.deadline[holds.first()] - now <= 0) {
        release(holds.removeFirst(), edges);
      }
    }
    edges.forEach(sink);
  }

  /** Lets go of every half now, as if its wait were over; for closing. */
  void flush() {
    List<Edge> edges = new ArrayList<>();
    synchronized (lock) {
      while (!holds.isEmpty()) {
        release(holds.removeFirst(), edges);
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

  /** The spans counted in {@link #dropped}: how many, and the starts of the first and last. */
  Untracked.Spans droppedSpans() {
    return droppedSpans;
  }

  /** Halves waiting now. */
  long pending() {
    synchronized (lock) {
      return pending;
    }
  }

  private void acceptLocked(Half half, List<Edge> edges) {
    boolean full = false;
    int own = slots.find(half.traceHigh, half.traceLow, half.spanId);
    int there = own == Slots.NONE ? Slots.NONE
        : half.isCallerSide() ? slots.callerSide[own] : slots.other[own];
    if (there != Slots.NONE && sameSpan(there, half)) {
      return;
    }
    if (there == Slots.NONE) {
      if (hasRoom()) {
        if (own == Slots.NONE) {
          own = slots.add(half.traceHigh, half.traceLow, half.spanId);
        }
        int position = hold(own, half, Holds.OWN);
        if (half.isCallerSide()) {
          slots.callerSide[own] = position;
        } else {
          slots.other[own] = position;
        }
        resolveWaiting(own, edges);
      } else {
        full = true;
      }
    }
    if (half.shared) {
      full |= !callee(half, Holds.SHARED, half.traceHigh, half.traceLow, half.spanId, edges);
    }
    if (half.hasParent()) {
      full |= !callee(half, Holds.PARENT, half.traceHigh, half.traceLow, half.parentSpanId, edges);
    }
    long[] producers = half.producers;
    for (int i = 0; i < producers.length; i += 3) {
      full |= !callee(half, Holds.LINK, producers[i], producers[i + 1], producers[i + 2], edges);
    }
    if (full) {
      dropped++;
      droppedSpans.add(Math.floorDiv(half.start, 1_000_000L));
    }
  }

  /** True for the same span delivered again (the span ID is compared by the caller). */
  private boolean sameSpan(int position, Half half) {
    return holds.kind(position) == half.kind && holds.parentSpanId[position] == half.parentSpanId
        && holds.start[position] == half.start && holds.duration[position] == half.duration
        && holds.service[position].equals(half.service);
  }

  /** Pairs a callee with its caller, or makes it wait; false when there is no room to wait. */
  private boolean callee(Half half, byte relation, long high, long low, long id, List<Edge> edges) {
    int slot = slots.find(high, low, id);
    if (slot != Slots.NONE
        && resolve(half.kind, half.service, half.duration, half.error, relation, slot, edges)
            == Outcome.DONE) {
      return true;
    }
    if (!hasRoom()) {
      return false;
    }
    if (slot == Slots.NONE) {
      slot = slots.add(high, low, id);
    }
    int waiter = hold(slot, half, relation);
    if (slots.waitTail[slot] == Slots.NONE) {
      slots.waitHead[slot] = waiter;
    } else {
      holds.next[slots.waitTail[slot]] = waiter;
    }
    slots.waitTail[slot] = waiter;
    return true;
  }

  /** Tries the callees waiting under a slot again, now that a span is held there. */
  private void resolveWaiting(int slot, List<Edge> edges) {
    int previous = Slots.NONE;
    for (int waiter = slots.waitHead[slot]; waiter != Slots.NONE; waiter = holds.next[waiter]) {
      if (resolve(waiter, slot, edges) == Outcome.DONE) {
        holds.setDone(waiter);
        pending--;
        unlink(slot, previous, waiter);
      } else {
        previous = waiter;
      }
    }
  }

  /** Takes a waiter out of its slot's list, given the waiter before it (or none). */
  private void unlink(int slot, int previous, int waiter) {
    int next = holds.next[waiter];
    if (previous == Slots.NONE) {
      slots.waitHead[slot] = next;
    } else {
      holds.next[previous] = next;
    }
    if (slots.waitTail[slot] == waiter) {
      slots.waitTail[slot] = previous;
    }
  }

  private Outcome resolve(int waiter, int slot, List<Edge> edges) {
    return resolve(holds.kind(waiter), holds.service[waiter], holds.duration[waiter],
        holds.error(waiter), holds.relation[waiter], slot, edges);
  }

  private Outcome resolve(SpanKind calleeKind, String calleeService, long calleeDuration,
      boolean calleeError, byte relation, int slot, List<Edge> edges) {
    int caller;
    switch (relation) {
      case Holds.SHARED -> {
        caller = slots.callerSide[slot];
        if (caller == Slots.NONE || holds.kind(caller) != SpanKind.CLIENT) {
          return Outcome.WAIT;
        }
        return call(caller, slot, calleeService, calleeDuration, calleeError, Edge.REQUEST, edges);
      }
      case Holds.LINK -> {
        caller = slots.callerSide[slot];
        if (caller == Slots.NONE || holds.kind(caller) != SpanKind.PRODUCER) {
          return Outcome.WAIT;
        }
        return call(caller, slot, calleeService, calleeDuration, calleeError,
            Edge.MESSAGING_SYSTEM, edges);
      }
      default -> {
        caller = slots.parent(slot);
        if (caller == Slots.NONE) {
          return Outcome.WAIT;
        }
        SpanKind callerKind = holds.kind(caller);
        if (callerKind == SpanKind.CLIENT && calleeKind != SpanKind.SERVER) {
          // Zipkin's shared SERVER span may still come and take over this child.
          return holds.service[caller].equals(calleeService) ? Outcome.DONE : Outcome.TENTATIVE;
        }
        boolean messaging = callerKind == SpanKind.PRODUCER && calleeKind == SpanKind.CONSUMER;
        return call(caller, slot, calleeService, calleeDuration, calleeError,
            messaging ? Edge.MESSAGING_SYSTEM : Edge.REQUEST, edges);
      }
    }
  }

  /** A call from the span held at {@code caller} under {@code slot}: an edge if services differ. */
  private Outcome call(int caller, int slot, String calleeService, long calleeDuration,
      boolean calleeError, String connectionType, List<Edge> edges) {
    holds.setCalled(caller);
    String callerService = holds.service[caller];
    if (!callerService.equals(calleeService)) {
      boolean failed =
          calleeError || (isCallerSide(holds.kind(caller)) && holds.error(caller));
      edges.add(new Edge(
          callerService, calleeService, connectionType, traceId(slot), holds.start[caller],
          holds.duration[caller], calleeDuration, failed));
    }
    return Outcome.DONE;
  }

  private TraceId traceId(int slot) {
    return new TraceId(slots.traceHigh(slot), slots.traceLow(slot));
  }

  /** Ends a hold taken out of the ring at its deadline. */
  private void release(int hold, List<Edge> edges) {
    if (!holds.done(hold)) {
      holds.setDone(hold);
      pending--;
      int slot = holds.slot[hold];
      if (holds.relation[hold] == Holds.OWN) {
        releaseSpan(slot, hold, edges);
      } else {
        // Holds are released in the order they were taken, so a waiter is nearly always first.
        int previous = Slots.NONE;
        for (int at = slots.waitHead[slot]; at != hold; at = holds.next[at]) {
          previous = at;
        }
        unlink(slot, previous, hold);
        switch (resolve(hold, slot, edges)) {
          case TENTATIVE -> call(slots.parent(slot), slot, holds.service[hold],
              holds.duration[hold], holds.error(hold), Edge.REQUEST, edges);
          case WAIT -> expired++;
          case DONE -> {}
        }
      }
      if (slots.isEmpty(slot)) {
        slots.remove(slot);
      }
    }
    holds.clear(hold);
  }

  private void releaseSpan(int slot, int span, List<Edge> edges) {
    if (slots.callerSide[slot] != span) {
      slots.other[slot] = Slots.NONE;
      return;
    }
    if (slots.other[slot] == Slots.NONE && holds.kind(span) == SpanKind.CLIENT) {
      // No shared SERVER span came: the CLIENT span's children in other services are its callees.
      int previous = Slots.NONE;
      for (int waiter = slots.waitHead[slot]; waiter != Slots.NONE; waiter = holds.next[waiter]) {
        if (resolve(waiter, slot, edges) == Outcome.TENTATIVE) {
          call(span, slot, holds.service[waiter], holds.duration[waiter], holds.error(waiter),
              Edge.REQUEST, edges);
          holds.setDone(waiter);
          pending--;
          unlink(slot, previous, waiter);
        } else {
          previous = waiter;
        }
      }
    }
    slots.callerSide[slot] = Slots.NONE;
    if (holds.called(span)) {
      return;
    }
    String service = holds.service[span];
    String peer = holds.peer[span];
    if (peer != null && !peer.equals(service)) {
      edges.add(new Edge(service, peer, holds.peerType(span), traceId(slot), holds.start[span],
          holds.duration[span], Edge.NOT_SEEN, holds.error(span)));
    } else {
      expired++;
    }
  }

  /** True for the kinds that call out: CLIENT and PRODUCER. */
  static boolean isCallerSide(SpanKind kind) {
    return kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER;
  }

  private boolean hasRoom() {
    return pending < maxPending;
  }

  private int hold(int slot, Half half, byte relation) {
    if (holds.isFull()) {
      slots.remap(holds.compact(Math.toIntExact(pending)));
    }
    pending++;
    return holds.add(half, slot, relation, nanoClock.getAsLong() + waitNanos);
  }

  private enum Outcome {
    /** Paired (an edge when the services differ), or nothing to pair. */
    DONE,
    /** Under a CLIENT span for now: paired with it when its wait ends, unless a shared span comes. */
    TENTATIVE,
    /** The caller has not come. */
    WAIT
  }

  /** What the service graph needs of a span: its part in calls, not its content. */
  static final class Half {
    private static final long[] NO_PRODUCERS = {};

    final long traceHigh;
    final long traceLow;
    final long spanId;
    final long parentSpanId;
    final String service;
    final SpanKind kind;
    final long start;
    final long duration;
    final boolean error;
    final boolean shared;
    /**
     * The PRODUCER spans a CONSUMER span links to, apart from its parent and itself: trace ID
     * high, low and span ID of each, without repeats.
     */
    final long[] producers;
    /** The peer a CLIENT or PRODUCER span names, or null. */
    final String peer;
    final String peerType;

    Half(Span span) {
      traceHigh = span.traceId().high();
      traceLow = span.traceId().low();
      spanId = span.spanId();
      parentSpanId = span.parentSpanId();
      service = span.serviceName().isBlank() ? Resource.UNKNOWN_SERVICE : span.serviceName();
      kind = span.kind();
      start = span.startEpochNanos();
      duration = Math.max(0, span.durationNanos());
      error = span.statusCode() == StatusCode.ERROR;
      shared = kind == SpanKind.SERVER && isTrue(span.attributes(), ZIPKIN_SHARED);
      producers = kind == SpanKind.CONSUMER ? producers(span.links()) : NO_PRODUCERS;
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

    /** False for a root, a self-parent and a shared SERVER span. */
    boolean hasParent() {
      return !shared && parentSpanId != 0 && parentSpanId != spanId;
    }

    boolean isCallerSide() {
      return ServiceGraph.isCallerSide(kind);
    }

    private boolean sameTrace(Link link) {
      return link.traceId().high() == traceHigh && link.traceId().low() == traceLow;
    }

    private long[] producers(List<Link> links) {
      long[] keys = new long[3 * links.size()];
      int count = 0;
      for (Link link : links) {
        long id = link.spanId();
        boolean ownOrParent = sameTrace(link) && (id == spanId || (hasParent() && id == parentSpanId));
        if (id != 0 && !ownOrParent && !contains(keys, count, link)) {
          keys[count++] = link.traceId().high();
          keys[count++] = link.traceId().low();
          keys[count++] = id;
        }
      }
      return count == keys.length ? keys : Arrays.copyOf(keys, count);
    }

    private static boolean contains(long[] keys, int count, Link link) {
      for (int i = 0; i < count; i += 3) {
        if (keys[i] == link.traceId().high() && keys[i + 1] == link.traceId().low()
            && keys[i + 2] == link.spanId()) {
          return true;
        }
      }
      return false;
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
