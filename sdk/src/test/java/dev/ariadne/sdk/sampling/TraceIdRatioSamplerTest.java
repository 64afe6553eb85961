package dev.ariadne.sdk.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks each decision against OpenTelemetry's own sampler, the reference implementation. */
class TraceIdRatioSamplerTest {
  private static final int RANDOM_IDS = 5_000;

  static Stream<Double> ratios() {
    return Stream.of(
        0.0,
        1.0,
        Double.MIN_VALUE,
        1e-12,
        1e-4,
        0.1,
        0.25,
        0.5,
        0.75,
        0.999999,
        Math.nextDown(1.0));
  }

  /** Low halves where a sign or rounding slip would show, plus the bounds of every ratio above. */
  private static List<Long> edgeIds() {
    List<Long> ids =
        new ArrayList<>(
            List.of(
                Long.MIN_VALUE,
                Long.MIN_VALUE + 1,
                Long.MAX_VALUE,
                Long.MAX_VALUE - 1,
                0L,
                1L,
                -1L,
                1L << 62,
                -(1L << 62)));
    ratios()
        .filter(r -> r > 0 && r < 1)
        .forEach(
            r -> {
              long bound = (long) (r * Long.MAX_VALUE);
              for (long d = -1; d <= 1; d++) {
                ids.add(bound + d);
                ids.add(-(bound + d));
              }
            });
    return ids;
  }

  @ParameterizedTest
  @MethodSource("ratios")
  void decidesAsOpenTelemetryDoesForTheSameTraceIdAndRatio(double ratio) {
    Sampler ours = Sampler.traceIdRatioBased(ratio);
    io.opentelemetry.sdk.trace.samplers.Sampler reference =
        io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(ratio);
    SplittableRandom random = new SplittableRandom(ratio == 0 ? 1 : Double.doubleToLongBits(ratio));
    List<long[]> traceIds = new ArrayList<>();
    for (long low : edgeIds()) traceIds.add(new long[] {0x0af7651916cd43ddL, low});
    for (int i = 0; i < RANDOM_IDS; i++)
      traceIds.add(new long[] {random.nextLong(), random.nextLong()});

    int sampled = 0;
    for (long[] id : traceIds) {
      SamplingDecision decision = ourDecision(ours, id[0], id[1]);
      String expected = referenceDecision(reference, id[0], id[1]);
      assertThat(decision.name())
          .as("ratio %s, trace ID %s", ratio, TraceId.fromLongs(id[0], id[1]))
          .isEqualTo(expected);
      if (decision == SamplingDecision.RECORD_AND_SAMPLE) sampled++;
    }
    if (ratio == 0.5) {
      assertThat(sampled).as("a sweep this size samples about half").isBetween(2_000, 3_100);
    }
  }

  @ParameterizedTest
  @MethodSource("ratios")
  void decidesFromTheLowHalfOfTheTraceIdOnly(double ratio) {
    Sampler sampler = Sampler.traceIdRatioBased(ratio);
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 1_000; i++) {
      long low = random.nextLong();
      assertThat(ourDecision(sampler, random.nextLong(), low))
          .isEqualTo(ourDecision(sampler, random.nextLong(), low));
    }
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        -0.1,
        1.0000001,
        -1,
        2,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY
      })
  void rejectsARatioOutsideZeroToOne(double ratio) {
    assertThatThrownBy(() -> Sampler.traceIdRatioBased(ratio))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ratio: " + ratio + " (expected: >= 0.0 and <= 1.0)");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.25, 1})
  void describesItselfAsOpenTelemetryDoes(double ratio) {
    assertThat(Sampler.traceIdRatioBased(ratio).getDescription())
        .isEqualTo(String.format(Locale.ROOT, "TraceIdRatioBased{%.6f}", ratio))
        .isEqualTo(
            io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(ratio).getDescription());
  }

  private static SamplingDecision ourDecision(Sampler sampler, long high, long low) {
    return sampler
        .shouldSample(
            Context.root(), high, low, "span", SpanKind.INTERNAL, Attributes.empty(), List.of())
        .getDecision();
  }

  private static String referenceDecision(
      io.opentelemetry.sdk.trace.samplers.Sampler sampler, long high, long low) {
    return sampler
        .shouldSample(
            io.opentelemetry.context.Context.root(),
            TraceId.fromLongs(high, low),
            "span",
            io.opentelemetry.api.trace.SpanKind.INTERNAL,
            io.opentelemetry.api.common.Attributes.empty(),
            List.of())
        .getDecision()
        .name();
  }
}
