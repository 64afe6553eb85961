package dev.ariadne.sdk.data;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.internal.Version;
import java.util.Objects;

/**
 * The entity that produces spans: a service and where it runs ({@code service.name}, {@code
 * host.name}, ...), as attributes following the OpenTelemetry semantic conventions. Immutable.
 */
public final class Resource {
  public static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private static final Resource EMPTY = new Resource(Attributes.empty());
  private static final Resource DEFAULT =
      new Resource(
          Attributes.builder()
              .put(SERVICE_NAME, "unknown_service:java")
              .put("telemetry.sdk.name", "ariadne")
              .put("telemetry.sdk.language", "java")
              .put("telemetry.sdk.version", Version.get())
              .build());

  private final Attributes attributes;

  private Resource(Attributes attributes) {
    this.attributes = attributes;
  }

  public static Resource create(Attributes attributes) {
    return new Resource(Objects.requireNonNull(attributes, "attributes"));
  }

  public static Resource empty() {
    return EMPTY;
  }

  /** {@code service.name=unknown_service:java} and the {@code telemetry.sdk.*} attributes. */
  public static Resource getDefault() {
    return DEFAULT;
  }

  /** Returns a resource with the attributes of both, {@code other}'s winning on equal names. */
  public Resource merge(Resource other) {
    if (other == null || other.attributes.isEmpty()) return this;
    return new Resource(Attributes.builder().putAll(attributes).putAll(other.attributes).build());
  }

  public Attributes getAttributes() {
    return attributes;
  }

  public <T> T getAttribute(AttributeKey<T> key) {
    return attributes.get(key);
  }

  /** The {@code service.name} attribute, or null. */
  public String getServiceName() {
    return attributes.get(SERVICE_NAME);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resource && attributes.equals(((Resource) o).attributes);
  }

  @Override
  public int hashCode() {
    return attributes.hashCode();
  }

  @Override
  public String toString() {
    return "Resource" + attributes;
  }
}
