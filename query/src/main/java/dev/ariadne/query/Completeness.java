package dev.ariadne.query;

import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.storage.DroppedSpans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How complete a trace is as stored: whether a root span (one without a parent) is present, which
 * spans are orphans (their parent was never received), which spans' parents form a cycle (a span
 * its own parent, or two naming each other: they hang from no root), which spans start before or
 * end after their parent (possible clock skew: times are shown as received, never adjusted; a span
 * that only follows from its parent, or consumes what its parent produced, may end after it),
 * which span IDs were received more than once with identical content (a client retry), and which
 * were given to different spans. When a CLIENT and a SERVER span share an ID (Zipkin's shared
 * spans), the SERVER span is the parent of that ID's children, as in storage; of other spans
 * sharing an ID, the first in the given order is. It also carries what storage did not keep of
 * the trace, or kept but could not read.
 */
final class Completeness {
  private static final byte UNSEEN = 0;
  private static final byte ON_PATH = 1;
  private static final byte DONE = 2;
  /** A span outside its parent's time: by how much it starts before and ends after it. */
  record Skew(Span span, Span parent, long startsBeforeParentNanos, long endsAfterParentNanos) {}

  private final boolean rootPresent;
  private final List<Span> orphans;
  private final List<Span> cyclic;
  private final List<Skew> skews;
  private final List<Long> duplicateSpanIds;
  private final List<Long> collidingSpanIds;
  private final List<DroppedSpans> droppedSpans;
  private final int unreadableSpans;
  private final Set<Long> duplicateSet;
  private final Set<Long> collidingSet;
  private final IdentityHashMap<Span, Boolean> orphanSet;
  private final IdentityHashMap<Span, Boolean> cyclicSet;
  private final IdentityHashMap<Span, Skew> skewBySpan;

  private Completeness(boolean rootPresent, List<Span> orphans, List<Span> cyclic,
      List<Skew> skews, List<Long> duplicateSpanIds, List<Long> collidingSpanIds,
      List<DroppedSpans> droppedSpans, int unreadableSpans) {
    this.rootPresent = rootPresent;
    this.droppedSpans = List.copyOf(droppedSpans);
    this.unreadableSpans = unreadableSpans;
    this.orphans = Collections.unmodifiableList(orphans);
    this.cyclic = Collections.unmodifiableList(cyclic);
    this.skews = Collections.unmodifiableList(skews);
    this.duplicateSpanIds = Collections.unmodifiableList(duplicateSpanIds);
    this.collidingSpanIds = Collections.unmodifiableList(collidingSpanIds);
    duplicateSet = Set.copyOf(duplicateSpanIds);
    collidingSet = Set.copyOf(collidingSpanIds);
    orphanSet = identitySet(orphans);
    cyclicSet = identitySet(cyclic);
    skewBySpan = new IdentityHashMap<>();
    for (Skew skew : skews) {
      skewBySpan.put(skew.span(), skew);
    }
  }

  private static IdentityHashMap<Span, Boolean> identitySet(List<Span> spans) {
    IdentityHashMap<Span, Boolean> set = new IdentityHashMap<>();
    for (Span span : spans) {
      set.put(span, Boolean.TRUE);
    }
    return set;
  }

  /**
   * Examines every span of one trace, in the given order, what storage did not keep of it (spans
   * past its per-trace limit) and how many of its spans storage kept but could not read.
   */
  static Completeness of(List<Span> spans, List<DroppedSpans> droppedSpans, int unreadableSpans) {
    Map<Long, Span> parentById = new HashMap<>();
    Map<Long, Span> firstById = new HashMap<>();
    // Only IDs received more than once are compared by content: hashing every span would cost a
    // walk of its attributes and events on each lookup of a large trace.
    Map<Long, List<Span>> distinctById = new LinkedHashMap<>();
    Set<Long> duplicates = new LinkedHashSet<>();
    boolean rootPresent = false;
    for (Span span : spans) {
      rootPresent |= span.parentSpanId() == 0;
      Span first = firstById.putIfAbsent(span.spanId(), span);
      if (first != null) {
        List<Span> distinct = distinctById.computeIfAbsent(span.spanId(), id -> newList(first));
        if (distinct.contains(span)) {
          duplicates.add(span.spanId());
        } else {
          distinct.add(span);
        }
      }
      Span parent = parentById.get(span.spanId());
      if (parent == null || (span.kind() == SpanKind.SERVER && parent.kind() != SpanKind.SERVER)) {
        parentById.put(span.spanId(), span);
      }
    }
    List<Span> orphans = new ArrayList<>();
    List<Skew> skews = new ArrayList<>();
    for (Span span : spans) {
      if (span.parentSpanId() == 0) {
        continue;
      }
      Span parent = parentById.get(span.parentSpanId());
      if (parent == null) {
        orphans.add(span);
        continue;
      }
      long before = parent.startEpochNanos() - span.startEpochNanos();
      long after = outlivesByDesign(span, parent)
          ? 0
          : span.endEpochNanos() - parent.endEpochNanos();
      if (before > 0 || after > 0) {
        skews.add(new Skew(span, parent, Math.max(0, before), Math.max(0, after)));
      }
    }
    List<Long> colliding = new ArrayList<>();
    distinctById.forEach((id, distinct) -> {
      if (collide(distinct)) {
        colliding.add(id);
      }
    });
    return new Completeness(rootPresent, orphans, cyclic(spans, parentById), skews,
        List.copyOf(duplicates), colliding, droppedSpans, unreadableSpans);
  }

