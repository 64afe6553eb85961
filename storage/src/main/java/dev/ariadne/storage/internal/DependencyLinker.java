package dev.ariadne.storage.internal;

import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Storage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the calls between services in a trace and counts them, as {@link Storage#dependencies}
 * defines them. Shared by the backends; not part of the API. Not thread-safe: one per request.
 */
public final class DependencyLinker {
  /** Receives one call between services. */
  @FunctionalInterface
  public interface CallSink {
    /** A call whose callee span starts at {@code startEpochNanos}. */
    void call(long startEpochNanos, String parentService, String childService, boolean error);
  }

  private final long startEpochNanos;
  private final long endEpochNanos;
  /** parent service → child service → {calls, errors}. */
  private final Map<String, Map<String, long[]>> counts = new TreeMap<>();

  /** Counts the calls whose callee span starts in {@code [startEpochNanos, endEpochNanos)}. */
  public DependencyLinker(long startEpochNanos, long endEpochNanos) {
    this.startEpochNanos = startEpochNanos;
    this.endEpochNanos = endEpochNanos;
  }

  /** Counts the calls of one whole trace. */
  public void putTrace(List<Span> spans) {
    calls(spans, this::putCall);
  }

  /** Counts one call found earlier by {@link #calls}, if it starts in this linker's range. */
  public void putCall(long start, String parentService, String childService, boolean error) {
    if (start < startEpochNanos || start >= endEpochNanos) {
      return;
    }
    long[] link = counts.computeIfAbsent(parentService, name -> new TreeMap<>())
        .computeIfAbsent(childService, name -> new long[2]);
    link[0]++;
    if (error) {
      link[1]++;
    }
  }

  /**
   * Takes back the calls of some spans of a trace, counted before by {@link #putCall}: when a
   * trace is stored in parts, each part's calls are counted as found, and for a trace whose parts
   * call each other the calls of the parts are taken back and those of the whole trace counted.
   */
  public void removeCalls(List<Span> spans) {
    calls(spans, (start, parentService, childService, error) -> {
      if (start < startEpochNanos || start >= endEpochNanos) {
        return;
      }
      long[] link = counts.computeIfAbsent(parentService, name -> new TreeMap<>())
          .computeIfAbsent(childService, name -> new long[2]);
      link[0]--;
      if (error) {
        link[1]--;
      }
    });
  }

  /**
   * True when a span of {@code spans} has a parent that is not among them: the trace's other
   * spans, stored elsewhere, may call into these.
   */
  public static boolean hasMissingParent(List<Span> spans) {
    Set<Long> ids = new HashSet<>(spans.size() * 2);
    for (Span span : spans) {
      ids.add(span.spanId());
    }
    for (Span span : spans) {
      if (span.parentSpanId() != 0 && !ids.contains(span.parentSpanId())) {
        return true;
      }
    }
    return false;
  }

  public List<DependencyLink> links() {
    List<DependencyLink> links = new ArrayList<>();
    counts.forEach((parent, children) -> children.forEach((child, link) -> {
      if (link[0] > 0) {
        links.add(new DependencyLink(parent, child, link[0], link[1]));
      }
    }));
    return links;
  }

  /**
   * Every call between services in the spans of one trace, whatever its time: each span whose
   * parent is among {@code spans} with another service. When a span ID is shared by a CLIENT and a
   * SERVER span, children of that ID belong to the SERVER span.
   */
  public static void calls(List<Span> spans, CallSink sink) {
    Map<Long, Span> byId = new HashMap<>(spans.size() * 2);
    for (Span span : spans) {
      byId.merge(span.spanId(), span, (first, second) -> isCallerSide(first) ? second : first);
    }
    for (Span span : spans) {
      if (span.parentSpanId() == 0 || span.parentSpanId() == span.spanId()) {
        continue;
      }
      Span parent = byId.get(span.parentSpanId());
      if (parent == null || parent.serviceName().equals(span.serviceName())) {
        continue;
      }
      boolean error = span.statusCode() == StatusCode.ERROR
          || (isCallerSide(parent) && parent.statusCode() == StatusCode.ERROR);
      sink.call(span.startEpochNanos(), parent.serviceName(), span.serviceName(), error);
    }
  }

  private static boolean isCallerSide(Span span) {
    return span.kind() == SpanKind.CLIENT || span.kind() == SpanKind.PRODUCER;
  }
}
