package dev.ariadne.analytics;

import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The critical path of a trace: the span segments that make up the root span's latency, so that
 * shortening any of them shortens the trace, while work done in parallel with them does not.
 *
 * <p>The rule is Jaeger UI's. The path starts at the root: the span without a parent in the trace
 * (a span whose parent was never received counts as one); of several, the one that ends last. From
 * the end of a span, walking backwards, the child that finished last is on the path; the span's
 * own time between that child's end and the cursor is a segment of the span; the path continues
 * through the child from its end, then in the span before that child's start, where only children
 * that ended by then count. A child that starts before its parent or ends after it (clock skew, or
 * asynchronous work) is clipped to its parent's time, and a child entirely outside it does not
 * count: the root's latency is the trace's latency here.
 *
 * <p>FollowsFrom: a span whose parent is only followed from, not waited for, is a successor of the
 * span it follows. The decoders give such a span the followed span as {@code parentSpanId} and a
 * link marked {@link Link#followsFrom()} to it; a span with no parent in the trace and such a link
 * to a span of the trace is read the same way. A successor counts as a child of the span that
 * waits for the span it follows, its ChildOf parent, found through the whole follows-from chain:
 * when F is a child of C, G follows F and H follows G, then F, G and H are all children of C, and
 * C's time is split among them in sequence. When no ChildOf parent waits for the chain (it starts
 * at a root), a successor stays a child of the span it follows.
 *
 * <p>Hostile input: of several spans with one ID the SERVER span counts (the parent of that ID's
 * children, as in storage), else the first given; an end before the start counts as the start;
 * spans whose parents form a cycle hang from no root and are never on the path. Runs in O(n log n)
 * time for n spans, without recursion.
 */
public final class CriticalPath {
  private static final int NONE = -1;
  private static final int UNKNOWN = -2;
  private static final int VISITING = -3;

  private CriticalPath() {}

  /**
   * A stretch of one span's time on the critical path, {@code [startEpochNanos, endEpochNanos]}.
   * Consecutive segments may belong to the same span, split around a child.
   */
  public record Segment(long spanId, long startEpochNanos, long endEpochNanos) {
    public Segment {
      if (endEpochNanos < startEpochNanos) {
        throw new IllegalArgumentException("segment of span " + Long.toHexString(spanId)
            + " ends at " + endEpochNanos + ", before its start " + startEpochNanos);
      }
    }

    public long durationNanos() {
      return endEpochNanos - startEpochNanos;
    }
  }

  /**
   * The critical path of one trace's spans, given in any order: segments ordered by start, one
   * after another without gaps, from the root's start to its end; empty when there is no root or
   * it takes no time.
   */
  public static List<Segment> of(List<Span> trace) {
    Objects.requireNonNull(trace, "trace");
    Tree tree = new Tree(distinct(trace));
    int root = tree.root();
    return root == NONE ? List.of() : tree.walk(root);
  }

  /**
   * The span that the path counts for each span ID: of several spans with one ID, the SERVER span
   * if there is one, else the first given. A segment's {@code spanId} names one of these.
   */
  public static Map<Long, Span> spansById(List<Span> trace) {
    Map<Long, Span> byId = new LinkedHashMap<>();
    for (Span span : trace) {
      Span first = byId.putIfAbsent(span.spanId(), span);
      if (first != null && span.kind() == SpanKind.SERVER && first.kind() != SpanKind.SERVER) {
        byId.put(span.spanId(), span);
      }
    }
    return byId;
  }

  private static List<Span> distinct(List<Span> trace) {
    return new ArrayList<>(spansById(trace).values());
  }

  /** The spans as a tree of indices: each span's effective parent, and children by end. */
  private static final class Tree {
    private final Span[] spans;
    private final long[] start;
    private final long[] end;
    private final int[] parent;
    /** Children of span i are {@code children[firstChild[i]]} to before {@code firstChild[i + 1]}. */
    private final int[] firstChild;
    private final int[] children;

    Tree(List<Span> distinct) {
      int n = distinct.size();
      spans = distinct.toArray(new Span[0]);
      start = new long[n];
      end = new long[n];
      Map<Long, Integer> indexById = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        start[i] = spans[i].startEpochNanos();
        end[i] = Math.max(start[i], spans[i].endEpochNanos());
        indexById.put(spans[i].spanId(), i);
      }
      parent = effectiveParents(indexById);
      firstChild = new int[n + 1];
      children = new int[n];
      groupChildren();
    }

    /**
     * Each span's parent in the trace, a follows-from successor moved under the ChildOf parent of
     * its chain; {@link #NONE} for a root.
     */
    private int[] effectiveParents(Map<Long, Integer> indexById) {
      int n = spans.length;
      int[] direct = new int[n];
      boolean[] follows = new boolean[n];
      for (int i = 0; i < n; i++) {
        Span span = spans[i];
        direct[i] = span.parentSpanId() == 0
            ? NONE : indexById.getOrDefault(span.parentSpanId(), NONE);
        if (direct[i] != NONE) {
          follows[i] = followsFrom(span, span.parentSpanId());
        } else {
          for (Link link : span.links()) {
            Integer followed = indexById.get(link.spanId());
            if (link.followsFrom() && link.traceId().equals(span.traceId())
                && followed != null && followed != i) {
              direct[i] = followed;
              follows[i] = true;
              break;
            }
          }
        }
      }
      int[] anchor = chainStarts(direct, follows);
      int[] effective = new int[n];
      for (int i = 0; i < n; i++) {
        effective[i] = direct[i];
        if (follows[i]) {
          int first = anchor[direct[i]];
          if (first != NONE && direct[first] != NONE) {
            effective[i] = direct[first];
          }
        }
      }
      return effective;
    }

