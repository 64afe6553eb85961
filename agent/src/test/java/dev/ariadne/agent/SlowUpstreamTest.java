package dev.ariadne.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import dev.ariadne.model.TraceId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upstream that is slow shows as the agent's own backpressure: while it holds a forward, the
 * agent's bounded queue stays full and new requests are refused 429 with a retry hint; the held
 * request is answered once the upstream acknowledges it.
 */
class SlowUpstreamTest {
  @RegisterExtension
  @Order(1)
  static final Upstream upstream = new Upstream();

  @RegisterExtension
  @Order(2)
  static final AgentServer agent = new AgentServer(upstream::endpoint, builder -> builder,
      collector -> collector.maxQueuedSpans(2));

  @Test
  void whileTheUpstreamHoldsAForwardTheAgentRefusesMoreWith429() throws Exception {
    upstream.hold();
    TraceId held = TestSpans.randomTraceId();
    CompletableFuture<AggregatedHttpResponse> first = CompletableFuture.supplyAsync(() ->
        TestSpans.post(agent.httpUri().toString(), TestSpans.request(held, 2, "checkout")));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (upstream.requests.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(upstream.requests).as("the forward reached the upstream").hasSize(1);

    AggregatedHttpResponse refused = TestSpans.post(agent.httpUri().toString(),
        TestSpans.request(TestSpans.randomTraceId(), 1, "checkout"));

    assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    assertThat(refused.headers().get("retry-after")).isEqualTo("1");
    assertThat(first).isNotDone();
    upstream.release();
    assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(HttpStatus.OK);
    assertThat(upstream.memory.trace(held)).hasSize(2);
  }
}
