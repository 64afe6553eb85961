package dev.ariadne.sdk.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitingSamplerTest {
  /** The sampler's clock; starts at an arbitrary negative reading, as System.nanoTime may. */
  private final AtomicLong nanoTime = new AtomicLong(-123_456_789_000L);

  private RateLimitingSampler sampler(double tracesPerSecond) {
    return new RateLimitingSampler(tracesPerSecond, nanoTime::get);
  }

  private void advance(Duration elapsed) {
    nanoTime.addAndGet(elapsed.toNanos());
  }

  private static SamplingResult sample(Sampler sampler) {
    return sampler.shouldSample(
        Context.root(), 1, 2, "span", SpanKind.INTERNAL, Attributes.empty(), List.of());
  }

  /** How many of {@code attempts} back-to-back spans are sampled. */
  private static int sampledOf(Sampler sampler, int attempts) {
    int sampled = 0;
    for (int i = 0; i < attempts; i++) {
      if (sample(sampler).getDecision() == SamplingDecision.RECORD_AND_SAMPLE) sampled++;
    }
    return sampled;
  }

  @Test
  void allowsABurstOfTheRateThenDrops() {
    Sampler sampler = sampler(3);

    assertThat(sampledOf(sampler, 10)).isEqualTo(3);
  }

  @Test
  void allowsABurstOfOneWhenTheRateIsBelowOnePerSecond() {
    Sampler sampler = sampler(0.5);

    assertThat(sampledOf(sampler, 5)).isEqualTo(1);
    advance(Duration.ofMillis(1_500));
    assertThat(sampledOf(sampler, 5)).as("three quarters of a credit").isZero();
    advance(Duration.ofMillis(600));
    assertThat(sampledOf(sampler, 5)).isEqualTo(1);
  }

  @Test
  void refillsAtTheRate() {
    Sampler sampler = sampler(10);
    sampledOf(sampler, 10);

    advance(Duration.ofMillis(50));
    assertThat(sampledOf(sampler, 5)).as("half a credit").isZero();
    advance(Duration.ofMillis(100));
    assertThat(sampledOf(sampler, 5)).as("one and a half credits").isEqualTo(1);
    advance(Duration.ofMillis(460));
    assertThat(sampledOf(sampler, 10)).as("half a credit left plus 4.6").isEqualTo(5);
  }

  @Test
  void neverHoldsMoreThanOneSecondsWorth() {
    Sampler sampler = sampler(2);
    sampledOf(sampler, 2);

    advance(Duration.ofHours(1));

    assertThat(sampledOf(sampler, 100)).isEqualTo(2);
  }

  @Test
  void tagsSampledSpansWithTypeAndRateAsJaegerDoes() {
    Sampler sampler = sampler(2.5);

    SamplingResult sampled = sample(sampler);
    assertThat(sampled.getDecision()).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(sampled.getAttributes().asMap())
        .containsExactly(
            entry(AttributeKey.stringKey("sampler.type"), "ratelimiting"),
            entry(AttributeKey.doubleKey("sampler.param"), 2.5));
    sample(sampler);
    SamplingResult dropped = sample(sampler);
    assertThat(dropped.getDecision()).isEqualTo(SamplingDecision.DROP);
    assertThat(dropped.getAttributes().isEmpty()).isTrue();
  }

  @Test
  void describesItsRate() {
    assertThat(sampler(2).getDescription()).isEqualTo("RateLimitingSampler{2.0}");
  }

  @Test
  void theSystemClockSamplerSamplesTheFirstSpan() {
    assertThat(sample(Sampler.rateLimiting(1)).getDecision())
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsARateThatIsNotPositiveAndFinite(double tracesPerSecond) {
    assertThatThrownBy(() -> Sampler.rateLimiting(tracesPerSecond))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracesPerSecond: " + tracesPerSecond + " (expected: > 0 and finite)");
  }
}
