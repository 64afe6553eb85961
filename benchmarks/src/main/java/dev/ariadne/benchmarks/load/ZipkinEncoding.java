package dev.ariadne.benchmarks.load;

import dev.ariadne.benchmarks.load.SyntheticSpan.Attribute;
import dev.ariadne.benchmarks.load.SyntheticSpan.Event;
import java.util.ArrayList;
import java.util.List;
import zipkin2.Endpoint;
import zipkin2.Span;

/**
 * Synthetic spans as Zipkin v2 spans, the way Brave reports them: attributes and the error as
 * tags, events as annotations (their attributes have no place in Zipkin), the callee of a client
 * span as its remote endpoint. The zipkin2 library's {@code SpanBytesEncoder} writes them.
 */
final class ZipkinEncoding {
  private ZipkinEncoding() {}

  static List<Span> spans(List<SyntheticSpan> spans) {
    List<Span> zipkin = new ArrayList<>(spans.size());
    for (SyntheticSpan span : spans) {
      zipkin.add(span(span));
    }
    return zipkin;
  }

  private static Span span(SyntheticSpan span) {
    Span.Builder builder = Span.newBuilder()
        .traceId(span.traceIdHigh(), span.traceIdLow())
        .id(span.spanId())
        .name(span.name())
        .localEndpoint(Endpoint.newBuilder().serviceName(span.service()).ip("10.1.0.7").build())
        .timestamp(span.startEpochNanos() / 1000)
        .duration(Math.max(1, (span.endEpochNanos() - span.startEpochNanos()) / 1000));
    if (span.parentId() != 0) {
      builder.parentId(span.parentId());
    }
    switch (span.kind()) {
      case SERVER -> builder.kind(Span.Kind.SERVER);
      case CLIENT -> builder.kind(Span.Kind.CLIENT);
      case INTERNAL -> { } // Zipkin leaves the kind of local spans out
    }
    if (span.remoteService() != null) {
      builder.remoteEndpoint(Endpoint.newBuilder().serviceName(span.remoteService()).ip("10.1.0.9").port(8080).build());
    }
    for (Attribute attribute : span.attributes()) {
      builder.putTag(attribute.key(), String.valueOf(attribute.value()));
    }
    for (Event event : span.events()) {
      builder.addAnnotation(event.epochNanos() / 1000, event.name());
    }
    if (span.isError()) {
      builder.putTag("error", span.errorMessage());
    }
    return builder.build();
  }
}
