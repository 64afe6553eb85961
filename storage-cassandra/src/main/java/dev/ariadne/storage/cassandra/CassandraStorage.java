package dev.ariadne.storage.cassandra;

import static java.util.Objects.requireNonNull;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import dev.ariadne.analytics.SharedMetrics;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.otlp.OtlpProtobufDecoder;
import dev.ariadne.model.otlp.OtlpProtobufEncoder;
import dev.ariadne.storage.CancelledException;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.SpansTooLargeException;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.storage.internal.DependencyLinker;
import dev.ariadne.storage.internal.Operations;
import dev.ariadne.storage.internal.TracePart;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A {@link Storage} on Apache Cassandra: spans by trace ID, an index of what they are searched by
 * in hourly buckets, and the names the listings show, every row with the configured TTL. Build
 * with {@link #builder()}, which connects and creates the schema; {@code docs/cassandra.md}
 * describes the tables. Thread-safe.
 *
 * <p>A write returns once Cassandra has acknowledged every row of it (spans and index rows) at the
 * configured consistency; if it throws, some rows may be stored, and a retry of the batch stores
 * its spans again, as the contract's "a span written twice is held twice" says. A stored span
 * whose bytes do not decode is left out of its trace and counted by {@link #unreadableSpans}.
 */
public final class CassandraStorage implements Storage {
  /** The length of a time bucket of the index: an hour, as Jaeger's. */
  static final long BUCKET_NANOS = TimeUnit.HOURS.toNanos(1);

  /**
   * Each index entry's hour is this many partitions, a trace's rows going to the one its ID picks:
   * the entries that nearly every span is under (every span, a busy service, a common attribute
   * value) then spread over the cluster's nodes, and an hour of them is an eighth as large. A
   * search reads an hour's shards side by side and merges them newest first.
   */
  static final int INDEX_SHARDS = 8;

  /**
   * The largest encoded span stored, well under Cassandra's largest mutation (half of a 32 MiB
   * commit log segment by default); larger spans are left out, counted, and named by the write's
   * {@link SpansTooLargeException} once the rest is stored.
   */
  static final int MAX_SPAN_BYTES = 8 << 20;

  /**
   * Names longer than this (in chars; at most 3 bytes each in UTF-8) are not listed, so that two
   * of them stay within Cassandra's 64 KiB partition key; search finds their spans all the same.
   */
  static final int MAX_LISTED_NAME_LENGTH = 8192;

  /**
   * How long a name or time bucket written is remembered and not written again. Their rows live
   * this much longer than the spans, so that they outlive every span that named them.
   */
  static final Duration NAME_REFRESH = Duration.ofHours(1);

  /** Traces read at once by a search or the dependencies; index rows read per page. */
  private static final int TRACES_PER_CHUNK = 32;
  /** Index rows read per page of each shard: 1,000 over an hour's shards. */
  private static final int INDEX_PAGE_SIZE = 1000 / INDEX_SHARDS;
  /** Requests in flight at once, over all calls. */
  static final int MAX_IN_FLIGHT = 256;
  /** A batch holds rows of one partition, this many at most, or about this many bytes. */
  private static final int MAX_BATCH_ROWS = 200;
  private static final int MAX_BATCH_BYTES = 1 << 20;
  private static final int MAX_REMEMBERED = 200_000;
  private static final int MAX_TRACKED_UNREADABLE = 10_000;
  /** Search's order: newest start first; of equal starts, by trace ID, so answers do not vary. */
  private static final Comparator<TraceSummary> NEWEST_FIRST =
      Comparator.comparingLong(TraceSummary::startEpochNanos).reversed()
          .thenComparing(TraceSummary::traceId,
              Comparator.comparingLong(TraceId::high).thenComparingLong(TraceId::low));

  private final CqlSession session;
  private final String keyspace;
  private final Duration requestTimeout;
  private final int ttlSeconds;
  private final int namesTtlSeconds;
  private final Meters meters;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  /** Names and buckets written lately, with when (System.nanoTime). */
  private final Map<Object, Long> remembered = new ConcurrentHashMap<>();
  private final Map<TraceId, Integer> unreadable = new ConcurrentHashMap<>();

  private final PreparedStatement insertSpan;
  private final PreparedStatement insertIndex;
  private final PreparedStatement insertBucket;
  private final PreparedStatement insertService;
  private final PreparedStatement insertOperation;
  private final PreparedStatement insertKey;
  private final PreparedStatement insertValue;
  private final PreparedStatement selectSpans;
  private final PreparedStatement countSpans;
  private final PreparedStatement selectBuckets;
  private final PreparedStatement selectIndex;
  private final PreparedStatement selectServices;
  private final PreparedStatement selectServicesUpTo;
  private final PreparedStatement selectOperations;
  private final PreparedStatement selectKeys;
  private final PreparedStatement selectValues;

  private CassandraStorage(CqlSession session, Builder builder) {
    this.session = session;
    this.keyspace = builder.keyspace;
    this.requestTimeout = builder.requestTimeout;
    this.ttlSeconds = (int) builder.ttl.toSeconds();
    this.namesTtlSeconds = (int) builder.ttl.plus(NAME_REFRESH).toSeconds();
    this.meters = new Meters(builder.meterRegistry);
    String ks = Schema.quote(builder.keyspace) + ".";
    insertSpan = session.prepare("INSERT INTO " + ks + "spans (trace_id, write_id, position, span)"
        + " VALUES (?, ?, ?, ?) USING TTL ?");
    insertIndex = session.prepare("INSERT INTO " + ks + "span_index (bucket, shard, field, key,"
        + " value, start_time, trace_id, first_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?");
    insertBucket = session.prepare(
        "INSERT INTO " + ks + "time_buckets (shard, bucket) VALUES (0, ?) USING TTL ?");
    insertService = session.prepare(
        "INSERT INTO " + ks + "service_names (shard, service_name) VALUES (0, ?) USING TTL ?");
    insertOperation = session.prepare("INSERT INTO " + ks + "operation_names (service_name,"
        + " span_name, span_kind) VALUES (?, ?, ?) USING TTL ?");
    insertKey = session.prepare(
        "INSERT INTO " + ks + "attribute_keys (service_name, key) VALUES (?, ?) USING TTL ?");
    insertValue = session.prepare("INSERT INTO " + ks + "attribute_values (service_name, key,"
        + " value) VALUES (?, ?, ?) USING TTL ?");
    selectSpans = session.prepare("SELECT span FROM " + ks + "spans WHERE trace_id = ?");
    countSpans = session.prepare("SELECT COUNT(*) FROM " + ks + "spans WHERE trace_id = ?");
    selectBuckets = session.prepare("SELECT bucket FROM " + ks + "time_buckets"
        + " WHERE shard = 0 AND bucket >= ? AND bucket <= ?");
    selectIndex = session.prepare("SELECT start_time, trace_id, first_start FROM " + ks
        + "span_index WHERE bucket = ? AND shard = ? AND field = ? AND key = ? AND value = ?"
        + " AND start_time >= ?");
    selectServices = session.prepare(
        "SELECT service_name FROM " + ks + "service_names WHERE shard = 0 LIMIT ?");
    selectServicesUpTo = session.prepare("SELECT service_name FROM " + ks + "service_names"
        + " WHERE shard = 0 AND service_name <= ? LIMIT ?");
    selectOperations = session.prepare("SELECT span_name, span_kind FROM " + ks
        + "operation_names WHERE service_name = ? LIMIT ?");
    selectKeys = session.prepare(
        "SELECT key FROM " + ks + "attribute_keys WHERE service_name = ? LIMIT ?");
    selectValues = session.prepare("SELECT value FROM " + ks + "attribute_values"
        + " WHERE service_name = ? AND key = ? LIMIT ?");
  }

  public static Builder builder() {
    return new Builder();
  }

  // Writing

  /**
   * {@inheritDoc}
   *
   * <p>A span whose OTLP encoding is larger than 8 MiB is left out and counted ({@code
   * ariadne_cassandra_spans_too_large_total}); the others are stored, and then the write throws
   * {@link SpansTooLargeException} naming it, so that the collector tells its client.
   *
   * @throws SpansTooLargeException naming the spans left out, once every other span is stored
   * @throws IOException when Cassandra did not acknowledge every row within the request timeout
   * @throws IllegalArgumentException if an attribute value nests deeper than OTLP's decoders read
   *     (32 levels); then none of {@code spans} is stored
   */
  @Override
  public void write(List<Span> spans) throws IOException {
    requireNonNull(spans, "spans");
    for (Span span : spans) {
      requireNonNull(span, "span");
    }
    if (spans.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    WritePlan plan = plan(spans);
    try {
      execute(plan.statements, "spans");
    } catch (IOException e) {
      meters.notWritten(spans.size(), System.nanoTime() - started);
      throw e;
    }
    long now = System.nanoTime();
    if (remembered.size() + plan.names.size() > MAX_REMEMBERED) {
      remembered.clear();
    }
    for (Object name : plan.names) {
      remembered.put(name, now);
    }
    meters.written(plan.spanCount, now - started);
    if (!plan.tooLarge.isEmpty()) {
      throw new SpansTooLargeException(plan.tooLarge);
    }
  }

  private record ServiceName(String service) {}

  private record OperationName(String service, String name, SpanKind kind) {}

  private record KeyName(String service, String key) {}

  private record ValueName(String service, String key, String value) {}

  private record Bucket(long bucket) {}

  private record IndexPartition(long bucket, int shard, IndexEntry entry) {}

  /** The rows of one write, in batches of one partition each. */
  private static final class WritePlan {
    final List<Statement<?>> statements = new ArrayList<>();
    /** The names and buckets written, remembered once the write succeeded. */
    final Set<Object> names = new HashSet<>();
    /** The spans left out, each too large for a row, with why. */
    final IdentityHashMap<Span, String> tooLarge = new IdentityHashMap<>();
    int spanCount;
  }

  private WritePlan plan(List<Span> spans) {
    byte[][] encoded = new byte[spans.size()][];
    for (int i = 0; i < spans.size(); i++) {
      encoded[i] = OtlpProtobufEncoder.encode(List.of(spans.get(i)));
    }
    WritePlan plan = new WritePlan();
    UUID writeId = Uuids.timeBased();
    Map<TraceId, Batches> spanRows = new LinkedHashMap<>();
    // Per index partition and trace, the first and last start of the write's spans in it: one
    // row per trace, however many of its spans the write holds.
    Map<IndexPartition, Map<TraceId, long[]>> index = new LinkedHashMap<>();
    Set<Object> names = new LinkedHashSet<>();
    for (int i = 0; i < spans.size(); i++) {
      Span span = spans.get(i);
      if (encoded[i].length > MAX_SPAN_BYTES) {
        meters.tooLarge();
        plan.tooLarge.put(span, SpansTooLargeException.reason(span, encoded[i].length,
            "a Cassandra row of Ariadne's holds (" + MAX_SPAN_BYTES + ")", "stored"));
        continue;
      }
      plan.spanCount++;
      ByteBuffer traceId = traceIdBytes(span.traceId());
      spanRows.computeIfAbsent(span.traceId(), id -> new Batches()).add(
          insertSpan.bind(traceId, writeId, i, ByteBuffer.wrap(encoded[i]), ttlSeconds),
          encoded[i].length);
      long start = span.startEpochNanos();
      long bucket = Math.floorDiv(start, BUCKET_NANOS);
      int shard = shard(span.traceId());
      names.add(new Bucket(bucket));
      for (IndexEntry entry : IndexEntry.of(span)) {
        long[] range = index.computeIfAbsent(new IndexPartition(bucket, shard, entry),
            partition -> new LinkedHashMap<>())
            .computeIfAbsent(span.traceId(), id -> new long[] {start, start});
        range[0] = Math.min(range[0], start);
        range[1] = Math.max(range[1], start);
      }
      addNames(names, span);
    }
    for (Batches batches : spanRows.values()) {
      batches.addTo(plan.statements);
    }
    index.forEach((partition, traces) -> {
      Batches batches = new Batches();
      IndexEntry entry = partition.entry();
      traces.forEach((traceId, range) -> batches.add(insertIndex.bind(partition.bucket(),
          partition.shard(), entry.field(), entry.key(), entry.value(), range[1],
          traceIdBytes(traceId), range[0], ttlSeconds), 64));
      batches.addTo(plan.statements);
    });
    // The names' rows, batched by partition: a service's span names and keys share one (the
    // tables' partition keys are the same), all services one, all buckets one.
    Map<Object, Batches> nameRows = new LinkedHashMap<>();
    long now = System.nanoTime();
    for (Object name : names) {
      Long written = remembered.get(name);
      if (written != null && now - written < NAME_REFRESH.toNanos()) {
        continue;
      }
      plan.names.add(name);
      nameRows.computeIfAbsent(partitionOf(name), partition -> new Batches())
          .add(nameRow(name), 64);
    }
    for (Batches batches : nameRows.values()) {
      batches.addTo(plan.statements);
    }
    return plan;
  }

  private static void addNames(Set<Object> names, Span span) {
    String service = span.serviceName();
    if (service.length() > MAX_LISTED_NAME_LENGTH) {
      return;
    }
    names.add(new ServiceName(service));
    if (span.name().length() <= MAX_LISTED_NAME_LENGTH) {
      names.add(new OperationName(service, span.name(), span.kind()));
    }
    addAttributeNames(names, service, span.attributes());
    addAttributeNames(names, service, span.resource().attributes());
  }

  private static void addAttributeNames(Set<Object> names, String service,
      List<Attribute> attributes) {
    for (Attribute attribute : attributes) {
      String text = TraceQuery.searchableText(attribute.value());
      if (text == null || attribute.key().length() > MAX_LISTED_NAME_LENGTH) {
        continue;
      }
      names.add(new KeyName(service, attribute.key()));
      if (text.length() <= MAX_LISTED_VALUE_LENGTH) {
        names.add(new ValueName(service, attribute.key(), text));
      }
    }
  }

  /** The partition a name's row is in, as a key of a map. */
  private static Object partitionOf(Object name) {
    if (name instanceof OperationName operation) {
      return new ServiceName(operation.service());
    } else if (name instanceof KeyName key) {
      return new ServiceName(key.service());
    } else if (name instanceof ValueName value) {
      return new KeyName(value.service(), value.key());
    } else if (name instanceof ServiceName) {
      return ServiceName.class;
    }
    return Bucket.class;
  }

  @SuppressWarnings("EnumOrdinal") // a kind is stored as its OTLP number, its ordinal
  private BoundStatement nameRow(Object name) {
    if (name instanceof Bucket bucket) {
      return insertBucket.bind(bucket.bucket(), namesTtlSeconds);
    } else if (name instanceof ServiceName service) {
      return insertService.bind(service.service(), namesTtlSeconds);
    } else if (name instanceof OperationName operation) {
      return insertOperation.bind(operation.service(), operation.name(),
          operation.kind().ordinal(), namesTtlSeconds);
    } else if (name instanceof KeyName key) {
      return insertKey.bind(key.service(), key.key(), namesTtlSeconds);
    }
    ValueName value = (ValueName) name;
    return insertValue.bind(value.service(), value.key(), value.value(), namesTtlSeconds);
  }

  /** Rows of one partition, cut into unlogged batches (one mutation each) of a bounded size. */
  static final class Batches {
    private final List<List<BoundStatement>> batches = new ArrayList<>();
    private List<BoundStatement> current;
    private long currentBytes;

    void add(BoundStatement row, int bytes) {
      if (current == null || current.size() == MAX_BATCH_ROWS
          || currentBytes + bytes > MAX_BATCH_BYTES) {
        current = new ArrayList<>();
        currentBytes = 0;
        batches.add(current);
      }
      current.add(row);
      currentBytes += bytes;
    }

    void addTo(List<Statement<?>> statements) {
      for (List<BoundStatement> rows : batches) {
        if (rows.size() == 1) {
          statements.add(rows.get(0));
        } else {
          BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
          batch.addStatements(new ArrayList<>(rows));
          statements.add(batch.build());
        }
      }
    }
  }

  /**
   * Runs statements concurrently, a bounded number at a time (over all calls, the shared metrics'
   * too); returns when all succeeded. On the first failure it sends no more, waits for those sent,
   * and throws, saying that Cassandra did not store {@code what}.
   */
  void execute(List<Statement<?>> statements, String what) throws IOException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<CompletableFuture<AsyncResultSet>> sent = new ArrayList<>(statements.size());
    try {
      for (Statement<?> statement : statements) {
        if (failure.get() != null) {
          break;
        }
        if (!inFlight.tryAcquire(requestTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
          failure.compareAndSet(null, new TimeoutException("no room for another request to"
              + " Cassandra within the request timeout (" + requestTimeout + ")"));
          break;
        }
        CompletableFuture<AsyncResultSet> result;
        try {
          result = session.executeAsync(statement).toCompletableFuture();
        } catch (RuntimeException e) {
          inFlight.release();
          failure.compareAndSet(null, e);
          break;
        }
        result.whenComplete((rows, error) -> {
          inFlight.release();
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
        sent.add(result);
      }
      awaitAll(sent);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing to Cassandra");
    }
    Throwable error = failure.get();
    if (error != null) {
      throw new IOException("Cassandra did not store the " + what + ": " + describe(error),
          error);
    }
  }

  /** Waits for requests, each bounded by the driver's request timeout, with a margin. */
  void awaitAll(List<? extends CompletableFuture<?>> futures)
      throws IOException, InterruptedException {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      // Each failure is looked at by the caller.
    } catch (TimeoutException e) {
      throw new IOException("Cassandra did not answer within the request timeout ("
          + requestTimeout + ")", e);
    }
  }

  // Reading a trace

  @Override
  public List<Span> trace(TraceId traceId) throws IOException {
    requireNonNull(traceId, "traceId");
    return read(() -> readTraces(List.of(traceId)).get(traceId));
  }

  @Override
  public int spanCount(TraceId traceId) throws IOException {
    requireNonNull(traceId, "traceId");
    return read(() -> {
      Row row = session.execute(countSpans.bind(traceIdBytes(traceId))).one();
      return row == null ? 0 : (int) row.getLong(0);
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the spans whose stored bytes did not decode to a span of this trace at its latest
   * read (damaged on disk, or written by something other than Ariadne).
   */
  @Override
  public int unreadableSpans(TraceId traceId) {
    return unreadable.getOrDefault(traceId, 0);
  }

  /** The stored spans of each trace, read concurrently; an unknown trace has none. */
  private Map<TraceId, List<Span>> readTraces(Collection<TraceId> traceIds) throws IOException {
    Map<TraceId, CompletableFuture<List<ByteBuffer>>> reads = new LinkedHashMap<>();
    for (TraceId traceId : traceIds) {
      BoundStatement statement = selectSpans.bind(traceIdBytes(traceId));
      reads.put(traceId, session.executeAsync(statement)
          .thenCompose(rows -> allRows(rows, row -> row.getByteBuffer(0), new ArrayList<>()))
          .toCompletableFuture());
    }
    try {
      awaitAll(new ArrayList<>(reads.values()));
      Map<TraceId, List<Span>> traces = new HashMap<>();
      for (Map.Entry<TraceId, CompletableFuture<List<ByteBuffer>>> read : reads.entrySet()) {
        traces.put(read.getKey(), decode(read.getKey(), read.getValue().get()));
      }
      return traces;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading from Cassandra");
    } catch (ExecutionException e) {
      throw new IOException("Cassandra did not answer: " + describe(e.getCause()), e.getCause());
    }
  }

  /** Adds a column of every row to {@code into}, fetching the pages after the first. */
  static <T> CompletionStage<List<T>> allRows(AsyncResultSet rows,
      Function<? super Row, T> column, List<T> into) {
    for (Row row : rows.currentPage()) {
      into.add(column.apply(row));
    }
    if (rows.hasMorePages()) {
      return rows.fetchNextPage().thenCompose(next -> allRows(next, column, into));
    }
    return CompletableFuture.completedFuture(into);
  }

  private List<Span> decode(TraceId traceId, List<ByteBuffer> blobs) {
    List<Span> spans = new ArrayList<>(blobs.size());
    int damaged = 0;
    for (ByteBuffer blob : blobs) {
      Span span = decodeSpan(blob);
      if (span != null && span.traceId().equals(traceId)) {
        spans.add(span);
      } else {
        damaged++;
      }
    }
    if (damaged > 0) {
      meters.unreadable(damaged);
      if (unreadable.size() >= MAX_TRACKED_UNREADABLE) {
        unreadable.clear();
      }
      unreadable.put(traceId, damaged);
    } else {
      unreadable.remove(traceId);
    }
    return List.copyOf(spans);
  }

  /** The one span of a stored OTLP request, or null if the bytes are not that. */
  private static Span decodeSpan(ByteBuffer blob) {
    if (blob == null) {
      return null;
    }
    try {
      DecodeResult result = OtlpProtobufDecoder.decode(blob);
      return result.spans().size() == 1 && result.rejectedCount() == 0
          ? result.spans().get(0) : null;
    } catch (MalformedException | RuntimeException e) {
      return null;
    }
  }

  // Search and dependencies

  @Override
  public List<TraceSummary> search(TraceQuery query) throws IOException {
    requireNonNull(query, "query");
    query.cancellation().check();
    return read(() -> {
      Map<TraceId, TraceSummary> found = new HashMap<>();
      scan(IndexEntry.forQuery(query), query.startEpochNanos(), query.endEpochNanos(),
          query.cancellation(), traces -> {
            traces.forEach((traceId, spans) -> {
              if (spans.stream().anyMatch(query::matches)) {
                found.put(traceId, TracePart.of(traceId, spans).summary());
              }
            });
          },
          lastStart -> enough(found.values(), query.limit(), lastStart));
      List<TraceSummary> summaries = new ArrayList<>(found.values());
      summaries.sort(NEWEST_FIRST);
      return List.copyOf(summaries.subList(0, Math.min(query.limit(), summaries.size())));
    });
  }

  /**
   * True when {@code limit} traces found start at or after {@code lastStart}: the index rows still
   * to read are of spans that start before it, whose traces start earlier still.
   */
  private static boolean enough(Collection<TraceSummary> found, int limit, long lastStart) {
    if (found.size() < limit) {
      return false;
    }
    int later = 0;
    for (TraceSummary summary : found) {
      if (summary.startEpochNanos() >= lastStart && ++later >= limit) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos,
      Cancellation cancellation) throws IOException {
    if (endEpochNanos <= startEpochNanos) {
      throw new IllegalArgumentException("endEpochNanos: " + endEpochNanos
          + " (expected: > startEpochNanos " + startEpochNanos + ")");
    }
    requireNonNull(cancellation, "cancellation");
    cancellation.check();
    return read(() -> {
      DependencyLinker linker = new DependencyLinker(startEpochNanos, endEpochNanos);
      scan(IndexEntry.ALL, startEpochNanos, endEpochNanos, cancellation,
          traces -> traces.values().forEach(linker::putTrace), lastStart -> false);
      return List.copyOf(linker.links());
    });
  }

  private interface TraceSink {
    void accept(Map<TraceId, List<Span>> traces);
  }

  private interface Stop {
    boolean now(long lastStart);
  }

  /**
   * Reads the traces an index entry names with a span starting in {@code [start, end)}, newest
   * index rows first, a chunk at a time, each trace once; after each chunk asks {@code stop} with
   * the start of the last index row read.
   */
  private void scan(IndexEntry entry, long start, long end, Cancellation cancellation,
      TraceSink sink, Stop stop) throws IOException, InterruptedException, ExecutionException {
    Set<TraceId> seen = new HashSet<>();
    ResultSet buckets = session.execute(selectBuckets.bind(
        Math.floorDiv(start, BUCKET_NANOS), Math.floorDiv(end - 1, BUCKET_NANOS)));
    for (Row bucketRow : buckets) {
      cancellation.check();
      IndexRows rows = indexRows(bucketRow.getLong(0), entry, start);
      List<TraceId> chunk = new ArrayList<>(TRACES_PER_CHUNK);
      long lastStart = Long.MAX_VALUE;
      for (Row row = rows.next(); row != null; row = rows.next()) {
        lastStart = row.getLong(0);
        if (row.getLong(2) >= end) {
          continue;
        }
        TraceId traceId = traceId(row.getByteBuffer(1));
        if (traceId != null && seen.add(traceId)) {
          chunk.add(traceId);
        }
        if (chunk.size() == TRACES_PER_CHUNK) {
          cancellation.check();
          sink.accept(nonEmpty(readTraces(chunk)));
          chunk.clear();
          if (stop.now(lastStart)) {
            return;
          }
        }
      }
      if (!chunk.isEmpty()) {
        cancellation.check();
        sink.accept(nonEmpty(readTraces(chunk)));
        if (stop.now(lastStart)) {
          return;
        }
      }
    }
  }

  /** The rows of an entry's hour from {@code start} on, its shards read side by side. */
  private IndexRows indexRows(long bucket, IndexEntry entry, long start)
      throws IOException, InterruptedException, ExecutionException {
    List<CompletableFuture<AsyncResultSet>> firstPages = new ArrayList<>(INDEX_SHARDS);
    for (int shard = 0; shard < INDEX_SHARDS; shard++) {
      firstPages.add(session.executeAsync(selectIndex.bind(bucket, shard, entry.field(),
          entry.key(), entry.value(), start).setPageSize(INDEX_PAGE_SIZE)).toCompletableFuture());
    }
    awaitAll(firstPages);
    IndexRows rows = new IndexRows();
    for (CompletableFuture<AsyncResultSet> firstPage : firstPages) {
      rows.add(new ShardRows(firstPage.get()));
    }
    return rows;
  }

  /** The index rows of an hour's shards, merged newest first. */
  private static final class IndexRows {
    private final PriorityQueue<ShardRows> byNewestHead = new PriorityQueue<>(INDEX_SHARDS,
        Comparator.comparingLong((ShardRows shard) -> shard.head.getLong(0)).reversed());

    void add(ShardRows shard) throws IOException, InterruptedException, ExecutionException {
      shard.advance();
      if (shard.head != null) {
        byNewestHead.add(shard);
      }
    }

    /** The newest row not yet returned, of any shard; null once every shard is read. */
    Row next() throws IOException, InterruptedException, ExecutionException {
      ShardRows shard = byNewestHead.poll();
      if (shard == null) {
        return null;
      }
      Row row = shard.head;
      add(shard);
      return row;
    }
  }

  /** One shard's index rows, newest first, fetched a page at a time. */
  private final class ShardRows {
    private AsyncResultSet page;
    private Iterator<Row> rows;
    /** The row to return next; null once the shard is read. */
    Row head;

    ShardRows(AsyncResultSet firstPage) {
      this.page = firstPage;
      this.rows = firstPage.currentPage().iterator();
    }

    void advance() throws IOException, InterruptedException, ExecutionException {
      while (!rows.hasNext() && page.hasMorePages()) {
        CompletableFuture<AsyncResultSet> next = page.fetchNextPage().toCompletableFuture();
        awaitAll(List.of(next));
        page = next.get();
        rows = page.currentPage().iterator();
      }
      head = rows.hasNext() ? rows.next() : null;
    }
  }

  private static Map<TraceId, List<Span>> nonEmpty(Map<TraceId, List<Span>> traces) {
    traces.values().removeIf(List::isEmpty);
    return traces;
  }

  // Listings

  @Override
  public List<String> services() throws IOException {
    return read(() -> {
      List<String> services = new ArrayList<>();
      for (Row row : session.execute(selectServices.bind(MAX_SERVICES))) {
        services.add(row.getString(0));
      }
      services.sort(null);
      return List.copyOf(services);
    });
  }

  /** True when the service is among the first {@link #MAX_SERVICES}, which alone are listed. */
  private boolean listed(String service) {
    if (service.length() > MAX_LISTED_NAME_LENGTH) {
      return false;
    }
    String last = null;
    int count = 0;
    for (Row row : session.execute(selectServicesUpTo.bind(service, MAX_SERVICES))) {
      last = row.getString(0);
      count++;
    }
    return count <= MAX_SERVICES && service.equals(last);
  }

  @Override
  public List<Operation> operations(String serviceName) throws IOException {
    requireNonNull(serviceName, "serviceName");
    return read(() -> {
      if (!listed(serviceName)) {
        return List.of();
      }
      List<Operation> operations = new ArrayList<>();
      SpanKind[] kinds = SpanKind.values();
      for (Row row : session.execute(selectOperations.bind(serviceName,
          MAX_NAMES_PER_SERVICE * kinds.length))) {
        int kind = row.getInt(1);
        if (kind >= 0 && kind < kinds.length) {
          operations.add(new Operation(row.getString(0), kinds[kind]));
        }
      }
      operations.sort(Operations.ORDER);
      return Operations.ofFirstNames(operations);
    });
  }

  @Override
  public List<String> attributeKeys(Optional<String> serviceName, int limit) throws IOException {
    requireNonNull(serviceName, "serviceName");
    checkLimit(limit);
    int perService = Math.min(limit, MAX_NAMES_PER_SERVICE);
    return listing(serviceName, limit,
        service -> selectKeys.bind(service, perService));
  }

  @Override
  public List<String> attributeValues(Optional<String> serviceName, String key, int limit)
      throws IOException {
    requireNonNull(serviceName, "serviceName");
    requireNonNull(key, "key");
    checkLimit(limit);
    int perService = Math.min(limit, MAX_VALUES_PER_KEY);
    return listing(serviceName, limit,
        service -> selectValues.bind(service, key, perService));
  }

  private static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
  }

  /**
   * The texts a query reads of one listed service, or the union over every listed service; sorted,
   * the first {@code limit}.
   */
  private List<String> listing(Optional<String> serviceName, int limit,
      Function<String, BoundStatement> query) throws IOException {
    List<String> services = serviceName.isPresent()
        ? (read(() -> listed(serviceName.get())) ? List.of(serviceName.get()) : List.of())
        : services();
    return read(() -> {
      TreeSet<String> texts = new TreeSet<>();
      for (int from = 0; from < services.size(); from += MAX_IN_FLIGHT) {
        List<CompletableFuture<List<String>>> reads = new ArrayList<>();
        for (String service : services.subList(from,
            Math.min(services.size(), from + MAX_IN_FLIGHT))) {
          reads.add(session.executeAsync(query.apply(service))
              .thenCompose(rows -> allRows(rows, row -> row.getString(0), new ArrayList<>()))
              .toCompletableFuture());
        }
        awaitAll(reads);
        for (CompletableFuture<List<String>> read : reads) {
          texts.addAll(read.get());
        }
        while (texts.size() > limit) {
          texts.pollLast();
        }
      }
      return List.copyOf(texts);
    });
  }

  // Shared metrics

  /**
   * Analytics' metrics shared by the processes of the scale-out path, in this storage's keyspace
   * (tables {@code metrics} and {@code metrics_series}), over its session and at its consistency
   * and request timeout. Rows are kept {@code retention} plus a day ({@code docs/cassandra.md}
   * says why). Closing it does not close the session, which this storage owns: it is unusable
   * once this storage is closed.
   *
   * @param retention at least an hour: how long analytics keeps its metrics
   * @throws IOException if the tables are not there (a schema made before they were, with {@code
   *     createSchema(false)}) or Cassandra did not answer within the request timeout
   */
  public SharedMetrics sharedMetrics(Duration retention) throws IOException {
    requireNonNull(retention, "retention");
    Duration longest = Builder.MAX_TTL.minus(CassandraMetrics.MARGIN);
    if (retention.compareTo(Duration.ofHours(1)) < 0 || retention.compareTo(longest) > 0) {
      throw new IllegalArgumentException("retention: " + retention + " (expected: 1 h to "
          + longest.toDays() + " days)");
    }
    try {
      return new CassandraMetrics(this, session, keyspace, retention);
    } catch (DriverException e) {
      throw new IOException("could not use the metrics tables of keyspace " + keyspace
          + " in Cassandra: " + describe(e), e);
    }
  }

  // Plumbing

  interface Read<T> {
    T get() throws IOException, InterruptedException, ExecutionException;
  }

  /** Runs a read, turning the driver's failures into an IOException that names them. */
  <T> T read(Read<T> read) throws IOException {
    try {
      return read.get();
    } catch (CancelledException e) {
      throw e;
    } catch (IOException e) {
      meters.failedRead();
      throw e;
    } catch (DriverException e) {
      meters.failedRead();
      throw new IOException("Cassandra did not answer: " + describe(e), e);
    } catch (ExecutionException e) {
      meters.failedRead();
      throw new IOException("Cassandra did not answer: " + describe(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading from Cassandra");
    }
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof ExecutionException
        || cause instanceof java.util.concurrent.CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * The index shard of a trace: the top bits of its ID mixed by a multiply, since some tracers
   * leave half of the ID zero or make part of it from the time. {@link #INDEX_SHARDS} is a power of
   * two.
   */
  static int shard(TraceId traceId) {
    return (int) (((traceId.high() ^ traceId.low()) * 0x9E3779B97F4A7C15L)
        >>> (Long.SIZE - Integer.numberOfTrailingZeros(INDEX_SHARDS)));
  }

  static ByteBuffer traceIdBytes(TraceId traceId) {
    return ByteBuffer.allocate(16).putLong(traceId.high()).putLong(traceId.low()).flip();
  }

  private static TraceId traceId(ByteBuffer bytes) {
    if (bytes == null || bytes.remaining() != 16) {
      return null;
    }
    return new TraceId(bytes.getLong(bytes.position()), bytes.getLong(bytes.position() + 8));
  }

  /** The driver's session, for tests that write rows of their own. */
  CqlSession session() {
    return session;
  }

  @Override
  public void close() throws IOException {
    try {
      session.close();
    } catch (DriverException e) {
      throw new IOException("could not close the Cassandra session: " + describe(e), e);
    }
  }

  /**
   * Builds a {@link CassandraStorage}. A setter rejects a bad value at once, with a message naming
   * it; {@link #build()} connects. Not thread-safe.
   */
  public static final class Builder {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");
    /** Cassandra's largest TTL: 20 years. */
    private static final Duration MAX_TTL = Duration.ofDays(7300);
    private static final Duration SCHEMA_TIMEOUT = Duration.ofMinutes(1);

    private List<InetSocketAddress> contactPoints =
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9042));
    private String localDatacenter = "datacenter1";
    private String keyspace = "ariadne";
    private boolean createSchema = true;
    private int replicationFactor = 1;
    private Duration ttl = Duration.ofDays(7);
    private String username;
    private String password;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private DefaultConsistencyLevel consistency = DefaultConsistencyLevel.LOCAL_QUORUM;
    private MeterRegistry meterRegistry = new CompositeMeterRegistry();

    private Builder() {}

    /**
     * Where to connect first; the driver finds the cluster's other nodes. The loopback address
     * (127.0.0.1) and port 9042 by default.
     */
    public Builder contactPoints(List<InetSocketAddress> points) {
      requireNonNull(points, "points");
      if (points.isEmpty()) {
        throw new IllegalArgumentException("contactPoints: [] (expected: at least one)");
      }
      this.contactPoints = List.copyOf(points);
      return this;
    }

    /** The data centre whose nodes are asked; {@code datacenter1} by default. */
    public Builder localDatacenter(String name) {
      requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("localDatacenter: \"\" (expected: not empty)");
      }
      this.localDatacenter = name;
      return this;
    }

    /**
     * The keyspace; {@code ariadne} by default. A letter, then up to 47 letters, digits or
     * underscores; its case is kept.
     */
    public Builder keyspace(String name) {
      requireNonNull(name, "name");
      if (!IDENTIFIER.matcher(name).matches()) {
        throw new IllegalArgumentException("keyspace: \"" + name + "\" (expected: a letter, then"
            + " up to 47 letters, digits or underscores)");
      }
      this.keyspace = name;
      return this;
    }

    /** Whether to create the keyspace and tables where they do not exist; true by default. */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /** The keyspace's replication in the local data centre, when this creates it; 1 by default. */
    public Builder replicationFactor(int factor) {
      if (factor < 1) {
        throw new IllegalArgumentException("replicationFactor: " + factor + " (expected: >= 1)");
      }
      this.replicationFactor = factor;
      return this;
    }

    /** How long spans are kept after they are written; 7 days by default. */
    public Builder ttl(Duration ttl) {
      requireNonNull(ttl, "ttl");
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0
          || ttl.plus(NAME_REFRESH).compareTo(MAX_TTL) > 0) {
        throw new IllegalArgumentException("ttl: " + ttl + " (expected: 1 s to "
            + MAX_TTL.minus(NAME_REFRESH).toDays() + " days)");
      }
      this.ttl = ttl;
      return this;
    }

    /** The credentials of Cassandra's password authenticator; none by default. */
    public Builder credentials(String username, String password) {
      this.username = requireNonNull(username, "username");
      this.password = requireNonNull(password, "password");
      return this;
    }

    /**
     * How long one request to Cassandra may take, retries included; a write or read that is not
     * answered in time fails with an IOException. 10 s by default.
     */
    public Builder requestTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException("requestTimeout: " + timeout + " (expected: >= 1 ms)");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * The consistency level of every read and write, by its CQL name ({@code ONE}, {@code
     * LOCAL_QUORUM}, {@code QUORUM}, ...); {@code LOCAL_QUORUM} by default.
     */
    public Builder consistency(String level) {
      requireNonNull(level, "level");
      try {
        this.consistency = DefaultConsistencyLevel.valueOf(level.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("consistency: \"" + level + "\" (expected: ONE,"
            + " LOCAL_ONE, TWO, THREE, QUORUM, LOCAL_QUORUM, EACH_QUORUM or ALL)", e);
      }
      return this;
    }

    /** Where the backend's meters go ({@code ariadne.cassandra.*}); none by default. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Connects, and creates the schema if asked.
     *
     * @throws IOException naming the contact points when none of them answers within the request
     *     timeout, or why the schema could not be created
     */
    public CassandraStorage build() throws IOException {
      Duration connectTimeout = requestTimeout.compareTo(Duration.ofSeconds(5)) < 0
          ? requestTimeout : Duration.ofSeconds(5);
      DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
          .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
          .withString(DefaultDriverOption.REQUEST_CONSISTENCY, consistency.name())
          .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
          .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, connectTimeout)
          .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, requestTimeout)
          .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, requestTimeout)
          .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT,
              SCHEMA_TIMEOUT)
          .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
          .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(5))
          // close() returns once requests in flight end, not after Netty's 2 s of quiet. The
          // admin loop keeps a short quiet: the driver's close hands it a task and then listens
          // on the task's future, and a loop that ended in between logs an error.
          .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
          .withString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT, "MILLISECONDS")
          .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 100)
          .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_TIMEOUT, 15_000)
          .build();
      CqlSessionBuilder builder = CqlSession.builder()
          .withConfigLoader(config)
          .addContactPoints(new ArrayList<>(contactPoints))
          .withLocalDatacenter(localDatacenter);
      if (username != null) {
        builder.withAuthCredentials(username, password);
      }
      CompletableFuture<CqlSession> connecting = builder.buildAsync().toCompletableFuture();
      CqlSession session;
      try {
        session = connecting.get(requestTimeout.toNanos() + connectTimeout.toNanos(),
            TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        connecting.cancel(true);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while connecting to Cassandra");
      } catch (ExecutionException | TimeoutException e) {
        connecting.cancel(true);
        connecting.thenAccept(CqlSession::closeAsync);
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new IOException("could not connect to Cassandra at " + contactPoints + ": "
            + (e instanceof TimeoutException ? "no node answered within "
                + requestTimeout.plus(connectTimeout) : describe(cause)), cause);
      }
      try {
        if (createSchema) {
          for (String statement : Schema.create(keyspace, localDatacenter, replicationFactor,
              ttl)) {
            session.execute(SimpleStatement.newInstance(statement).setTimeout(SCHEMA_TIMEOUT));
          }
        }
      } catch (DriverException e) {
        session.close();
        throw new IOException("could not create the schema of keyspace " + keyspace
            + " in Cassandra at " + contactPoints + ": " + describe(e), e);
      }
      try {
        return new CassandraStorage(session, this);
      } catch (InvalidQueryException e) {
        session.close();
        throw new IOException("the tables of keyspace " + keyspace + " in Cassandra at "
            + contactPoints + " are not those this version of Ariadne uses (" + describe(e)
            + "); a keyspace made by an earlier version must be dropped, or another one named",
            e);
      } catch (DriverException e) {
        session.close();
        throw new IOException("could not use the schema of keyspace " + keyspace
            + " in Cassandra at " + contactPoints + ": " + describe(e), e);
      }
    }
  }
}
