package dev.ariadne.agent;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.QueryParams;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The collector's sampling endpoint, which the agent's sampling endpoints ask: {@code GET
 * /api/sampling?service=NAME} at its base URL.
 */
final class SamplingUpstream {
  /** The most a strategy may take: they are a few hundred bytes, a few KiB per operation. */
  private static final long MAX_ANSWER_BYTES = 1 << 20;

  private final WebClient client;
  private final String url;
  private final Duration timeout;

  SamplingUpstream(WebClient client, String url, Duration timeout) {
    this.client = client;
    this.url = url;
    this.timeout = timeout;
  }

  /** Its answer for {@code service}; fails when there is none in time or it is too long. */
  CompletableFuture<AggregatedHttpResponse> ask(String service) {
    return client.prepare()
        .get("/api/sampling?" + QueryParams.of("service", service).toQueryString())
        .responseTimeout(timeout)
        .maxResponseLength(MAX_ANSWER_BYTES)
        .execute()
        .aggregate();
  }

  /** Its base URL. */
  String url() {
    return url;
  }

  /** Why it gave no answer, as the agent's clients are told, naming it. */
  String unreachable(Throwable failure) {
    return "could not reach the collector's sampling endpoint at " + url + ": "
        + Forwarder.reason(failure);
  }
}
