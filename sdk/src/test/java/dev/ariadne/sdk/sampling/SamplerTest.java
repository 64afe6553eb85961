package dev.ariadne.sdk.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.sdk.TestObjects;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {

  private static SamplingDecision decide(Sampler sampler, Context parent) {
    return sampler
        .shouldSample(
            parent,
            TestObjects.TRACE_ID_HIGH,
            TestObjects.TRACE_ID_LOW,
            "span",
            SpanKind.INTERNAL,
            Attributes.empty(),
            List.of())
        .getDecision();
  }

  @Test
  void alwaysOnSamplesEverySpanWhateverTheParent() {
    Context unsampledParent = Context.root().with(Span.wrap(TestObjects.remoteParent(false)));

    assertThat(decide(Sampler.alwaysOn(), Context.root()))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(decide(Sampler.alwaysOn(), unsampledParent))
        .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    assertThat(Sampler.alwaysOn().getDescription()).isEqualTo("AlwaysOnSampler");
  }

  @Test
  void alwaysOffDropsEverySpanWhateverTheParent() {
    Context sampledParent = Context.root().with(Span.wrap(TestObjects.remoteParent(true)));

    assertThat(decide(Sampler.alwaysOff(), Context.root())).isEqualTo(SamplingDecision.DROP);
    assertThat(decide(Sampler.alwaysOff(), sampledParent)).isEqualTo(SamplingDecision.DROP);
    assertThat(Sampler.alwaysOff().getDescription()).isEqualTo("AlwaysOffSampler");
  }

  @Test
  void resultsWithoutAttributesAreShared() {
    for (SamplingDecision decision : SamplingDecision.values()) {
      SamplingResult result = SamplingResult.of(decision);
      assertThat(result.getDecision()).isEqualTo(decision);
      assertThat(result.getAttributes().isEmpty()).isTrue();
      assertThat(SamplingResult.of(decision)).isSameAs(result);
      assertThat(SamplingResult.of(decision, Attributes.empty())).isSameAs(result);
      assertThat(SamplingResult.of(decision, null)).isSameAs(result);
    }
  }

  @Test
  void aResultKeepsItsAttributes() {
    Attributes attributes = Attributes.builder().put("sampler.type", "probabilistic").build();
    SamplingResult result = SamplingResult.of(SamplingDecision.RECORD_ONLY, attributes);

    assertThat(result.getDecision()).isEqualTo(SamplingDecision.RECORD_ONLY);
    assertThat(result.getAttributes()).isSameAs(attributes);
  }

  @Test
  void aResultNeedsADecision() {
    assertThatThrownBy(() -> SamplingResult.of(null)).hasMessage("decision");
    assertThatThrownBy(() -> SamplingResult.of(null, Attributes.builder().put("a", "b").build()))
        .hasMessage("decision");
  }
}
