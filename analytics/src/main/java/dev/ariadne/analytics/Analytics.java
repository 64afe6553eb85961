package dev.ariadne.analytics;

import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.internal.Counted;
import dev.ariadne.model.internal.RepeatedFailure;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * RED metrics and the service graph, computed from spans as they are stored.
 *
 * <p>{@link #record} adds each span to its series (service × operation × span kind × status, and
 * service × span kind × status over all operations) in time buckets by the span's start: a count,
 * a mergeable DDSketch of durations, and exemplars. A background thread flushes the buckets every
 * {@code flushInterval} to a store (durable in {@code dataDir}, in memory, or in a {@link
 * SharedMetrics} table that other processes write too), which answers {@link #red}, {@link
 * #operations} and {@link #edges}. The same spans feed Prometheus
 * series named as Grafana Tempo's metrics-generator names them. The number of series is capped;
 * spans past the cap are counted in one overflow series.
 *
 * <p>On a crash, what was recorded since the last flush is lost from the metrics (never from the
 * traces): at most {@code flushInterval}, 10 seconds by default.
 *
 * <p>In the scale-out path each ingester records the spans it stores and flushes them to the shared
 * table, and the query role answers from that table without recording anything: its answers merge
 * what every ingester flushed. What an ingester knows only in its memory (which services and
 * operations went to the overflow series, the spans its service graph could not hold) is not
 * shared; the query role says that spans went to the overflow series, from the table, without
 * naming whose they were.
 */
public final class Analytics implements Closeable {
  private static final System.Logger LOG = System.getLogger(Analytics.class.getName());
  /** The service and operation of the series that spans past the series cap are counted in. */
  public static final String OVERFLOW = "__overflow__";
  private static final List<SpanKind> KINDS = List.of(SpanKind.values());
  private static final List<StatusCode> STATUSES = List.of(StatusCode.values());
  /**
   * How often the service graph lets go of the spans whose pair wait is over: expiring them only
   * at each flush would hold them up to a flush interval longer (10 to 20 s by default, against
   * 10 to 11), and the spans held are most of what analytics keeps in memory.
   */
  private static final long EXPIRE_MILLIS = 1_000;
  /**
   * How far back the service listing of a shared store looks for spans in the overflow series: a
   * day, a few dozen reads, rather than the whole retention on every listing.
   */
  private static final long SHARED_OVERFLOW_HOURS = 24;

  private final AggregateStore store;
  /** Whether the store is shared with other processes, which record spans this one does not see. */
  private final boolean shared;
  private final long bucketMillis;
  private final int maxSeries;
  private final Clock clock;
  /** Where the Prometheus series are scraped from, or null. */
  private final PrometheusRegistry registry;
  private final MultiCollector collector;
  /** Every series with buckets to flush, by its key. */
  private final ConcurrentHashMap<SeriesKey, LiveSeries> live = new ConcurrentHashMap<>();
  /** The admitted operation series (and the overflow ones), each with all a span of it updates. */
  private final ConcurrentHashMap<SeriesKey.Operation, OperationSeries> operations =
      new ConcurrentHashMap<>();
  private final AtomicLong overflowSpans = new AtomicLong();
  /** The services and operations whose spans went to the overflow series. */
  private final Untracked untracked;
  private final AtomicInteger admittedOperations = new AtomicInteger();
  private final AtomicLong outOfRangeSpans = new AtomicLong();
  private final AtomicLong flushFailures = new AtomicLong();
  private final RepeatedFailure flushes = new RepeatedFailure(LOG, Level.ERROR,
      "analytics: flushing the metrics (a failed flush leaves its spans out of the stored metrics)",
      Duration.ofMinutes(1));
  private final long retentionMillis;
  private final ScheduledExecutorService background;
  private final ServiceGraph graph;
  /** The admitted edges (and the overflow ones), each with all a call between them updates. */
  private final ConcurrentHashMap<SeriesKey.Edge, EdgeSeries> edges = new ConcurrentHashMap<>();
  private final AtomicInteger admittedEdges = new AtomicInteger();
  /** The calls counted in the overflow edges. */
  private final Untracked.Spans overflowCalls = new Untracked.Spans();
  private final int maxPendingCalls;

  /**
   * The buckets of one series not yet flushed, under the series' own lock, which keeps contention
   * low; the operation and edge series add what they count for Prometheus under the same lock.
   */
  private abstract static class LiveSeries {
    private Map<Long, Aggregate> buckets = new HashMap<>(4);
    /** The bucket added to last, which nearly every next span falls in too; null after a drain. */
    private Aggregate last;
    private long lastBucket;

    /** Adds a span or call to its bucket; the caller holds this series' lock. */
    final void addToBucket(long bucket, long durationNanos, boolean error, TraceId traceId,
        long spanId, long startEpochNanos) {
      Aggregate aggregate = last;
      if (aggregate == null || bucket != lastBucket) {
        aggregate = buckets.computeIfAbsent(bucket, b -> new Aggregate());
        last = aggregate;
        lastBucket = bucket;
      }
      aggregate.add(durationNanos, error, traceId, spanId, startEpochNanos);
    }

    final synchronized Map<Long, Aggregate> drain() {
      Map<Long, Aggregate> drained = buckets;
      buckets = new HashMap<>(4);
      last = null;
      return drained;
    }
  }

  /**
   * An operation series: what a span of it updates, found with one lookup per span. (Its service's
   * series over all operations is summed at flush.)
   */
  private static final class OperationSeries extends LiveSeries {
    private final PrometheusSeries.Histogram latency =
        new PrometheusSeries.Histogram(PrometheusSeries.SPAN_BUCKETS);

    synchronized void add(long bucket, long durationNanos, boolean error, Span span) {
      addToBucket(bucket, durationNanos, error, span.traceId(), span.spanId(), span.startEpochNanos());
      latency.record(durationNanos);
    }

    synchronized void scrape(SeriesKey.Operation key, PrometheusSeries.Scrape scrape) {
      Labels labels = PrometheusSeries.labels(key);
      scrape.operation(labels, latency.count(), latency.point(labels));
    }
  }

  /** An edge of the service graph: what a call on it updates. */
  private static final class EdgeSeries extends LiveSeries {
    private final PrometheusSeries.Histogram server =
        new PrometheusSeries.Histogram(PrometheusSeries.EDGE_BUCKETS);
    private final PrometheusSeries.Histogram client =
        new PrometheusSeries.Histogram(PrometheusSeries.EDGE_BUCKETS);
    private long calls;
    private long failed;

    synchronized void add(long bucket, long durationNanos, Edge edge) {
      addToBucket(bucket, durationNanos, edge.failed(), edge.traceId(), 0, edge.startEpochNanos());
      calls++;
      if (edge.failed()) {
        failed++;
      }
      if (edge.serverDurationNanos() >= 0) {
        server.record(edge.serverDurationNanos());
      }
      if (edge.clientDurationNanos() >= 0) {
        client.record(edge.clientDurationNanos());
      }
    }

    synchronized void scrape(SeriesKey.Edge key, PrometheusSeries.Scrape scrape) {
      Labels labels = PrometheusSeries.labels(key);
      scrape.edge(labels, calls, failed, server.point(labels), client.point(labels));
    }
  }

  private Analytics(Builder builder, AggregateStore store) {
    this.store = store;
    this.shared = store instanceof SharedStore;
    this.bucketMillis = builder.bucket.toMillis();
    this.maxSeries = builder.maxSeries;
    this.clock = builder.clock;
    this.retentionMillis = builder.retention.toMillis();
    this.untracked = new Untracked(builder.untrackedNames);
    this.maxPendingCalls = builder.maxPendingCalls;
    this.graph = new ServiceGraph(builder.pairWait, builder.maxPendingCalls, System::nanoTime, this::recordEdge);
    this.registry = builder.registry;
    this.collector = this::scrape;
    if (registry != null) {
      registry.register(collector);
    }
    background = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "ariadne-analytics-flush");
      thread.setDaemon(true);
      return thread;
    });
    long flushMillis = builder.flushInterval.toMillis();
    background.scheduleWithFixedDelay(this::flushQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(
        this::expireQuietly, EXPIRE_MILLIS, EXPIRE_MILLIS, TimeUnit.MILLISECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The width of a bucket: the finest step a query can ask for. */
  public Duration bucket() {
    return Duration.ofMillis(bucketMillis);
  }

  /** Adds stored spans to the metrics. Thread-safe; called after the storage write. */
  public void record(List<Span> spans) {
    long now = clock.millis();
    long oldest = now - retentionMillis;
    long newest = now + MetricsStore.HOUR_MILLIS;
    for (Span span : spans) {
      long startMillis = Math.floorDiv(span.startEpochNanos(), 1_000_000L);
      if (startMillis < oldest || startMillis > newest) {
        outOfRangeSpans.incrementAndGet();
        continue;
      }
      long bucket = Math.floorDiv(startMillis, bucketMillis) * bucketMillis;
      SeriesKey.Operation key =
          new SeriesKey.Operation(span.serviceName(), span.name(), span.kind(), span.statusCode());
      OperationSeries series = operations.get(key);
      if (series == null) {
        series = admit(operations, admittedOperations, key,
            k -> new SeriesKey.Operation(OVERFLOW, OVERFLOW, k.kind(), k.status()),
            k -> flushed(k, new OperationSeries()),
            () -> untracked.add(span.serviceName(), span.name(), startMillis));
      }
      series.add(bucket, span.durationNanos(), span.statusCode() == StatusCode.ERROR, span);
      graph.accept(span);
    }
  }

  /** Adds one call between services, from the service graph, to its edge's series. */
  private void recordEdge(Edge edge) {
    SeriesKey.Edge key = new SeriesKey.Edge(edge.client(), edge.server(), edge.connectionType());
    long startMillis = Math.floorDiv(edge.startEpochNanos(), 1_000_000L);
    EdgeSeries series = edges.get(key);
    if (series == null) {
      series = admit(edges, admittedEdges, key,
          k -> new SeriesKey.Edge(OVERFLOW, OVERFLOW, k.connectionType()),
          k -> flushed(k, new EdgeSeries()), () -> overflowCalls.add(startMillis));
    }
    long bucket = Math.floorDiv(startMillis, bucketMillis) * bucketMillis;
    long duration = edge.serverDurationNanos() >= 0
        ? edge.serverDurationNanos() : Math.max(0, edge.clientDurationNanos());
    series.add(bucket, duration, edge);
  }

  /**
   * The series of a key not seen yet: its own while fewer than {@code maxSeries} keys of its kind
   * were {@code admitted}, else the overflow series of its kind ({@code overflow} names it),
   * counted, and {@code overflowing} run.
   */
  private <K, V> V admit(ConcurrentHashMap<K, V> series, AtomicInteger admitted, K key,
      Function<K, K> overflow, Function<K, V> create, Runnable overflowing) {
    if (admitted.get() < maxSeries) {
      return series.computeIfAbsent(key, k -> {
        admitted.incrementAndGet();
        return create.apply(k);
      });
    }
    overflowed();
    overflowing.run();
    return series.computeIfAbsent(overflow.apply(key), create);
  }

  /** {@code series}, new under {@code key}, which each flush drains from now on. */
  private <S extends LiveSeries> S flushed(SeriesKey key, S series) {
    live.put(key, series);
    return series;
  }

  /** The Prometheus series of the spans and calls recorded, and the analytics' own counters. */
  private MetricSnapshots scrape() {
    PrometheusSeries.Scrape scrape = new PrometheusSeries.Scrape();
    operations.forEach((key, series) -> series.scrape(key, scrape));
    edges.forEach((key, series) -> series.scrape(key, scrape));
    scrape.counter("traces_service_graph_expired_edges",
        "Halves of calls whose other half did not come within analytics.pair-wait", graph.expired());
    scrape.counter("traces_service_graph_dropped_spans",
        "Spans not held for pairing because the pairing table was full", graph.dropped());
    scrape.counter("ariadne_analytics_series_overflow_spans",
        "Spans counted in the overflow series because analytics.max-series was reached",
        overflowSpans.get());
    scrape.counter("ariadne_analytics_out_of_range_spans",
        "Spans left out of the metrics: started before the retention or over an hour ahead",
        outOfRangeSpans.get());
    scrape.counter("ariadne_analytics_evicted_hours",
        "Hours of metrics dropped, oldest first, to keep within analytics.memory-max",
        store.evictedHours());
    scrape.counter("ariadne_analytics_corrupt_files",
        "Metrics files that failed their checksums and were moved aside as *.corrupt"
            + " (or rows of the shared metrics that did not decode and were left out)",
        store.corrupt());
    scrape.counter("ariadne_analytics_flush_failures",
        "Flushes of the metrics to their store that failed; their spans are missing from the stored metrics",
        flushFailures.get());
    return scrape.build();
  }

  private void overflowed() {
    if (overflowSpans.getAndIncrement() == 0) {
      LOG.log(Level.WARNING, "analytics: " + maxSeries + " series (analytics.max-series) reached;"
          + " spans of further service/operation/kind/status combinations, and calls of further"
          + " edges, are counted in series named " + OVERFLOW);
    }
  }

  /** Flushes what was recorded to the store; durable (for a durable store) when this returns. */
  public void flush() throws IOException {
    Map<SeriesKey, Map<Long, Aggregate>> batch = new HashMap<>();
    Map<SeriesKey, Map<Long, Aggregate>> services = new HashMap<>();
    for (Map.Entry<SeriesKey, LiveSeries> entry : live.entrySet()) {
      Map<Long, Aggregate> buckets = entry.getValue().drain();
      if (buckets.isEmpty()) {
        continue;
      }
      batch.put(entry.getKey(), buckets);
      // A service's series over all its operations is the merge of theirs: sketches merge
      // exactly, so this is the same as adding each span twice, at a fraction of the cost.
      if (entry.getKey() instanceof SeriesKey.Operation o) {
        Map<Long, Aggregate> service = services.computeIfAbsent(
            new SeriesKey.Service(o.service(), o.kind(), o.status()), k -> new HashMap<>());
        buckets.forEach((bucket, a) -> service.computeIfAbsent(bucket, b -> new Aggregate()).merge(a));
      }
    }
    batch.putAll(services);
    if (!batch.isEmpty()) {
      // On failure the batch is lost from a local store's metrics (and reported by the caller):
      // putting it back could count twice the hours that the store had already written. A shared
      // store keeps recent buckets' totals and puts them again at the next flush.
      store.append(batch);
    }
    store.maintain();
  }

  private void expireQuietly() {
    try {
      graph.expire();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "analytics: letting go of the service graph's expired spans failed", e);
    }
  }

  private void flushQuietly() {
    try {
      flush();
      flushes.succeeded();
    } catch (IOException | RuntimeException e) {
      flushFailures.incrementAndGet();
      flushes.failed(e);
    }
  }

  /**
   * The RED series that {@code query} asks for: a point per step (at the step's start, from the
   * start rounded down to the step) that has requests, covering [point, point + step).
   */
  public List<RedPoint> red(RedQuery query) {
    long step = query.stepMillis();
    checkStep(step);
    long start = Math.floorDiv(query.startMillis(), step) * step;
    NavigableMap<Long, Aggregate> parts;
    if (step % MetricsStore.HOUR_MILLIS == 0) {
      // Whole hours from the store's hour totals (a shared store's one row per hour and writer),
      // the buckets only after the last whole hour.
      long endHour = Math.max(start,
          Math.floorDiv(query.endMillis(), MetricsStore.HOUR_MILLIS) * MetricsStore.HOUR_MILLIS);
      parts = read(query, start, endHour, store::hours);
      read(query, endHour, query.endMillis(), store::buckets).forEach(parts::put);
    } else {
      parts = read(query, start, query.endMillis(), store::buckets);
    }
    NavigableMap<Long, Aggregate> byStep = new TreeMap<>();
    parts.forEach((partStart, a) -> {
      Aggregate existing = byStep.putIfAbsent(Math.floorDiv(partStart, step) * step, a);
      if (existing != null) {
        existing.merge(a);
      }
    });
    List<RedPoint> points = new ArrayList<>(byStep.size());
    byStep.forEach((at, a) -> points.add(point(at, a, query.quantiles())));
    return points;
  }

  /**
   * The RED series of {@code query} over a trailing window, as Prometheus' {@code rate(x[window])}
   * reads: a point at each step from the start (rounded down to the step) to the end, covering
   * [point - window, point); points without requests are left out.
   */
  public List<RedPoint> trailing(RedQuery query, long windowMillis) {
    long step = query.stepMillis();
    checkStep(step);
    checkStep(windowMillis);
    long start = Math.floorDiv(query.startMillis(), step) * step;
    NavigableMap<Long, Aggregate> buckets =
        read(query, start - windowMillis, query.endMillis(), store::buckets);
    List<RedPoint> points = new ArrayList<>();
    for (long at = start; at <= query.endMillis(); at += step) {
      Aggregate window = new Aggregate();
      buckets.subMap(at - windowMillis, at).values().forEach(window::merge);
      if (window.count() > 0) {
        points.add(point(at, window, query.quantiles()));
      }
    }
    return points;
  }

  private void checkStep(long stepMillis) {
    if (stepMillis <= 0 || stepMillis % bucketMillis != 0) {
      throw new IllegalArgumentException("the step must be a multiple of the bucket ("
          + bucketMillis + " ms), not " + stepMillis + " ms");
    }
  }

  private interface Reader {
    NavigableMap<Long, Aggregate> read(SeriesKey key, long start, long end) throws IOException;
  }

  /** What {@code reader} reads of each series of {@code query}, merged by start. */
  private NavigableMap<Long, Aggregate> read(RedQuery query, long start, long end,
      Reader reader) {
    NavigableMap<Long, Aggregate> merged = new TreeMap<>();
    if (end <= start) {
      return merged;
    }
    try {
      for (SeriesKey key : keysOf(query.service(), query.operation(), query.kinds())) {
        reader.read(key, start, end).forEach((bucket, a) -> {
          Aggregate existing = merged.putIfAbsent(bucket, a);
          if (existing != null) {
            existing.merge(a);
          }
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the metrics failed", e);
    }
    return merged;
  }

  /**
   * What the metrics of {@code service} (or of its {@code operation}, when not null) lack over
   * [start, end): the part of the range past the retention, dropped to keep within the memory
   * budget, or in hours set aside as corrupt; and spans counted in the overflow series since the
   * server started, or that may have been when more services and operations overflowed than are
   * remembered. Empty when nothing is known to be missing.
   */
  public List<MissingMetrics> missing(
      String service, String operation, long startMillis, long endMillis) {
    List<MissingMetrics> missing = notKept(startMillis, endMillis, "requests");
    String subject = operation == null ? service : operation + " of " + service;
    Untracked.Spans spans = untracked.of(service, operation);
    if (spans != null) {
      if (overlaps(spans, startMillis, endMillis)) {
        missing.add(untracked(subject, spans));
      }
    } else if (untracked.more()) {
      Untracked.Spans all = untracked.all();
      if (overlaps(all, startMillis, endMillis)) {
        missing.add(new MissingMetrics(MissingMetrics.Cause.MAX_SERIES, all.first(), all.last(), -1,
            "the figures of " + subject + " may lack spans that started from "
                + Instant.ofEpochMilli(all.first()) + " to " + Instant.ofEpochMilli(all.last())
                + ": analytics.max-series (" + maxSeries + ") was reached, and spans of more"
                + " services and operations than are remembered were counted in the series named "
                + OVERFLOW + " instead"));
      }
    }
    if (shared) {
      List<SeriesKey> overflow = keysOf(OVERFLOW, null, Set.of());
      Overflow counted = sharedOverflow(overflow, startMillis, endMillis);
      if (counted != null) {
        missing.add(new MissingMetrics(MissingMetrics.Cause.MAX_SERIES, counted.first, counted.last,
            -1, "the figures of " + subject + " may lack spans: "
                + Counted.of(counted.count, "span") + " that started from "
                + Instant.ofEpochMilli(counted.first) + " to " + Instant.ofEpochMilli(counted.last)
                + " were counted in the series named " + OVERFLOW + " by a process that reached"
                + " its analytics.max-series, and which services and operations they were of is"
                + " known to that process alone"));
      }
    }
    return missing;
  }

  /** The spans or calls counted in the overflow series of a shared store, over its buckets. */
  private record Overflow(long count, long first, long last) {}

  /**
   * What the overflow series among {@code keys} counted in [start, end) of a shared store, from
   * the first bucket to the end of the last; null if nothing.
   */
  private Overflow sharedOverflow(List<SeriesKey> keys, long startMillis, long endMillis) {
    long start = Math.floorDiv(startMillis, bucketMillis) * bucketMillis;
    long count = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    try {
      for (SeriesKey key : keys) {
        NavigableMap<Long, Aggregate> buckets = store.buckets(key, start, endMillis);
        for (Map.Entry<Long, Aggregate> bucket : buckets.entrySet()) {
          count += bucket.getValue().count();
          first = Math.min(first, bucket.getKey());
          last = Math.max(last, bucket.getKey() + bucketMillis);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the metrics failed", e);
    }
    return count == 0 ? null : new Overflow(count, Math.max(first, startMillis), Math.min(last, endMillis));
  }

  /**
   * What the service graph ({@link #edges}) lacks over [start, end): the part of the range past the
   * retention, dropped to keep within the memory budget or set aside as corrupt; calls counted in
   * the overflow edges, and spans the pairing table was too full to hold, since the server started.
   * Empty when nothing is known to be missing.
   */
  public List<MissingMetrics> missingCalls(long startMillis, long endMillis) {
    List<MissingMetrics> missing = notKept(startMillis, endMillis, "calls");
    if (overlaps(overflowCalls, startMillis, endMillis)) {
      long count = overflowCalls.count();
      missing.add(new MissingMetrics(MissingMetrics.Cause.MAX_SERIES, overflowCalls.first(),
          overflowCalls.last(), count, Counted.of(count, "call") + " that started from "
              + Instant.ofEpochMilli(overflowCalls.first()) + " to "
              + Instant.ofEpochMilli(overflowCalls.last()) + (count == 1 ? " is" : " are")
              + " not on the edges between their services: analytics.max-series (" + maxSeries
              + ") was reached, and they were counted on edges from and to " + OVERFLOW
              + " instead (as known since the server started)"));
    }
    Untracked.Spans dropped = graph.droppedSpans();
    if (overlaps(dropped, startMillis, endMillis)) {
      long count = dropped.count();
      missing.add(new MissingMetrics(MissingMetrics.Cause.MAX_PENDING_CALLS, dropped.first(),
          dropped.last(), count, Counted.of(count, "span") + " that started from "
              + Instant.ofEpochMilli(dropped.first()) + " to " + Instant.ofEpochMilli(dropped.last())
              + " could not wait for the other half of their calls: analytics.max-pending-calls ("
              + maxPendingCalls + ") spans were waiting already, so calls they made or received may"
              + " be missing (as known since the server started)"));
    }
    if (shared) {
      // The overflow edges' keys are known: no listing of the series is read for them.
      List<SeriesKey> overflow = new ArrayList<>();
      for (String type : Edge.CONNECTION_TYPES) {
        overflow.add(new SeriesKey.Edge(OVERFLOW, OVERFLOW, type));
      }
      Overflow counted = sharedOverflow(overflow, startMillis, endMillis);
      if (counted != null) {
        missing.add(new MissingMetrics(MissingMetrics.Cause.MAX_SERIES, counted.first,
            counted.last, counted.count, Counted.of(counted.count, "call") + " that started from "
                + Instant.ofEpochMilli(counted.first) + " to " + Instant.ofEpochMilli(counted.last)
                + (counted.count == 1 ? " is" : " are") + " not on the edges between their"
                + " services: a process that writes the shared metrics reached its"
                + " analytics.max-series, and counted them on edges from and to " + OVERFLOW
                + " instead"));
      }
    }
    return missing;
  }

  private static boolean overlaps(Untracked.Spans spans, long startMillis, long endMillis) {
    return spans.count() > 0 && spans.first() < endMillis && spans.last() >= startMillis;
  }

  /**
   * The parts of [start, end) whose metrics are not kept: past the retention, dropped to keep
   * within the memory budget, or in hours set aside as corrupt; {@code what} the range would show.
   */
  private List<MissingMetrics> notKept(long startMillis, long endMillis, String what) {
    List<MissingMetrics> missing = new ArrayList<>();
    // Hours are deleted whole: the one the retention ends in is kept until it is all past.
    long kept = MetricsStore.hourOf(clock.millis() - retentionMillis);
    if (startMillis < kept) {
      missing.add(new MissingMetrics(MissingMetrics.Cause.RETENTION, startMillis,
          Math.min(kept, endMillis), -1, "metrics before " + Instant.ofEpochMilli(kept)
              + " are not kept (analytics.retention: " + text(Duration.ofMillis(retentionMillis))
              + "): the range before then shows no " + what + ", whether there were any or not"));
    }
    long evicted = store.evictedThrough();
    if (startMillis < evicted) {
      missing.add(new MissingMetrics(MissingMetrics.Cause.MEMORY_MAX, startMillis,
          Math.min(evicted, endMillis), -1, "metrics before " + Instant.ofEpochMilli(evicted)
              + " were dropped to keep within analytics.memory-max: the range before then shows"
              + " no " + what + ", whether there were any or not"));
    }
    List<Long> corrupt = store.corruptHours(startMillis, endMillis);
    for (int i = 0; i < corrupt.size(); ) {
      long from = corrupt.get(i);
      long to = from + MetricsStore.HOUR_MILLIS;
      for (i++; i < corrupt.size() && corrupt.get(i) == to; i++) {
        to += MetricsStore.HOUR_MILLIS;
      }
      missing.add(new MissingMetrics(MissingMetrics.Cause.CORRUPT, Math.max(from, startMillis),
          Math.min(to, endMillis), -1, "the metrics from " + Instant.ofEpochMilli(from) + " to "
              + Instant.ofEpochMilli(to) + " were in a file that failed its checksums and was set"
              + " aside as corrupt: that time shows at most the " + what + " recorded after,"
              + " whether there were more or not"));
    }
    return missing;
  }

  /**
   * The services with spans counted in the overflow series since the server started, by name,
   * each with what it lacks; as many as are remembered (see {@link #moreUntrackedServices}).
   */
  public SortedMap<String, MissingMetrics> untrackedServices() {
    SortedMap<String, MissingMetrics> services = new TreeMap<>();
    untracked.services()
        .forEach((service, spans) -> services.put(service, untracked(service, spans)));
    return services;
  }

  /**
   * Whether more services and operations had spans counted in the overflow series than are
   * remembered: then any other service may lack spans too. With a shared store, also whether any
   * process counted spans in the overflow series in the last {@value #SHARED_OVERFLOW_HOURS}
   * hours, since which services they were of is known to that process alone.
   */
  public boolean moreUntrackedServices() {
    if (untracked.more()) {
      return true;
    }
    if (!shared) {
      return false;
    }
    long now = clock.millis();
    return sharedOverflow(keysOf(OVERFLOW, null, Set.of()),
        now - SHARED_OVERFLOW_HOURS * MetricsStore.HOUR_MILLIS, now + bucketMillis) != null;
  }

  private MissingMetrics untracked(String subject, Untracked.Spans spans) {
    long count = spans.count();
    return new MissingMetrics(MissingMetrics.Cause.MAX_SERIES, spans.first(), spans.last(), count,
        Counted.of(count, "span") + " of " + subject + " that started from "
            + Instant.ofEpochMilli(spans.first()) + " to " + Instant.ofEpochMilli(spans.last())
            + " are not counted here: analytics.max-series (" + maxSeries + ") was reached, and"
            + " they were counted in the series named " + OVERFLOW + " instead (as known since"
            + " the server started)");
  }

  /** A duration as the settings write it: {@code 30d}, {@code 12h}, {@code 90m}. */
  private static String text(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  private static RedPoint point(long at, Aggregate a, List<Double> quantiles) {
    return new RedPoint(at, a.count(), a.errors(), quantiles(a, quantiles), a.exemplars());
  }

  /** Per operation and span kind of {@code service}, its totals over [start, end). */
  public List<OperationSummary> operations(
      String service, SpanKind kind, long startMillis, long endMillis, List<Double> quantiles) {
    long start = Math.floorDiv(startMillis, bucketMillis) * bucketMillis;
    Map<SeriesKey.Operation, Aggregate> byOperation = new HashMap<>();
    try {
      for (SeriesKey key : store.keys(start, endMillis)) {
        if (key instanceof SeriesKey.Operation o && o.service().equals(service)
            && (kind == null || o.kind() == kind)) {
          Aggregate total = store.total(key, start, endMillis);
          if (total != null) {
            SeriesKey.Operation row = new SeriesKey.Operation(service, o.operation(), o.kind(), StatusCode.UNSET);
            Aggregate existing = byOperation.putIfAbsent(row, total);
            if (existing != null) {
              existing.merge(total);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the metrics failed", e);
    }
    List<OperationSummary> rows = new ArrayList<>();
    byOperation.forEach((key, a) -> rows.add(new OperationSummary(
        key.operation(), key.kind(), a.count(), a.errors(), quantiles(a, quantiles))));
    rows.sort(Comparator.comparing(OperationSummary::operation)
        .thenComparing(row -> row.kind().name()));
    return rows;
  }

  /** Every edge of the service graph with calls that started in [start, end). */
  public List<ServiceEdge> edges(long startMillis, long endMillis, List<Double> quantiles) {
    long start = Math.floorDiv(startMillis, bucketMillis) * bucketMillis;
    List<ServiceEdge> edges = new ArrayList<>();
    try {
      for (SeriesKey key : store.keys(start, endMillis)) {
        if (key instanceof SeriesKey.Edge e) {
          Aggregate a = store.total(key, start, endMillis);
          if (a != null) {
            edges.add(new ServiceEdge(e.client(), e.server(), e.connectionType(), a.count(),
                a.errors(), quantiles(a, quantiles)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the metrics failed", e);
    }
    edges.sort(Comparator.comparing(ServiceEdge::client).thenComparing(ServiceEdge::server)
        .thenComparing(ServiceEdge::connectionType));
    return edges;
  }

  private static List<SeriesKey> keysOf(String service, String operation, Set<SpanKind> kinds) {
    List<SeriesKey> keys = new ArrayList<>();
    for (SpanKind k : KINDS) {
      if (!kinds.isEmpty() && !kinds.contains(k)) {
        continue;
      }
      for (StatusCode status : STATUSES) {
        keys.add(operation == null
            ? new SeriesKey.Service(service, k, status)
            : new SeriesKey.Operation(service, operation, k, status));
      }
    }
    return keys;
  }

  private static List<Double> quantiles(Aggregate a, List<Double> quantiles) {
    List<Double> values = new ArrayList<>(quantiles.size());
    for (double q : quantiles) {
      values.add(a.quantileNanos(q));
    }
    return values;
  }

  /** Flushes what is left and closes the store. */
  @Override
  public void close() throws IOException {
    if (registry != null) {
      registry.unregister(collector);
    }
    background.shutdown();
    try {
      if (!background.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "analytics: the flush thread did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      graph.flush();
      flush();
    } finally {
      store.close();
    }
  }

  /** Settings of {@link Analytics}; every one has a default. */
  public static final class Builder {
    private Path dataDir;
    private SharedMetrics shared;
    private Duration bucket = Duration.ofMinutes(1);
    private Duration retention = Duration.ofDays(30);
    private Duration flushInterval = Duration.ofSeconds(10);
    private Duration sealDelay = Duration.ofMinutes(10);
    private int maxSeries = 10_000;
    private Duration pairWait = Duration.ofSeconds(10);
    private int maxPendingCalls = 500_000;
    private int untrackedNames = 10_000;
    private long memoryMaxBytes = 256L << 20;
    private PrometheusRegistry registry;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Keeps the metrics durably in this directory; without it they are kept in memory. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /**
     * Keeps the metrics in {@code table}, shared with other processes (the scale-out path):
     * every read merges what each of them flushed. Not with {@link #dataDir}; {@link
     * #memoryMaxBytes} does not apply, and the table keeps rows for the {@link #retention}.
     */
    public Builder shared(SharedMetrics table) {
      this.shared = Objects.requireNonNull(table, "table");
      return this;
    }

    /** The width of a time bucket (default 1 minute); it must divide an hour evenly. */
    public Builder bucket(Duration bucket) {
      long millis = bucket.toMillis();
      if (millis < 1000 || MetricsStore.HOUR_MILLIS % millis != 0) {
        throw new IllegalArgumentException(
            "the bucket must be at least 1s and divide an hour evenly, not " + bucket);
      }
      this.bucket = bucket;
      return this;
    }

    /** How long metrics are kept (default 30 days). */
    public Builder retention(Duration retention) {
      if (retention.toMillis() < MetricsStore.HOUR_MILLIS) {
        throw new IllegalArgumentException("the retention must be at least an hour, not " + retention);
      }
      this.retention = retention;
      return this;
    }

    /** How often recorded spans are flushed to the store (default 10 s): what a crash can lose. */
    public Builder flushInterval(Duration flushInterval) {
      if (flushInterval.toMillis() < 1) {
        throw new IllegalArgumentException("the flush interval must be positive, not " + flushInterval);
      }
      this.flushInterval = flushInterval;
      return this;
    }

    /** How long after its end an hour is sealed into its final form (default 10 minutes). */
    public Builder sealDelay(Duration sealDelay) {
      if (sealDelay.isNegative()) {
        throw new IllegalArgumentException("the seal delay cannot be negative");
      }
      this.sealDelay = sealDelay;
      return this;
    }

    /**
     * The most service × operation × kind × status series (default 10,000); spans of further ones
     * are counted in one overflow series, and the same cap holds for the service graph's edges.
     */
    public Builder maxSeries(int maxSeries) {
      if (maxSeries < 1) {
        throw new IllegalArgumentException("max series must be at least 1, not " + maxSeries);
      }
      this.maxSeries = maxSeries;
      return this;
    }

    /**
     * How long a span waits for the other half of a call between services (default 10 s); halves
     * that wait longer are counted as expired, or become calls to a peer that sends no spans.
     */
    public Builder pairWait(Duration pairWait) {
      if (pairWait.isNegative() || pairWait.isZero()) {
        throw new IllegalArgumentException("the pair wait must be positive, not " + pairWait);
      }
      this.pairWait = pairWait;
      return this;
    }

    /**
     * The most spans held at once while they wait for the other half of a call (default 500,000,
     * about 100 MiB at most); past it a span is still paired with what is held, but not held
     * itself, and is counted as dropped.
     */
    public Builder maxPendingCalls(int maxPendingCalls) {
      if (maxPendingCalls < 1) {
        throw new IllegalArgumentException(
            "max pending calls must be at least 1, not " + maxPendingCalls);
      }
      this.maxPendingCalls = maxPendingCalls;
      return this;
    }

    /** Without a data directory, the most bytes of metrics kept in memory (default 256 MiB). */
    public Builder memoryMaxBytes(long memoryMaxBytes) {
      if (memoryMaxBytes < 1) {
        throw new IllegalArgumentException("the memory budget must be positive");
      }
      this.memoryMaxBytes = memoryMaxBytes;
      return this;
    }

    /** Where the Prometheus series and the analytics' own counters are registered (default: none). */
    public Builder prometheusRegistry(PrometheusRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** How many services and operations with spans past the series cap are remembered. */
    Builder untrackedNames(int untrackedNames) {
      this.untrackedNames = untrackedNames;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Opens the store (replaying a durable one) and starts the flush thread; {@link #close}
     * closes the store, the shared table included.
     */
    public Analytics build() throws IOException {
      long bucketMillis = bucket.toMillis();
      if (shared != null) {
        if (dataDir != null) {
          throw new IllegalStateException("the metrics go to a data directory or a shared table,"
              + " not both");
        }
        return new Analytics(this,
            new SharedStore(shared, bucketMillis, retention.toMillis(), clock::millis));
      }
      MetricsStore store = dataDir == null
          ? MetricsStore.inMemory(bucketMillis, retention.toMillis(), sealDelay.toMillis(),
              memoryMaxBytes, clock::millis)
          : MetricsStore.open(dataDir, bucketMillis, retention.toMillis(), sealDelay.toMillis(),
              clock::millis);
      return new Analytics(this, store);
    }
  }
}
