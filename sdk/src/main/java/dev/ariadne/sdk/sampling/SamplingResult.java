package dev.ariadne.sdk.sampling;

import dev.ariadne.api.common.Attributes;
import java.util.Objects;

/** A sampler's decision, with attributes to add to the span (such as Jaeger's sampler tags). */
public final class SamplingResult {
  private static final SamplingResult DROP = new SamplingResult(SamplingDecision.DROP, Attributes.empty());
  private static final SamplingResult RECORD_ONLY =
      new SamplingResult(SamplingDecision.RECORD_ONLY, Attributes.empty());
  private static final SamplingResult RECORD_AND_SAMPLE =
      new SamplingResult(SamplingDecision.RECORD_AND_SAMPLE, Attributes.empty());

  private final SamplingDecision decision;
  private final Attributes attributes;

  private SamplingResult(SamplingDecision decision, Attributes attributes) {
    this.decision = decision;
    this.attributes = attributes;
  }

  /** The shared result for {@code decision} without attributes. */
  public static SamplingResult of(SamplingDecision decision) {
    switch (Objects.requireNonNull(decision, "decision")) {
      case DROP:
        return DROP;
      case RECORD_ONLY:
        return RECORD_ONLY;
      default:
        return RECORD_AND_SAMPLE;
    }
  }

  public static SamplingResult of(SamplingDecision decision, Attributes attributes) {
    if (attributes == null || attributes.isEmpty()) return of(decision);
    return new SamplingResult(Objects.requireNonNull(decision, "decision"), attributes);
  }

  public SamplingDecision getDecision() {
    return decision;
  }

  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "SamplingResult{" + decision + ' ' + attributes + '}';
  }
}
