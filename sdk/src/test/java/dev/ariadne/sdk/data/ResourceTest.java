package dev.ariadne.sdk.data;

import static dev.ariadne.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.api.common.Attributes;
import org.junit.jupiter.api.Test;

class ResourceTest {

  @Test
  void theDefaultNamesAnUnknownJavaServiceAndThisSdk() {
    Resource resource = Resource.getDefault();

    assertThat(resource.getServiceName()).isEqualTo("unknown_service:java");
    assertThat(resource.getAttribute(stringKey("telemetry.sdk.name"))).isEqualTo("ariadne");
    assertThat(resource.getAttribute(stringKey("telemetry.sdk.language"))).isEqualTo("java");
    assertThat(resource.getAttribute(stringKey("telemetry.sdk.version")))
        .isEqualTo(System.getProperty("ariadne.version"));
  }

  @Test
  void mergeLetsTheOtherResourceWinOnEqualNames() {
    Resource base =
        Resource.create(Attributes.builder().put("service.name", "a").put("zone", "eu").build());
    Resource other =
        Resource.create(Attributes.builder().put("service.name", "b").put("host", "h").build());

    assertThat(base.merge(other).getAttributes().asMap())
        .containsExactly(
            entry(stringKey("service.name"), "b"),
            entry(stringKey("zone"), "eu"),
            entry(stringKey("host"), "h"));
  }

  @Test
  void mergingNothingReturnsTheSameResource() {
    Resource base = Resource.getDefault();

    assertThat(base.merge(null)).isSameAs(base);
    assertThat(base.merge(Resource.empty())).isSameAs(base);
  }

  @Test
  void equalsByAttributes() {
    Resource one = Resource.create(Attributes.of(stringKey("service.name"), "a"));
    Resource same = Resource.create(Attributes.of(stringKey("service.name"), "a"));

    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one).isNotEqualTo(Resource.empty());
    assertThat(Resource.empty().getServiceName()).isNull();
  }

  @Test
  void rejectsNullAttributes() {
    assertThatThrownBy(() -> Resource.create(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("attributes");
  }
}
