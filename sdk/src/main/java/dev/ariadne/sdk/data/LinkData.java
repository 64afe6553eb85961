package dev.ariadne.sdk.data;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;

/**
 * A link from a span to another span context. A link made from a seed reference carries {@link
 * #REFERENCE_TYPE} ({@code child_of} or {@code follows_from}), the OpenTelemetry convention for
 * OpenTracing references, so that a collector can restore the reference. Immutable.
 */
public final class LinkData {
  /** The attribute that marks a link made from a reference: {@code opentracing.ref_type}. */
  public static final AttributeKey<String> REFERENCE_TYPE =
      AttributeKey.stringKey("opentracing.ref_type");

  private final SpanContext spanContext;
  private final Attributes attributes;
  private final int droppedAttributesCount;

  private LinkData(SpanContext spanContext, Attributes attributes, int droppedAttributesCount) {
    this.spanContext = spanContext;
    this.attributes = attributes;
    this.droppedAttributesCount = droppedAttributesCount;
  }

  public static LinkData create(
      SpanContext spanContext, Attributes attributes, int droppedAttributesCount) {
    return new LinkData(spanContext, attributes, droppedAttributesCount);
  }

  public SpanContext getSpanContext() {
    return spanContext;
  }

  public Attributes getAttributes() {
    return attributes;
  }

  public int getDroppedAttributesCount() {
    return droppedAttributesCount;
  }

  /** True if this link stands for a FOLLOWS_FROM reference. */
  public boolean isFollowsFrom() {
    return "follows_from".equals(attributes.get(REFERENCE_TYPE));
  }

  @Override
  public String toString() {
    return "LinkData{" + spanContext + ' ' + attributes + '}';
  }
}
