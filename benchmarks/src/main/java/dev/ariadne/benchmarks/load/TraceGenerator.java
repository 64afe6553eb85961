package dev.ariadne.benchmarks.load;

import dev.ariadne.benchmarks.load.SyntheticSpan.Attribute;
import dev.ariadne.benchmarks.load.SyntheticSpan.Event;
import dev.ariadne.benchmarks.load.SyntheticSpan.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Traces shaped like those of a small web shop: 10 to 30 spans each, across the eight {@link
 * #SERVICES}, with HTTP server and client spans, database calls and internal work, ten attributes
 * per span, events on about a third of the spans and an error on about one in a hundred. The same
 * seed and start time give the same traces. Not thread-safe.
 */
final class TraceGenerator {
  static final List<String> SERVICES =
      List.of("frontend", "cart", "checkout", "payment", "inventory", "shipping", "email", "recommendation");
  static final int MIN_SPANS = 10;
  static final int MAX_SPANS = 30;

  private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT"};
  private static final String[] ROUTES = {"/api/items/{id}", "/api/orders", "/api/orders/{id}", "/api/quote", "/api/users/{id}/cart"};
  private static final String[] OPERATIONS = {"SELECT", "SELECT", "SELECT", "INSERT", "UPDATE"};
  private static final String[] TABLES = {"orders", "items", "customers", "payments", "shipments", "stock"};
  private static final String[] FUNCTIONS = {"validate", "priceLines", "applyDiscounts", "serialize", "loadProfile"};
  private static final String[] TIERS = {"free", "standard", "premium"};
  private static final String[] EVENTS = {"cache.miss", "retry", "lock.acquired", "message.sent"};
  private static final String[] EXCEPTIONS = {
    "java.net.SocketTimeoutException", "java.sql.SQLTransientConnectionException", "java.lang.IllegalStateException"
  };
  private static final String[] USER_AGENTS = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "okhttp/4.12.0"
  };
  private static final long MILLI = 1_000_000L;

  private final SplittableRandom random;
  private long nextTraceStart;

  TraceGenerator(long seed, long startEpochNanos) {
    random = new SplittableRandom(seed);
    nextTraceStart = startEpochNanos;
  }

  /** When the next trace starts: each trace starts a millisecond after the one before. */
  long nextTraceStart() {
    return nextTraceStart;
  }

  /** The next trace, root span first, each parent before its children. */
  List<SyntheticSpan> nextTrace() {
    return build(new Trace(nonZero(random.nextLong()), random.nextLong(), MIN_SPANS + random.nextInt(MAX_SPANS - MIN_SPANS + 1)));
  }

  /**
   * The next trace with exactly {@code spans} spans, shaped as the others: the larger it is, the
   * deeper and wider its tree.
   */
  List<SyntheticSpan> nextTrace(int spans) {
    if (spans < 1) {
      throw new IllegalArgumentException("spans: " + spans + " (expected: >= 1)");
    }
    return build(new Trace(nonZero(random.nextLong()), random.nextLong(), spans));
  }

  private List<SyntheticSpan> build(Trace trace) {
    long start = nextTraceStart;
    nextTraceStart += MILLI;
    List<SyntheticSpan> servers = new ArrayList<>();
    servers.add(trace.server(null, SERVICES.get(0), start, start + (20 + random.nextInt(180)) * MILLI));
    while (trace.remaining() > 0) {
      SyntheticSpan parent = servers.get(random.nextInt(servers.size()));
      double roll = random.nextDouble();
      if (roll < 0.45 && trace.remaining() >= 2) {
        String callee = callee(parent.service());
        SyntheticSpan client = trace.client(parent, callee);
        long gap = (client.endEpochNanos() - client.startEpochNanos()) / 10;
        servers.add(trace.server(client, callee, client.startEpochNanos() + gap, client.endEpochNanos() - gap));
      } else if (roll < 0.8) {
        trace.database(parent);
      } else {
        trace.internal(parent);
      }
    }
    return trace.spans;
  }

  /** A service other than the caller and the frontend, which only the root span is in. */
  private String callee(String caller) {
    String callee;
    do {
      callee = SERVICES.get(1 + random.nextInt(SERVICES.size() - 1));
    } while (callee.equals(caller));
    return callee;
  }

  private static long nonZero(long id) {
    return id == 0 ? 1 : id;
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private String ip() {
    return "10.0." + random.nextInt(256) + "." + (1 + random.nextInt(254));
  }

  /** The spans of one trace as they are built. */
  private final class Trace {
    final long high;
    final long low;
    final int size;
    final List<SyntheticSpan> spans;

    Trace(long high, long low, int size) {
      this.high = high;
      this.low = low;
      this.size = size;
      spans = new ArrayList<>(size);
    }

    int remaining() {
      return size - spans.size();
    }

    SyntheticSpan server(SyntheticSpan parent, String service, long start, long end) {
      boolean error = failed();
      String method = pick(METHODS);
      String route = pick(ROUTES);
      List<Attribute> attributes = List.of(
          new Attribute("http.request.method", method),
          new Attribute("url.path", route.replace("{id}", Integer.toString(random.nextInt(100_000)))),
          new Attribute("http.route", route),
          new Attribute("url.scheme", "http"),
          new Attribute("http.response.status_code", error ? 500L : 200L),
          new Attribute("server.address", service + ".shop.svc"),
          new Attribute("server.port", 8080L),
          new Attribute("client.address", ip()),
          new Attribute("user_agent.original", pick(USER_AGENTS)),
          new Attribute("network.protocol.version", "1.1"));
      return add(parent, service, method + " " + route, Kind.SERVER, null, start, end, attributes, error);
    }

    SyntheticSpan client(SyntheticSpan parent, String callee) {
      boolean error = failed();
      String method = pick(METHODS);
      String address = callee + ".shop.svc";
      long[] window = window(parent);
      List<Attribute> attributes = List.of(
          new Attribute("http.request.method", method),
          new Attribute("url.full", "http://" + address + ":8080" + pick(ROUTES).replace("{id}", Integer.toString(random.nextInt(100_000)))),
          new Attribute("server.address", address),
          new Attribute("server.port", 8080L),
          new Attribute("http.response.status_code", error ? 503L : 200L),
          new Attribute("network.peer.address", ip()),
          new Attribute("network.peer.port", 8080L),
          new Attribute("network.protocol.version", "1.1"),
          new Attribute("peer.service", callee),
          new Attribute("http.request.resend_count", (long) random.nextInt(2)));
      return add(parent, parent.service(), method, Kind.CLIENT, callee, window[0], window[1], attributes, error);
    }

    void database(SyntheticSpan parent) {
      boolean error = failed();
      String system = parent.service().equals("cart") ? "redis" : "postgresql";
      String operation = pick(OPERATIONS);
      String table = pick(TABLES);
      long[] window = window(parent);
      List<Attribute> attributes = List.of(
          new Attribute("db.system.name", system),
          new Attribute("db.namespace", parent.service()),
          new Attribute("db.operation.name", operation),
          new Attribute("db.collection.name", table),
          new Attribute("db.query.text", query(operation, table)),
          new Attribute("server.address", system + ".shop.svc"),
          new Attribute("server.port", system.equals("redis") ? 6379L : 5432L),
          new Attribute("network.peer.address", ip()),
          new Attribute("db.response.returned_rows", (long) random.nextInt(50)),
          new Attribute("db.client.connection.pool.name", parent.service() + "-pool"));
      add(parent, parent.service(), operation + " " + table, Kind.CLIENT, system, window[0], window[1], attributes, error);
    }

    void internal(SyntheticSpan parent) {
      boolean error = failed();
      String function = pick(FUNCTIONS);
      long[] window = window(parent);
      List<Attribute> attributes = List.of(
          new Attribute("code.function.name", "com.example.shop." + parent.service() + ".Handler." + function),
          new Attribute("code.file.path", "com/example/shop/" + parent.service() + "/Handler.java"),
          new Attribute("code.line.number", (long) (20 + random.nextInt(400))),
          new Attribute("thread.name", "worker-" + random.nextInt(16)),
          new Attribute("thread.id", (long) (30 + random.nextInt(16))),
          new Attribute("app.cache.hit", random.nextBoolean()),
          new Attribute("app.items.count", (long) random.nextInt(20)),
          new Attribute("app.discount.ratio", random.nextInt(100) / 100.0),
          new Attribute("app.user.tier", pick(TIERS)),
          new Attribute("app.feature.enabled", random.nextBoolean()));
      add(parent, parent.service(), function, Kind.INTERNAL, null, window[0], window[1], attributes, error);
    }

    private String query(String operation, String table) {
      return switch (operation) {
        case "INSERT" -> "INSERT INTO " + table + " (id, status, updated) VALUES ($1, $2, $3)";
        case "UPDATE" -> "UPDATE " + table + " SET status = $1, updated = $2 WHERE id = $3";
        default -> "SELECT id, status, updated FROM " + table + " WHERE id = $1";
      };
    }

    private boolean failed() {
      return random.nextInt(100) == 0;
    }

    /** A child's start and end: inside its parent, starting in the parent's first third. */
    private long[] window(SyntheticSpan parent) {
      long duration = parent.endEpochNanos() - parent.startEpochNanos();
      long start = parent.startEpochNanos() + (long) (random.nextDouble() * duration / 3);
      long length = (long) ((parent.endEpochNanos() - start) * (0.2 + 0.7 * random.nextDouble()));
      return new long[] {start, start + Math.max(length, 1000)};
    }

    private SyntheticSpan add(
        SyntheticSpan parent, String service, String name, Kind kind, String remoteService,
        long start, long end, List<Attribute> attributes, boolean error) {
      List<Event> events = new ArrayList<>(2);
      if (random.nextInt(3) == 0) {
        events.add(new Event(pick(EVENTS), start + (end - start) / 2,
            List.of(new Attribute("attempt", (long) (1 + random.nextInt(3))))));
      }
      String errorMessage = null;
      if (error) {
        String type = pick(EXCEPTIONS);
        errorMessage = type + ": " + name + " failed";
        events.add(new Event("exception", end, List.of(
            new Attribute("exception.type", type),
            new Attribute("exception.message", name + " failed"),
            new Attribute("exception.stacktrace", errorMessage + "\n\tat com.example.shop." + service + ".Handler.handle(Handler.java:42)"))));
      }
      SyntheticSpan span = new SyntheticSpan(
          high, low, nonZero(random.nextLong()), parent == null ? 0 : parent.spanId(), service, name, kind,
          remoteService, start, end, attributes, List.copyOf(events), errorMessage);
      spans.add(span);
      return span;
    }
  }
}
