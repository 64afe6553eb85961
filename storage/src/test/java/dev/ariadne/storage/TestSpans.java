package dev.ariadne.storage;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Spans for storage tests, in one place. Deterministic fixtures for behaviour tests; random IDs
 * for tests that write many traces, or into a backend that outlives one test.
 */
public final class TestSpans {
  /** 2024-01-01T00:00:00Z: every fixture starts at or after it. */
  public static final long TODAY = 1_704_067_200_000_000_000L;

  public static final long MILLIS = 1_000_000L;

  public static final String FRONTEND = "frontend";
  public static final String CART = "cart";
  public static final String PAYMENT = "payment";

  public static final TraceId TRACE_ID = new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L);

  private TestSpans() {}

  /**
   * A checkout, five spans over three services, starting at {@code start}:
   *
   * <pre>
   * 1 frontend SERVER "GET /checkout"  0..100 ms  http.request.method=GET,
   *                                               http.response.status_code=200
   * 2 frontend CLIENT "GET /cart"     10..40 ms   http.request.method=GET
   * 3 cart     SERVER "GET /cart"     12..38 ms   http.route=/cart, cache.hit=true
   * 4 cart     CLIENT "POST /pay"     20..30 ms
   * 5 payment  SERVER "POST /pay"     21..29 ms   ERROR, payment.amount=12.5
   * </pre>
   *
   * Links: frontend → cart (1 call), cart → payment (1 call, 1 error). The frontend's resource
   * has {@code deployment.environment=prod}.
   */
  public static List<Span> checkout(TraceId traceId, long start) {
    return List.of(
        span(traceId, 1, 0, FRONTEND, "GET /checkout", SpanKind.SERVER, start, 100 * MILLIS)
            .attributes(List.of(
                Attribute.of("http.request.method", "GET"),
                Attribute.of("http.response.status_code", 200L)))
            .build(),
        span(traceId, 2, 1, FRONTEND, "GET /cart", SpanKind.CLIENT, start + 10 * MILLIS,
            30 * MILLIS)
            .attributes(List.of(Attribute.of("http.request.method", "GET")))
            .build(),
        span(traceId, 3, 2, CART, "GET /cart", SpanKind.SERVER, start + 12 * MILLIS, 26 * MILLIS)
            .attributes(List.of(
                Attribute.of("http.route", "/cart"), Attribute.of("cache.hit", true)))
            .build(),
        span(traceId, 4, 3, CART, "POST /pay", SpanKind.CLIENT, start + 20 * MILLIS, 10 * MILLIS)
            .build(),
        span(traceId, 5, 4, PAYMENT, "POST /pay", SpanKind.SERVER, start + 21 * MILLIS,
            8 * MILLIS)
            .attributes(List.of(Attribute.of("payment.amount", 12.5)))
            .status(StatusCode.ERROR, "card declined")
            .build());
  }

  /**
   * A span builder with IDs, service, name, kind and times set. The resource holds {@code
   * service.name}, and for {@value #FRONTEND} also {@code deployment.environment=prod}.
   */
  public static Span.Builder span(
      TraceId traceId, long spanId, long parentSpanId, String service, String name, SpanKind kind,
      long start, long duration) {
    return Span.builder()
        .traceId(traceId)
        .spanId(spanId)
        .parentSpanId(parentSpanId)
        .resource(resource(service))
        .name(name)
        .kind(kind)
        .startEpochNanos(start)
        .endEpochNanos(start + duration);
  }

  public static Resource resource(String service) {
    List<Attribute> attributes = FRONTEND.equals(service)
        ? List.of(Attribute.of("service.name", service),
            Attribute.of("deployment.environment", "prod"))
        : List.of(Attribute.of("service.name", service));
    return new Resource(service, attributes, 0);
  }

  public static TraceId randomTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new TraceId(random.nextLong(), random.nextLong() | 1);
  }

  /** A non-zero random span ID. */
  public static long randomSpanId() {
    return ThreadLocalRandom.current().nextLong() | 1;
  }
}
