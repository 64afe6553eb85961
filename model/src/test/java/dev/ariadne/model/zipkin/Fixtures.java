package dev.ariadne.model.zipkin;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.util.List;
import zipkin2.Endpoint;

/** Deterministic spans shared by the Zipkin tests. */
final class Fixtures {
  static final String TRACE_ID = "463ac35c9f6413ad48485a3953bb6124";
  static final TraceId TRACE = new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L);
  static final long START_MICROS = 1_700_000_000_000_000L;

  /** A Zipkin client span with every field Zipkin has set. */
  static final zipkin2.Span CLIENT_SPAN = zipkin2.Span.newBuilder()
      .traceId(TRACE_ID)
      .parentId("6b221d5bc9e6496c")
      .id("5b4185666d50f68b")
      .name("get /api")
      .kind(zipkin2.Span.Kind.CLIENT)
      .timestamp(START_MICROS)
      .duration(207_000L)
      .localEndpoint(Endpoint.newBuilder()
          .serviceName("frontend")
          .ip("192.168.99.1")
          .ip("2001:db8::c001")
          .port(8080)
          .build())
      .remoteEndpoint(Endpoint.newBuilder()
          .serviceName("backend")
          .ip("172.17.0.13")
          .port(9000)
          .build())
      .addAnnotation(START_MICROS + 1_000, "ws")
      .addAnnotation(START_MICROS + 2_000, "wr")
      .putTag("http.method", "GET")
      .putTag("http.path", "/api")
      .debug(true)
      .build();

  /** What {@link #CLIENT_SPAN} decodes to. */
  static Span clientSpan() {
    long start = START_MICROS * 1000;
    return Span.builder()
        .traceId(TRACE)
        .spanId(0x5b4185666d50f68bL)
        .parentSpanId(0x6b221d5bc9e6496cL)
        .name("get /api")
        .kind(SpanKind.CLIENT)
        .startEpochNanos(start)
        .endEpochNanos(start + 207_000_000L)
        .resource(new Resource("frontend", List.of(
            Attribute.of("service.name", "frontend"),
            new Attribute("host.ip", new Value.Array(
                List.of(Value.of("192.168.99.1"), Value.of("2001:db8::c001")))),
            Attribute.of("network.local.port", 8080L)), 0))
        .scope(Scope.UNKNOWN)
        .attributes(List.of(
            Attribute.of("http.method", "GET"),
            Attribute.of("http.path", "/api"),
            Attribute.of("peer.service", "backend"),
            Attribute.of("network.peer.address", "172.17.0.13"),
            Attribute.of("network.peer.port", 9000L),
            Attribute.of("zipkin.debug", true)))
        .events(List.of(
            new Event(start + 1_000_000L, "ws", List.of(), 0),
            new Event(start + 2_000_000L, "wr", List.of(), 0)))
        .status(StatusCode.UNSET, "")
        .build();
  }

  private Fixtures() {}
}
