package dev.ariadne.benchmarks.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The ingest load generator: sends synthetic traces to a collector endpoint and reports accepted
 * spans per second, request latency, refusals and, given the server's PID, the server's CPU time
 * per span (and its JIT compiler threads' part of it) and peak RSS read from {@code /proc}; where
 * Linux {@code perf} can count them, the instructions and cycles per span of the server and of
 * the generator itself.
 */
@Command(
    name = "load-generator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Sends synthetic traces (10-30 spans across 8 services, 10 attributes per span, events, ~1%% errors)"
            + " to a collector from N concurrent senders, after a warm-up, and reports accepted spans/s,"
            + " request latency percentiles, non-2xx answers and, with --server-pid, the server's CPU"
            + " seconds per 100k spans (its JIT compiler threads' part apart) and peak RSS, and where perf"
            + " can count them the instructions and cycles per span of the server and the generator."
            + " Request bodies are encoded before the run starts.")
public final class LoadGenerator implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "otlp-proto, otlp-json, zipkin-json or zipkin-proto3 (default: ${DEFAULT-VALUE}).",
      defaultValue = "otlp-proto")
  Format format;

  @Option(names = "--url", description = "Where to POST (default: http://127.0.0.1:4318/v1/traces for OTLP,"
      + " http://127.0.0.1:9411/api/v2/spans for Zipkin).")
  URI url;

  @Option(names = {"-c", "--senders"}, paramLabel = "N", defaultValue = "4",
      description = "Concurrent senders, each waiting for its answer before sending again (default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(names = {"-b", "--batch"}, paramLabel = "SPANS", defaultValue = "100",
      description = "Spans per request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--spans-per-trace", paramLabel = "N", defaultValue = "0",
      description = "At most N spans of a trace in a request before the next of the traces it has open, as an"
          + " exporter's batch holds a few spans of each of many traces; 0: whole traces in order (default: ${DEFAULT-VALUE}).")
  int spansPerTrace;

  @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "10",
      description = "Seconds of unmeasured load first (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "30",
      description = "Seconds measured; 0 for no time bound (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(names = "--spans", paramLabel = "N", defaultValue = "0",
      description = "Stop measuring after sending this many spans; 0 for no bound (default: ${DEFAULT-VALUE}).")
  long maxSpans;

  @Option(names = "--pool", paramLabel = "BODIES", defaultValue = "200",
      description = "Distinct request bodies encoded up front; each send gets fresh trace IDs (default: ${DEFAULT-VALUE}).")
  int poolSize;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the traces (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--server-pid", paramLabel = "PID",
      description = "The server's process ID, to read its CPU time and peak RSS from /proc.")
  long serverPid;

  @Option(names = "--label", defaultValue = "server", description = "Names the server in the report (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--result-file", paramLabel = "FILE",
      description = "Appends the figures as a tab-separated row (with a header when the file is new).")
  Path resultFile;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    requireAtLeast("--senders", senders, 1);
    requireAtLeast("--batch", batch, 1);
    requireAtLeast("--pool", poolSize, 1);
    requireAtLeast("--spans-per-trace", spansPerTrace, 0);
    requireAtLeast("--warmup", warmupSeconds, 0);
    requireAtLeast("--duration", durationSeconds, 0);
    requireAtLeast("--spans", maxSpans, 0);
    if (durationSeconds == 0 && maxSpans == 0) {
      throw new ParameterException(spec.commandLine(), "--duration and --spans are both 0 (expected: at least one bound)");
    }
    URI target = url != null ? url : URI.create(format.defaultUrl);
    long ticksPerSecond = ProcessSample.clockTicksPerSecond();

    System.err.printf("encoding %d %s bodies of %d spans%n", poolSize, format, batch);
    TraceGenerator traces = new TraceGenerator(seed, System.currentTimeMillis() * 1_000_000L);
    BodyPool pool = BodyPool.encode(format, traces, poolSize, batch, spansPerTrace, ThreadLocalRandom.current().nextInt() | 1);
    System.err.printf("sending to %s: %d s warm-up, then measuring%n", target, warmupSeconds);

    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    Duration warmup = Duration.ofSeconds(warmupSeconds);
    LoadRun.Result result = new LoadRun(client, target, format, pool, senders, maxSpans)
        .run(warmup, Duration.ofSeconds(durationSeconds), serverPid);
    Report report = new Report(label, format, target, senders, batch, warmup, result, ticksPerSecond);
    System.out.print(report.text());
    if (resultFile != null) {
      List<String> lines = Files.exists(resultFile)
          ? List.of(report.tsvRow())
          : List.of(Report.TSV_HEADER, report.tsvRow());
      Files.write(resultFile, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return result.okRequests() > 0 ? 0 : 1;
  }

  private void requireAtLeast(String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(spec.commandLine(), option + ": " + value + " (expected: >= " + min + ")");
    }
  }

  /** Reads {@code --format} by its command-line name. */
  static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.of(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
