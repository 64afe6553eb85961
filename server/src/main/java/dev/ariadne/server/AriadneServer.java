package dev.ariadne.server;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.cors.CorsService;
import com.linecorp.armeria.server.cors.CorsServiceBuilder;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.collector.Collector;
import dev.ariadne.collector.JaegerUdpReceiver;
import dev.ariadne.collector.sampling.SamplingStrategies;
import dev.ariadne.kafka.KafkaIngester;
import dev.ariadne.kafka.KafkaSpanWriter;
import dev.ariadne.query.QueryApi;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.cassandra.CassandraStorage;
import dev.ariadne.storage.embedded.EmbeddedStorage;
import dev.ariadne.storage.memory.MemoryStorage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one server: one storage, one collector, one query API, and an Armeria server per port
 * (query and /metrics on 16686, OTLP gRPC on 4317, OTLP HTTP on 4318, Zipkin in and out on 9411,
 * Jaeger Thrift over HTTP and sampling strategies on 14268, Jaeger gRPC on 14250, sampling
 * strategies as the Jaeger agent serves them on 5778), and the Jaeger agent's UDP ports, which the
 * collector binds (compact Thrift on 6831, binary on 6832). {@link #close()} drains the collector
 * (refusing new ingest requests with a retry hint until those in flight are answered, at most the
 * drain time; datagrams meanwhile are dropped and counted), closes the ports, then closes the
 * storage.
 *
 * <p>Or one {@link Role} of the scale-out path, with the parts of the server that role has: the
 * collector's receivers writing to Kafka, the ingester's Kafka consumer writing to Cassandra, or
 * the query APIs over Cassandra; the collector and the ingester serve {@code /metrics} and {@code
 * /health} on their admin port.
 */
final class AriadneServer implements Foreground.Running {
  private static final Logger log = LoggerFactory.getLogger(AriadneServer.class);

  private final ServerConfig config;
  /** Null in the collector role. */
  private final Storage storage;
  /** Null when off, and in the roles. */
  private final Analytics analytics;
  /** Null in the ingester and query roles. */
  private final Collector collector;
  /** The collector role's writer; null otherwise. */
  private final KafkaSpanWriter kafkaWriter;
  /** The ingester role's consumer; null otherwise. */
  private final KafkaIngester ingester;
  private final Map<String, Server> servers;
  private final Map<String, JaegerUdpReceiver> udpReceivers;
  private final PrometheusMeterRegistry registry;
  /** Re-reads the sampling strategies file; null when it is not re-read. */
  private final SamplingReload samplingReload;

  private AriadneServer(ServerConfig config, Storage storage, Analytics analytics,
      Collector collector, KafkaSpanWriter kafkaWriter, KafkaIngester ingester,
      Map<String, Server> servers, Map<String, JaegerUdpReceiver> udpReceivers,
      PrometheusMeterRegistry registry, SamplingReload samplingReload) {
    this.config = config;
    this.storage = storage;
    this.analytics = analytics;
    this.collector = collector;
    this.kafkaWriter = kafkaWriter;
    this.ingester = ingester;
    this.servers = servers;
    this.udpReceivers = udpReceivers;
    this.registry = registry;
    this.samplingReload = samplingReload;
  }

  static AriadneServer start(ServerConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Role role = config.role();
    // What is open so far, closed in reverse order if a later part cannot start.
    Deque<Closeable> opened = new ArrayDeque<>();
    try {
      Storage storage = null;
      if (role.stores()) {
        storage = storage(config, registry);
        opened.push(storage);
      }
      Analytics analytics = null;
      if (config.analytics() != null) {
        try {
          analytics = analytics(config, storage, registry);
        } catch (IOException e) {
          throw new StartException("cannot open the metrics of analytics", e);
        }
        if (analytics != null) opened.push(analytics);
      }
      KafkaSpanWriter kafkaWriter = null;
      if (role == Role.COLLECTOR) {
        kafkaWriter = KafkaSpanWriter.builder(config.kafka().brokers())
            .topic(config.kafka().topic())
            .sendTimeout(config.kafka().sendTimeout())
            .maxMessageBytes(config.kafka().maxMessageBytes())
            .meterRegistry(registry)
            .build();
        opened.push(kafkaWriter);
      }
      Collector collector = null;
      if (role.receives()) {
        Collector.Builder collectorBuilder = config.receivers()
            .collector(kafkaWriter != null ? kafkaWriter : storage, registry);
        if (analytics != null) collectorBuilder.onStored(analytics::record);
        collector = collectorBuilder.build();
        opened.push(collector::close);
      }
      QueryApi query = null;
      if (role.queries()) {
        QueryApi.Builder queryBuilder = QueryApi.builder(storage)
            .maxTraceSpans(config.queryMaxTraceSpans())
            .timeout(config.queryTimeout())
            .maxConcurrentSearches(config.queryMaxConcurrentSearches())
            .meterRegistry(registry);
        if (analytics != null) queryBuilder.analytics(analytics);
        query = queryBuilder.build();
      }

      Map<String, ServerBuilder> builders = new LinkedHashMap<>();
      if (query != null) {
        ServerBuilder queryServer = queryServer(config, query, registry, health(storage));
        if (role == Role.QUERY) {
          // No Zipkin port of its own: the Zipkin API v2 beside the others, under /api/v2/.
          query.serveZipkin(queryServer);
        }
        builders.put("query (web UI, native and Jaeger APIs, /metrics)", queryServer);
      } else {
        builders.put("admin (/metrics, /health)", adminServer(config, registry, storage));
      }
      SamplingReload samplingReload = null;
      Map<String, JaegerUdpReceiver> udpReceivers = Map.of();
      if (collector != null) {
        receiverServers(config, collector, query, storage, builders);
        udpReceivers = config.receivers().listenUdp(collector, config.host());
        if (!config.sampling().reloadInterval().isZero()) {
          samplingReload = SamplingReload.start(config.sampling().strategies(),
              config.sampling().file(), config.sampling().reloadInterval(), registry);
          opened.push(samplingReload::close);
        }
      }
      Map<String, Server> servers = new LinkedHashMap<>();
      builders.forEach((name, b) -> servers.put(name, b.build()));
      Map<String, CompletableFuture<Void>> started = new LinkedHashMap<>();
      servers.forEach((name, server) -> started.put(name, server.start()));
      try {
        CompletableFuture.allOf(started.values().toArray(new CompletableFuture<?>[0])).join();
      } catch (RuntimeException e) {
        servers.values().forEach(Server::stop);
        throw notListening(servers, started, e);
      }
      opened.push(() -> servers.values().forEach(Server::stop));
      KafkaIngester ingester = null;
      if (role == Role.INGESTER) {
        KafkaIngester.Builder ingesterBuilder =
            KafkaIngester.builder(config.kafka().brokers(), storage)
            .topic(config.kafka().topic())
            .groupId(config.kafka().groupId())
            .meterRegistry(registry);
        if (analytics != null) ingesterBuilder.onStored(analytics::record);
        ingester = ingesterBuilder.build();
        ingester.start();
      }
      return new AriadneServer(config, storage, analytics, collector, kafkaWriter, ingester,
          servers, udpReceivers, registry, samplingReload);
    } catch (RuntimeException e) {
      opened.forEach(AriadneServer::closeQuietly);
      throw e;
    }
  }

  /** The storage {@code config} names, open, its meters in {@code registry}. */
  private static Storage storage(ServerConfig config, PrometheusMeterRegistry registry) {
    switch (config.storage()) {
      case "memory":
        return memory(config, registry);
      case "cassandra":
        return cassandra(config.cassandra(), registry);
      default:
        return embedded(config.embedded(), registry);
    }
  }

  private static String storageDescription(ServerConfig config) {
    switch (config.storage()) {
      case "memory":
        return "memory, at most " + config.memoryMaxSpans() + " spans, lost on stop";
      case "cassandra":
        return config.cassandra().toString();
      default:
        return "embedded, data in " + config.embedded().dataDir().toAbsolutePath()
            + " (sync " + config.embedded().sync().name().toLowerCase(Locale.ROOT)
            + ", retention " + Settings.text(config.embedded().retention()) + ")";
    }
  }

  private static Storage cassandra(ServerConfig.Cassandra config, PrometheusMeterRegistry registry) {
    CassandraStorage.Builder builder = CassandraStorage.builder()
        .contactPoints(config.contactPoints())
        .localDatacenter(config.localDatacenter())
        .keyspace(config.keyspace())
        .createSchema(config.createSchema())
        .replicationFactor(config.replicationFactor())
        .ttl(config.ttl())
        .requestTimeout(config.requestTimeout())
        .meterRegistry(registry);
    if (!config.username().isEmpty()) {
      builder.credentials(config.username(), config.password());
    }
    try {
      return builder.build();
    } catch (IOException e) {
      throw new StartException("cannot connect to " + config, e);
    }
  }

  /** The query port: the web UI, the native and Jaeger APIs, /metrics and /health. */
  private static ServerBuilder queryServer(ServerConfig config, QueryApi query,
      PrometheusMeterRegistry registry, HttpService health) {
    ServerBuilder queryServer = builder(config, config.queryPort());
    query.serveNative(queryServer);
    query.serveJaeger(queryServer);
    WebUi.serve(queryServer);
    queryServer.service("/metrics", metrics(registry));
    queryServer.service("/health", health);
    queryServer.errorHandler(NoEndpoint.saying(
        "this port serves the web UI at /, the native API under /api/v1/,"
            + " the Jaeger query API under /api/,"
            + " /metrics and /health"));
    return queryServer;
  }

  /** A role's admin port: /metrics, and /health of its storage when it has one. */
  private static ServerBuilder adminServer(ServerConfig config, PrometheusMeterRegistry registry,
      Storage storage) {
    ServerBuilder admin = builder(config, config.adminPort());
    admin.service("/metrics", metrics(registry));
    admin.service("/health", storage != null ? health(storage)
        : (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, "ok"));
    admin.errorHandler(NoEndpoint.saying("this port serves /metrics and /health"));
    return admin;
  }

  /**
   * The receivers' ports that are on, into {@code builders}; on the Zipkin port the Zipkin API as
   * well when {@code query} is not null.
   */
  private static void receiverServers(ServerConfig config, Collector collector, QueryApi query,
      Storage storage, Map<String, ServerBuilder> builders) {
    if (config.receivers().otlpGrpc().enabled()) {
      builders.put("OTLP gRPC", builder(config, config.receivers().otlpGrpc().port())
          .requestTimeout(config.receivers().requestTimeout()).service(collector.otlpGrpc()));
    }
    if (config.receivers().otlpHttp().enabled()) {
      builders.put(
          "OTLP HTTP (/v1/traces)",
          allowOrigins(builder(config, config.receivers().otlpHttp().port()), config.receivers().otlpHttpCorsOrigins(),
                  HttpMethod.POST)
              .service("/v1/traces", collector.otlpHttp())
              .errorHandler(NoEndpoint.saying("this port takes OTLP traces at POST /v1/traces")));
    }
    if (config.receivers().zipkin().enabled()) {
      ServerBuilder zipkin = allowOrigins(builder(config, config.receivers().zipkin().port()),
          config.receivers().zipkinCorsOrigins(),
          query != null ? new HttpMethod[] {HttpMethod.GET, HttpMethod.POST}
              : new HttpMethod[] {HttpMethod.POST});
      zipkin.route().post("/api/v2/spans").build(collector.zipkinHttp());
      if (query != null) {
        query.serveZipkin(zipkin);
        // Where the Zipkin server answers it too: health checks written for Zipkin keep working.
        zipkin.service("/health", health(storage));
        zipkin.errorHandler(NoEndpoint.saying(
            "this port takes Zipkin v2 spans at POST /api/v2/spans"
                + " and serves the Zipkin API under /api/v2/ and /health"));
        builders.put("Zipkin (POST /api/v2/spans, Zipkin API v2)", zipkin);
      } else {
        zipkin.errorHandler(NoEndpoint.saying("this port takes Zipkin v2 spans at"
            + " POST /api/v2/spans (the Zipkin API is served by ariadne query)"));
        builders.put("Zipkin (POST /api/v2/spans)", zipkin);
      }
    }
    SamplingStrategies strategies = config.sampling().strategies();
    if (config.receivers().jaegerThriftHttp().enabled()) {
      ServerBuilder jaeger = builder(config, config.receivers().jaegerThriftHttp().port());
      jaeger.route().post("/api/traces").build(collector.jaegerThriftHttp());
      // Where the Jaeger collector serves them, for clients and agents that ask it.
      jaeger.service("/api/sampling", strategies.httpService());
      jaeger.errorHandler(NoEndpoint.saying(
          "this port takes Jaeger Thrift batches at POST /api/traces"
              + " and serves sampling strategies at GET /api/sampling?service=NAME"));
      builders.put("Jaeger Thrift HTTP (/api/traces, /api/sampling)", jaeger);
    }
    if (config.receivers().jaegerGrpc().enabled()) {
      builders.put("Jaeger gRPC", builder(config, config.receivers().jaegerGrpc().port())
          .requestTimeout(config.receivers().requestTimeout()).service(collector.jaegerGrpc())
          // Where the Jaeger collector serves them, for OpenTelemetry's Jaeger remote sampler.
          .service(strategies.grpcService()));
    }
    if (config.sampling().enabled()) {
      // As the Jaeger agent's port: /sampling, and / where jaeger-client-java asks.
      builders.put("sampling (GET /sampling, GET /)", builder(config, config.sampling().port())
          .service("/sampling", strategies.httpService())
          .service("/", strategies.legacyHttpService())
          .errorHandler(NoEndpoint.saying("this port serves sampling strategies at"
              + " GET /sampling?service=NAME and GET /?service=NAME")));
    }
  }

  /**
   * Analytics as configured, or null when it is off: in the data directory with the embedded
   * engine, in memory with the memory backend, and in Cassandra's table of shared metrics with
   * Cassandra, where the query role reads what every ingester (or server) flushed.
   */
  private static Analytics analytics(ServerConfig config, Storage storage,
      PrometheusMeterRegistry registry) throws IOException {
    ServerConfig.Analytics settings = config.analytics();
    if (!settings.enabled()) {
      return null;
    }
    Analytics.Builder builder = Analytics.builder()
        .bucket(settings.bucket())
        .retention(settings.retention())
        .prometheusRegistry(registry.getPrometheusRegistry());
    if (config.role() != Role.QUERY) {
      builder.maxSeries(settings.maxSeries())
          .flushInterval(settings.flushInterval())
          .pairWait(settings.pairWait())
          .maxPendingCalls(settings.maxPendingCalls());
    }
    switch (config.storage()) {
      case "embedded" -> builder.dataDir(config.embedded().dataDir().resolve("metrics"));
      case "cassandra" ->
          builder.shared(((CassandraStorage) storage).sharedMetrics(settings.retention()));
      default -> builder.memoryMaxBytes(settings.memoryMaxBytes());
    }
    return builder.build();
  }

  private static Storage memory(ServerConfig config, PrometheusMeterRegistry registry) {
    MemoryStorage storage = MemoryStorage.create(config.memoryMaxSpans());
    Gauge.builder("ariadne.storage.memory.spans", storage, MemoryStorage::spanCount)
        .description("Spans held by the memory backend")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.memory.evicted.traces", storage, MemoryStorage::evictedTraces)
        .description("Traces evicted because the memory backend was full")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.memory.evicted.spans", storage, MemoryStorage::evictedSpans)
        .description("Spans evicted because the memory backend was full")
        .register(registry);
    return storage;
  }

  /**
   * Why {@code failure} happened: its message, without the file it names when that file is {@code
   * directory}, which the line names already. A file where the directory should be is said so,
   * rather than the first file the engine failed to make in it.
   */
  private static String reason(IOException failure, Path directory) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      return "Not a directory";
    }
    if (failure instanceof FileSystemException fileFailure && fileFailure.getFile() != null
        && fileFailure.getReason() != null
        && Path.of(fileFailure.getFile()).toAbsolutePath().normalize().equals(directory)) {
      return fileFailure.getReason();
    }
    return failure.getMessage();
  }

  private static Storage embedded(ServerConfig.Embedded config, PrometheusMeterRegistry registry) {
    EmbeddedStorage storage;
    try {
      storage = EmbeddedStorage.builder(config.dataDir())
          .syncPolicy(config.sync())
          .syncInterval(config.syncInterval())
          .headMaxSpans(config.headMaxSpans())
          .headMaxBytes(config.headMaxBytes())
          .headMaxAge(config.headMaxAge())
          .compactionTargetSpans(config.compactionTargetSpans())
          .compactionFanIn(config.compactionFanIn())
          .retention(config.retention())
          .maxDiskBytes(config.maxDiskBytes())
          .maxSpansPerTrace(config.maxSpansPerTrace())
          .open();
    } catch (IOException e) {
      Path directory = config.dataDir().toAbsolutePath().normalize();
      throw new StartException(
          "cannot open the data directory " + directory, reason(e, directory), e);
    }
    Gauge.builder("ariadne.storage.head.spans", storage, EmbeddedStorage::headSpanCount)
        .description("Spans in the head (in memory, in the WAL, not yet in a block)")
        .register(registry);
    Gauge.builder("ariadne.storage.head.bytes", storage, EmbeddedStorage::headBytes)
        .description("Bytes of the spans in the head, as the WAL holds them")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("ariadne.storage.block.spans", storage, EmbeddedStorage::blockSpanCount)
        .description("Spans in block files")
        .register(registry);
    Gauge.builder("ariadne.storage.blocks", storage, EmbeddedStorage::blockCount)
        .description("Block files")
        .register(registry);
    Gauge.builder("ariadne.storage.block.bytes", storage, EmbeddedStorage::blockBytes)
        .description("Bytes in block files")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("ariadne.storage.wal.bytes", storage, EmbeddedStorage::walBytes)
        .description("Bytes in WAL segments")
        .baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.wal.syncs", storage, EmbeddedStorage::walSyncCount)
        .description("fsyncs of the WAL (one covers every write waiting at that moment)")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.cuts", storage, EmbeddedStorage::cuts)
        .description("Blocks written from cut heads")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.cut.seconds", storage, EmbeddedStorage::cutSeconds)
        .description("Seconds spent writing the blocks of cut heads")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.compactions", storage, EmbeddedStorage::compactions)
        .description("Block compactions done")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.compaction.seconds", storage,
            EmbeddedStorage::compactionSeconds)
        .description("Seconds spent in the block compactions done")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.background.failures", storage,
            EmbeddedStorage::backgroundFailures)
        .description("Rounds of background work that failed (cuts, compactions, retention,"
            + " closing replaced blocks), each retried; the log says which and why")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.expired.blocks", storage, EmbeddedStorage::expiredBlocks)
        .description("Blocks deleted for retention or the disk cap")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.dropped.spans", storage, EmbeddedStorage::droppedSpanCount)
        .description("Spans not stored because their trace had reached embedded.max-spans-per-trace")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.corrupt.blocks", storage, EmbeddedStorage::corruptBlocks)
        .description("Blocks found corrupt and moved aside")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.corrupt.pages", storage, EmbeddedStorage::corruptPages)
        .description("Pages (and bloom filters) of blocks found corrupt and left out of reads")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.lost.spans", storage, EmbeddedStorage::lostSpans)
        .description("Spans a merge left out because their page of a corrupt block was unreadable")
        .register(registry);
    FunctionCounter.builder("ariadne.storage.searched.blocks", storage,
            EmbeddedStorage::searchedBlocks)
        .description("Blocks whose spans a search has read, once per search and block")
        .register(registry);
    return storage;
  }

  static void closeQuietly(Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException | RuntimeException e) {
      log.warn("closing {} failed", closeable.getClass().getSimpleName(), e);
    }
  }

  /** Names the first server that did not start, the address it was to listen on, and why. */
  static RuntimeException notListening(Map<String, Server> servers,
      Map<String, CompletableFuture<Void>> started, RuntimeException failure) {
    for (Map.Entry<String, CompletableFuture<Void>> server : started.entrySet()) {
      if (server.getValue().isCompletedExceptionally()) {
        Throwable cause = server.getValue().handle((ok, e) -> e).join();
        if (cause instanceof CompletionException && cause.getCause() != null) {
          cause = cause.getCause();
        }
        InetSocketAddress address =
            servers.get(server.getKey()).config().ports().get(0).localAddress();
        return new StartException("cannot listen on " + address.getHostString() + ":"
            + address.getPort() + " for " + server.getKey(), cause);
      }
    }
    return failure;
  }

  /** The longest request line (method, URL and version) the servers read. */
  private static final int MAX_URL_BYTES = 64 * 1024;

  private static ServerBuilder builder(ServerConfig config, int port) {
    return builder(config.host(), port, config.drainSeconds());
  }

  /** A server on {@code host}:{@code port} that, stopping, waits up to {@code drainSeconds}. */
  static ServerBuilder builder(String host, int port, int drainSeconds) {
    // On stop (once the collector has drained, see close): close the port as soon as no request
    // is in flight, waiting at most the drain time for the queries still being answered.
    Duration drain = Duration.ofSeconds(drainSeconds);
    // Armeria's own meters are not exported. Into one registry, the six servers would each
    // register the shared blocking executor and their gauges under the same names, and Micrometer
    // keeps the first and warns; an empty composite registry records nothing.
    return Server.builder()
        .http(new InetSocketAddress(host, port))
        // A lookup of many traces names them all in its URL (Jaeger's traceID=…&traceID=…,
        // Zipkin's traceMany): 64 KiB holds about 1,500 IDs, where Armeria's default of 4 KiB held
        // under 100 and answered more with a bare 414.
        .http1MaxInitialLineLength(MAX_URL_BYTES)
        .http2MaxHeaderListSize(MAX_URL_BYTES + 8192)
        .meterRegistry(new CompositeMeterRegistry())
        .gracefulShutdownTimeout(Duration.ZERO, drain);
  }

  /**
   * Lets web pages of {@code origins} call the endpoints of {@code sb} with {@code methods}: the
   * server answers browsers' CORS preflights (any request header, cached an hour) and marks its
   * answers for those origins. Nothing changes when there are none.
   */
  static ServerBuilder allowOrigins(
      ServerBuilder sb, List<String> origins, HttpMethod... methods) {
    if (!origins.isEmpty()) {
      CorsServiceBuilder cors = origins.equals(List.of("*"))
          ? CorsService.builderForAnyOrigin()
          : CorsService.builder(origins);
      sb.decorator(cors.allowRequestMethods(methods)
          .allowAllRequestHeaders(true)
          .maxAge(Duration.ofHours(1))
          .newDecorator());
    }
    return sb;
  }

  static HttpService metrics(PrometheusMeterRegistry registry) {
    return (ctx, req) ->
        HttpResponse.of(
            () ->
                HttpResponse.of(
                    HttpStatus.OK,
                    MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
                    registry.scrape()),
            ctx.blockingTaskExecutor());
  }

  /**
   * {@code 200 ok} while the storage stores spans; {@code 503} with the reason once it has stopped
   * until a restart, so that a supervisor's liveness check restarts the server.
   */
  private static HttpService health(Storage storage) {
    return (ctx, req) -> storage.stopped()
        .map(why -> HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE, MediaType.PLAIN_TEXT_UTF_8,
            "storage stopped: " + why))
        .orElseGet(() -> HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, "ok"));
  }

  /** The storage the server writes to and reads from. */
  Storage storage() {
    return storage;
  }

  /** The port each server listens on, by name; useful when a configured port is 0. */
  Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    servers.forEach((name, server) -> ports.put(name, server.activeLocalPort()));
    udpReceivers.forEach((name, receiver) -> ports.put(name, receiver.localAddress().getPort()));
    return ports;
  }

  @Override
  public void printEndpoints(PrintStream out) {
    String name = config.role() == Role.SERVER ? "ariadne" : config.role().command();
    out.println(name + ": listening");
    ports().forEach((port, number) -> out.printf("  %-48s port %d%n", port, number));
    if (storage != null) {
      out.println(name + ": storage " + storageDescription(config));
    }
    if (config.analytics() != null) {
      out.println(name + ": analytics " + (analytics == null
          ? "off (analytics.enabled=false)"
          : "on, RED metrics in " + analytics.bucket().toSeconds() + " s buckets"));
    }
    if (config.sampling() != null) {
      out.println(name + ": sampling strategies " + config.sampling().source());
    }
    if (kafkaWriter != null) {
      out.println(name + ": spans to Kafka topic " + config.kafka().topic() + " at "
          + config.kafka().brokers());
    }
    if (ingester != null) {
      out.println(name + ": spans from Kafka topic " + config.kafka().topic() + " at "
          + config.kafka().brokers() + " (consumer group " + config.kafka().groupId() + ")");
    }
  }

  /**
   * Waits until {@code server}, stopping, has closed its port and every connection, which it does
   * once its in-flight requests have finished or the drain time is over. Its stop goes on for two
   * more seconds, Netty's quiet period for the thread that accepted the connections, with nothing
   * left to wait for: Armeria 1.36 shuts that thread down with Netty's defaults, whatever its
   * {@code bossGroupFactory} says.
   */
  static void awaitDisconnected(Server server, CompletableFuture<Void> stopped) {
    while (!stopped.isDone() && !(server.activePorts().isEmpty() && server.numConnections() == 0)) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Drains, then stops: the collector refuses new requests at once (503 / {@code UNAVAILABLE} with
   * a retry hint) while the ports stay open and queries are answered, until every request it had
   * taken is answered or the drain time is over; uploads still arriving then are answered 503 with
   * a retry hint. Then the ports close, once the requests on them are answered, and the collector
   * and the storage close.
   */
  @Override
  public void close() {
    Duration drainTime = Duration.ofSeconds(config.drainSeconds());
    if (collector != null) {
      collector.drain();
      try {
        collector.awaitDrained(drainTime);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      collector.close();
    }
    if (ingester != null) ingester.close();
    if (samplingReload != null) samplingReload.close();
    Map<Server, CompletableFuture<Void>> stopped = new LinkedHashMap<>();
    servers.values().forEach(s -> stopped.put(s, s.stop()));
    stopped.forEach(AriadneServer::awaitDisconnected);
    closeQuietly(kafkaWriter);
    closeQuietly(analytics);
    closeQuietly(storage);
    registry.close();
  }
}
