package dev.ariadne.benchmarks.ui;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A V8 CPU profile of the page, as the DevTools protocol's {@code Profiler.stop} answers it, summed
 * up by function: the time sampled in each function itself (self time; built-ins such as {@code
 * JSON.parse} count as their caller's). V8 names its own buckets {@code (program)} (the browser's
 * native work outside JavaScript: parsing, style, layout, paint, loading), {@code (garbage
 * collector)} and {@code (idle)}.
 */
final class CpuProfile {
  static final String IDLE = "(idle)";

  private final Map<String, Double> selfMs;
  private final double totalMs;

  private CpuProfile(Map<String, Double> selfMs, double totalMs) {
    this.selfMs = selfMs;
    this.totalMs = totalMs;
  }

  /**
   * Reads {@code {nodes: [{id, callFrame: {functionName, url, lineNumber}}], samples, timeDeltas}}:
   * each sample is the node that was running, and the time until the next sample (in
   * microseconds) is its. A profile of another shape is refused naming what is wrong.
   */
  static CpuProfile of(Map<String, Object> profile) {
    Map<Long, String> functions = new HashMap<>();
    for (Object node : list(profile, "nodes")) {
      Map<String, Object> n = map(node, "a node");
      Map<String, Object> frame = map(n.get("callFrame"), "a node's callFrame");
      functions.put(number(n, "id").longValue(), function(frame));
    }
    List<?> samples = list(profile, "samples");
    List<?> deltas = list(profile, "timeDeltas");
    if (samples.size() != deltas.size()) {
      throw new IllegalStateException("CPU profile: " + samples.size() + " samples but "
          + deltas.size() + " timeDeltas (expected: as many)");
    }
    Map<String, Double> selfMs = new LinkedHashMap<>();
    double totalMs = 0;
    for (int i = 0; i + 1 < samples.size(); i++) {
      long id = asNumber(samples.get(i), "a sample").longValue();
      String function = functions.get(id);
      if (function == null) {
        throw new IllegalStateException("CPU profile: sample " + i + " is node " + id
            + ", which is not among its nodes");
      }
      double ms = asNumber(deltas.get(i + 1), "a timeDelta").doubleValue() / 1000;
      selfMs.merge(function, ms, Double::sum);
      totalMs += ms;
    }
    return new CpuProfile(selfMs, totalMs);
  }

  /** The profile's time, idle included. */
  double totalMs() {
    return totalMs;
  }

  /** The time the page's main thread was not idle. */
  double busyMs() {
    return totalMs - selfMs.getOrDefault(IDLE, 0.0);
  }

  /** The self time of functions, longest first, idle left out. */
  List<Map.Entry<String, Double>> top(int limit) {
    return selfMs.entrySet().stream()
        .filter(e -> !e.getKey().equals(IDLE))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(limit)
        .toList();
  }

  String text(int limit) {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "  %.0f ms profiled, %.0f ms of it busy; self time by function:%n", totalMs, busyMs()));
    for (Map.Entry<String, Double> e : top(limit)) {
      text.append(String.format(Locale.ROOT, "    %7.1f ms  %4.1f%%  %s%n", e.getValue(),
          100 * e.getValue() / busyMs(), e.getKey()));
    }
    return text.toString();
  }

  /** {@code name file.js:line}, or V8's bucket name for frames without a script. */
  private static String function(Map<String, Object> frame) {
    String name = String.valueOf(frame.getOrDefault("functionName", ""));
    String url = String.valueOf(frame.getOrDefault("url", ""));
    if (url.isEmpty()) {
      return name.isEmpty() ? "(native)" : name;
    }
    long line = frame.get("lineNumber") instanceof Number n ? n.longValue() + 1 : 0;
    return (name.isEmpty() ? "(anonymous)" : name) + " " + url.substring(url.lastIndexOf('/') + 1)
        + ":" + line;
  }

  private static List<?> list(Map<String, Object> from, String key) {
    if (!(from.get(key) instanceof List<?> list)) {
      throw new IllegalStateException("CPU profile: " + key + " is " + from.get(key)
          + " (expected: an array)");
    }
    return list;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new IllegalStateException("CPU profile: " + what + " is " + value
          + " (expected: an object)");
    }
    return (Map<String, Object>) value;
  }

  private static Number number(Map<String, Object> from, String key) {
    return asNumber(from.get(key), key);
  }

  private static Number asNumber(Object value, String what) {
    if (!(value instanceof Number n)) {
      throw new IllegalStateException("CPU profile: " + what + " is " + value
          + " (expected: a number)");
    }
    return n;
  }
}
