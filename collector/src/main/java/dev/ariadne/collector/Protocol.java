package dev.ariadne.collector;

/** A wire format spans arrive in; its tag names the {@code protocol} of the span counters. */
enum Protocol {
  OTLP_HTTP("otlp_http"),
  OTLP_GRPC("otlp_grpc"),
  ZIPKIN_JSON("zipkin_json"),
  ZIPKIN_PROTO3("zipkin_proto3"),
  JAEGER_THRIFT("jaeger_thrift"),
  JAEGER_PROTO("jaeger_proto"),
  /** Jaeger's {@code emitBatch} datagrams in the compact protocol, to the agent's port 6831. */
  JAEGER_COMPACT("jaeger_compact"),
  /** Jaeger's {@code emitBatch} datagrams in the binary protocol, to the agent's port 6832. */
  JAEGER_BINARY("jaeger_binary");

  private final String tag;

  Protocol(String tag) {
    this.tag = tag;
  }

  String tag() {
    return tag;
  }
}
