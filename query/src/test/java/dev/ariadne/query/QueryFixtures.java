package dev.ariadne.query;

import static dev.ariadne.storage.TestSpans.CART;
import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.PAYMENT;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.span;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TestSpans;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic traces for the query tests, in one place, and a server serving all three APIs over
 * them. Times are relative to {@link TestSpans#TODAY} unless a fixture says otherwise.
 */
final class QueryFixtures {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** A checkout over three services with every kind of value, an event, links and statuses. */
  static final TraceId RICH = TestSpans.TRACE_ID;
  /** A 64-bit trace without its root, with an orphan, clock skew and a duplicate, at +1 h. */
  static final TraceId INCOMPLETE = new TraceId(0, 0xabcL);
  /** One span full of text that must be escaped, at +2 h. */
  static final TraceId HOSTILE = new TraceId(0x1L, 0x2L);
  /** A checkout ten minutes before the tests start, for the default time ranges. */
  static final TraceId RECENT = new TraceId(0x9L, 0x9L);
  static final TraceId UNKNOWN = new TraceId(0xdeadL, 0xbeefL);

  static final long HOUR = 3_600_000 * MILLIS;
  /** One span between microseconds, of {@link #betweenMicroseconds}. */
  static final TraceId BETWEEN_MICROSECONDS = new TraceId(0x7L, 0x8L);
  /** 500 ns into a microsecond, at +4 h. */
  static final long BETWEEN_MICROSECONDS_START = TODAY + 4 * HOUR + 500;
  /** A span of 300 ns, of {@link #betweenMicroseconds}. */
  static final TraceId SUB_MICROSECOND = new TraceId(0x7L, 0x9L);
  /** At +5 h. */
  static final long SUB_MICROSECOND_START = TODAY + 5 * HOUR;
  static final String HOSTILE_SERVICE = "hostile";
  static final String HOSTILE_NAME = "</script><script>alert(\"x\")</script>";
  static final String HOSTILE_KEY = "\"><img src=x onerror=alert(1)>";
  static final String HOSTILE_VALUE =
      "quote\" backslash\\ newline\n nul\u0000 ls\u2028 <b>&amp; \u00e9\ud83d\ude00";

  static final String LONE_SURROGATE = "a\ud800b";

  private QueryFixtures() {}

  static MemoryStorage storage() {
    MemoryStorage storage = MemoryStorage.create(200_000);
    storage.write(rich());
    storage.write(incomplete());
    storage.write(hostile());
    long now = System.currentTimeMillis() * MILLIS;
    storage.write(TestSpans.checkout(RECENT, now - 10 * 60_000 * MILLIS));
    return storage;
  }

  /**
   * <pre>
   * 1 frontend SERVER "GET /checkout"  0..100 ms  OK, one attribute of every type, scope, state
   * 2 frontend CLIENT "GET /cart"     10..40 ms   peer.service=cart
   * 3 cart     SERVER "GET /cart"     12..38 ms   event "cache.miss" at 15 ms, a link elsewhere
   * 4 cart     CLIENT "POST /pay"     20..30 ms   peer.service=payment
   * 5 payment  SERVER "POST /pay"     21..29 ms   ERROR "card declined"
   * 6 payment  INTERNAL "email"       30..50 ms   no parent, follows from 5
   * </pre>
   */
  static List<Span> rich() {
    long t = TODAY;
    return List.of(
        span(RICH, 1, 0, FRONTEND, "GET /checkout", SpanKind.SERVER, t, 100 * MILLIS)
            .attributes(List.of(
                Attribute.of("http.request.method", "GET"),
                Attribute.of("http.response.status_code", 200L),
                Attribute.of("sampled", true),
                Attribute.of("ratio", 0.25),
                new Attribute("blob", new Value.Bytes(new byte[] {1, 2, 3})),
                new Attribute("list", new Value.Array(List.of(Value.of("a"), Value.of(2L)))),
                new Attribute("map", new Value.KvList(List.of(Attribute.of("k", true))))))
            .scope(new Scope("io.ariadne.test", "1.2.3", List.of()))
            .traceState("vendor=x")
            .flags(1)
            .status(StatusCode.OK, "")
            .build(),
        span(RICH, 2, 1, FRONTEND, "GET /cart", SpanKind.CLIENT, t + 10 * MILLIS, 30 * MILLIS)
            .attributes(List.of(
                Attribute.of("http.request.method", "GET"), Attribute.of("peer.service", CART)))
            .build(),
        span(RICH, 3, 2, CART, "GET /cart", SpanKind.SERVER, t + 12 * MILLIS, 26 * MILLIS)
            .attributes(List.of(Attribute.of("http.route", "/cart")))
            .events(List.of(new Event(t + 15 * MILLIS, "cache.miss",
                List.of(Attribute.of("cache.key", "cart:42")), 0)))
            .links(List.of(new Link(new TraceId(0x77L, 0x88L), 0x99L, "",
                List.of(Attribute.of("link.reason", "batch")), 0, false)))
            .build(),
        span(RICH, 4, 3, CART, "POST /pay", SpanKind.CLIENT, t + 20 * MILLIS, 10 * MILLIS)
            .attributes(List.of(Attribute.of("peer.service", PAYMENT)))
            .build(),
        span(RICH, 5, 4, PAYMENT, "POST /pay", SpanKind.SERVER, t + 21 * MILLIS, 8 * MILLIS)
            .attributes(List.of(Attribute.of("payment.amount", 12.5)))
            .status(StatusCode.ERROR, "card declined")
            .build(),
        span(RICH, 6, 0, PAYMENT, "email", SpanKind.INTERNAL, t + 30 * MILLIS, 20 * MILLIS)
            .links(List.of(new Link(RICH, 5, "", List.of(), 0, true)))
            .build());
  }

  /**
   * <pre>
   * 0x10 cart    SERVER "GET /cart"   0..50 ms  parent 0x1 never received
   * 0x11 cart    CLIENT "POST /pay"   5..20 ms  (written twice)
   * 0x12 payment SERVER "POST /pay"   3..25 ms  starts 2 ms before and ends 5 ms after 0x11
   * </pre>
   */
  static List<Span> incomplete() {
    long t = TODAY + HOUR;
    Span client = span(INCOMPLETE, 0x11, 0x10, CART, "POST /pay", SpanKind.CLIENT,
        t + 5 * MILLIS, 15 * MILLIS).build();
    return List.of(
        span(INCOMPLETE, 0x10, 0x1, CART, "GET /cart", SpanKind.SERVER, t, 50 * MILLIS).build(),
        client,
        client,
        span(INCOMPLETE, 0x12, 0x11, PAYMENT, "POST /pay", SpanKind.SERVER, t + 3 * MILLIS,
            22 * MILLIS).build());
  }

  static List<Span> hostile() {
    return List.of(span(HOSTILE, 1, 0, HOSTILE_SERVICE, HOSTILE_NAME, SpanKind.SERVER,
        TODAY + 2 * HOUR, MILLIS)
        .attributes(List.of(Attribute.of(HOSTILE_KEY, HOSTILE_VALUE),
            Attribute.of("lone.surrogate", LONE_SURROGATE)))
        .build());
  }

  /**
   * A frontend span that starts 500 ns into a microsecond and lasts 1,500,500 ns: Jaeger and
   * Zipkin show it as starting at that microsecond and lasting 1,500 µs. And a frontend span of
   * 300 ns, which Jaeger shows lasting 0 µs and Zipkin 1 µs (its durations are at least 1).
   */
  static MemoryStorage betweenMicroseconds() {
    MemoryStorage storage = MemoryStorage.create(100);
    storage.write(List.of(span(BETWEEN_MICROSECONDS, 1, 0, FRONTEND, "GET /checkout",
        SpanKind.SERVER, BETWEEN_MICROSECONDS_START, 1_500_500).build()));
    storage.write(List.of(span(SUB_MICROSECOND, 1, 0, FRONTEND, "GET /health",
        SpanKind.SERVER, SUB_MICROSECOND_START, 300).build()));
    return storage;
  }

  /** {@code spanCount} spans: a root and its children, one service, at +3 h. */
  static List<Span> large(TraceId traceId, int spanCount) {
    List<Span> spans = new ArrayList<>(spanCount);
    long t = TODAY + 3 * HOUR;
    spans.add(span(traceId, 1, 0, "bulk", "batch", SpanKind.SERVER, t, 1_000 * MILLIS).build());
    for (int i = 2; i <= spanCount; i++) {
      spans.add(span(traceId, i, 1, "bulk", "item", SpanKind.INTERNAL, t + i, 1_000)
          .attributes(List.of(Attribute.of("item.index", (long) i),
              Attribute.of("item.name", "item number " + i)))
          .build());
    }
    return spans;
  }

  static ServerExtension server(Storage storage) {
    return server(QueryApi.create(storage));
  }

  static ServerExtension server(QueryApi api) {
    return new ServerExtension() {
      @Override
      protected void configure(ServerBuilder sb) {
        api.serveNative(sb);
        api.serveJaeger(sb);
        api.serveZipkin(sb);
      }
    };
  }

  static AggregatedHttpResponse get(ServerExtension server, String path) {
    return WebClient.of(server.httpUri()).get(path).aggregate().join();
  }

  static AggregatedHttpResponse get(ServerExtension server, String path, QueryParams params) {
    return get(server, path + "?" + params.toQueryString());
  }

  static JsonNode json(AggregatedHttpResponse response) {
    try {
      return MAPPER.readTree(response.contentUtf8());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String micros(long epochNanos) {
    return Long.toString(epochNanos / 1_000);
  }

  static String millis(long epochNanos) {
    return Long.toString(epochNanos / 1_000_000);
  }
}
