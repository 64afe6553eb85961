package dev.ariadne.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What the agent says of a request that got no answer, under the client's wrappers. */
class FailureReasonTest {
  @Test
  void namesARefusedConnectionATimedOutOneAndALateAnswerApart() {
    assertThat(Forwarder.reason(new CompletionException(UnprocessedRequestException.of(
        new ConnectException("finishConnect(..) failed: Connection refused")))))
        .isEqualTo("connection refused");
    assertThat(Forwarder.reason(new CompletionException(UnprocessedRequestException.of(
        new ConnectTimeoutException("connection timed out after 3000 ms")))))
        .isEqualTo("no connection in time");
    assertThat(Forwarder.reason(new CompletionException(ResponseTimeoutException.get())))
        .isEqualTo("no answer in time");
  }

  @Test
  void saysAnyOtherFailureByItsTypeAndMessage() {
    assertThat(Forwarder.reason(new CompletionException(
        new NoRouteToHostException("No route to host"))))
        .isEqualTo("NoRouteToHostException: No route to host");
  }
}