    private static boolean followsFrom(Span span, long parentSpanId) {
      for (Link link : span.links()) {
        if (link.followsFrom() && link.spanId() == parentSpanId
            && link.traceId().equals(span.traceId())) {
          return true;
        }
      }
      return false;
    }

    /**
     * For each span, the first span of the follows-from chain it ends: itself unless it follows
     * another; {@link #NONE} when the chain is a cycle. Each span is walked over once.
     */
    private static int[] chainStarts(int[] direct, boolean[] follows) {
      int n = direct.length;
      int[] first = new int[n];
      for (int i = 0; i < n; i++) {
        first[i] = follows[i] ? UNKNOWN : i;
      }
      int[] path = new int[n];
      for (int i = 0; i < n; i++) {
        int length = 0;
        int x = i;
        while (first[x] == UNKNOWN) {
          first[x] = VISITING;
          path[length++] = x;
          x = direct[x];
        }
        int found = first[x] == VISITING ? NONE : first[x];
        for (int j = 0; j < length; j++) {
          first[path[j]] = found;
        }
      }
      return first;
    }

    /** Fills {@link #children}: each span's children, the last to end first. */
    private void groupChildren() {
      int n = spans.length;
      Integer[] byEnd = new Integer[n];
      for (int i = 0; i < n; i++) {
        byEnd[i] = i;
      }
      Arrays.sort(byEnd, Comparator.comparingLong((Integer i) -> end[i]).reversed()
          .thenComparingLong(i -> start[i])
          .thenComparing(i -> spans[i].spanId(), Long::compareUnsigned));
      for (int i = 0; i < n; i++) {
        if (parent[i] != NONE) {
          firstChild[parent[i] + 1]++;
        }
      }
      for (int i = 0; i < n; i++) {
        firstChild[i + 1] += firstChild[i];
      }
      int[] next = Arrays.copyOf(firstChild, n);
      for (int child : byEnd) {
        if (parent[child] != NONE) {
          children[next[parent[child]]++] = child;
        }
      }
    }

    /** The span without a parent that ends last, then starts first; {@link #NONE} if none. */
    int root() {
      int root = NONE;
      for (int i = 0; i < spans.length; i++) {
        if (parent[i] == NONE && (root == NONE || end[i] > end[root]
            || (end[i] == end[root] && (start[i] < start[root] || (start[i] == start[root]
                && Long.compareUnsigned(spans[i].spanId(), spans[root].spanId()) < 0))))) {
          root = i;
        }
      }
      return root;
    }

    /**
     * Walks back from the root's end with an explicit stack of spans on the path, each with its
     * clipped time, its cursor and the next of its children to look at.
     */
    List<Segment> walk(int root) {
      int n = spans.length;
      int[] span = new int[n];
      long[] from = new long[n];
      long[] to = new long[n];
      long[] cursor = new long[n];
      int[] nextChild = new int[n];
      List<Segment> backwards = new ArrayList<>();
      int depth = 0;
      span[0] = root;
      from[0] = start[root];
      to[0] = end[root];
      cursor[0] = end[root];
      nextChild[0] = firstChild[root];
      depth++;
      while (depth > 0) {
        int top = depth - 1;
        int s = span[top];
        int child = NONE;
        while (child == NONE && nextChild[top] < firstChild[s + 1]) {
          int candidate = children[nextChild[top]++];
          boolean overlaps = start[candidate] <= to[top] && end[candidate] >= from[top];
          if (overlaps && Math.min(end[candidate], to[top]) <= cursor[top]) {
            child = candidate;
          }
        }
        if (child == NONE) {
          add(backwards, spans[s].spanId(), from[top], cursor[top]);
          depth--;
          continue;
        }
        long childFrom = Math.max(start[child], from[top]);
        long childTo = Math.min(end[child], to[top]);
        add(backwards, spans[s].spanId(), childTo, cursor[top]);
        cursor[top] = childFrom;
        span[depth] = child;
        from[depth] = childFrom;
        to[depth] = childTo;
        cursor[depth] = childTo;
        nextChild[depth] = firstChild[child];
        depth++;
      }
      Collections.reverse(backwards);
      return Collections.unmodifiableList(backwards);
    }

    /** Adds a segment before the last one added, joining it when both are of the same span. */
    private static void add(List<Segment> backwards, long spanId, long from, long to) {
      if (from == to) {
        return;
      }
      int last = backwards.size() - 1;
      if (last >= 0 && backwards.get(last).spanId() == spanId
          && backwards.get(last).startEpochNanos() == to) {
        backwards.set(last, new Segment(spanId, from, backwards.get(last).endEpochNanos()));
      } else {
        backwards.add(new Segment(spanId, from, to));
      }
    }
  }
}
