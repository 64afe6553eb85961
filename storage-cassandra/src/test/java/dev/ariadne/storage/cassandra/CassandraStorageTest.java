package dev.ariadne.storage.cassandra;

import static dev.ariadne.storage.TestSpans.CART;
import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.checkout;
import static dev.ariadne.storage.TestSpans.span;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.Server;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.otlp.OtlpProtobufEncoder;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.SpansTooLargeException;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.StorageContract;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import dev.ariadne.testservers.CassandraNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.Version;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared backend suite against a real Cassandra node ({@link SharedNode}'s, which other test
 * classes of the module use too), its schema made once and its tables emptied before each test;
 * then what is Cassandra's own: damaged rows, texts too long for its keys, oversize spans, an
 * unreachable node, and the driver beside Armeria.
 */
class CassandraStorageTest extends StorageContract {
  private static final String KEYSPACE = SharedNode.KEYSPACE;

  @RegisterExtension static final SharedNode NODE = new SharedNode();

  @Override
  protected Storage newStorage() throws Exception {
    CassandraStorage storage = builder(NODE.node()).createSchema(false).build();
    List<CompletableFuture<?>> truncates = new ArrayList<>();
    for (String table : Schema.TABLES) {
      truncates.add(storage.session()
          .executeAsync("TRUNCATE " + Schema.quote(KEYSPACE) + "." + table).toCompletableFuture());
    }
    CompletableFuture.allOf(truncates.toArray(CompletableFuture[]::new)).get();
    return storage;
  }

  /** A storage on the node, keeping spans long enough for the suite's, which are from 2024. */
  static CassandraStorage.Builder builder(CassandraNode node) {
    return CassandraStorage.builder()
        .contactPoints(List.of(new InetSocketAddress("127.0.0.1", node.port())))
        .localDatacenter(node.localDatacenter())
        .keyspace(KEYSPACE)
        .ttl(Duration.ofDays(365));
  }

  @Test
  void everyPartOfASpanRoundTrips() throws IOException {
    Span span = span(TRACE_ID, 7, 3, FRONTEND, "GET /", SpanKind.SERVER, TODAY, MILLIS)
        .scope(new Scope("io.opentelemetry.http", "2.1", List.of(Attribute.of("s", "x"))))
        .attributes(List.of(Attribute.of("str", "a"), Attribute.of("int", -5L),
            Attribute.of("dbl", 0.25), Attribute.of("bool", false),
            new Attribute("bytes", new Value.Bytes(new byte[] {0, 1, (byte) 255})),
            new Attribute("array", new Value.Array(List.of(Value.of("x"), Value.of(2L)))),
            new Attribute("map", new Value.KvList(List.of(Attribute.of("k", true))))))
        .events(List.of(new Event(TODAY + 5, "exception",
            List.of(Attribute.of("exception.type", "IOException")), 1)))
        .links(List.of(new Link(new TraceId(1, 2), 3, "k=v", List.of(Attribute.of("l", 1L)), 2,
            false)))
        .status(StatusCode.ERROR, "broken")
        .traceState("vendor=1")
        .flags(1)
        .droppedAttributesCount(4)
        .droppedEventsCount(5)
        .droppedLinksCount(6)
        .build();
    storage.write(List.of(span));

    assertThat(storage.trace(TRACE_ID)).containsExactly(span);
  }

