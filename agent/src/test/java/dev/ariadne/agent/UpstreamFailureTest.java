package dev.ariadne.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.HttpData;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the agent's clients see when the upstream collector is down, busy or refuses. */
class UpstreamFailureTest {
  /** The agent sends at most this much in one request; a write of more is split. */
  private static final int MAX_REQUEST_BYTES = 4096;

  @RegisterExtension
  @Order(1)
  static final Upstream upstream = new Upstream();

  @RegisterExtension
  @Order(2)
  static final AgentServer agent = new AgentServer(upstream::endpoint,
      builder -> builder.maxRequestBytes(MAX_REQUEST_BYTES).forwardTimeout(Duration.ofSeconds(5)));

  /** An agent whose upstream listens on no port. */
  @RegisterExtension
  @Order(3)
  static final AgentServer orphan = new AgentServer(UpstreamFailureTest::closedPort,
      builder -> builder.forwardTimeout(Duration.ofMillis(800)));

  @BeforeEach
  void forgetRequests() {
    upstream.requests.clear();
  }

  @Test
  void anUpstreamThatIsDownIsA503WithARetryHintNamingIt() throws Exception {
    AggregatedHttpResponse response = TestSpans.post(orphan.httpUri().toString(),
        TestSpans.request(TestSpans.randomTraceId(), 3, "checkout"));

    assertThat(response.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(response.headers().get("retry-after")).isEqualTo("1");
    assertThat(Status.parseFrom(response.content().array()).getMessage())
        .matches("forwarding failed; nothing was stored: could not reach the collector at"
            + " http://127\\.0\\.0\\.1:[0-9]+: connection refused \\(sent [0-9]+ times; no time"
            + " left to retry within the forward timeout, 800 ms\\)");
    assertThat(orphan.count("spans.not.forwarded")).isEqualTo(3);
    assertThat(orphan.requests(ForwardMeters.Outcome.UNREACHABLE)).isGreaterThanOrEqualTo(1);
    assertThat(orphan.count("forward.retries"))
        .isEqualTo(orphan.requests(ForwardMeters.Outcome.UNREACHABLE) - 1);
  }

  @Test
  void anUpstream429IsRetriedAfterItsRetryAfterAndTheSpansArrive() {
    upstream.answer(AggregatedHttpResponse.of(
        ResponseHeaders.builder(HttpStatus.TOO_MANY_REQUESTS).add("retry-after", "1").build()));
    TraceId traceId = TestSpans.randomTraceId();
    double retries = agent.count("forward.retries");

    AggregatedHttpResponse response =
        TestSpans.post(agent.httpUri().toString(), TestSpans.request(traceId, 2, "checkout"));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(upstream.memory.trace(traceId)).hasSize(2);
    assertThat(upstream.requests).hasSize(2);
    assertThat(upstream.requests.get(1).nanoTime() - upstream.requests.get(0).nanoTime())
        .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(agent.count("forward.retries")).isEqualTo(retries + 1);
  }

  @Test
  void anUpstream400IsNotRetriedAndItsMessageReachesTheClient() throws Exception {
    upstream.answer(AggregatedHttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.PROTOBUF,
        Status.newBuilder().setCode(3).setMessage("span 1: bad trace ID").build().toByteArray()));
    double retries = agent.count("forward.retries");
    double notForwarded = agent.count("spans.not.forwarded");

    AggregatedHttpResponse response = TestSpans.post(agent.httpUri().toString(),
        TestSpans.request(TestSpans.randomTraceId(), 2, "checkout"));

    assertThat(response.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(Status.parseFrom(response.content().array()).getMessage()).isEqualTo(
        "forwarding failed; nothing was stored: the collector at " + upstream.endpoint()
            + " answered 400 Bad Request: span 1: bad trace ID");
    assertThat(upstream.requests).hasSize(1);
    assertThat(agent.count("forward.retries")).isEqualTo(retries);
    assertThat(agent.count("spans.not.forwarded")).isEqualTo(notForwarded + 2);
  }

  @Test
  void aLargeWriteIsSplitIntoRequestsWithinTheBound() {
    TraceId traceId = TestSpans.randomTraceId();

    AggregatedHttpResponse response = TestSpans.post(agent.httpUri().toString(),
        TestSpans.request(traceId, 200, "checkout", "host.name", "x".repeat(100)));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(upstream.memory.trace(traceId)).hasSize(200);
    assertThat(upstream.requests).hasSizeGreaterThan(1)
        .allSatisfy(request ->
            assertThat(request.inflatedBytes()).isLessThanOrEqualTo(MAX_REQUEST_BYTES));
  }

  @Test
  void aRequestTheUpstreamFindsTooLargeIsSentAgainInHalves() {
    upstream.answer(AggregatedHttpResponse.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE));
    TraceId traceId = TestSpans.randomTraceId();

    AggregatedHttpResponse response =
        TestSpans.post(agent.httpUri().toString(), TestSpans.request(traceId, 4, "checkout"));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(upstream.memory.trace(traceId)).hasSize(4);
    assertThat(upstream.requests).hasSize(3);
  }

