package dev.ariadne.benchmarks.ui;

import java.util.Map;

/**
 * What the render probe measured in one load of the trace page, in milliseconds since the
 * navigation started: the end of the first frame showing a row, the end of the first frame showing
 * the rows with the critical path, DOMContentLoaded, when the page asked for the trace and when
 * the trace's and the critical path's API answers had arrived; also the size of the trace's
 * answer, the JS heap in use at the end (-1 where the browser does not tell) and the rows in the
 * DOM at the end.
 */
record RenderSample(
    double firstRowMs,
    double doneMs,
    double domContentLoadedMs,
    double traceRequestMs,
    double traceAnswerMs,
    double criticalPathAnswerMs,
    long traceAnswerBytes,
    long heapUsedBytes,
    int rowsDrawn) {

  /**
   * Reads the probe's answer (numbers as Selenium returns them, Long or Double). An answer that
   * reports the page's error, or lacks a figure, is refused naming what it is.
   */
  static RenderSample of(Map<String, Object> probe) {
    if (probe.get("error") != null) {
      throw new IllegalStateException("the trace page shows an error: " + probe.get("error"));
    }
    Map<String, Object> trace = map(probe, "trace");
    Map<String, Object> criticalPath = map(probe, "criticalPath");
    return new RenderSample(number(probe, "firstRow"), number(probe, "done"),
        number(probe, "domContentLoaded"), number(trace, "start"), number(trace, "end"),
        number(criticalPath, "end"), (long) number(trace, "bytes"),
        probe.get("heapUsed") == null ? -1 : (long) number(probe, "heapUsed"),
        (int) number(probe, "rows"));
  }

  private static double number(Map<String, Object> from, String key) {
    if (!(from.get(key) instanceof Number n)) {
      throw new IllegalStateException("the render probe's " + key + " is " + from.get(key)
          + " (expected: a number)");
    }
    return n.doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> from, String key) {
    if (!(from.get(key) instanceof Map)) {
      throw new IllegalStateException("the render probe's " + key + " is " + from.get(key)
          + " (expected: an object; did the page not ask for it?)");
    }
    return (Map<String, Object>) from.get(key);
  }
}
