package dev.ariadne.sdk.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.sdk.TestObjects;
import dev.ariadne.sdk.data.LinkData;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ParentBasedSamplerTest {
  private static final AttributeKey<String> DELEGATE = AttributeKey.stringKey("delegate");

  /** A sampler that records and names itself in the result, to show which delegate answered. */
  private static Sampler named(String name) {
    SamplingResult result =
        SamplingResult.of(SamplingDecision.RECORD_ONLY, Attributes.of(DELEGATE, name));
    return new Sampler() {
      @Override
      public SamplingResult shouldSample(
          Context parentContext,
          long traceIdHigh,
          long traceIdLow,
          String spanName,
          SpanKind kind,
          Attributes attributes,
          List<LinkData> links) {
        return result;
      }

      @Override
      public String getDescription() {
        return name;
      }
    };
  }

  private static SamplingResult sample(Sampler sampler, SpanContext parent) {
    Context context = parent == null ? Context.root() : Context.root().with(Span.wrap(parent));
    return sampler.shouldSample(
        context,
        TestObjects.TRACE_ID_HIGH,
        TestObjects.TRACE_ID_LOW,
        "span",
        SpanKind.INTERNAL,
        Attributes.empty(),
        List.of());
  }

  static Stream<Arguments> parentCases() {
    return Stream.of(
        Arguments.of("root", null, SamplingDecision.RECORD_AND_SAMPLE),
        Arguments.of(
            "remoteParentSampled",
            TestObjects.remoteParent(true),
            SamplingDecision.RECORD_AND_SAMPLE),
        Arguments.of(
            "remoteParentNotSampled", TestObjects.remoteParent(false), SamplingDecision.DROP),
        Arguments.of(
            "localParentSampled",
            TestObjects.localParent(true),
            SamplingDecision.RECORD_AND_SAMPLE),
        Arguments.of(
            "localParentNotSampled", TestObjects.localParent(false), SamplingDecision.DROP));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parentCases")
  void followsTheParentsSampledFlagByDefault(
      String parentCase, SpanContext parent, SamplingDecision expected) {
    assertThat(sample(Sampler.parentBased(Sampler.alwaysOn()), parent).getDecision())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parentCases")
  void asksTheDelegateForEachParentCase(
      String parentCase, SpanContext parent, SamplingDecision ignored) {
    Sampler sampler =
        Sampler.parentBasedBuilder(named("root"))
            .setRemoteParentSampled(named("remoteParentSampled"))
            .setRemoteParentNotSampled(named("remoteParentNotSampled"))
            .setLocalParentSampled(named("localParentSampled"))
            .setLocalParentNotSampled(named("localParentNotSampled"))
            .build();

    assertThat(sample(sampler, parent).getAttributes().get(DELEGATE)).isEqualTo(parentCase);
  }

  @Test
  void asksTheRootSamplerOnlyForRoots() {
    Sampler sampler = Sampler.parentBased(Sampler.alwaysOff());

    assertThat(sample(sampler, null).getDecision()).isEqualTo(SamplingDecision.DROP);
    assertThat(sample(sampler, TestObjects.localParent(true)).getDecision())
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
  }

  @Test
  void treatsAnInvalidParentAsNoParent() {
    Sampler sampler = Sampler.parentBasedBuilder(named("root")).build();

    assertThat(sample(sampler, SpanContext.invalid()).getAttributes().get(DELEGATE))
        .isEqualTo("root");
  }

  @Test
  void describesEveryDelegate() {
    assertThat(Sampler.parentBased(Sampler.traceIdRatioBased(0.5)).getDescription())
        .isEqualTo(
            "ParentBased{root:TraceIdRatioBased{0.500000},remoteParentSampled:AlwaysOnSampler,"
                + "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
                + "localParentNotSampled:AlwaysOffSampler}");
  }

  @Test
  void rejectsNullDelegatesNamingThem() {
    assertThatThrownBy(() -> Sampler.parentBased(null)).hasMessage("root");
    assertThatThrownBy(
            () -> Sampler.parentBasedBuilder(Sampler.alwaysOn()).setLocalParentSampled(null))
        .hasMessage("sampler");
  }
}
