package dev.ariadne.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceTagsTest {
  private static Span span(long spanId, Resource resource) {
    return Span.builder().traceId(TestSpans.randomTraceId()).spanId(spanId).resource(resource)
        .endEpochNanos(1).build();
  }

  private static Map<String, String> tags(String... keysAndValues) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      tags.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return tags;
  }

  @Test
  void addsTheTagsAResourceLacksAndKeepsTheValuesItHas() {
    Resource resource = new Resource("checkout",
        List.of(Attribute.of("service.name", "checkout"), Attribute.of("host.name", "app-1")), 0);
    ResourceTags tags = new ResourceTags(tags("host.name", "agent-host", "zone", "eu-1"));

    List<Span> tagged = tags.apply(List.of(span(1, resource), span(2, resource)));

    assertThat(tagged).allSatisfy(span -> assertThat(span.resource()).isEqualTo(new Resource(
        "checkout", List.of(Attribute.of("service.name", "checkout"),
            Attribute.of("host.name", "app-1"), Attribute.of("zone", "eu-1")), 0)));
    assertThat(tagged.get(0).resource()).isSameAs(tagged.get(1).resource());
    assertThat(tagged).extracting(Span::spanId).containsExactly(1L, 2L);
  }

  @Test
  void aServiceNameTagNamesAServiceThatHadNone() {
    Resource unnamed = new Resource(Resource.UNKNOWN_SERVICE, List.of(), 0);

    Span tagged = new ResourceTags(tags("service.name", "legacy"))
        .apply(List.of(span(1, unnamed))).get(0);

    assertThat(tagged.serviceName()).isEqualTo("legacy");
    assertThat(tagged.resource().attributes())
        .containsExactly(Attribute.of("service.name", "legacy"));
  }

  @Test
  void withoutTagsTheSpansPassUntouched() {
    List<Span> spans = List.of(span(1, new Resource("a", List.of(), 0)));

    assertThat(new ResourceTags(Map.of()).apply(spans)).isSameAs(spans);
  }
}