  @Test
  void storedBytesThatAreNotASpanOfTheTraceAreLeftOutAndCounted() throws IOException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (CassandraStorage metered = builder(NODE.node()).meterRegistry(registry).build()) {
      metered.write(checkout(TRACE_ID, TODAY));
      Span ofAnotherTrace =
          span(new TraceId(5, 5), 1, 0, CART, "GET /", SpanKind.SERVER, TODAY, MILLIS).build();
      insertRaw(metered, ByteBuffer.wrap("not a span".getBytes(UTF_8)));
      insertRaw(metered, ByteBuffer.wrap(OtlpProtobufEncoder.encode(List.of(ofAnotherTrace))));
      byte[] whole = OtlpProtobufEncoder.encode(checkout(TRACE_ID, TODAY).subList(0, 1));
      insertRaw(metered, ByteBuffer.wrap(whole, 0, whole.length - 3));

      assertThat(metered.trace(TRACE_ID))
          .containsExactlyInAnyOrderElementsOf(checkout(TRACE_ID, TODAY));
      assertThat(metered.unreadableSpans(TRACE_ID)).isEqualTo(3);
      assertThat(metered.search(TraceQuery.builder().serviceName(CART).build()))
          .singleElement().extracting(TraceSummary::spanCount).isEqualTo(5);
      assertThat(registry.get("ariadne.cassandra.spans.unreadable").counter().count())
          .isEqualTo(6);
      assertThat(metered.unreadableSpans(new TraceId(5, 5))).isZero();
    }
  }

  private static void insertRaw(CassandraStorage storage, ByteBuffer blob) {
    storage.session().execute(storage.session().prepare("INSERT INTO " + Schema.quote(KEYSPACE)
        + ".spans (trace_id, write_id, position, span) VALUES (?, ?, 0, ?)")
        .bind(CassandraStorage.traceIdBytes(TRACE_ID), Uuids.timeBased(), blob));
  }

  @Test
  void textsTooLongForAKeyAreStoredAndFoundBySearch() throws IOException {
    String longService = "s".repeat(70_000);
    String longName = "n".repeat(70_000);
    String longKey = "k".repeat(70_000);
    String longValue = "v".repeat(200_000);
    List<Attribute> many = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      many.add(Attribute.of("attribute." + i, "value " + i));
    }
    many.add(Attribute.of(longKey, longValue));
    Span span = Span.builder().traceId(TRACE_ID).spanId(1)
        .resource(new Resource(longService,
            List.of(Attribute.of("service.name", longService)), 0))
        .name(longName).kind(SpanKind.SERVER).startEpochNanos(TODAY).endEpochNanos(TODAY + 1)
        .attributes(many).build();
    storage.write(List.of(span));

    assertThat(storage.trace(TRACE_ID)).containsExactly(span);
    for (TraceQuery query : List.of(
        TraceQuery.builder().serviceName(longService).build(),
        TraceQuery.builder().spanName(longName).build(),
        TraceQuery.builder().serviceName(longService).spanName(longName).build(),
        TraceQuery.builder().attribute(longKey, longValue).build(),
        TraceQuery.builder().attribute("attribute.1999", "value 1999").build())) {
      assertThat(storage.search(query)).extracting(TraceSummary::traceId)
          .as("%s", query.toString().substring(0, 80)).containsExactly(TRACE_ID);
    }
    assertThat(storage.search(TraceQuery.builder().attribute(longKey, longValue + "x").build()))
        .isEmpty();
    assertThat(storage.services()).as("too long to list").isEmpty();
  }

  @Test
  void namesWithQuotesNewlinesAndUnicodeAreListedAndFoundAsWritten() throws IOException {
    String service = "o'brien \"svc\"\n\t\u00e9\u2603\ud834\udd1e; DROP TABLE spans; --";
    String name = "SELECT * FROM t WHERE a = 'x' \u0000 \u4e2d";
    String key = "k'\"\n\u2603";
    storage.write(List.of(span(TRACE_ID, 1, 0, service, name, SpanKind.CLIENT, TODAY, MILLIS)
        .resource(new Resource(service, List.of(Attribute.of("service.name", service)), 0))
        .attributes(List.of(Attribute.of(key, "v'\n\u2603"))).build()));

    assertThat(storage.services()).containsExactly(service);
    assertThat(storage.operations(service)).containsExactly(new Operation(name, SpanKind.CLIENT));
    assertThat(storage.attributeKeys(Optional.of(service), 10)).containsExactly(key, "service.name");
    assertThat(storage.attributeValues(Optional.empty(), key, 10)).containsExactly("v'\n\u2603");
    assertThat(storage.search(TraceQuery.builder().serviceName(service).spanName(name)
        .attribute(key, "v'\n\u2603").build()))
        .extracting(TraceSummary::traceId).containsExactly(TRACE_ID);
  }

  @Test
  void aSpanTooLargeForOneRowIsLeftOutCountedAndNamedAndTheOthersAreStored() throws IOException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (CassandraStorage metered = builder(NODE.node()).meterRegistry(registry).build()) {
      Span huge = span(TRACE_ID, 9, 1, CART, "upload", SpanKind.INTERNAL, TODAY, MILLIS)
          .attributes(List.of(Attribute.of("body", "x".repeat(CassandraStorage.MAX_SPAN_BYTES))))
          .build();
      List<Span> batch = new ArrayList<>(checkout(TRACE_ID, TODAY));
      batch.add(huge);
      assertThatThrownBy(() -> metered.write(batch))
          .isInstanceOfSatisfying(SpansTooLargeException.class, e -> {
            assertThat(e.count()).isEqualTo(1);
            assertThat(e.reason(huge)).startsWith("span 0000000000000009 of trace "
                + TRACE_ID.toHex() + " takes ").endsWith(" bytes as OTLP, more than a Cassandra"
                + " row of Ariadne's holds (8388608); it cannot be stored");
          });

      assertThat(metered.trace(TRACE_ID))
          .containsExactlyInAnyOrderElementsOf(checkout(TRACE_ID, TODAY));
      assertThat(registry.get("ariadne.cassandra.spans.too.large").counter().count()).isEqualTo(1);
      assertThat(registry.get("ariadne.cassandra.spans.written").counter().count()).isEqualTo(5);
    }
  }

  @Test
  void buildFailsNamingTheContactPointsWhenNoneAnswers() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CassandraStorage.Builder unreachable = CassandraStorage.builder()
        .contactPoints(List.of(new InetSocketAddress("127.0.0.1", port)))
        .requestTimeout(Duration.ofSeconds(2));

    long started = System.nanoTime();
    assertThatThrownBy(unreachable::build)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not connect to Cassandra at [/127.0.0.1:" + port + "]");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("bounded by the request and connect timeouts").isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void settingsAreCheckedWhenSet() {
    assertThatThrownBy(() -> CassandraStorage.builder().keyspace("ariadne; DROP KEYSPACE x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("keyspace: \"ariadne; DROP KEYSPACE x\" (expected:");
    assertThatThrownBy(() -> CassandraStorage.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ttl: PT0S");
    assertThatThrownBy(() -> CassandraStorage.builder().consistency("SOME"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("consistency:");
    assertThatThrownBy(() -> CassandraStorage.builder().replicationFactor(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The server puts the driver beside Armeria, whose Netty is 4.2: both serve at once here, an
   * Armeria server answering from the storage while the driver talks to Cassandra.
   */
  @Test
  void theDriverRunsBesideArmeriaOnItsNetty() throws IOException {
    assertThat(Version.identify().get("netty-handler").artifactVersion()).startsWith("4.2.");
    storage.write(checkout(TRACE_ID, TODAY));
    Server server = Server.builder().http(0)
        .service("/services", (ctx, req) -> HttpResponse.of(CompletableFuture.supplyAsync(() -> {
          try {
            return HttpResponse.of(String.join(",", storage.services()));
          } catch (IOException e) {
            return HttpResponse.ofFailure(e);
          }
        }, ctx.blockingTaskExecutor())))
        .build();
    server.start().join();
    try {
      String answer = WebClient.of("http://127.0.0.1:" + server.activeLocalPort())
          .get("/services").aggregate().join().contentUtf8();
      assertThat(answer).isEqualTo("cart,frontend,payment");
    } finally {
      server.stop().join();
    }
  }

  @Test
  void anHoursIndexRowsSpreadOverItsShardsAndSearchMergesThemNewestFirst() throws IOException {
    List<TraceId> newestFirst = new ArrayList<>();
    List<Span> spans = new ArrayList<>();
    for (int i = 64; i > 0; i--) {
      TraceId traceId = new TraceId(0, i);
      newestFirst.add(traceId);
      spans.add(span(traceId, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY + i * MILLIS,
          MILLIS).build());
    }
    storage.write(spans);

    CassandraStorage cassandra = (CassandraStorage) storage;
    Set<Integer> shards = new HashSet<>();
    for (Row row : cassandra.session().execute("SELECT DISTINCT bucket, shard, field, key, value"
        + " FROM " + Schema.quote(KEYSPACE) + ".span_index")) {
      if (row.getString("field").equals("*")) {
        shards.add(row.getInt("shard"));
      }
    }
    assertThat(shards).hasSize(CassandraStorage.INDEX_SHARDS);
    assertThat(storage.search(TraceQuery.builder().serviceName(FRONTEND).limit(20).build()))
        .extracting(TraceSummary::traceId).containsExactlyElementsOf(newestFirst.subList(0, 20));
    assertThat(storage.search(TraceQuery.builder().limit(64).build()))
        .extracting(TraceSummary::traceId).containsExactlyElementsOf(newestFirst);
  }

  @Test
  void aKeyspaceWhoseIndexHasNoShardsIsRefusedNamingTheColumn() throws IOException {
    String older = "ariadne_unsharded";
    CassandraStorage cassandra = (CassandraStorage) storage;
    cassandra.session().execute("CREATE KEYSPACE IF NOT EXISTS " + older + " WITH replication ="
        + " {'class': 'NetworkTopologyStrategy', '" + NODE.node().localDatacenter() + "': 1}");
    cassandra.session().execute("CREATE TABLE IF NOT EXISTS " + older + ".span_index (bucket"
        + " bigint, field text, key text, value text, start_time bigint, trace_id blob,"
        + " first_start bigint, PRIMARY KEY ((bucket, field, key, value), start_time, trace_id,"
        + " first_start))");

    assertThatThrownBy(() -> builder(NODE.node()).keyspace(older).build())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("the tables of keyspace " + older + " in Cassandra at ")
        .hasMessageEndingWith(" are not those this version of Ariadne uses (InvalidQueryException:"
            + " Undefined column name shard in table " + older + ".span_index); a keyspace made by"
            + " an earlier version must be dropped, or another one named");
  }

  @Test
  void closingAStorageLogsNoErrorFromTheDriversEventLoops() throws IOException {
    Logger netty = Logger.getLogger("io.netty");
    List<LogRecord> problems = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) problems.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    netty.addHandler(handler);
    try {
      for (int i = 0; i < 30; i++) {
        builder(NODE.node()).createSchema(false).build().close();
      }
    } finally {
      netty.removeHandler(handler);
    }
    assertThat(problems).extracting(LogRecord::getMessage).isEmpty();
  }
}
