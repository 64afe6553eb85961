package dev.ariadne.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ServiceGraphTest {
  private static final TraceId TRACE = new TraceId(7, 42);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final AtomicLong clock = new AtomicLong(123_456_789);
  private final List<Edge> edges = Collections.synchronizedList(new ArrayList<>());
  private ServiceGraph graph = new ServiceGraph(WAIT, 10_000, clock::get, edges::add);

  @Test
  void pairsAClientWithItsServerInEitherOrder() {
    for (boolean serverFirst : new boolean[] {false, true}) {
      edges.clear();
      graph = new ServiceGraph(WAIT, 10_000, clock::get, edges::add);
      Span client = span("a", 2, 0, SpanKind.CLIENT).build();
      Span server = span("b", 3, 2, SpanKind.SERVER).build();
      acceptAll(serverFirst ? List.of(server, client) : List.of(client, server));

      assertThat(edges).containsExactly(
          new Edge("a", "b", Edge.REQUEST, TRACE, start(2), duration(2), duration(3), false));
      graph.flush();
      assertThat(edges).hasSize(1);
      assertThat(graph.expired()).isZero();
      assertThat(graph.pending()).isZero();
    }
  }

  @Test
  void aCallFailsWhenTheServerOrTheClientFailed() {
    graph.accept(span("a", 2, 0, SpanKind.CLIENT).build());
    graph.accept(span("b", 3, 2, SpanKind.SERVER).build());
    graph.accept(span("a", 4, 0, SpanKind.CLIENT).status(StatusCode.ERROR, "timeout").build());
    graph.accept(span("b", 5, 4, SpanKind.SERVER).build());
    graph.accept(span("a", 6, 0, SpanKind.CLIENT).build());
    graph.accept(span("b", 7, 6, SpanKind.SERVER).status(StatusCode.ERROR, "").build());

    assertThat(edges).extracting(Edge::failed).containsExactly(false, true, true);
  }

  @Test
  void pairsAParentAndChildInDifferentServicesInEitherOrder() {
    Span parent = span("a", 1, 0, SpanKind.INTERNAL).status(StatusCode.ERROR, "").build();
    Span child = span("b", 2, 1, SpanKind.INTERNAL).build();
    graph.accept(child);
    graph.accept(parent);
    graph.accept(span("c", 3, 0, SpanKind.SERVER).build());
    graph.accept(span("d", 4, 3, SpanKind.UNSPECIFIED).status(StatusCode.ERROR, "").build());

    // An INTERNAL parent's own error is not the call's.
    assertThat(edges).containsExactly(
        new Edge("a", "b", Edge.REQUEST, TRACE, start(1), duration(1), duration(2), false),
        new Edge("c", "d", Edge.REQUEST, TRACE, start(3), duration(3), duration(4), true));
  }

  @Test
  void aParentAndChildInOneServiceAreNoCall() {
    graph.accept(span("a", 1, 0, SpanKind.SERVER).build());
    graph.accept(span("a", 2, 1, SpanKind.CLIENT).build());
    graph.accept(span("a", 3, 2, SpanKind.SERVER).build());
    graph.flush();

    assertThat(edges).isEmpty();
    assertThat(graph.expired()).isZero();
  }

  @Test
  void pairsAProducerWithItsChildConsumerInEitherOrder() {
    graph.accept(span("shop", 1, 0, SpanKind.PRODUCER).build());
    graph.accept(span("mailer", 2, 1, SpanKind.CONSUMER).build());
    graph.accept(span("mailer", 4, 3, SpanKind.CONSUMER).build());
    graph.accept(span("shop", 3, 0, SpanKind.PRODUCER).build());

    assertThat(edges).containsExactly(
        new Edge("shop", "mailer", Edge.MESSAGING_SYSTEM, TRACE, start(1), duration(1),
            duration(2), false),
        new Edge("shop", "mailer", Edge.MESSAGING_SYSTEM, TRACE, start(3), duration(3),
            duration(4), false));
  }

  @Test
  void pairsAConsumerWithEachProducerItLinksTo() {
    TraceId other = new TraceId(0, 99);
    Span producer = span("shop", 5, 0, SpanKind.PRODUCER).traceId(other).build();
    Span consumer = span("mailer", 10, 9, SpanKind.CONSUMER)
        .links(List.of(link(other, 5), link(other, 5), link(TRACE, 6), link(TRACE, 0)))
        .build();
    graph.accept(consumer);
    graph.accept(producer);
    // A link to a span that is not a PRODUCER is no call.
    graph.accept(span("billing", 6, 0, SpanKind.INTERNAL).build());
    graph.accept(span("mailer", 9, 0, SpanKind.INTERNAL).build());

    assertThat(edges).containsExactly(new Edge(
        "shop", "mailer", Edge.MESSAGING_SYSTEM, other, start(5), duration(5), duration(10),
        false));
  }

  @Test
  void aConsumerWhoseParentIsAlsoItsLinkIsOneCall() {
    graph.accept(span("shop", 1, 0, SpanKind.PRODUCER).build());
    graph.accept(span("mailer", 2, 1, SpanKind.CONSUMER).links(List.of(link(TRACE, 1))).build());
    graph.flush();

    assertThat(edges).hasSize(1);
    assertThat(graph.expired()).isZero();
  }

  @Test
  void pairsZipkinSharedSpansOnceInEveryOrder() {
    // a's server span 1 calls b: a's CLIENT span 2 and b's shared SERVER span 2, both children
    // of 1; b's span 3 (child of 2) works in b; b's span 4 calls c, whose span 5 is shared.
    List<Span> spans = List.of(
        span("a", 1, 0, SpanKind.SERVER).build(),
        span("a", 2, 1, SpanKind.CLIENT).build(),
        span("b", 2, 1, SpanKind.SERVER).endEpochNanos(start(2) + 7).attributes(shared()).build(),
        span("b", 3, 2, SpanKind.INTERNAL).build(),
        span("b", 4, 3, SpanKind.CLIENT).build(),
        span("c", 4, 3, SpanKind.SERVER).endEpochNanos(start(4) + 9).attributes(shared()).build());
    List<Edge> expected = List.of(
        new Edge("a", "b", Edge.REQUEST, TRACE, start(2), duration(2), 7, false),
        new Edge("b", "c", Edge.REQUEST, TRACE, start(4), duration(4), 9, false));

    for (List<Span> order : permutations(spans)) {
      edges.clear();
      graph = new ServiceGraph(WAIT, 10_000, clock::get, edges::add);
      acceptAll(order);
      graph.flush();
      assertThat(edges).as("order %s", names(order)).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(graph.expired()).isZero();
    }
  }

  @Test
  void childrenOfASharedSpanIdBelongToTheServerInEveryOrder() {
    List<Span> spans = List.of(
        span("a", 2, 0, SpanKind.CLIENT).build(),
        span("b", 2, 0, SpanKind.SERVER).attributes(shared()).build(),
        span("c", 3, 2, SpanKind.INTERNAL).build());
    for (List<Span> order : permutations(spans)) {
      edges.clear();
      graph = new ServiceGraph(WAIT, 10_000, clock::get, edges::add);
      acceptAll(order);
      graph.flush();
      assertThat(edges).as("order %s", names(order)).extracting(e -> e.client() + ">" + e.server())
          .containsExactlyInAnyOrder("a>b", "b>c");
    }
  }

  @Test
  void aClientsChildInAnotherServiceIsItsCalleeWhenNoSharedSpanCame() {
    graph.accept(span("b", 3, 2, SpanKind.INTERNAL).build());
    graph.accept(span("a", 2, 0, SpanKind.CLIENT).build());
    advance(WAIT.minusNanos(1));
    assertThat(edges).isEmpty();

    advance(Duration.ofNanos(1));
    assertThat(edges).containsExactly(
        new Edge("a", "b", Edge.REQUEST, TRACE, start(2), duration(2), duration(3), false));
    assertThat(graph.expired()).isZero();
  }

  @Test
  void aClientsChildInAnotherServiceIsPairedWhenTheClientsWaitEnds() {
    graph.accept(span("a", 2, 0, SpanKind.CLIENT).build());
    advance(Duration.ofSeconds(3));
    graph.accept(span("b", 3, 2, SpanKind.INTERNAL).build());
    advance(Duration.ofSeconds(7));

    assertThat(edges).containsExactly(
        new Edge("a", "b", Edge.REQUEST, TRACE, start(2), duration(2), duration(3), false));
    assertThat(graph.pending()).isEqualTo(1);
    advance(WAIT);
    assertThat(edges).hasSize(1);
    assertThat(graph.expired()).isZero();
  }

  @Test
  void aHalfExpiresWhenItsWaitIsOver() {
    graph.accept(span("a", 2, 0, SpanKind.CLIENT).build());
    graph.accept(span("b", 9, 8, SpanKind.SERVER).build());
    advance(WAIT.minusNanos(1));
    assertThat(graph.expired()).isZero();
    assertThat(graph.pending()).isEqualTo(3);

    advance(Duration.ofNanos(1));
    assertThat(graph.expired()).isEqualTo(2);
    assertThat(graph.pending()).isZero();
    assertThat(edges).isEmpty();
  }

  @Test
  void aServerArrivingAfterItsClientExpiredIsNotPaired() {
    graph.accept(span("a", 2, 0, SpanKind.CLIENT).attributes(attributes("peer.service", "b"))
        .build());
    advance(WAIT);
    graph.accept(span("b", 3, 2, SpanKind.SERVER).build());
    advance(WAIT);

    assertThat(edges).containsExactly(new Edge(
        "a", "b", Edge.VIRTUAL_NODE, TRACE, start(2), duration(2), Edge.NOT_SEEN, false));
    assertThat(graph.expired()).isEqualTo(1);
  }

  @Test
  void aClientWithoutServerCallsTheVirtualNodeItsAttributesName() {
    graph.accept(client(1, "peer.service", "payments", "server.address", "pay.internal"));
    graph.accept(client(2, "server.address", "pay.internal", "net.peer.name", "old"));
    graph.accept(client(3, "net.peer.name", "legacy.example"));
    graph.accept(span("a", 4, 0, SpanKind.PRODUCER).attributes(attributes("peer.service", "kafka"))
        .build());
    graph.accept(client(5, "peer.service", "a"));
    graph.accept(client(6, "peer.service", ""));
    graph.accept(span("a", 7, 0, SpanKind.CLIENT)
        .attributes(List.of(Attribute.of("peer.service", 12))).build());
    graph.flush();

    assertThat(edges).extracting(Edge::server, Edge::connectionType, Edge::serverDurationNanos)
        .containsExactly(
            tuple("payments", Edge.VIRTUAL_NODE, Edge.NOT_SEEN),
            tuple("pay.internal", Edge.VIRTUAL_NODE, Edge.NOT_SEEN),
            tuple("legacy.example", Edge.VIRTUAL_NODE, Edge.NOT_SEEN),
            tuple("kafka", Edge.VIRTUAL_NODE, Edge.NOT_SEEN));
    // A peer named like the caller, a blank name and a value that is no string make no edge.
    assertThat(graph.expired()).isEqualTo(3);
  }

  @Test
  void aClientWithDbSystemCallsADatabase() {
    graph.accept(client(1, "db.system", "postgresql", "peer.service", "orders-db",
        "server.address", "pg.internal"));
    graph.accept(client(2, "db.system", "postgresql", "server.address", "pg.internal"));
    graph.accept(client(3, "db.system", "redis", "net.peer.name", "cache.internal"));
    graph.accept(client(4, "db.system", "mysql"));
    graph.accept(client(5, "db.system.name", "mongodb"));
    graph.accept(span("a", 6, 0, SpanKind.CLIENT).attributes(attributes("db.system", "mysql"))
        .status(StatusCode.ERROR, "").build());
    graph.flush();

    assertThat(edges).extracting(Edge::server, Edge::connectionType, Edge::failed)
        .containsExactly(
            tuple("orders-db", Edge.DATABASE, false),
            tuple("pg.internal", Edge.DATABASE, false),
            tuple("cache.internal", Edge.DATABASE, false),
            tuple("mysql", Edge.DATABASE, false),
            tuple("mongodb", Edge.DATABASE, false),
            tuple("mysql", Edge.DATABASE, true));
    assertThat(graph.expired()).isZero();
  }

  @Test
  void aClientWhoseServerCameCallsNoVirtualNode() {
    graph.accept(client(2, "peer.service", "b", "db.system", "postgresql"));
    graph.accept(span("b", 3, 2, SpanKind.SERVER).build());
    graph.flush();

    assertThat(edges).extracting(Edge::connectionType).containsExactly(Edge.REQUEST);
  }

  @Test
  void dropsAndCountsHalvesBeyondMaxPending() {
    graph = new ServiceGraph(WAIT, 3, clock::get, edges::add);
    for (int id = 1; id <= 5; id++) {
      graph.accept(span("a", id, 0, SpanKind.CLIENT).build());
    }
    assertThat(graph.pending()).isEqualTo(3);
    assertThat(graph.dropped()).isEqualTo(2);

    // A span that completes a held call is still paired when it cannot be held itself.
    graph.accept(span("b", 10, 1, SpanKind.SERVER).build());
    assertThat(edges).hasSize(1);
    assertThat(graph.dropped()).isEqualTo(3);

    graph.flush();
    assertThat(graph.pending()).isZero();
    assertThat(graph.expired()).isEqualTo(2);
    graph.accept(span("a", 20, 0, SpanKind.CLIENT).build());
    assertThat(graph.pending()).isEqualTo(1);
  }

  @Test
  void aSpanDeliveredTwiceIsPairedOnce() {
    Span client = span("a", 2, 1, SpanKind.CLIENT).build();
    Span server = span("b", 3, 2, SpanKind.SERVER).build();
    Span child = span("c", 4, 3, SpanKind.INTERNAL).build();
    acceptAll(List.of(server, server, child, client, server, client, child));
    graph.flush();

    assertThat(edges).extracting(e -> e.client() + ">" + e.server())
        .containsExactlyInAnyOrder("a>b", "b>c");
    assertThat(graph.expired()).isEqualTo(1); // client 2's parent, span 1, never came
  }

  @Test
  void aSelfParentIsNoCall() {
    graph.accept(span("a", 1, 1, SpanKind.SERVER).build());
    graph.accept(span("b", 1, 1, SpanKind.CLIENT).build());
    assertThat(graph.pending()).isEqualTo(2);
    graph.flush();

    assertThat(edges).isEmpty();
  }

  @Test
  void aCycleMakesEachCallOnce() {
    graph.accept(span("a", 1, 2, SpanKind.INTERNAL).build());
    graph.accept(span("b", 2, 1, SpanKind.INTERNAL).build());
    graph.accept(span("a", 1, 2, SpanKind.INTERNAL).build());
    graph.flush();

    assertThat(edges).extracting(e -> e.client() + ">" + e.server())
        .containsExactlyInAnyOrder("a>b", "b>a");
  }

  @Test
  void aBlankServiceNameIsTheUnknownService() {
    graph.accept(span("", 1, 0, SpanKind.SERVER).build());
    graph.accept(span(" ", 2, 1, SpanKind.INTERNAL).build());
    graph.accept(span("b", 3, 2, SpanKind.SERVER).build());
    graph.flush();

    assertThat(edges).extracting(Edge::client, Edge::server)
        .containsExactly(tuple(Resource.UNKNOWN_SERVICE, "b"));
  }

  @Test
  void ignoresSpanIdZeroAndClampsNegativeDurations() {
    graph.accept(span("a", 0, 0, SpanKind.CLIENT).build());
    graph.accept(span("b", 5, 0, SpanKind.CLIENT).build());
    assertThat(graph.pending()).isEqualTo(1);

    graph.accept(span("c", 6, 5, SpanKind.SERVER).startEpochNanos(10).endEpochNanos(5).build());
    graph.accept(span("d", 7, 6, SpanKind.SERVER)
        .startEpochNanos(Long.MIN_VALUE).endEpochNanos(Long.MAX_VALUE).build());
    assertThat(edges).extracting(Edge::serverDurationNanos).containsExactly(0L, 0L);
  }

  @Test
  void holdsAtMostMaxPendingHalvesOfManyUnpairedClients() {
    graph = new ServiceGraph(WAIT, 1_000, clock::get, edges::add);
    int clients = 200_000;
    for (int id = 1; id <= clients; id++) {
      graph.accept(span("a", id, id + 1_000_000L, SpanKind.CLIENT).build());
      assertThat(graph.pending()).isLessThanOrEqualTo(1_000);
      if (id % 10_000 == 0) {
        advance(WAIT);
      }
    }
    graph.flush();

    assertThat(graph.pending()).isZero();
    assertThat(edges).isEmpty();
    // Each client waits for its parent and for a callee, and is dropped when either cannot wait.
    assertThat(graph.dropped()).isPositive();
    assertThat(graph.expired()).isPositive();
  }

  @Test
  void pairsAWideFanOutOnceTheParentArrives() {
    int children = 100_000;
    graph = new ServiceGraph(WAIT, 2 * children + 10, clock::get, edges::add);
    for (int id = 2; id <= children + 1; id++) {
      graph.accept(span("b", id, 1, SpanKind.SERVER).build());
    }
    graph.accept(span("a", 1, 0, SpanKind.INTERNAL).build());
    assertThat(edges).hasSize(children);
    graph.flush();
    assertThat(edges).hasSize(children);
    assertThat(graph.expired()).isZero();
  }

  @Test
  void pairsEveryCallOfALongShuffledStreamWhileOldHoldsAreLetGo() {
    // 20,000 traces of three services, each trace's spans shuffled among its neighbours' and the
    // clock moving on by 1 ms a span with a 2 s wait: holds are taken, resolved and expired all
    // along, so the holds' ring is compacted and slots are reused many times over.
    graph = new ServiceGraph(Duration.ofSeconds(2), 100_000, clock::get, edges::add);
    java.util.Random random = new java.util.Random(42);
    List<Span> stream = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int trace = 1; trace <= 20_000; trace++) {
      TraceId traceId = new TraceId(trace, random.nextLong());
      stream.add(span("a", 1, 0, SpanKind.CLIENT).traceId(traceId).build());
      stream.add(span("b", 2, 1, SpanKind.SERVER).traceId(traceId).build());
      stream.add(span("c", 3, 2, SpanKind.INTERNAL).traceId(traceId).build());
      expected.add("a>b " + traceId);
      expected.add("b>c " + traceId);
    }
    for (int from = 0; from < stream.size(); from += 60) {
      Collections.shuffle(stream.subList(from, Math.min(from + 60, stream.size())), random);
    }
    for (Span span : stream) {
      graph.accept(span);
      advance(Duration.ofMillis(1));
    }
    graph.flush();

    assertThat(edges).extracting(e -> e.client() + ">" + e.server() + " " + e.traceId())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(graph.expired()).isZero();
    assertThat(graph.dropped()).isZero();
    assertThat(graph.pending()).isZero();
  }

  @Test
  void rejectsANegativeWaitAndNoRoom() {
    assertThatThrownBy(() -> new ServiceGraph(Duration.ofNanos(-1), 1, clock::get, edges::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("wait: PT-0.000000001S (expected: 0 to ");
    assertThatThrownBy(() -> new ServiceGraph(WAIT, 0, clock::get, edges::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPending: 0 (expected: >= 1)");
  }

  private void acceptAll(List<Span> spans) {
    spans.forEach(graph::accept);
  }

  private void advance(Duration duration) {
    clock.addAndGet(duration.toNanos());
    graph.expire();
  }

  static Span.Builder span(String service, long id, long parent, SpanKind kind) {
    return Span.builder()
        .traceId(TRACE)
        .spanId(id)
        .parentSpanId(parent)
        .name("op" + id)
        .kind(kind)
        .resource(new Resource(service, List.of(), 0))
        .startEpochNanos(start(id))
        .endEpochNanos(start(id) + duration(id));
  }

  static long start(long id) {
    return 1_700_000_000_000_000_000L + id * 1_000_000;
  }

  static long duration(long id) {
    return 1_000 + id;
  }

  private static Span client(long id, String... keysAndValues) {
    return span("a", id, 0, SpanKind.CLIENT).attributes(attributes(keysAndValues)).build();
  }

  private static List<Attribute> attributes(String... keysAndValues) {
    List<Attribute> attributes = new ArrayList<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      attributes.add(Attribute.of(keysAndValues[i], keysAndValues[i + 1]));
    }
    return attributes;
  }

  private static List<Attribute> shared() {
    return List.of(Attribute.of(ServiceGraph.ZIPKIN_SHARED, true));
  }

  private static Link link(TraceId traceId, long spanId) {
    return new Link(traceId, spanId, "", List.of(), 0, false);
  }

  private static List<String> names(List<Span> spans) {
    return spans.stream().map(span -> span.serviceName() + ":" + span.name()).toList();
  }

  static <T> List<List<T>> permutations(List<T> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<T>> all = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T first = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> order = new ArrayList<>();
        order.add(first);
        order.addAll(tail);
        all.add(order);
      }
    }
    return all;
  }
}
