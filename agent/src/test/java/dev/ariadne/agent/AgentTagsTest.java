package dev.ariadne.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpStatus;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The agent's tags arrive upstream on the spans' resources, without overriding theirs. */
class AgentTagsTest {
  @RegisterExtension
  @Order(1)
  static final Upstream upstream = new Upstream();

  @RegisterExtension
  @Order(2)
  static final AgentServer agent = new AgentServer(upstream::endpoint,
      builder -> builder.tags(Map.of("host.name", "agent-host", "cloud.region", "eu-west-1")));

  @Test
  void tagsAreAddedToResourcesThatLackThem() {
    TraceId traceId = TestSpans.randomTraceId();

    assertThat(TestSpans.post(agent.httpUri().toString(),
        TestSpans.request(traceId, 2, "checkout", "host.name", "app-1")).status())
        .isEqualTo(HttpStatus.OK);

    List<Span> stored = upstream.memory.trace(traceId);
    assertThat(stored).hasSize(2).allSatisfy(span -> assertThat(span.resource().attributes())
        .containsExactlyInAnyOrder(Attribute.of("service.name", "checkout"),
            Attribute.of("host.name", "app-1"), Attribute.of("cloud.region", "eu-west-1")));
  }
}
