package dev.ariadne.model;

import java.util.List;
import java.util.Objects;

/**
 * The service that produced spans: its {@code service.name} (kept apart because every query uses
 * it) and all its resource attributes, {@code service.name} included.
 */
public record Resource(String serviceName, List<Attribute> attributes, int droppedAttributesCount) {
  /** The name OpenTelemetry uses when a resource has no {@code service.name}. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  public Resource {
    Objects.requireNonNull(serviceName, "serviceName");
    attributes = List.copyOf(attributes);
  }
}
