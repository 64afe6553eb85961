package dev.ariadne.benchmarks.ui;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ariadne.benchmarks.load.OtlpBodies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openqa.selenium.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The web UI's render benchmark: sends one trace of each size to a running server, then loads its
 * trace page ({@code /trace/{id}}) afresh in headless Chromium again and again, and reports how
 * long, from the start of the navigation, the page took to show the timeline's rows with the
 * critical path marked, and to show the first row.
 */
@Command(
    name = "trace-render-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Sends one synthetic trace per size (8 services, 10 attributes per span, events on about a"
            + " third of the spans) over OTLP/HTTP protobuf, waits until the server answers it"
            + " whole, then loads /trace/{id} in headless Chromium, after warm-up loads, in rounds"
            + " that load every size once, and reports per size the median, p90 and max time from"
            + " the navigation's start to the end of the first frame that shows the timeline's rows"
            + " with the critical path, the same for the first row alone, the JS heap used, and"
            + " when the page asked for the trace and had the API's answers.")
public final class TraceRenderBenchmark implements Callable<Integer> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STORED_TIMEOUT = Duration.ofMinutes(2);
  private static final int PROFILE_SAMPLING_MICROS = 100;
  private static final int PROFILE_FUNCTIONS = 20;

  @Spec CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:16686",
      description = "The query port's base URL: the web UI and /api/v1"
          + " (default: ${DEFAULT-VALUE}).")
  URI base;

  @Option(names = "--otlp-url", defaultValue = "http://127.0.0.1:4318/v1/traces",
      description = "Where to POST the traces as OTLP/HTTP protobuf (default: ${DEFAULT-VALUE}).")
  URI otlpUrl;

  @Option(names = "--sizes", paramLabel = "SPANS", split = ",", defaultValue = "100,1000,5000",
      description = "Spans of each trace (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--loads", paramLabel = "N", defaultValue = "10",
      description = "Timed loads of each trace's page (default: ${DEFAULT-VALUE}).")
  int loads;

  @Option(names = "--warmups", paramLabel = "N", defaultValue = "2",
      description = "Untimed loads of each trace's page first (default: ${DEFAULT-VALUE}).")
  int warmups;

  @Option(names = "--target-ms", paramLabel = "MS", defaultValue = "1000",
      description = "The target the medians are compared to (default: ${DEFAULT-VALUE}).")
  double targetMs;

  @Option(names = "--batch", paramLabel = "SPANS", defaultValue = "500",
      description = "Spans per OTLP request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "1",
      description = "Seed of the traces' shapes (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--chromium", defaultValue = "/usr/bin/chromium",
      description = "The browser (default: ${DEFAULT-VALUE}).")
  Path chromium;

  @Option(names = "--chromedriver", defaultValue = "/usr/bin/chromedriver",
      description = "Its ChromeDriver (default: ${DEFAULT-VALUE}).")
  Path chromedriver;

  @Option(names = "--window-size", paramLabel = "W,H", defaultValue = "1400,900",
      description = "The browser window, in CSS pixels (default: ${DEFAULT-VALUE}).")
  String windowSize;

  @Option(names = "--result-file", paramLabel = "FILE",
      description = "Appends a tab-separated row per timed load (with a header when the file is"
          + " new).")
  Path resultFile;

  @Option(names = "--profile", paramLabel = "FILE",
      description = "After the timed loads, profiles one more load of the largest trace with V8's"
          + " sampling profiler, writes the profile to FILE (Chrome DevTools opens it as a"
          + " .cpuprofile) and prints the functions that took the most time.")
  Path profileFile;

  private HttpClient client;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TraceRenderBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    requireAtLeast("--loads", loads, 1);
    requireAtLeast("--warmups", warmups, 0);
    requireAtLeast("--batch", batch, 1);
    for (int size : sizes) {
      requireAtLeast("--sizes", size, 1);
    }
    if (sizes.stream().distinct().count() != sizes.size()) {
      throw new ParameterException(spec.commandLine(),
          "--sizes: " + sizes + " (expected: each size once)");
    }
    if (!windowSize.matches("[1-9][0-9]*,[1-9][0-9]*")) {
      throw new ParameterException(spec.commandLine(),
          "--window-size: \"" + windowSize + "\" (expected: WIDTH,HEIGHT such as 1400,900)");
    }
    client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    Map<Integer, String> traceIds = new LinkedHashMap<>();
    long start = System.currentTimeMillis() * 1_000_000L;
    for (int size : sizes) {
      OtlpBodies.Trace trace = OtlpBodies.trace(size, batch, seed, start);
      start += 1_000_000L;
      send(trace);
      long bytes = awaitStored(trace);
      System.err.printf("sent trace %s: %d spans in %d requests; its API answer has %d bytes%n",
          trace.traceId(), size, trace.bodies().size(), bytes);
      traceIds.put(size, trace.traceId());
    }

    Map<Integer, List<RenderSample>> samples = new LinkedHashMap<>();
    try (Chromium browser = Chromium.start(chromium, chromedriver, windowSize)) {
      System.err.printf("Chromium %s, window %s; %d warm-up loads per trace%n", browser.version(),
          windowSize, warmups);
      for (int i = 0; i < warmups; i++) {
        for (int size : sizes) {
          RenderSample.of(browser.load(page(traceIds.get(size))));
        }
      }
      for (int round = 1; round <= loads; round++) {
        System.err.printf("round %d of %d%n", round, loads);
        for (int size : sizes) {
          RenderSample sample = RenderSample.of(browser.load(page(traceIds.get(size))));
          samples.computeIfAbsent(size, s -> new ArrayList<>()).add(sample);
        }
      }
      RenderReport report = new RenderReport(samples, targetMs);
      System.out.print(report.text());
      writeResults(report);
      if (profileFile != null) {
        profile(browser, traceIds);
      }
    }
    return 0;
  }

  /** Profiles a load of the largest trace, writes the profile and prints its summary. */
  private void profile(Chromium browser, Map<Integer, String> traceIds) throws IOException {
    int largest = traceIds.keySet().stream().max(Integer::compare).orElseThrow();
    Chromium.Profiled profiled = browser.profile(page(traceIds.get(largest)),
        base.resolve("/health").toString(), PROFILE_SAMPLING_MICROS);
    RenderSample sample = RenderSample.of(profiled.probe());
    Files.writeString(profileFile, new Json().toJson(profiled.profile()), StandardCharsets.UTF_8);
    System.out.printf(Locale.ROOT, "profiled load of %,d spans (%s): rows + critical path at %.0f"
            + " ms (the profiler slows the page down)%n", largest, profileFile, sample.doneMs());
    System.out.print(CpuProfile.of(profiled.profile()).text(PROFILE_FUNCTIONS));
  }

  private void writeResults(RenderReport report) throws IOException {
    if (resultFile != null) {
      List<String> lines = new ArrayList<>();
      if (!Files.exists(resultFile)) {
        lines.add(RenderReport.TSV_HEADER);
      }
      lines.addAll(report.tsvRows());
      Files.write(resultFile, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  private String page(String traceId) {
    return base.resolve("/trace/" + traceId).toString();
  }

  private void send(OtlpBodies.Trace trace) throws IOException, InterruptedException {
    for (byte[] body : trace.bodies()) {
      HttpRequest request = HttpRequest.newBuilder(otlpUrl)
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      HttpResponse<String> answer = client.send(request, BodyHandlers.ofString());
      if (answer.statusCode() / 100 != 2) {
        throw new IOException("POST " + otlpUrl + " answered " + answer.statusCode() + ": "
            + answer.body());
      }
    }
  }

  /**
   * Waits until the server answers the trace with all its spans, and returns the answer's size.
   * More spans than were sent means the server already held a trace with this ID.
   */
  private long awaitStored(OtlpBodies.Trace trace) throws IOException, InterruptedException {
    URI uri = base.resolve("/api/v1/traces/" + trace.traceId());
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    long deadline = System.nanoTime() + STORED_TIMEOUT.toNanos();
    long spans = -1;
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> answer = client.send(request, BodyHandlers.ofByteArray());
      if (answer.statusCode() == 200) {
        spans = spanCount(answer.body());
        if (spans == trace.spans()) {
          return answer.body().length;
        }
        if (spans > trace.spans()) {
          throw new IllegalStateException("trace " + trace.traceId() + " has " + spans
              + " spans on the server, more than the " + trace.spans() + " sent: the server held"
              + " it already; start from an empty server");
        }
      } else if (answer.statusCode() != 404) {
        throw new IOException("GET " + uri + " answered " + answer.statusCode() + ": "
            + new String(answer.body(), StandardCharsets.UTF_8));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("trace " + trace.traceId() + " has " + Math.max(spans, 0)
        + " of its " + trace.spans() + " spans on the server after " + STORED_TIMEOUT.toSeconds()
        + " s");
  }

  /** The top-level {@code spanCount} of a trace answer. */
  static long spanCount(byte[] answer) throws IOException {
    try (JsonParser json = JSON.createParser(answer)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("trace answer: not a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if (field.equals("spanCount") && value == JsonToken.VALUE_NUMBER_INT) {
          return json.getLongValue();
        }
        json.skipChildren();
      }
    }
    throw new IOException("trace answer: no spanCount number at its top level");
  }

  private void requireAtLeast(String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(spec.commandLine(),
          option + ": " + value + " (expected: >= " + min + ")");
    }
  }
}