  @Test
  void aSpanLargerThanARequestMayBeIsRejectedNamingItAndTheOthersOfItsRequestAreForwarded()
      throws Exception {
    TraceId traceId = TestSpans.randomTraceId();
    double tooLarge = agent.count("spans.too.large");
    double notForwarded = agent.count("spans.not.forwarded");

    AggregatedHttpResponse response = TestSpans.post(agent.httpUri().toString(),
        withLargeSpan(TestSpans.request(traceId, 3, "checkout"), 1));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    ExportTracePartialSuccess partial =
        ExportTraceServiceResponse.parseFrom(response.content().array()).getPartialSuccess();
    assertThat(partial.getRejectedSpans()).isEqualTo(1);
    assertThat(partial.getErrorMessage()).matches("span 0000000000000002 of trace "
        + traceId.toHex() + " takes [0-9]{5} bytes as OTLP, more than the agent sends in one"
        + " request \\(4096\\); it cannot be forwarded");
    assertThat(upstream.memory.trace(traceId)).extracting(Span::spanId)
        .containsExactlyInAnyOrder(1L, 3L);
    assertThat(agent.count("spans.too.large")).isEqualTo(tooLarge + 1);
    assertThat(agent.count("spans.not.forwarded")).isEqualTo(notForwarded);
  }

  @Test
  void aRequestOfOneSpanLargerThanARequestMayBeIsA413NamingIt() throws Exception {
    TraceId traceId = TestSpans.randomTraceId();

    AggregatedHttpResponse response = TestSpans.post(agent.httpUri().toString(),
        withLargeSpan(TestSpans.request(traceId, 1, "checkout"), 0));

    assertThat(response.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
    assertThat(response.headers().get("retry-after")).isNull();
    assertThat(Status.parseFrom(response.content().array()).getMessage())
        .matches("span 0000000000000001 of trace " + traceId.toHex() + " takes [0-9]+ bytes as"
            + " OTLP, more than the agent sends in one request \\(4096\\); it cannot be"
            + " forwarded");
    assertThat(upstream.requests).isEmpty();
  }

  @Test
  void aSpanTheUpstreamFindsTooLargeByItselfIsRejectedAndTheOthersAreForwarded()
      throws Exception {
    // The request of both spans, then the first span alone.
    upstream.answer(AggregatedHttpResponse.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE));
    upstream.answer(AggregatedHttpResponse.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE));
    TraceId traceId = TestSpans.randomTraceId();

    AggregatedHttpResponse response =
        TestSpans.post(agent.httpUri().toString(), TestSpans.request(traceId, 2, "checkout"));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    ExportTracePartialSuccess partial =
        ExportTraceServiceResponse.parseFrom(response.content().array()).getPartialSuccess();
    assertThat(partial.getRejectedSpans()).isEqualTo(1);
    assertThat(partial.getErrorMessage()).matches("span 0000000000000001 of trace "
        + traceId.toHex() + " takes [0-9]+ bytes as OTLP, more than the collector at "
        + upstream.endpoint() + " takes \\(it answered 413\\); it cannot be forwarded");
    assertThat(upstream.memory.trace(traceId)).extracting(Span::spanId)
        .containsExactly(2L);
    assertThat(upstream.requests).hasSize(3);
  }

  /** {@code request} with a 10,000-character attribute on its span at {@code index}. */
  private static ExportTraceServiceRequest withLargeSpan(ExportTraceServiceRequest request,
      int index) {
    ExportTraceServiceRequest.Builder builder = request.toBuilder();
    builder.getResourceSpansBuilder(0).getScopeSpansBuilder(0).getSpansBuilder(index)
        .addAttributes(KeyValue.newBuilder().setKey("blob")
            .setValue(AnyValue.newBuilder().setStringValue("x".repeat(10_000))));
    return builder.build();
  }

  @Test
  void spansTheUpstreamRejectsInAPartialSuccessAreCounted() {
    upstream.answer(AggregatedHttpResponse.of(HttpStatus.OK, MediaType.PROTOBUF,
        HttpData.wrap(ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                .setRejectedSpans(2).setErrorMessage("2 spans end before they start"))
            .build().toByteArray())));
    double rejected = agent.count("spans.rejected");

    AggregatedHttpResponse response = TestSpans.post(agent.httpUri().toString(),
        TestSpans.request(TestSpans.randomTraceId(), 3, "checkout"));

    assertThat(response.status()).isEqualTo(HttpStatus.OK);
    assertThat(agent.count("spans.rejected")).isEqualTo(rejected + 2);
  }

  /** The URL of a port nothing listens on. */
  private static String closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
