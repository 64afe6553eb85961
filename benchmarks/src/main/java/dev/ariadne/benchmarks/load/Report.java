package dev.ariadne.benchmarks.load;

import dev.ariadne.benchmarks.load.LoadRun.Result;
import java.net.URI;
import java.time.Duration;
import java.util.Formatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The figures of one {@link LoadRun}, as text for people and as a tab-separated row for scripts
 * ({@link #TSV_HEADER} names the columns). Server figures are NaN when no server PID was given, and
 * the hardware counters NaN where {@code perf} could not count them.
 */
record Report(
    String label, Format format, URI uri, int senders, int batchSize, Duration warmup, Result result, long ticksPerSecond) {

  static final String TSV_HEADER = String.join("\t",
      "label", "format", "senders", "batch", "seconds", "requests", "ok_requests", "accepted_spans", "spans_per_s",
      "p50_ms", "p90_ms", "p99_ms", "non_2xx", "failures", "server_cpu_s", "server_cpu_s_per_100k_spans",
      "server_us_per_span", "server_peak_rss_mib", "generator_cpu_s", "other_cpu_s",
      "server_perf_cpu_s", "server_instructions_per_span", "server_cycles_per_span",
      "generator_instructions_per_span", "generator_cycles_per_span", "server_jit_cpu_s");

  double seconds() {
    return result.elapsedNanos() / 1e9;
  }

  double spansPerSecond() {
    return result.acceptedSpans() / seconds();
  }

  double serverCpuSeconds() {
    return serverSeconds(ProcessSample::cpuTicks);
  }

  /** The server's CPU time in its JIT compiler threads, part of {@link #serverCpuSeconds}. */
  double serverJitCpuSeconds() {
    return serverSeconds(ProcessSample::jitTicks);
  }

  /** The seconds the server's {@code ticks} grew by over the window; NaN without a server. */
  private double serverSeconds(ToLongFunction<ProcessSample> ticks) {
    if (result.serverBefore() == null) {
      return Double.NaN;
    }
    return (ticks.applyAsLong(result.serverAfter()) - ticks.applyAsLong(result.serverBefore()))
        / (double) ticksPerSecond;
  }

  double serverMicrosPerSpan() {
    return serverCpuSeconds() * 1e6 / result.acceptedSpans();
  }

  double serverPeakRssMib() {
    return result.serverAfter() == null ? Double.NaN : result.serverAfter().peakRssKb() / 1024.0;
  }

  double generatorCpuSeconds() {
    return (result.generatorAfter().cpuTicks() - result.generatorBefore().cpuTicks()) / (double) ticksPerSecond;
  }

  /** CPU time the rest of the machine used meanwhile: other work on a shared machine. */
  double otherCpuSeconds() {
    double machine = (result.machineAfter().busyTicks() - result.machineBefore().busyTicks()) / (double) ticksPerSecond;
    return machine - generatorCpuSeconds() - (result.serverBefore() == null ? 0 : serverCpuSeconds());
  }

  /** {@code count} of the counters {@code counts} per accepted span; NaN where not counted. */
  double perSpan(PerfCounters.Counts counts, ToLongFunction<PerfCounters.Counts> count) {
    long value = counts == null ? -1 : count.applyAsLong(counts);
    return value < 0 ? Double.NaN : value / (double) result.acceptedSpans();
  }

  /** The server's task clock as perf counted it, to check that perf saw all its threads. */
  double serverPerfCpuSeconds() {
    PerfCounters.Counts counts = result.serverCounters();
    return counts == null || counts.taskClockMillis() < 0 ? Double.NaN : counts.taskClockMillis() / 1e3;
  }

  /** The counters per span, followed by {@code more}; or that perf could not count them. */
  private String counters(PerfCounters.Counts counts, String more) {
    double instructions = perSpan(counts, PerfCounters.Counts::instructions);
    double cycles = perSpan(counts, PerfCounters.Counts::cycles);
    if (Double.isNaN(instructions) && Double.isNaN(cycles)) {
      return "not counted (perf cannot count instructions and cycles on this machine)";
    }
    return String.format(Locale.ROOT, "%.0f instructions and %.0f cycles per span%s",
        instructions, cycles, more);
  }

  String text() {
    StringBuilder text = new StringBuilder();
    try (Formatter out = new Formatter(text, Locale.ROOT)) {
      out.format("%s %s -> %s: %d senders, %d spans per request\n", label, format, uri, senders, batchSize);
      out.format("  measured         %.1f s after a %d s warm-up\n", seconds(), warmup.toSeconds());
      out.format("  requests         %d answered, %d 2xx\n", result.requests(), result.okRequests());
      out.format("  accepted spans   %d (%.0f spans/s), %d rejected by partial successes\n",
          result.acceptedSpans(), spansPerSecond(), result.rejectedSpans());
      out.format("  latency          p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
          result.p50Nanos() / 1e6, result.p90Nanos() / 1e6, result.p99Nanos() / 1e6);
      out.format("  non-2xx          %s\n", counts(result.refusals(), "none"));
      out.format("  failed requests  %s\n", counts(result.failures(), "none"));
      if (result.serverBefore() != null) {
        out.format("  server CPU       %.2f s: %.3f s per 100k spans (%.2f us per span)\n",
            serverCpuSeconds(), serverMicrosPerSpan() / 10, serverMicrosPerSpan());
        out.format("  of which JIT     %.2f s in the compiler threads (%.2f us per span)\n",
            serverJitCpuSeconds(), serverJitCpuSeconds() * 1e6 / result.acceptedSpans());
        out.format("  server peak RSS  %.0f MiB\n", serverPeakRssMib());
        out.format("  server counters  %s\n", counters(result.serverCounters(),
            String.format(Locale.ROOT, " (perf: %.2f s of CPU)", serverPerfCpuSeconds())));
      }
      out.format("  generator CPU    %.2f s\n", generatorCpuSeconds());
      out.format("  generator counters %s\n", counters(result.generatorCounters(), ""));
      out.format("  other CPU        %.2f s (the rest of the machine%s)\n",
          otherCpuSeconds(), result.serverBefore() == null ? ", the server included" : "");
    }
    return text.toString();
  }

  String tsvRow() {
    return String.join("\t",
        label, format.toString(), Integer.toString(senders), Integer.toString(batchSize), number("%.2f", seconds()),
        Long.toString(result.requests()), Long.toString(result.okRequests()), Long.toString(result.acceptedSpans()),
        number("%.0f", spansPerSecond()), number("%.3f", result.p50Nanos() / 1e6), number("%.3f", result.p90Nanos() / 1e6),
        number("%.3f", result.p99Nanos() / 1e6), counts(result.refusals(), "-"), counts(result.failures(), "-"),
        number("%.2f", serverCpuSeconds()), number("%.4f", serverMicrosPerSpan() / 10), number("%.3f", serverMicrosPerSpan()),
        number("%.0f", serverPeakRssMib()), number("%.2f", generatorCpuSeconds()),
        number("%.2f", otherCpuSeconds()), number("%.2f", serverPerfCpuSeconds()),
        number("%.0f", perSpan(result.serverCounters(), PerfCounters.Counts::instructions)),
        number("%.0f", perSpan(result.serverCounters(), PerfCounters.Counts::cycles)),
        number("%.0f", perSpan(result.generatorCounters(), PerfCounters.Counts::instructions)),
        number("%.0f", perSpan(result.generatorCounters(), PerfCounters.Counts::cycles)),
        number("%.2f", serverJitCpuSeconds()));
  }

  private static String number(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }

  private static String counts(Map<?, Long> counts, String none) {
    if (counts.isEmpty()) {
      return none;
    }
    return counts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
  }
}
