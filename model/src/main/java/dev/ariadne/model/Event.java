package dev.ariadne.model;

import java.util.List;
import java.util.Objects;

/** A timestamped event on a span (the seed's log). */
public record Event(long epochNanos, String name, List<Attribute> attributes, int droppedAttributesCount) {
  public Event {
    Objects.requireNonNull(name, "name");
    attributes = List.copyOf(attributes);
  }
}
