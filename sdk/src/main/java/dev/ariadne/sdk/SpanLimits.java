package dev.ariadne.sdk;

/**
 * Bounds on what one span keeps, so a runaway instrumentation cannot exhaust memory. What is cut
 * is counted on the span (dropped attributes, events, links) and exported with it. The link of a
 * span's first FOLLOWS_FROM reference is not counted against {@link #getMaxLinks()}, and the {@code
 * opentracing.ref_type} mark of a reference's link is not an attribute the limits cut: without them
 * a follows-from would read as a child-of. Immutable.
 */
public final class SpanLimits {
  private static final SpanLimits DEFAULT = builder().build();

  private final int maxAttributes;
  private final int maxAttributeValueLength;
  private final int maxEvents;
  private final int maxLinks;
  private final int maxAttributesPerEvent;
  private final int maxAttributesPerLink;

  private SpanLimits(Builder b) {
    maxAttributes = b.maxAttributes;
    maxAttributeValueLength = b.maxAttributeValueLength;
    maxEvents = b.maxEvents;
    maxLinks = b.maxLinks;
    maxAttributesPerEvent = b.maxAttributesPerEvent;
    maxAttributesPerLink = b.maxAttributesPerLink;
  }

  /** 128 attributes, events, links and attributes per event or link; values of any length. */
  public static SpanLimits getDefault() {
    return DEFAULT;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int getMaxAttributes() {
    return maxAttributes;
  }

  /** Strings longer than this (and strings in arrays) are truncated to it. */
  public int getMaxAttributeValueLength() {
    return maxAttributeValueLength;
  }

  public int getMaxEvents() {
    return maxEvents;
  }

  public int getMaxLinks() {
    return maxLinks;
  }

  public int getMaxAttributesPerEvent() {
    return maxAttributesPerEvent;
  }

  public int getMaxAttributesPerLink() {
    return maxAttributesPerLink;
  }

  @Override
  public String toString() {
    return "SpanLimits{maxAttributes=" + maxAttributes
        + ", maxAttributeValueLength=" + maxAttributeValueLength
        + ", maxEvents=" + maxEvents
        + ", maxLinks=" + maxLinks
        + ", maxAttributesPerEvent=" + maxAttributesPerEvent
        + ", maxAttributesPerLink=" + maxAttributesPerLink + '}';
  }

  /** Builds {@link SpanLimits}; each setter rejects negative values, naming the limit. */
  public static final class Builder {
    private int maxAttributes = 128;
    private int maxAttributeValueLength = Integer.MAX_VALUE;
    private int maxEvents = 128;
    private int maxLinks = 128;
    private int maxAttributesPerEvent = 128;
    private int maxAttributesPerLink = 128;

    private Builder() {}

    public Builder setMaxAttributes(int value) {
      maxAttributes = check("maxAttributes", value);
      return this;
    }

    public Builder setMaxAttributeValueLength(int value) {
      maxAttributeValueLength = check("maxAttributeValueLength", value);
      return this;
    }

    public Builder setMaxEvents(int value) {
      maxEvents = check("maxEvents", value);
      return this;
    }

    public Builder setMaxLinks(int value) {
      maxLinks = check("maxLinks", value);
      return this;
    }

    public Builder setMaxAttributesPerEvent(int value) {
      maxAttributesPerEvent = check("maxAttributesPerEvent", value);
      return this;
    }

    public Builder setMaxAttributesPerLink(int value) {
      maxAttributesPerLink = check("maxAttributesPerLink", value);
      return this;
    }

    public SpanLimits build() {
      return new SpanLimits(this);
    }

    private static int check(String name, int value) {
      if (value < 0) throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
      return value;
    }
  }
}
