package dev.ariadne.analytics;

import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import java.util.List;

/** Spans for the analytics tests, each with a span ID (and a trace ID) of its own. */
final class TestSpans {
  private long nextId = 1;

  Span span(String service, String name, SpanKind kind, long startMillis, long durationMillis,
      StatusCode status) {
    long id = nextId++;
    return Span.builder()
        .traceId(new TraceId(7, id))
        .spanId(id)
        .name(name)
        .kind(kind)
        .startEpochNanos(startMillis * 1_000_000)
        .endEpochNanos((startMillis + durationMillis) * 1_000_000)
        .resource(new Resource(service, List.of(), 0))
        .status(status, "")
        .build();
  }

  /** A call: a client span of {@code client} and the server span of {@code server} it parents. */
  List<Span> call(String client, String server, long startMillis) {
    Span caller = span(client, "call " + server, SpanKind.CLIENT, startMillis, 10, StatusCode.UNSET);
    Span called = Span.builder()
        .traceId(caller.traceId())
        .spanId(nextId++)
        .parentSpanId(caller.spanId())
        .name("serve")
        .kind(SpanKind.SERVER)
        .startEpochNanos(caller.startEpochNanos())
        .endEpochNanos(caller.endEpochNanos())
        .resource(new Resource(server, List.of(), 0))
        .status(StatusCode.UNSET, "")
        .build();
    return List.of(caller, called);
  }
}