  private static List<Span> newList(Span first) {
    List<Span> list = new ArrayList<>();
    list.add(first);
    return list;
  }

  /** More than one span under one ID, unless they are the CLIENT and SERVER halves of a shared span. */
  private static boolean collide(List<Span> distinct) {
    return distinct.size() > 2 || (distinct.size() == 2
        && !(distinct.get(0).kind() == SpanKind.CLIENT && distinct.get(1).kind() == SpanKind.SERVER)
        && !(distinct.get(0).kind() == SpanKind.SERVER && distinct.get(1).kind() == SpanKind.CLIENT));
  }

  /**
   * The spans that are their own ancestors, in the given order: a span whose parent is itself,
   * and the spans of a longer loop of parents. Each span is walked over once, without recursion.
   */
  private static List<Span> cyclic(List<Span> spans, Map<Long, Span> parentById) {
    IdentityHashMap<Span, Integer> index = new IdentityHashMap<>();
    for (Span span : spans) {
      index.putIfAbsent(span, index.size());
    }
    int n = index.size();
    int[] parent = new int[n];
    index.forEach((span, i) -> {
      Span p = span.parentSpanId() == 0 ? null : parentById.get(span.parentSpanId());
      parent[i] = p == null ? -1 : index.get(p);
    });
    byte[] state = new byte[n];
    boolean[] inCycle = new boolean[n];
    int[] path = new int[n];
    for (int i = 0; i < n; i++) {
      int length = 0;
      int x = i;
      while (x != -1 && state[x] == UNSEEN) {
        state[x] = ON_PATH;
        path[length++] = x;
        x = parent[x];
      }
      if (x != -1 && state[x] == ON_PATH) {
        for (int j = length - 1; path[j] != x; j--) {
          inCycle[path[j]] = true;
        }
        inCycle[x] = true;
      }
      for (int j = 0; j < length; j++) {
        state[path[j]] = DONE;
      }
    }
    List<Span> cyclic = new ArrayList<>();
    for (Span span : spans) {
      if (inCycle[index.get(span)]) {
        cyclic.add(span);
      }
    }
    return cyclic;
  }

  /**
   * Whether {@code span} may end after its parent without a clock being off: its parent does not
   * wait for it when it only follows from the parent (a follows-from link to it), or when it
   * consumes the message its parent produced.
   */
  private static boolean outlivesByDesign(Span span, Span parent) {
    return (span.kind() == SpanKind.CONSUMER && parent.kind() == SpanKind.PRODUCER)
        || followsFromLinkToParent(span) >= 0;
  }

  /**
   * The index of the span's first follows-from link to its own parent, or -1: such a span only
   * follows from its parent (the seed's FollowsFrom alone), which does not wait for it.
   */
  static int followsFromLinkToParent(Span span) {
    if (span.parentSpanId() == 0) return -1;
    List<Link> links = span.links();
    for (int i = 0; i < links.size(); i++) {
      Link link = links.get(i);
      if (link.followsFrom()
          && link.spanId() == span.parentSpanId()
          && link.traceId().equals(span.traceId())) {
        return i;
      }
    }
    return -1;
  }

  boolean rootPresent() {
    return rootPresent;
  }

  /**
   * No root missing, no orphan, no cycle of parents, nothing dropped by storage and nothing it
   * could not read: every span hangs from the root. Skew, duplicates and colliding IDs do not
   * count.
   */
  boolean complete() {
    return rootPresent && orphans.isEmpty() && cyclic.isEmpty() && droppedSpans.isEmpty()
        && unreadableSpans == 0;
  }

  /** Spans storage did not keep, per service and span name. */
  List<DroppedSpans> droppedSpans() {
    return droppedSpans;
  }

  long droppedSpanCount() {
    return droppedSpans.stream().mapToLong(DroppedSpans::count).sum();
  }

  /** Spans storage kept but could not read: they were on a part of it found damaged. */
  int unreadableSpans() {
    return unreadableSpans;
  }

  /**
   * The IDs of the orphans, each once: the two halves of a shared span (client and server under
   * one ID, as Zipkin sends them) are one orphan when their parent is missing.
   */
  List<Long> orphanSpanIds() {
    Set<Long> ids = new LinkedHashSet<>();
    for (Span orphan : orphans) {
      ids.add(orphan.spanId());
    }
    return List.copyOf(ids);
  }

  /** The IDs of the spans whose parents form a cycle, each once. */
  List<Long> cyclicSpanIds() {
    Set<Long> ids = new LinkedHashSet<>();
    for (Span span : cyclic) {
      ids.add(span.spanId());
    }
    return List.copyOf(ids);
  }

  boolean isCyclic(Span span) {
    return cyclicSet.containsKey(span);
  }

  List<Skew> skews() {
    return skews;
  }

  List<Long> duplicateSpanIds() {
    return duplicateSpanIds;
  }

  boolean isDuplicate(long spanId) {
    return duplicateSet.contains(spanId);
  }

  /**
   * The span IDs given to different spans (other than a shared span's CLIENT and SERVER halves):
   * a client's ID generator at fault, or spans made up by hand.
   */
  List<Long> collidingSpanIds() {
    return collidingSpanIds;
  }

  boolean isColliding(long spanId) {
    return collidingSet.contains(spanId);
  }

  boolean isOrphan(Span span) {
    return orphanSet.containsKey(span);
  }

  /** The span's skew against its parent, or null when it lies within its parent's time. */
  Skew skewOf(Span span) {
    return skewBySpan.get(span);
  }
}
