package dev.ariadne.benchmarks.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The render benchmark's figures per trace size, as text for people and as tab-separated rows (one
 * per load) for scripts.
 */
final class RenderReport {
  static final String TSV_HEADER = String.join("\t", "spans", "load", "done_ms", "first_row_ms",
      "dom_content_loaded_ms", "trace_request_ms", "trace_answer_ms", "critical_path_answer_ms",
      "trace_answer_bytes", "heap_used_bytes", "rows_drawn");
  private static final double MIB = 1024.0 * 1024.0;

  private final Map<Integer, List<RenderSample>> samples;
  private final double targetMs;

  /** {@code samples}: the timed loads of each size, in the order the sizes are to be reported. */
  RenderReport(Map<Integer, List<RenderSample>> samples, double targetMs) {
    this.samples = samples;
    this.targetMs = targetMs;
  }

  String text() {
    StringBuilder text = new StringBuilder();
    samples.forEach((spans, loads) -> {
      Figures done = figures(loads, RenderSample::doneMs);
      Figures firstRow = figures(loads, RenderSample::firstRowMs);
      Figures heap = figures(loads, s -> s.heapUsedBytes() / MIB);
      text.append(format("%,d spans: %d loads; the trace's API answer has %.1f MB%n", spans,
          loads.size(), loads.get(0).traceAnswerBytes() / 1e6));
      text.append(format("  rows + critical path  median %4.0f ms, p90 %4.0f ms, max %4.0f ms:"
          + " median %.2f× the %.0f ms target%n", done.median(), done.p90(), done.max(),
          done.median() / targetMs, targetMs));
      text.append(format("  first row             median %4.0f ms, p90 %4.0f ms, max %4.0f ms%n",
          firstRow.median(), firstRow.p90(), firstRow.max()));
      text.append(heap.max() < 0 ? "  JS heap used          not reported by the browser\n"
          : format("  JS heap used          median %.1f MiB, max %.1f MiB%n", heap.median(),
              heap.max()));
      text.append(format("  phases (medians)      DOMContentLoaded %.0f ms; trace asked for at %.0f"
          + " ms, answered at %.0f ms; critical path answered at %.0f ms; then %.0f ms to the"
          + " end%n",
          median(loads, RenderSample::domContentLoadedMs),
          median(loads, RenderSample::traceRequestMs),
          median(loads, RenderSample::traceAnswerMs),
          median(loads, RenderSample::criticalPathAnswerMs),
          median(loads, s -> s.doneMs() - Math.max(s.traceAnswerMs(), s.criticalPathAnswerMs()))));
    });
    return text.toString();
  }

  List<String> tsvRows() {
    List<String> rows = new ArrayList<>();
    samples.forEach((spans, loads) -> {
      for (int i = 0; i < loads.size(); i++) {
        RenderSample s = loads.get(i);
        rows.add(String.join("\t", Integer.toString(spans), Integer.toString(i + 1),
            ms(s.doneMs()), ms(s.firstRowMs()), ms(s.domContentLoadedMs()),
            ms(s.traceRequestMs()), ms(s.traceAnswerMs()), ms(s.criticalPathAnswerMs()),
            Long.toString(s.traceAnswerBytes()), Long.toString(s.heapUsedBytes()),
            Integer.toString(s.rowsDrawn())));
      }
    });
    return rows;
  }

  private static Figures figures(List<RenderSample> loads, ToDoubleFunction<RenderSample> figure) {
    return Figures.of(loads.stream().mapToDouble(figure).toArray());
  }

  private static double median(List<RenderSample> loads, ToDoubleFunction<RenderSample> figure) {
    return figures(loads, figure).median();
  }

  private static String ms(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String format(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
