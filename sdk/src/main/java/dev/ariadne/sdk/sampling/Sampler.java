package dev.ariadne.sdk.sampling;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.sdk.data.LinkData;
import java.util.List;

/**
 * Decides at the start of each span whether it is recorded and exported. Called on the
 * application's thread for every span, so implementations are fast, thread-safe and never block.
 */
public interface Sampler {

  static Sampler alwaysOn() {
    return ConstantSampler.ALWAYS_ON;
  }

  static Sampler alwaysOff() {
    return ConstantSampler.ALWAYS_OFF;
  }

  /**
   * Samples a fraction of traces, decided from the trace ID alone so every service reaches the same
   * decision; the same decision as OpenTelemetry's {@code TraceIdRatioBased} for the same ratio.
   *
   * @throws IllegalArgumentException if {@code ratio} is not within [0, 1]
   */
  static Sampler traceIdRatioBased(double ratio) {
    return new TraceIdRatioSampler(ratio);
  }

  /**
   * Samples at most {@code tracesPerSecond} new traces per second with a token bucket, as Jaeger's
   * rate-limiting sampler does, and tags sampled spans with {@code sampler.type} and {@code
   * sampler.param}.
   *
   * @throws IllegalArgumentException if {@code tracesPerSecond} is not positive
   */
  static Sampler rateLimiting(double tracesPerSecond) {
    return new RateLimitingSampler(tracesPerSecond, System::nanoTime);
  }

  /** Follows the parent's decision, and asks {@code root} for spans without a parent. */
  static Sampler parentBased(Sampler root) {
    return parentBasedBuilder(root).build();
  }

  /** A parent-based sampler whose per-case delegates can be changed. */
  static ParentBasedSampler.Builder parentBasedBuilder(Sampler root) {
    return new ParentBasedSampler.Builder(root);
  }

  /**
   * Decides for a span about to start.
   *
   * @param parentContext the context holding the parent span, if any
   * @param traceIdHigh the high bits of the span's trace ID
   * @param traceIdLow the low bits of the span's trace ID
   * @param name the span name
   * @param kind the span kind
   * @param attributes the attributes set before start
   * @param links the links set before start
   */
  SamplingResult shouldSample(
      Context parentContext,
      long traceIdHigh,
      long traceIdLow,
      String name,
      SpanKind kind,
      Attributes attributes,
      List<LinkData> links);

  /** A short description, such as {@code TraceIdRatioBased{0.25}}. */
  String getDescription();
}
