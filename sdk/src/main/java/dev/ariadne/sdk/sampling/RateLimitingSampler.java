package dev.ariadne.sdk.sampling;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.sdk.data.LinkData;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A token bucket that refills at {@code tracesPerSecond} and holds at most {@code
 * max(tracesPerSecond, 1)} tokens, as Jaeger's rate limiter does; each sampled trace takes one.
 */
final class RateLimitingSampler implements Sampler {
  private final double creditsPerNano;
  private final double maxBalance;
  private final LongSupplier nanoTime;
  private final SamplingResult sampled;
  private final String description;
  private double balance;
  private long lastTick;

  RateLimitingSampler(double tracesPerSecond, LongSupplier nanoTime) {
    if (!(tracesPerSecond > 0) || Double.isInfinite(tracesPerSecond)) {
      throw new IllegalArgumentException(
          "tracesPerSecond: " + tracesPerSecond + " (expected: > 0 and finite)");
    }
    this.creditsPerNano = tracesPerSecond / 1e9;
    this.maxBalance = Math.max(tracesPerSecond, 1.0);
    this.nanoTime = nanoTime;
    this.balance = maxBalance;
    this.lastTick = nanoTime.getAsLong();
    this.sampled =
        SamplingResult.of(
            SamplingDecision.RECORD_AND_SAMPLE,
            Attributes.builder()
                .put("sampler.type", "ratelimiting")
                .put("sampler.param", tracesPerSecond)
                .build());
    this.description = "RateLimitingSampler{" + tracesPerSecond + "}";
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
    return takeCredit() ? sampled : SamplingResult.of(SamplingDecision.DROP);
  }

  private synchronized boolean takeCredit() {
    long now = nanoTime.getAsLong();
    balance = Math.min(maxBalance, balance + (now - lastTick) * creditsPerNano);
    lastTick = now;
    if (balance < 1.0) return false;
    balance -= 1.0;
    return true;
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
