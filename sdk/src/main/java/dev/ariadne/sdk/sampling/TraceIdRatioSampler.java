package dev.ariadne.sdk.sampling;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.sdk.data.LinkData;
import java.util.List;

/**
 * Samples when the absolute value of the trace ID's low 64 bits is below {@code ratio *
 * Long.MAX_VALUE}: OpenTelemetry's rule, so mixed fleets agree on every trace.
 */
final class TraceIdRatioSampler implements Sampler {
  private final long idUpperBound;
  private final String description;

  TraceIdRatioSampler(double ratio) {
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("ratio: " + ratio + " (expected: >= 0.0 and <= 1.0)");
    }
    if (ratio == 0.0) {
      idUpperBound = Long.MIN_VALUE;
    } else if (ratio == 1.0) {
      idUpperBound = Long.MAX_VALUE;
    } else {
      idUpperBound = (long) (ratio * Long.MAX_VALUE);
    }
    description = String.format(java.util.Locale.ROOT, "TraceIdRatioBased{%.6f}", ratio);
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
    return SamplingResult.of(
        Math.abs(traceIdLow) < idUpperBound ? SamplingDecision.RECORD_AND_SAMPLE : SamplingDecision.DROP);
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
