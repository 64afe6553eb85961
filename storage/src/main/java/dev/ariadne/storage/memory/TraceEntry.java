package dev.ariadne.storage.memory;

import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.TraceSummary.ServiceSpans;
import dev.ariadne.storage.internal.SpanCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The spans of one trace, in their byte form: one {@link SpanCodec} call (a group) per write that
 * held spans of the trace, in arrival order, each with its {@link SearchFilter}. Beside them, the
 * figures a summary and a search need, kept up to date as spans arrive, so that neither decodes a
 * trace to rule it out or to sum it up.
 * Guarded by {@link MemoryStorage}'s lock, except what {@link #held()} returns.
 */
final class TraceEntry {
  final TraceId traceId;
  /** This trace's place in arrival order, from 1: the {@link ServiceIndex} keeps entries by it. */
  final long arrival;
  /** Slots are only ever appended to, and the array replaced when it grows. */
  private byte[][] groups = new byte[1][];
  private long[][] filters = new long[1][];
  private int groupCount;
  int spanCount;
  long minStart = Long.MAX_VALUE;
  long maxStart = Long.MIN_VALUE;
  private long maxEnd = Long.MIN_VALUE;
  long minDuration = Long.MAX_VALUE;
  long maxDuration = Long.MIN_VALUE;
  private int errorCount;
  /** The root span with the earliest start, if one arrived: its start, service and name. */
  private long rootStart;
  private String rootService;
  private String rootName;
  private final Map<String, Integer> spansByService = new TreeMap<>();

  TraceEntry(TraceId traceId, long arrival) {
    this.traceId = traceId;
    this.arrival = arrival;
  }

  /**
   * Adds {@code spans}, all of this trace, whose byte form is {@code group} and search filter
   * {@code filter}.
   */
  void add(byte[] group, long[] filter, List<Span> spans) {
    if (groupCount == groups.length) {
      groups = Arrays.copyOf(groups, groupCount * 2);
      filters = Arrays.copyOf(filters, groupCount * 2);
    }
    groups[groupCount] = group;
    filters[groupCount++] = filter;
    for (Span span : spans) {
      spanCount++;
      minStart = Math.min(minStart, span.startEpochNanos());
      maxStart = Math.max(maxStart, span.startEpochNanos());
      maxEnd = Math.max(maxEnd, span.endEpochNanos());
      minDuration = Math.min(minDuration, span.durationNanos());
      maxDuration = Math.max(maxDuration, span.durationNanos());
      if (span.statusCode() == StatusCode.ERROR) {
        errorCount++;
      }
      if (span.parentSpanId() == 0 && (rootName == null || span.startEpochNanos() < rootStart)) {
        rootStart = span.startEpochNanos();
        rootService = span.serviceName();
        rootName = span.name();
      }
      spansByService.merge(span.serviceName(), 1, Integer::sum);
    }
  }

  /** True if a span of the service is held. */
  boolean hasService(String serviceName) {
    return spansByService.containsKey(serviceName);
  }

  /** True if some span may start in {@code [start, end)}. */
  boolean overlaps(long start, long end) {
    return maxStart >= start && minStart < end;
  }

  /** True if some span's duration may be in {@code [min, max]}. */
  boolean mayLast(long min, long max) {
    return maxDuration >= min && minDuration <= max;
  }

  /** The spans held now, to decode once the lock is let go. */
  Held held() {
    return new Held(this, groups, filters, groupCount);
  }

  TraceSummary summary() {
    List<ServiceSpans> services = new ArrayList<>(spansByService.size());
    spansByService.forEach((service, count) -> services.add(new ServiceSpans(service, count)));
    return new TraceSummary(
        traceId,
        Optional.ofNullable(rootService),
        Optional.ofNullable(rootName),
        minStart,
        maxEnd - minStart,
        spanCount,
        errorCount,
        services);
  }

  /** A trace's groups as they were when taken under the lock; decoded without it. */
  static final class Held {
    final TraceEntry trace;
    private final byte[][] groups;
    private final long[][] filters;
    private final int groupCount;

    private Held(TraceEntry trace, byte[][] groups, long[][] filters, int groupCount) {
      this.trace = trace;
      this.groups = groups;
      this.filters = filters;
      this.groupCount = groupCount;
    }

    /**
     * Whether a span matches {@code query}, decoding only the groups whose filter may hold what
     * {@code probe} (the query's {@link SearchFilter#probe}) names.
     */
    boolean matches(TraceQuery query, long[] probe) {
      for (int i = 0; i < groupCount; i++) {
        if (SearchFilter.mayMatch(filters[i], probe)) {
          for (Span span : decode(groups[i])) {
            if (query.matches(span)) {
              return true;
            }
          }
        }
      }
      return false;
    }

    /** The spans in arrival order. */
    List<Span> spans() {
      if (groupCount == 1) {
        return decode(groups[0]);
      }
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < groupCount; i++) {
        spans.addAll(decode(groups[i]));
      }
      return spans;
    }

    private static List<Span> decode(byte[] group) {
      return SpanCodec.decodeHeld(group, 0, group.length, "a span group of the memory backend");
    }
  }
}
