package dev.ariadne.model.zipkin;

/** The attribute and tag names that the Zipkin mapping reads and writes, in one place. */
final class Keys {
  static final String SERVICE_NAME = "service.name";
  static final String HOST_IP = "host.ip";
  static final String NETWORK_LOCAL_PORT = "network.local.port";

  static final String PEER_SERVICE = "peer.service";
  static final String NETWORK_PEER_ADDRESS = "network.peer.address";
  static final String NETWORK_PEER_PORT = "network.peer.port";

  static final String ZIPKIN_DEBUG = "zipkin.debug";
  static final String ZIPKIN_SHARED = "zipkin.shared";
  /** Where the Jaeger decoders mark a span whose debug flag was set. */
  static final String JAEGER_DEBUG = "jaeger.debug";

  static final String ERROR = "error";
  static final String OTEL_STATUS_CODE = "otel.status_code";
  static final String OTEL_STATUS_DESCRIPTION = "otel.status_description";
  static final String OTEL_SCOPE_NAME = "otel.scope.name";
  static final String OTEL_SCOPE_VERSION = "otel.scope.version";

  private Keys() {}
}
