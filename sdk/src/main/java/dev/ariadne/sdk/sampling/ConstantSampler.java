package dev.ariadne.sdk.sampling;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.sdk.data.LinkData;
import java.util.List;

enum ConstantSampler implements Sampler {
  ALWAYS_ON(SamplingDecision.RECORD_AND_SAMPLE, "AlwaysOnSampler"),
  ALWAYS_OFF(SamplingDecision.DROP, "AlwaysOffSampler");

  private final SamplingResult result;
  private final String description;

  ConstantSampler(SamplingDecision decision, String description) {
    this.result = SamplingResult.of(decision);
    this.description = description;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      long traceIdHigh,
      long traceIdLow,
      String name,
      SpanKind kind,
      Attributes attributes,
      List<LinkData> links) {
    return result;
  }

  @Override
  public String getDescription() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
