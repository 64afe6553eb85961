package dev.ariadne.storage.embedded;

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
import dev.ariadne.storage.TestSpans;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Traces for block tests: varied ones that exercise every field and edge (one-span traces,
 * orphans, several roots, non-ASCII text, every value type, negative durations), and realistic
 * ones shaped like an HTTP and database service's, for measuring. Seeded, so runs repeat.
 */
final class BlockFixtures {
  static final long START = TestSpans.TODAY;
  static final long SECOND = 1_000_000_000L;
  /** When the blocks of the tests were stored, as a cut gives it: a day after {@link #START}. */
  static final long STORED = START / 1_000_000 + 86_400_000;

  static final List<String> SERVICES = List.of("frontend", "cart", "checkout", "payment",
      "shipping", "inventory", "users", "récommandation-サービス");

  private BlockFixtures() {}

  /**
   * {@link TestSpans#checkout} traces starting a second apart, each with a root span whose
   * attribute {@code blob} is as long as a page: a block holds each in a page of its own. Sorted
   * by trace ID, as a block takes them.
   */
  static List<List<Span>> pagePerTrace(List<TraceId> traceIds) {
    String blob = "x".repeat(BlockWriter.PAGE_BYTES);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < traceIds.size(); i++) {
      List<Span> trace = TestSpans.checkout(traceIds.get(i), START + i * SECOND);
      spans.add(TestSpans.span(traceIds.get(i), 1, 0, TestSpans.FRONTEND, "GET /checkout",
              SpanKind.SERVER, START + i * SECOND, trace.get(0).durationNanos())
          .attributes(List.of(Attribute.of("blob", blob))).build());
      spans.addAll(trace.subList(1, trace.size()));
    }
    return byTrace(spans);
  }

  /** Traces grouped as a block takes them: sorted by trace ID, one list per trace. */
  /** The catalog of the spans of some traces, as a block written from them needs. */
  static Catalog catalog(List<List<Span>> traces) {
    Catalog catalog = new Catalog();
    for (List<Span> trace : traces) {
      trace.forEach(catalog::add);
    }
    return catalog;
  }

  static List<List<Span>> byTrace(Collection<Span> spans) {
    Map<TraceId, List<Span>> traces = new LinkedHashMap<>();
    for (Span span : spans) {
      traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
    }
    List<List<Span>> sorted = new ArrayList<>(traces.values());
    sorted.sort(Comparator.comparing(trace -> trace.get(0).traceId(), TraceIndex::compare));
    return sorted;
  }

  static List<Span> flatten(List<List<Span>> traces) {
    List<Span> spans = new ArrayList<>();
    traces.forEach(spans::addAll);
    return spans;
  }

  /** {@code count} traces of 1 to 12 spans with every kind of field, starting within a minute. */
  static List<List<Span>> variedTraces(Random random, int count) {
    List<Span> spans = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      TraceId traceId = t % 7 == 0
          ? new TraceId(0, random.nextLong() | 1)
          : new TraceId(random.nextLong(), random.nextLong());
      int spanCount = t % 5 == 0 ? 1 : 1 + random.nextInt(12);
      long traceStart = START + random.nextInt(60) * SECOND + random.nextInt(1_000_000);
      List<Long> ids = new ArrayList<>();
      for (int s = 0; s < spanCount; s++) {
        long spanId = random.nextLong() | 1;
        long parent = s == 0
            ? (t % 11 == 3 ? random.nextLong() | 1 : 0)
            : (s == 3 && t % 4 == 0 ? 0 : ids.get(random.nextInt(ids.size())));
        ids.add(spanId);
        String service = SERVICES.get(random.nextInt(SERVICES.size()));
        long start = traceStart + random.nextInt(50_000_000);
        long duration = s == 2 && t % 13 == 0 ? -5 : random.nextInt(400_000_000);
        List<Attribute> attributes = new ArrayList<>();
        int attributeCount = random.nextInt(6);
        for (int a = 0; a < attributeCount; a++) {
          attributes.add(randomAttribute(random));
        }
        spans.add(Span.builder()
            .traceId(traceId)
            .spanId(spanId)
            .parentSpanId(parent)
            .name("op-" + random.nextInt(6) + (random.nextInt(10) == 0 ? " ünïcødé ✓" : ""))
            .kind(SpanKind.values()[random.nextInt(SpanKind.values().length)])
            .startEpochNanos(start)
            .endEpochNanos(start + duration)
            .resource(resource(service, random.nextInt(2)))
            .scope(new Scope("io.ariadne.test", "1.0", List.of()))
            .attributes(attributes)
            .events(random.nextInt(3) == 0
                ? List.of(new Event(start + 10, "exception",
                    List.of(Attribute.of("exception.type", "IOException")), 0))
                : List.of())
            .links(random.nextInt(6) == 0
                ? List.of(new Link(new TraceId(1, 2), 3, "", List.of(), 0, true))
                : List.of())
            .status(StatusCode.values()[random.nextInt(3)], random.nextBoolean() ? "" : "failed")
            .build());
      }
    }
    return byTrace(spans);
  }

  private static Attribute randomAttribute(Random random) {
    switch (random.nextInt(9)) {
      case 0:
        return Attribute.of("http.response.status_code", new long[] {200, 404, 500}[
            random.nextInt(3)]);
      case 1:
        return Attribute.of("cache.hit", random.nextBoolean());
      case 2:
        return Attribute.of("payment.amount", new double[] {12.5, 2.0, 0.1}[random.nextInt(3)]);
      case 3:
        return Attribute.of("http.route", "/items/" + random.nextInt(20));
      case 4:
        return Attribute.of("user.name", new String[] {"zoë", "李", "o'brien", ""}[
            random.nextInt(4)]);
      case 5:
        return new Attribute("payload", new Value.Bytes(new byte[] {1, 2, 3}));
      case 6:
        return new Attribute("tags", new Value.Array(List.of(Value.of("a"), Value.of(1L))));
      case 7:
        return Attribute.of("request.id", Long.toHexString(random.nextLong()));
      default:
        return Attribute.of("deployment.environment", random.nextBoolean() ? "prod" : "staging");
    }
  }

  private static Resource resource(String service, int instance) {
    return new Resource(service, List.of(
        Attribute.of("service.name", service),
        Attribute.of("service.instance.id", service + "-" + instance),
        Attribute.of("deployment.environment", "prod")), 0);
  }

  /**
   * Realistic traces for measuring: about 20 spans each over the 8 services, HTTP server and
   * client spans and database spans with the attributes their instrumentation records (about 10
   * each, some high-cardinality), resources as an SDK describes them, an event on one span in
   * three, 3% errors, random span IDs, and trace starts spread over {@code windowNanos}.
   */
  static List<List<Span>> realisticTraces(Random random, int traceCount, long windowNanos) {
    List<Resource> resources = new ArrayList<>();
    for (String service : SERVICES) {
      for (int instance = 0; instance < 3; instance++) {
        resources.add(new Resource(service, List.of(
            Attribute.of("service.name", service),
            Attribute.of("service.version", "2.4." + instance),
            Attribute.of("service.instance.id", "7f3c2a" + Integer.toHexString(
                service.hashCode() & 0xFFFF) + "-" + instance),
            Attribute.of("host.name", "ip-10-0-" + instance + "-" + (service.length() * 7)),
            Attribute.of("deployment.environment", "production"),
            Attribute.of("telemetry.sdk.name", "opentelemetry"),
            Attribute.of("telemetry.sdk.language", "java"),
            Attribute.of("telemetry.sdk.version", "1.44.1")), 0));
      }
    }
    Scope http = new Scope("io.opentelemetry.spring-webmvc-6.0", "2.10.0-alpha", List.of());
    Scope jdbc = new Scope("io.opentelemetry.jdbc", "2.10.0-alpha", List.of());
    String[] routes = {"/api/cart", "/api/cart/{id}", "/api/checkout", "/api/items/{id}",
        "/api/users/{id}", "/api/payment", "/api/shipping/quote", "/api/recommendations"};
    String[] tables = {"items", "carts", "orders", "users", "payments"};
    List<Span> spans = new ArrayList<>();
    for (int t = 0; t < traceCount; t++) {
      TraceId traceId = new TraceId(random.nextLong(), random.nextLong());
      long traceStart = START + (long) (random.nextDouble() * windowNanos);
      List<Span> trace = new ArrayList<>();
      int spanCount = 16 + random.nextInt(9);
      // The root: a frontend server span.
      long rootDuration = 20_000_000L + (long) (Math.abs(random.nextGaussian()) * 150_000_000L);
      trace.add(httpServer(random, traceId, random.nextLong(), 0, resources.get(random.nextInt(3)),
          http, routes[random.nextInt(routes.length)], traceStart, rootDuration));
      while (trace.size() < spanCount) {
        Span parent = trace.get(random.nextInt(trace.size()));
        if (parent.kind() == SpanKind.CLIENT) {
          continue;
        }
        long start = parent.startEpochNanos()
            + (long) (random.nextDouble() * parent.durationNanos() * 0.5);
        long duration = Math.max(50_000L,
            (long) (random.nextDouble() * (parent.endEpochNanos() - start) * 0.9));
        if (random.nextInt(3) == 0 || trace.size() + 2 > spanCount) {
          trace.add(database(random, traceId, parent, jdbc, tables, start, duration));
        } else {
          Resource callee = resources.get(3 + random.nextInt(resources.size() - 3));
          String route = routes[random.nextInt(routes.length)];
          Span client = httpClient(random, traceId, parent, http, callee, route, start, duration);
          trace.add(client);
          trace.add(httpServer(random, traceId, random.nextLong(), client.spanId(), callee, http,
              route, start + 200_000, duration - 400_000));
        }
      }
      spans.addAll(trace);
    }
    return byTrace(spans);
  }

  private static Span httpServer(Random random, TraceId traceId, long spanId, long parentId,
      Resource resource, Scope scope, String route, long start, long duration) {
    boolean error = random.nextInt(33) == 0;
    String method = route.contains("checkout") || route.contains("payment") ? "POST" : "GET";
    String path = route.replace("{id}", Integer.toString(random.nextInt(50_000)));
    List<Attribute> attributes = List.of(
        Attribute.of("http.request.method", method),
        Attribute.of("http.route", route),
        Attribute.of("url.path", path),
        Attribute.of("url.scheme", "http"),
        Attribute.of("http.response.status_code", error ? 500L : 200L),
        Attribute.of("server.address", resource.serviceName()),
        Attribute.of("server.port", 8080L),
        Attribute.of("client.address", "10.0." + random.nextInt(4) + "." + random.nextInt(256)),
        Attribute.of("network.protocol.version", "1.1"),
        Attribute.of("user_agent.original", random.nextInt(4) == 0 ? "curl/8.5.0"
            : "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"));
    return Span.builder()
        .traceId(traceId).spanId(spanId).parentSpanId(parentId)
        .name(method + " " + route).kind(SpanKind.SERVER)
        .startEpochNanos(start).endEpochNanos(start + duration)
        .resource(resource).scope(scope).attributes(attributes)
        .events(eventFor(random, start, duration, error))
        .status(error ? StatusCode.ERROR : StatusCode.UNSET, "")
        .flags(1)
        .build();
  }

  private static Span httpClient(Random random, TraceId traceId, Span parent, Scope scope,
      Resource callee, String route, long start, long duration) {
    String method = route.contains("checkout") || route.contains("payment") ? "POST" : "GET";
    String path = route.replace("{id}", Integer.toString(random.nextInt(50_000)));
    List<Attribute> attributes = List.of(
        Attribute.of("http.request.method", method),
        Attribute.of("url.full", "http://" + callee.serviceName() + ":8080" + path),
        Attribute.of("server.address", callee.serviceName()),
        Attribute.of("server.port", 8080L),
        Attribute.of("http.response.status_code", 200L),
        Attribute.of("network.protocol.version", "1.1"),
        Attribute.of("network.peer.address", "10.0.1." + random.nextInt(256)),
        Attribute.of("network.peer.port", 8080L),
        Attribute.of("thread.name", "http-nio-8080-exec-" + random.nextInt(200)),
        Attribute.of("thread.id", 40L + random.nextInt(200)));
    return Span.builder()
        .traceId(traceId).spanId(random.nextLong()).parentSpanId(parent.spanId())
        .name(method).kind(SpanKind.CLIENT)
        .startEpochNanos(start).endEpochNanos(start + duration)
        .resource(parent.resource()).scope(scope).attributes(attributes)
        .events(eventFor(random, start, duration, false))
        .flags(1)
        .build();
  }

  private static Span database(Random random, TraceId traceId, Span parent, Scope scope,
      String[] tables, long start, long duration) {
    String table = tables[random.nextInt(tables.length)];
    boolean select = random.nextInt(4) != 0;
    String statement = select
        ? "SELECT id, name, price, quantity FROM " + table + " WHERE id = ?"
        : "UPDATE " + table + " SET quantity = ? WHERE id = ?";
    List<Attribute> attributes = List.of(
        Attribute.of("db.system", "postgresql"),
        Attribute.of("db.name", "shop"),
        Attribute.of("db.statement", statement),
        Attribute.of("db.operation", select ? "SELECT" : "UPDATE"),
        Attribute.of("db.sql.table", table),
        Attribute.of("db.user", "app"),
        Attribute.of("server.address", "postgres.internal"),
        Attribute.of("server.port", 5432L),
        Attribute.of("thread.name", "http-nio-8080-exec-" + random.nextInt(200)),
        Attribute.of("thread.id", 40L + random.nextInt(200)));
    return Span.builder()
        .traceId(traceId).spanId(random.nextLong()).parentSpanId(parent.spanId())
        .name((select ? "SELECT shop." : "UPDATE shop.") + table).kind(SpanKind.CLIENT)
        .startEpochNanos(start).endEpochNanos(start + duration)
        .resource(parent.resource()).scope(scope).attributes(attributes)
        .events(eventFor(random, start, duration, false))
        .flags(1)
        .build();
  }

  private static List<Event> eventFor(Random random, long start, long duration, boolean error) {
    if (error) {
      return List.of(new Event(start + duration / 2, "exception", List.of(
          Attribute.of("exception.type", "java.lang.IllegalStateException"),
          Attribute.of("exception.message", "inventory unavailable for item "
              + random.nextInt(50_000))), 0));
    }
    if (random.nextInt(3) != 0) {
      return List.of();
    }
    return List.of(new Event(start + (long) (random.nextDouble() * duration), "cache.lookup",
        List.of(Attribute.of("cache.hit", random.nextBoolean())), 0));
  }
}
