package dev.ariadne.storage.embedded;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Spans shaped like a microservice shop's HTTP traffic, for codec size and fuzz tests: 20 spans
 * per trace over 8 services, 10 attributes per span (method, route, a path with an ID, status
 * code, server address, user agent, peer port, a cache flag, an amount, the request's ID), an event
 * on one span in three, and per service a resource of {@code service.name} and five more
 * attributes. Times have nanosecond precision, as OpenTelemetry SDKs send them. Each trace builds
 * its own (equal) resources, as spans from separate requests to the collector would have.
 * Deterministic for a seed.
 */
public final class RealisticSpans {
  static final int SPANS_PER_TRACE = 20;
  private static final long MILLIS = 1_000_000L;
  private static final String[] SERVICES = {
    "frontend", "cart", "checkout", "payment", "shipping", "currency", "catalog", "recommendation"
  };
  private static final String[] METHODS = {"GET", "GET", "GET", "GET", "POST", "POST", "PUT",
    "DELETE"};
  private static final String[] RESOURCES = {"users", "orders", "products", "carts", "quotes"};
  private static final String[] USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "okhttp/4.12.0",
    "Go-http-client/1.1"
  };
  private static final String[] EVENTS = {"message", "cache.miss", "retry"};
  private static final Scope SCOPE =
      new Scope("io.opentelemetry.armeria-1.3", "2.3.0-alpha", List.of());

  private final Random random;
  private long traceStart = 1_717_171_717_000_000_000L;

  public RealisticSpans(long seed) {
    random = new Random(seed);
  }

  /** {@code traceCount} traces, each of {@link #SPANS_PER_TRACE} adjacent spans. */
  public List<Span> traces(int traceCount) {
    List<Span> spans = new ArrayList<>(traceCount * SPANS_PER_TRACE);
    for (int i = 0; i < traceCount; i++) {
      spans.addAll(trace());
    }
    return spans;
  }

  /** One trace; traces start a few milliseconds apart. */
  public List<Span> trace() {
    traceStart += random.nextInt(5_000_000);
    TraceId traceId = new TraceId(random.nextLong(), random.nextLong());
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    Resource[] resources = new Resource[SERVICES.length];
    for (int s = 0; s < SERVICES.length; s++) {
      resources[s] = resource(s);
    }
    List<Span> spans = new ArrayList<>(SPANS_PER_TRACE);
    long[] starts = new long[SPANS_PER_TRACE];
    long[] ends = new long[SPANS_PER_TRACE];
    for (int i = 0; i < SPANS_PER_TRACE; i++) {
      int parent = i == 0 ? -1 : random.nextInt(i);
      long start;
      long end;
      if (parent < 0) {
        start = traceStart;
        end = start + 50 * MILLIS + nextLong(450 * MILLIS);
      } else {
        long window = ends[parent] - starts[parent];
        start = starts[parent] + nextLong(window / 2);
        end = start + 1 + nextLong(Math.max(1, ends[parent] - start));
      }
      starts[i] = start;
      ends[i] = end;
      int service = i == 0 ? 0 : 1 + random.nextInt(SERVICES.length - 1);
      String resourceName = RESOURCES[random.nextInt(RESOURCES.length)];
      String method = METHODS[random.nextInt(METHODS.length)];
      String route = "/api/" + SERVICES[service] + "/" + resourceName + "/{id}";
      boolean failed = random.nextInt(50) == 0;
      Span.Builder span = Span.builder()
          .traceId(traceId)
          .spanId(random.nextLong())
          .parentSpanId(parent < 0 ? 0 : spans.get(parent).spanId())
          .name(method + " " + route)
          .kind(i == 0 || random.nextBoolean() ? SpanKind.SERVER : SpanKind.CLIENT)
          .startEpochNanos(start)
          .endEpochNanos(end)
          .resource(resources[service])
          .scope(SCOPE)
          .flags(1)
          .attributes(List.of(
              Attribute.of("http.request.method", method),
              Attribute.of("http.route", route),
              Attribute.of("url.path", "/api/" + SERVICES[service] + "/" + resourceName + "/"
                  + (100_000 + random.nextInt(900_000))),
              Attribute.of("http.response.status_code", failed ? 500L : 200L),
              Attribute.of("server.address", SERVICES[service] + ".shop.svc.cluster.local"),
              Attribute.of("user_agent.original", USER_AGENTS[random.nextInt(USER_AGENTS.length)]),
              Attribute.of("net.peer.port", 32_768L + random.nextInt(28_000)),
              Attribute.of("app.cache.hit", random.nextBoolean()),
              Attribute.of("app.order.total", random.nextInt(50_000) / 100.0),
              Attribute.of("app.request.id", requestId)));
      if (failed) {
        span.status(StatusCode.ERROR, "upstream returned 500");
      }
      if (random.nextInt(3) == 0) {
        span.events(List.of(new Event(start + nextLong(end - start),
            EVENTS[random.nextInt(EVENTS.length)],
            List.of(Attribute.of("attempt", (long) random.nextInt(3))), 0)));
      }
      spans.add(span.build());
    }
    return spans;
  }

  private static Resource resource(int service) {
    String name = SERVICES[service];
    return new Resource(name, List.of(
        Attribute.of("service.name", name),
        Attribute.of("service.version", "1." + service + ".0"),
        Attribute.of("service.instance.id", name + "-7d9f8b6c5-x2k4p"),
        Attribute.of("host.name", "node-" + service + ".eu-west-1.compute.internal"),
        Attribute.of("telemetry.sdk.language", "java"),
        Attribute.of("deployment.environment", "production")), 0);
  }

  private long nextLong(long bound) {
    return bound <= 0 ? 0 : (random.nextLong() >>> 1) % bound;
  }
}
