package dev.ariadne.api.baggage;

import java.util.Objects;

/** One baggage value with its metadata (the W3C baggage "properties"; empty when there are none). */
public final class BaggageEntry {
  private final String value;
  private final String metadata;

  private BaggageEntry(String value, String metadata) {
    this.value = value;
    this.metadata = metadata;
  }

  public static BaggageEntry create(String value, String metadata) {
    return new BaggageEntry(
        Objects.requireNonNull(value, "value"), metadata == null ? "" : metadata);
  }

  public String getValue() {
    return value;
  }

  public String getMetadata() {
    return metadata;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BaggageEntry)) return false;
    BaggageEntry that = (BaggageEntry) o;
    return value.equals(that.value) && metadata.equals(that.metadata);
  }

  @Override
  public int hashCode() {
    return value.hashCode() * 31 + metadata.hashCode();
  }

  @Override
  public String toString() {
    return metadata.isEmpty() ? value : value + ';' + metadata;
  }
}
