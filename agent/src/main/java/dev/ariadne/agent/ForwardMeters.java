package dev.ariadne.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The forwarder's meters, named {@code ariadne.agent.*} (Prometheus: {@code ariadne_agent_*}).
 * Thread-safe.
 */
final class ForwardMeters {
  static final String PREFIX = "ariadne.agent.";

  /** How one request to the upstream collector ended. */
  enum Outcome {
    /** Answered 2xx: the spans are acknowledged (some may be rejected, see partial success). */
    ACCEPTED,
    /** Answered 429, 502, 503 or 504: retried while the forward timeout allows. */
    RETRYABLE,
    /** Answered anything else (400, 413, ...): not retried. */
    REFUSED,
    /** No answer: the connection failed or the answer did not come in time; retried. */
    UNREACHABLE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Counter forwarded;
  private final Counter rejected;
  private final Counter notForwarded;
  private final Counter tooLarge;
  private final Counter retries;
  private final Map<Outcome, Timer> requests = new EnumMap<>(Outcome.class);

  ForwardMeters(MeterRegistry registry) {
    forwarded = Counter.builder(PREFIX + "spans.forwarded")
        .description("Spans the upstream collector acknowledged")
        .register(registry);
    rejected = Counter.builder(PREFIX + "spans.rejected")
        .description(
            "Spans the upstream collector acknowledged but rejected (OTLP partial success)")
        .register(registry);
    notForwarded = Counter.builder(PREFIX + "spans.not.forwarded")
        .description("Spans the upstream collector did not acknowledge; their clients were"
            + " answered 503 and may send them again")
        .register(registry);
    tooLarge = Counter.builder(PREFIX + "spans.too.large")
        .description("Spans too large by themselves for one request to the upstream collector"
            + " (the agent's bound, or the upstream's 413); rejected to their clients")
        .register(registry);
    retries = Counter.builder(PREFIX + "forward.retries")
        .description("Requests to the upstream collector sent again after a retryable failure")
        .register(registry);
    for (Outcome outcome : Outcome.values()) {
      requests.put(outcome, Timer.builder(PREFIX + "forward.requests")
          .description("Requests to the upstream collector, by how they ended")
          .tag("outcome", outcome.tag())
          .register(registry));
    }
  }

  void request(Outcome outcome, long nanos) {
    requests.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  void forwarded(int spans) {
    forwarded.increment(spans);
  }

  void rejected(long spans) {
    rejected.increment((double) spans);
  }

  void notForwarded(int spans) {
    notForwarded.increment(spans);
  }

  void tooLarge(int spans) {
    tooLarge.increment(spans);
  }

  void retry() {
    retries.increment();
  }
}
