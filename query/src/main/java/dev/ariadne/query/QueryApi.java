package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.ServerBuilder;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.storage.Storage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The query APIs over one {@link Storage}, and {@link Analytics} when it is on: Ariadne's own JSON
 * API, the Jaeger query API and the Zipkin v2 read API, each bound to an Armeria {@link
 * ServerBuilder} by its {@code serve} method. Every endpoint is GET (and HEAD) only, runs its
 * storage calls on the server's blocking task executor, and streams large traces. Thread-safe;
 * holds no state besides the storage, the analytics, the meter registry, the timeout and the
 * bound on searches running at once.
 */
public final class QueryApi {
  private static final String ANALYTICS_OFF =
      "analytics is off (analytics.enabled: false): there are no RED metrics";

  /** The most spans of one trace an answer reads, unless {@link Builder#maxTraceSpans} says. */
  public static final int DEFAULT_MAX_TRACE_SPANS = 100_000;

  /** How long an answer may take to begin, unless {@link Builder#timeout} says. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How many searches run at once unless {@link Builder#maxConcurrentSearches} says: half the
   * cores, at least 1, so that searches leave the other half to ingest. On 2 cores, 4 looping
   * searches cut ingest by 74% with 2 at once and by 24% with 1 (docs/benchmarks.md).
   */
  public static int defaultMaxConcurrentSearches() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  private final NativeApi nativeApi;
  private final JaegerApi jaegerApi;
  private final ZipkinApi zipkinApi;
  private final MetricsApi metricsApi;
  private final MeterRegistry registry;
  private final Duration timeout;
  private final SearchSlots searchSlots;

  private QueryApi(Storage storage, Analytics analytics, MeterRegistry registry,
      int maxTraceSpans, Duration timeout, int maxConcurrentSearches) {
    Dependencies dependencies = new Dependencies(storage, analytics);
    TraceReader traces = new TraceReader(storage, maxTraceSpans);
    nativeApi = new NativeApi(storage, traces, dependencies, analytics);
    jaegerApi = new JaegerApi(storage, traces, dependencies);
    zipkinApi = new ZipkinApi(storage, traces, dependencies);
    metricsApi = analytics == null ? null : new MetricsApi(analytics);
    this.registry = registry;
    this.timeout = timeout;
    searchSlots = new SearchSlots(maxConcurrentSearches);
    if (registry != null) {
      Gauge.builder("ariadne.query.searches.running", searchSlots, SearchSlots::running)
          .description("Searches running now, at most query.max-concurrent-searches")
          .register(registry);
    }
  }

  /** Query APIs that record no metrics. */
  public static QueryApi create(Storage storage) {
    return builder(storage).build();
  }

  public static Builder builder(Storage storage) {
    return new Builder(storage);
  }

  /** Binds Ariadne's own API: {@code GET /api/v1/...}, as {@code docs/api.md} describes. */
  public void serveNative(ServerBuilder sb) {
    Routes routes = new Routes(sb, "native", Problem::writePlain);
    routes.get("/api/v1/traces/{traceId}", nativeApi::trace);
    routes.get("/api/v1/traces/{traceId}/critical-path", nativeApi::criticalPath);
    routes.search("/api/v1/traces", nativeApi::search, null);
    routes.get("/api/v1/services", nativeApi::services);
    routes.get("/api/v1/services/{service}/operations", nativeApi::operations);
    routes.get("/api/v1/attributes/keys", nativeApi::attributeKeys);
    routes.get("/api/v1/attributes/values", nativeApi::attributeValues);
    routes.get("/api/v1/dependencies", nativeApi::dependencies);
    if (metricsApi != null) {
      routes.get("/api/v1/metrics/red", metricsApi::red);
      routes.get("/api/v1/metrics/red/operations", metricsApi::operations);
    } else {
      routes.missing("/api/v1/metrics/", ANALYTICS_OFF);
    }
    routes.missing("/api/v1/", "no such endpoint of the native API (docs/api.md lists them)");
  }

  /** Binds the Jaeger query API: {@code GET /api/services}, {@code /api/traces} and the rest. */
  public void serveJaeger(ServerBuilder sb) {
    Routes routes = new Routes(sb, "jaeger", JaegerApi::writeProblem);
    routes.get("/api/services", jaegerApi::services);
    routes.get("/api/services/{service}/operations", jaegerApi::serviceOperations);
    routes.get("/api/operations", jaegerApi::operations);
    // With traceID, Jaeger's search reads those traces by ID: no search.
    routes.search("/api/traces", jaegerApi::search, "traceID");
    routes.get("/api/traces/{traceID}", jaegerApi::trace);
    routes.get("/api/dependencies", jaegerApi::dependencies);
    if (metricsApi != null) {
      routes.get("/api/metrics/calls", metricsApi::jaegerCalls);
      routes.get("/api/metrics/errors", metricsApi::jaegerErrors);
      routes.get("/api/metrics/latencies", metricsApi::jaegerLatencies);
      routes.get("/api/metrics/minstep", metricsApi::jaegerMinStep);
    } else {
      routes.missing("/api/metrics/", ANALYTICS_OFF);
    }
    routes.missing("/api/", "no such endpoint of the Jaeger query API (docs/api.md lists them)");
  }

