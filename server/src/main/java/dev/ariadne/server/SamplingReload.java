package dev.ariadne.server;

import dev.ariadne.collector.sampling.InvalidStrategiesException;
import dev.ariadne.collector.sampling.SamplingStrategies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code sampling.strategies-file} again every {@code sampling.strategies-reload-interval},
 * on a thread of its own, and serves it when it changed. A version that cannot be read or is
 * invalid keeps the strategies served before; it is logged and counted once, not at every read.
 */
final class SamplingReload implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SamplingReload.class);

  private final SamplingStrategies strategies;
  private final String file;
  private final Counter failures;
  private final ScheduledExecutorService executor;
  /** The problem logged last, so that one bad version is logged once; null after a good read. */
  private String lastProblem;

  private SamplingReload(SamplingStrategies strategies, String file, Duration interval,
      MeterRegistry registry) {
    this.strategies = strategies;
    this.file = file;
    failures = Counter.builder("ariadne.sampling.reload.failures")
        .description("Versions of sampling.strategies-file that could not be read or were"
            + " invalid, each counted once; the strategies read before were served on, and the"
            + " log says why")
        .register(registry);
    executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "ariadne-sampling-reload");
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(
        this::reload, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts re-reading {@code file} into {@code strategies} every {@code interval}. */
  static SamplingReload start(SamplingStrategies strategies, String file, Duration interval,
      MeterRegistry registry) {
    return new SamplingReload(strategies, file, interval, registry);
  }

  private void reload() {
    try {
      if (strategies.reload()) {
        log.info("sampling strategies read again from {}", file);
      }
      lastProblem = null;
    } catch (InvalidStrategiesException | RuntimeException e) {
      String problem = e.getMessage();
      if (!Objects.equals(problem, lastProblem)) {
        lastProblem = problem;
        failures.increment();
        log.error("sampling strategies file {}; still serving the strategies read before",
            problem);
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
