package dev.ariadne.benchmarks;

import dev.ariadne.analytics.Analytics;
import dev.ariadne.analytics.OperationSummary;
import dev.ariadne.analytics.RedPoint;
import dev.ariadne.analytics.RedQuery;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RED queries over a day of metrics, as the query API asks them. The setup builds {@link
 * Analytics} on disk in a temporary directory, as the server keeps it, and records 24 hours of
 * traffic through {@link Analytics#record}: one service with 50 operations (20–100 spans per
 * operation and minute, log-normal latencies with medians from 5 to 200 ms, 1% errors) and 7
 * other services with 8 operations each as noise, flushed hour by hour. The queries cover those 24
 * hours: the service's RED series over all its operations at the query API's default step, one
 * operation's series, and the service's operation table. The target is at most 50 ms each.
 *
 * <p>{@code newestHour=sealed}: the 24 hours are whole hours, all sealed into their final files.
 * {@code newestHour=open}: the day ends at half past an hour, and that half hour is still in its
 * log (merged in memory), as a running server's newest hour is; the oldest hour of the window is
 * then half of a sealed hour. Nothing is flushed while the queries are measured, so the store
 * does not change under them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RedQueryBenchmark {
  static final String SERVICE = "checkout";
  static final String OPERATION = "GET /api/orders";
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  /** The query API's default step: at most 300 points, rounded up to the 1-minute bucket. */
  private static final long STEP = (DAY / 300 + MINUTE - 1) / MINUTE * MINUTE;
  private static final long SEED = 42;

  @Param({"sealed", "open"})
  public String newestHour;

  private Path dir;
  private Analytics analytics;
  private long startMillis;
  private long endMillis;

  @Setup(Level.Trial)
  public void fill() throws IOException {
    boolean open = switch (newestHour) {
      case "sealed" -> false;
      case "open" -> true;
      default -> throw new IllegalArgumentException(
          "newestHour: " + newestHour + " (expected: sealed or open)");
    };
    long thisHour = Math.floorDiv(System.currentTimeMillis(), HOUR) * HOUR;
    endMillis = open ? thisHour - HOUR / 2 : thisHour;
    startMillis = endMillis - DAY;
    dir = Files.createTempDirectory("ariadne-red-query-");
    // No seal delay seals every hour that is over at its flush; a delay of an hour leaves the
    // window's newest hour open (it ended less than an hour ago). The flush thread never runs.
    analytics = Analytics.builder()
        .dataDir(dir)
        .sealDelay(open ? Duration.ofHours(1) : Duration.ZERO)
        .flushInterval(Duration.ofDays(1))
        .build();
    long started = System.nanoTime();
    Traffic traffic = new Traffic();
    for (long from = startMillis; from < endMillis; ) {
      long hourStart = from;
      long to = Math.min(endMillis, Math.floorDiv(from, HOUR) * HOUR + HOUR);
      // The minutes of an hour in parallel, as the server records from several writer threads.
      LongStream.range(0, (to - from) / MINUTE).parallel().forEach(i -> {
        long minute = hourStart + i * MINUTE;
        analytics.record(traffic.minute(minute, minute - startMillis));
      });
      analytics.flush();
      from = to;
    }
    long fillMillis = (System.nanoTime() - started) / 1_000_000;

    long stored = serviceRed().stream().mapToLong(RedPoint::requests).sum();
    if (stored != traffic.serviceSpans.sum()) {
      throw new IllegalStateException("the metrics hold " + stored + " spans of " + SERVICE
          + " over the day, but " + traffic.serviceSpans.sum() + " were recorded");
    }
    long sealedFiles = countFiles(".hour");
    long logs = countFiles(".log");
    if (sealedFiles != 24 || logs != (open ? 1 : 0)) {
      throw new IllegalStateException(sealedFiles + " sealed hours and " + logs + " open logs in "
          + dir + ", expected 24 and " + (open ? 1 : 0)
          + " (did an hour begin while filling? run it again)");
    }
    System.out.printf("%nfilled in %.1f s: %,d spans of %s, %,d of other services; %d sealed hours,"
        + " %d open log, %,d bytes on disk%n", fillMillis / 1e3, traffic.serviceSpans.sum(),
        SERVICE, traffic.otherSpans.sum(), sealedFiles, logs, diskBytes());
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    analytics.close();
    Directories.delete(dir);
  }

  /** The service's RED series over the day, all its operations merged. */
  @Benchmark
  public List<RedPoint> serviceRed() {
    return analytics.red(new RedQuery(SERVICE, null, Set.of(), startMillis, endMillis, STEP,
        RedQuery.STANDARD_QUANTILES));
  }

  /** One operation's RED series over the day. */
  @Benchmark
  public List<RedPoint> operationRed() {
    return analytics.red(new RedQuery(SERVICE, OPERATION, Set.of(), startMillis, endMillis, STEP,
        RedQuery.STANDARD_QUANTILES));
  }

  /** The service's operation table over the day: a row per operation and span kind. */
  @Benchmark
  public List<OperationSummary> operationTable() {
    return analytics.operations(SERVICE, null, startMillis, endMillis, RedQuery.STANDARD_QUANTILES);
  }

  private long countFiles(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
    }
  }

  private long diskBytes() throws IOException {
    long bytes = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        bytes += Files.size(file);
      }
    }
    return bytes;
  }

  /** The spans of each minute of the day; a minute's are the same at the same offset in the day. */
  private static final class Traffic {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"};
    private static final String[] RESOURCES = {"orders", "carts", "payments", "users", "products",
        "shipments", "invoices", "coupons", "reviews", "addresses"};
    private static final String[] OTHER_SERVICES = {"frontend", "cart", "payment", "inventory",
        "shipping", "email", "recommendation"};
    private static final int OTHER_OPERATIONS = 8;
    private static final int OTHER_SPANS_PER_MINUTE = 10;
    private static final double ERROR_RATE = 0.01;
    private static final double LATENCY_SIGMA = 0.6;

    private final Resource service = new Resource(SERVICE, List.of(), 0);
    private final String[] operations = new String[METHODS.length * RESOURCES.length];
    private final double[] medianNanos = new double[operations.length];
    private final Resource[] others = new Resource[OTHER_SERVICES.length];
    final LongAdder serviceSpans = new LongAdder();
    final LongAdder otherSpans = new LongAdder();

    Traffic() {
      for (int i = 0; i < operations.length; i++) {
        operations[i] = METHODS[i / RESOURCES.length] + " /api/" + RESOURCES[i % RESOURCES.length];
        // 5 ms to 200 ms, geometrically spaced over the operations.
        medianNanos[i] = 5e6 * Math.pow(40, i / (operations.length - 1.0));
      }
      for (int i = 0; i < others.length; i++) {
        others[i] = new Resource(OTHER_SERVICES[i], List.of(), 0);
      }
    }

    /** The spans that start in the minute at {@code minuteStart}, {@code offset} into the day. */
    List<Span> minute(long minuteStart, long offset) {
      SplittableRandom random = new SplittableRandom(SEED * 31 + offset);
      List<Span> spans = new ArrayList<>(4096);
      for (int op = 0; op < operations.length; op++) {
        int count = 20 + random.nextInt(81);
        for (int i = 0; i < count; i++) {
          spans.add(span(random, service, operations[op], SpanKind.SERVER, minuteStart,
              medianNanos[op]));
        }
        serviceSpans.add(count);
      }
      for (int s = 0; s < others.length; s++) {
        for (int op = 0; op < OTHER_OPERATIONS; op++) {
          SpanKind kind = op % 2 == 0 ? SpanKind.SERVER : SpanKind.CLIENT;
          String name = "GET /" + OTHER_SERVICES[s] + "/" + op;
          for (int i = 0; i < OTHER_SPANS_PER_MINUTE; i++) {
            spans.add(span(random, others[s], name, kind, minuteStart, 20e6));
          }
        }
        otherSpans.add((long) OTHER_OPERATIONS * OTHER_SPANS_PER_MINUTE);
      }
      return spans;
    }

    private static Span span(SplittableRandom random, Resource resource, String name,
        SpanKind kind, long minuteStart, double medianNanos) {
      long start = minuteStart * 1_000_000 + random.nextLong(MINUTE * 1_000_000);
      long duration = Math.max(1_000, (long) (medianNanos
          * Math.exp(LATENCY_SIGMA * random.nextGaussian())));
      StatusCode status = random.nextDouble() < ERROR_RATE ? StatusCode.ERROR : StatusCode.UNSET;
      return Span.builder()
          .traceId(new TraceId(random.nextLong(), random.nextLong()))
          .spanId(random.nextLong() | 1)
          .name(name)
          .kind(kind)
          .startEpochNanos(start)
          .endEpochNanos(start + duration)
          .resource(resource)
          .status(status, "")
          .build();
    }
  }
}
