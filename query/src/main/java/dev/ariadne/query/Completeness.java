package dev.ariadne.query;

import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.storage.DroppedSpans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How complete a trace is as stored: whether a root span (one without a parent) is present, which
 * spans are orphans (their parent was never received), which spans start before or end after their
 * parent (possible clock skew: times are shown as received, never adjusted; a span that only
 * follows from its parent, or consumes what its parent produced, may end after it), and which
 * span IDs were received more than once with identical content (a client retry). When a CLIENT
 * and a SERVER span share an ID (Zipkin's shared spans), the SERVER span is the parent of that
 * ID's children, as in storage.
 */
final class Completeness {
  /** A span outside its parent's time: by how much it starts before and ends after it. */
  record Skew(Span span, Span parent, long startsBeforeParentNanos, long endsAfterParentNanos) {}

  private final boolean rootPresent;
  private final List<Span> orphans;
  private final List<Skew> skews;
  private final List<Long> duplicateSpanIds;
  private final List<DroppedSpans> droppedSpans;
  private final Set<Long> duplicateSet;
  private final IdentityHashMap<Span, Boolean> orphanSet;
  private final IdentityHashMap<Span, Skew> skewBySpan;

  private Completeness(boolean rootPresent, List<Span> orphans, List<Skew> skews,
      List<Long> duplicateSpanIds, List<DroppedSpans> droppedSpans) {
    this.rootPresent = rootPresent;
    this.droppedSpans = List.copyOf(droppedSpans);
    this.orphans = Collections.unmodifiableList(orphans);
    this.skews = Collections.unmodifiableList(skews);
    this.duplicateSpanIds = Collections.unmodifiableList(duplicateSpanIds);
    duplicateSet = Set.copyOf(duplicateSpanIds);
    orphanSet = new IdentityHashMap<>();
    for (Span orphan : orphans) {
      orphanSet.put(orphan, Boolean.TRUE);
    }
    skewBySpan = new IdentityHashMap<>();
    for (Skew skew : skews) {
      skewBySpan.put(skew.span(), skew);
    }
  }

  /**
   * Examines every span of one trace, in the given order, and what storage did not keep of it
   * (spans past its per-trace limit).
   */
  static Completeness of(List<Span> spans, List<DroppedSpans> droppedSpans) {
    Map<Long, Span> parentById = new HashMap<>();
    Map<Long, Span> firstById = new HashMap<>();
    Set<Long> duplicates = new LinkedHashSet<>();
    boolean rootPresent = false;
    for (Span span : spans) {
      rootPresent |= span.parentSpanId() == 0;
      Span first = firstById.putIfAbsent(span.spanId(), span);
      if (first != null && first.equals(span)) {
        duplicates.add(span.spanId());
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
    return new Completeness(rootPresent, orphans, skews, List.copyOf(duplicates), droppedSpans);
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
   * No root missing, no orphan and nothing dropped by storage: every span hangs from the root.
   * Skew does not count.
   */
  boolean complete() {
    return rootPresent && orphans.isEmpty() && droppedSpans.isEmpty();
  }

  /** Spans storage did not keep, per service and span name. */
  List<DroppedSpans> droppedSpans() {
    return droppedSpans;
  }

  long droppedSpanCount() {
    return droppedSpans.stream().mapToLong(DroppedSpans::count).sum();
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

  List<Skew> skews() {
    return skews;
  }

  List<Long> duplicateSpanIds() {
    return duplicateSpanIds;
  }

  boolean isDuplicate(long spanId) {
    return duplicateSet.contains(spanId);
  }

  boolean isOrphan(Span span) {
    return orphanSet.containsKey(span);
  }

  /** The span's skew against its parent, or null when it lies within its parent's time. */
  Skew skewOf(Span span) {
    return skewBySpan.get(span);
  }
}
