package dev.ariadne.sdk.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import org.junit.jupiter.api.Test;

class LinkDataTest {
  private static final SpanContext CONTEXT =
      SpanContext.create(1, 2, 3, SpanContext.FLAG_SAMPLED, TraceState.empty());

  @Test
  void isFollowsFromOnlyWhenMarkedSo() {
    LinkData followsFrom =
        LinkData.create(CONTEXT, Attributes.of(LinkData.REFERENCE_TYPE, "follows_from"), 0);
    LinkData childOf =
        LinkData.create(CONTEXT, Attributes.of(LinkData.REFERENCE_TYPE, "child_of"), 0);
    LinkData plain = LinkData.create(CONTEXT, Attributes.empty(), 0);

    assertThat(followsFrom.isFollowsFrom()).isTrue();
    assertThat(childOf.isFollowsFrom()).isFalse();
    assertThat(plain.isFollowsFrom()).isFalse();
  }

  @Test
  void marksReferencesWithTheOpenTracingConventionName() {
    assertThat(LinkData.REFERENCE_TYPE.getName()).isEqualTo("opentracing.ref_type");
  }

  @Test
  void keepsWhatItWasCreatedWith() {
    LinkData link = LinkData.create(CONTEXT, Attributes.empty(), 4);

    assertThat(link.getSpanContext()).isSameAs(CONTEXT);
    assertThat(link.getAttributes().isEmpty()).isTrue();
    assertThat(link.getDroppedAttributesCount()).isEqualTo(4);
  }
}
