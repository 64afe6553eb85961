package dev.ariadne.sdk.data;

import dev.ariadne.api.common.Attributes;

/** A timestamped event on a span (the seed's "log"). Immutable. */
public final class EventData {
  private final String name;
  private final long epochNanos;
  private final Attributes attributes;
  private final int droppedAttributesCount;

  private EventData(String name, long epochNanos, Attributes attributes, int droppedAttributesCount) {
    this.name = name;
    this.epochNanos = epochNanos;
    this.attributes = attributes;
    this.droppedAttributesCount = droppedAttributesCount;
  }

  public static EventData create(
      String name, long epochNanos, Attributes attributes, int droppedAttributesCount) {
    return new EventData(name, epochNanos, attributes, droppedAttributesCount);
  }

  public String getName() {
    return name;
  }

  public long getEpochNanos() {
    return epochNanos;
  }

  public Attributes getAttributes() {
    return attributes;
  }

  /** How many attributes were given but not kept because of the span limits. */
  public int getDroppedAttributesCount() {
    return droppedAttributesCount;
  }

  @Override
  public String toString() {
    return "EventData{" + name + " @" + epochNanos + ' ' + attributes + '}';
  }
}