  /**
   * Binds the Zipkin v2 read API: {@code GET /api/v2/...}. {@code POST /api/v2/spans} is left to
   * the collector on the same server.
   */
  public void serveZipkin(ServerBuilder sb) {
    Routes routes = new Routes(sb, "zipkin", Problem::writePlain);
    routes.get("/api/v2/services", zipkinApi::services);
    routes.get("/api/v2/spans", zipkinApi::spanNames);
    routes.get("/api/v2/remoteServices", zipkinApi::remoteServices);
    routes.search("/api/v2/traces", zipkinApi::traces, null);
    routes.get("/api/v2/trace/{traceId}", zipkinApi::trace);
    routes.get("/api/v2/traceMany", zipkinApi::traceMany);
    routes.get("/api/v2/dependencies", zipkinApi::dependencies);
    routes.get("/api/v2/autocompleteKeys", zipkinApi::autocompleteKeys);
    routes.get("/api/v2/autocompleteValues", zipkinApi::autocompleteValues);
    routes.missing("/api/v2/", "no such endpoint of the Zipkin API (docs/api.md lists them)");
  }

  /** Binds the GET endpoints of one API, which share a name and an error format. */
  private final class Routes {
    private final ServerBuilder sb;
    private final String api;
    private final Problem.Format problems;

    Routes(ServerBuilder sb, String api, Problem.Format problems) {
      this.sb = requireNonNull(sb, "sb");
      this.api = api;
      this.problems = problems;
    }

    /** Binds {@code path} for GET, and for HEAD, which answers GET's headers without its body. */
    void get(String path, Handler handler) {
      sb.route().path(path).methods(HttpMethod.GET, HttpMethod.HEAD)
          .build(new Endpoint(api, path, handler, problems, registry, timeout, null, null));
    }

    /**
     * Binds a search as {@link #get} does, run only within a search slot unless the request has
     * the query parameter {@code byId} (if not null), which makes it a read by ID.
     */
    void search(String path, Handler handler, String byId) {
      sb.route().path(path).methods(HttpMethod.GET, HttpMethod.HEAD).build(
          new Endpoint(api, path, handler, problems, registry, timeout, searchSlots, byId));
    }

    /** Answers a GET of any other path under {@code prefix} with a 404 in this API's format. */
    void missing(String prefix, String message) {
      sb.route().pathPrefix(prefix).methods(HttpMethod.GET, HttpMethod.HEAD)
          .build(new Endpoint(api, prefix + "*", params -> {
        throw new NotFoundException(message);
      }, problems, registry, timeout, null, null));
    }
  }

  /** Configures {@link QueryApi}; not thread-safe. */
  public static final class Builder {
    private final Storage storage;
    private MeterRegistry registry;
    private Analytics analytics;
    private int maxTraceSpans = DEFAULT_MAX_TRACE_SPANS;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxConcurrentSearches = defaultMaxConcurrentSearches();

    private Builder(Storage storage) {
      this.storage = requireNonNull(storage, "storage");
    }

    /**
     * Records the latency of every request, to the last byte, as the timer {@code
     * ariadne.query.requests} tagged with {@code api} (native, jaeger, zipkin), {@code endpoint}
     * (the path pattern) and {@code status}.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Serves RED metrics from {@code analytics}: {@code /api/v1/metrics/red...} and Jaeger's
     * {@code /api/metrics/...}, which without it are not bound (404); and serves the dependency
     * endpoints of every API from its service graph rather than from storage.
     */
    public Builder analytics(Analytics analytics) {
      this.analytics = requireNonNull(analytics, "analytics");
      return this;
    }

    /**
     * The most spans of one trace an answer reads (default {@value #DEFAULT_MAX_TRACE_SPANS}): a
     * larger trace is answered with 422 when asked for alone, and left out of a list of traces
     * (Jaeger's lists name it among their errors), so that one runaway trace cannot take the
     * heap.
     *
     * @throws IllegalArgumentException if {@code maxTraceSpans} is less than 1
     */
    public Builder maxTraceSpans(int maxTraceSpans) {
      if (maxTraceSpans < 1) {
        throw new IllegalArgumentException(
            "maxTraceSpans: " + maxTraceSpans + " (expected: >= 1)");
      }
      this.maxTraceSpans = maxTraceSpans;
      return this;
    }

    /**
     * How long an answer may take to begin (default 10 s) before the request is answered 503 in
     * its API's format: a search over more than the server can read in that time. An answer that
     * has begun streams at the client's pace.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * How many searches of traces (native {@code /api/v1/traces}, Jaeger {@code /api/traces},
     * Zipkin {@code /api/v2/traces}) run at once (default: one per available processor). A search
     * past them waits for one to end, within its timeout; one that waits it out is answered 503
     * with {@code Retry-After}, and counted as {@code ariadne.query.searches.refused} (the gauge
     * {@code ariadne.query.searches.running} shows those running). Other endpoints are not
     * bounded.
     *
     * @throws IllegalArgumentException if {@code maxConcurrentSearches} is less than 1
     */
    public Builder maxConcurrentSearches(int maxConcurrentSearches) {
      if (maxConcurrentSearches < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentSearches: " + maxConcurrentSearches + " (expected: >= 1)");
      }
      this.maxConcurrentSearches = maxConcurrentSearches;
      return this;
    }

    public QueryApi build() {
      return new QueryApi(storage, analytics, registry, maxTraceSpans, timeout,
          maxConcurrentSearches);
    }
  }
}
