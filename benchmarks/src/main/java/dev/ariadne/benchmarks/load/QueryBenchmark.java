package dev.ariadne.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The query benchmark: times the queries a person at the UI makes against a server that already
 * holds the load generator's traces, one query at a time, through Ariadne's own API. Trace IDs to
 * look up are found through the server's search; the search window is the hour up to the newest
 * trace stored, so that it holds everything a load run sent even when the generator's clock ran
 * ahead of the wall clock.
 */
@Command(
    name = "query-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Times trace-by-ID lookups, searches (a service, an attribute and a minimum duration over a"
            + " window) and the services and operations listings against Ariadne's /api/v1, one"
            + " query at a time after a warm-up, and reports p50/p90/p99 latency per kind and, with"
            + " --server-pid, the server's CPU per query and its RSS.")
public final class QueryBenchmark implements Callable<Integer> {
  /** How many slices of the stored time trace IDs are gathered from, so that they spread over it. */
  private static final int ID_SLICES = 100;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  @Spec CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:16686",
      description = "The query port's base URL (default: ${DEFAULT-VALUE}).")
  URI base;

  @Option(names = "--lookups", paramLabel = "N", defaultValue = "1000",
      description = "Trace-by-ID lookups timed (default: ${DEFAULT-VALUE}).")
  int lookups;

  @Option(names = "--searches", paramLabel = "N", defaultValue = "50",
      description = "Searches timed per --attribute (default: ${DEFAULT-VALUE}).")
  int searches;

  @Option(names = "--listings", paramLabel = "N", defaultValue = "200",
      description = "Services listings timed, and as many operations listings (default: ${DEFAULT-VALUE}).")
  int listings;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "10",
      description = "Unmeasured queries of each kind first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--service", defaultValue = "frontend",
      description = "The service searched and whose traces are looked up (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--attribute", paramLabel = "KEY=VALUE",
      defaultValue = "http.response.status_code=500",
      description = "The attribute of a search; each one given is a series of its own"
          + " (default: ${DEFAULT-VALUE}).")
  List<String> attributes;

  @Option(names = "--min-duration", paramLabel = "DURATION", defaultValue = "100ms",
      description = "The searches' minDuration, as the API takes it (default: ${DEFAULT-VALUE}).")
  String minDuration;

  @Option(names = "--limit", defaultValue = "20",
      description = "The searches' limit, as a UI sends it (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--window-minutes", paramLabel = "MINUTES", defaultValue = "60",
      description = "The searches' window, ending just after the newest trace (default: ${DEFAULT-VALUE}).")
  int windowMinutes;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the order of lookups (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--server-pid", paramLabel = "PID",
      description = "The server's process ID, to read its CPU time and RSS from /proc.")
  long serverPid;

  @Option(names = "--label", defaultValue = "server", description = "Names the server in the report (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--result-file", paramLabel = "FILE",
      description = "Appends a tab-separated row per kind of query (with a header when the file is new).")
  Path resultFile;

  @Option(names = "--samples-file", paramLabel = "FILE",
      description = "Appends a tab-separated row per timed query: label, kind, index, start (epoch"
          + " milliseconds), latency in milliseconds and path.")
  Path samplesFile;

  private HttpClient client;
  private final List<String> samples = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new QueryBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    requireAtLeast("--lookups", lookups, 1);
    requireAtLeast("--searches", searches, 1);
    requireAtLeast("--listings", listings, 1);
    requireAtLeast("--warmup", warmup, 0);
    requireAtLeast("--limit", limit, 1);
    requireAtLeast("--window-minutes", windowMinutes, 1);
    for (String attribute : attributes) {
      if (attribute.indexOf('=') < 1) {
        throw new ParameterException(spec.commandLine(),
            "--attribute: \"" + attribute + "\" (expected: KEY=VALUE)");
      }
    }
    client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    long ticksPerSecond = ProcessSample.clockTicksPerSecond();

    long newest = newestTraceStart();
    long end = newest + TimeUnit.SECONDS.toNanos(1);
    long start = end - TimeUnit.MINUTES.toNanos(windowMinutes);
    System.err.printf("window %s to %s (the newest %s trace starts at %s)%n",
        instant(start), instant(end), service, instant(newest));
    List<String> ids = traceIds(start, end);
    System.err.printf("found %d trace IDs of %s in %d slices of the stored time%n", ids.size(), service, ID_SLICES);
    if (ids.isEmpty()) {
      throw new IllegalStateException("no " + service + " traces in the window: nothing to look up");
    }
    Collections.shuffle(ids, new Random(seed));

    List<QuerySeries.Result> results = new ArrayList<>();
    results.add(time("trace by ID", lookups, i -> path("/api/v1/traces/" + ids.get(i % ids.size())),
        answer -> Answers.integer(answer, "spanCount"), ticksPerSecond));
    for (String attribute : attributes) {
      String search = "/api/v1/traces?service=" + encode(service) + "&attribute=" + encode(attribute)
          + "&minDuration=" + encode(minDuration) + "&start=" + start + "&end=" + end + "&limit=" + limit;
      results.add(time("search " + attribute + " minDuration " + minDuration, searches, i -> path(search),
          answer -> Answers.arrayLength(answer, "traces"), ticksPerSecond));
    }
    results.add(time("services", listings, i -> path("/api/v1/services"),
        answer -> Answers.arrayLength(answer, "services"), ticksPerSecond));
    List<String> services = services();
    results.add(time("operations", listings,
        i -> path("/api/v1/services/" + encode(services.get(i % services.size())) + "/operations"),
        answer -> Answers.arrayLength(answer, "operations"), ticksPerSecond));

    ProcessSample.Memory memory = serverPid == 0 ? null : ProcessSample.memory(serverPid);
    QueryReport report = new QueryReport(label, results, memory);
    System.out.print(report.text());
    if (resultFile != null) {
      List<String> lines = new ArrayList<>();
      if (!Files.exists(resultFile)) {
        lines.add(QueryReport.TSV_HEADER);
      }
      lines.addAll(report.tsvRows());
      Files.write(resultFile, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    if (samplesFile != null) {
      Files.write(samplesFile, samples, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return results.stream().allMatch(r -> r.failures() == 0) ? 0 : 1;
  }

  /** The start of the newest trace of the service in the last day (or the next: clocks differ). */
  private long newestTraceStart() throws IOException, InterruptedException {
    long now = System.currentTimeMillis() * 1_000_000L;
    long day = TimeUnit.DAYS.toNanos(1);
    List<Answers.Trace> newest = search(now - day, now + day, 1);
    if (newest.isEmpty()) {
      throw new IllegalStateException("the server holds no " + service + " traces from the last day");
    }
    return newest.get(0).startEpochNanos();
  }

  /**
   * Trace IDs spread over the time the stored traces cover: the window's minutes are probed for
   * traces, then the stretch from the first minute holding one to the window's end is cut into
   * slices and the newest traces of each taken.
   */
  private List<String> traceIds(long start, long end) throws IOException, InterruptedException {
    long minute = TimeUnit.MINUTES.toNanos(1);
    long first = start;
    while (first + minute < end && search(first, first + minute, 1).isEmpty()) {
      first += minute;
    }
    Set<String> ids = new LinkedHashSet<>();
    long slice = Math.max(1, (end - first) / ID_SLICES);
    int perSlice = Math.min(10_000, 2 * lookups / ID_SLICES + 1);
    for (long sliceStart = first; sliceStart < end; sliceStart += slice) {
      for (Answers.Trace trace : search(sliceStart, Math.min(end, sliceStart + slice), perSlice)) {
        ids.add(trace.traceId());
      }
    }
    return new ArrayList<>(ids);
  }

  private List<Answers.Trace> search(long start, long end, int max) throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = get(path("/api/v1/traces?service=" + encode(service)
        + "&start=" + start + "&end=" + end + "&limit=" + max));
    requireOk(answer);
    return Answers.traces(answer.body());
  }

  private List<String> services() throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = get(path("/api/v1/services"));
    requireOk(answer);
    List<String> services = Answers.services(answer.body());
    if (services.isEmpty()) {
      throw new IllegalStateException("the server lists no services");
    }
    return services;
  }

  /** Runs {@code warmup} queries unmeasured, then times {@code count} of them one at a time. */
  private QuerySeries.Result time(
      String name, int count, QuerySeries.Query query, QuerySeries.Counter counter, long ticksPerSecond)
      throws IOException, InterruptedException {
    System.err.printf("%s: %d warm-up, %d timed%n", name, Math.min(warmup, count), count);
    QuerySeries series = new QuerySeries(name, count);
    for (int i = 0; i < Math.min(warmup, count); i++) {
      get(query.uri(count + i));
    }
    ProcessSample before = serverPid == 0 ? null : ProcessSample.read(serverPid);
    for (int i = 0; i < count; i++) {
      URI uri = query.uri(i);
      long startedMillis = System.currentTimeMillis();
      long started = System.nanoTime();
      HttpResponse<byte[]> answer;
      try {
        answer = get(uri);
      } catch (IOException e) {
        series.failed();
        continue;
      }
      long took = System.nanoTime() - started;
      if (answer.statusCode() != 200) {
        series.failed();
      } else {
        series.answered(uri, startedMillis, took, answer.body().length, counter.results(answer.body()));
      }
    }
    if (samplesFile != null) {
      samples.addAll(series.sampleLines(label));
    }
    ProcessSample after = serverPid == 0 ? null : ProcessSample.read(serverPid);
    double serverCpuSeconds = before == null
        ? Double.NaN
        : (after.cpuTicks() - before.cpuTicks()) / (double) ticksPerSecond;
    return series.result(serverCpuSeconds);
  }

  private HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    return client.send(request, BodyHandlers.ofByteArray());
  }

  private static void requireOk(HttpResponse<byte[]> answer) throws IOException {
    if (answer.statusCode() != 200) {
      throw new IOException("GET " + answer.uri() + " answered " + answer.statusCode() + ": "
          + new String(answer.body(), StandardCharsets.UTF_8));
    }
  }

  private URI path(String pathAndQuery) {
    return base.resolve(pathAndQuery);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String instant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos).toString();
  }

  private void requireAtLeast(String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(spec.commandLine(), option + ": " + value + " (expected: >= " + min + ")");
    }
  }

  /** A query's figures as text for people and as tab-separated rows for scripts. */
  record QueryReport(String label, List<QuerySeries.Result> results, ProcessSample.Memory memory) {
    static final String TSV_HEADER = String.join("\t",
        "label", "query", "count", "failures", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_results",
        "mean_bytes", "server_cpu_ms_per_query", "server_rss_mib", "server_peak_rss_mib");

    String text() {
      StringBuilder text = new StringBuilder();
      for (QuerySeries.Result r : results) {
        text.append(String.format(Locale.ROOT,
            "%s %s: %d timed, %d failed%n  latency          p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n"
                + "  answers          %.1f results, %.0f bytes on average%n  server CPU       %.2f ms per query%n",
            label, r.name(), r.count(), r.failures(), ms(r.p50Nanos()), ms(r.p90Nanos()), ms(r.p99Nanos()),
            ms(r.maxNanos()), r.meanResults(), r.meanBytes(), r.serverCpuSeconds() * 1000 / r.count()));
      }
      if (memory != null) {
        text.append(String.format(Locale.ROOT, "%s server RSS %.0f MiB now, %.0f MiB at its peak%n",
            label, memory.rssKb() / 1024.0, memory.peakRssKb() / 1024.0));
      }
      return text.toString();
    }

    List<String> tsvRows() {
      List<String> rows = new ArrayList<>();
      for (QuerySeries.Result r : results) {
        rows.add(String.join("\t", label, r.name(), Integer.toString(r.count()), Integer.toString(r.failures()),
            number("%.3f", ms(r.p50Nanos())), number("%.3f", ms(r.p90Nanos())), number("%.3f", ms(r.p99Nanos())),
            number("%.3f", ms(r.maxNanos())), number("%.1f", r.meanResults()), number("%.0f", r.meanBytes()),
            number("%.2f", r.serverCpuSeconds() * 1000 / r.count()),
            memory == null ? "NaN" : number("%.0f", memory.rssKb() / 1024.0),
            memory == null ? "NaN" : number("%.0f", memory.peakRssKb() / 1024.0)));
      }
      return rows;
    }

    private static double ms(long nanos) {
      return nanos / 1e6;
    }

    private static String number(String format, double value) {
      return String.format(Locale.ROOT, format, value);
    }
  }
}
