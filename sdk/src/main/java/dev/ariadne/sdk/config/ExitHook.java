package dev.ariadne.sdk.config;

import dev.ariadne.sdk.export.BatchSpanProcessor;
import dev.ariadne.sdk.export.SpanExporter;
import java.lang.ref.WeakReference;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Shuts the batch processors down when the JVM exits, within a timeout, and says on
 * standard error how many spans could not be exported: at exit, {@code java.util.logging} closes
 * its handlers in a hook of its own that runs alongside this one, so a warning logged here would
 * most often be lost, as would the exporter's own.
 *
 * <p>Holds the processors weakly and nothing else of the configuration: a running processor's
 * thread keeps it reachable until it is shut down, while a provider the application has shut down
 * and dropped can be collected, though the hook stays registered for the life of the JVM.
 */
final class ExitHook implements Runnable {
  /** How much longer than their shutdown may take the exit waits for the processors. */
  private static final Duration GRACE = Duration.ofSeconds(1);

  private final List<WeakReference<BatchSpanProcessor>> processors = new ArrayList<>();
  private final Duration timeout;
  private final String exporters;

  /** {@code timeout}: how long the processors' shutdown may take. */
  ExitHook(List<BatchSpanProcessor> processors, Duration timeout, List<SpanExporter> exporters) {
    for (BatchSpanProcessor processor : processors) {
      this.processors.add(new WeakReference<>(processor));
    }
    this.timeout = timeout;
    this.exporters = exporters.toString();
  }

  @Override
  public void run() {
    List<BatchSpanProcessor> live = new ArrayList<>();
    for (WeakReference<BatchSpanProcessor> reference : processors) {
      BatchSpanProcessor processor = reference.get();
      if (processor != null) live.add(processor);
    }
    long failedBefore = failed(live);
    CompletableFuture<?>[] shutdowns = new CompletableFuture<?>[live.size()];
    for (int i = 0; i < shutdowns.length; i++) shutdowns[i] = live.get(i).shutdown(timeout);
    Duration wait = timeout.plus(GRACE);
    String lost = null;
    try {
      CompletableFuture.allOf(shutdowns).get(wait.toNanos(), TimeUnit.NANOSECONDS);
      long failed = failed(live) - failedBefore;
      if (failed > 0) lost = spans(failed) + " queued at exit could not be exported";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Only an exporter that blocks the processor's thread keeps its shutdown from ending.
      long queued = 0;
      for (BatchSpanProcessor processor : live) queued += processor.getQueueSize();
      lost = "the spans queued at exit were not all exported within "
          + BigDecimal.valueOf(wait.toMillis(), 3).stripTrailingZeros().toPlainString() + " s: "
          + spans(failed(live) - failedBefore) + " could not be, and " + spans(queued)
          + " still queued";
    }
    if (lost != null) System.err.println("ariadne sdk: " + lost + " (exporters: " + exporters + ")");
  }

  private static long failed(List<BatchSpanProcessor> processors) {
    long failed = 0;
    for (BatchSpanProcessor processor : processors) failed += processor.getFailedCount();
    return failed;
  }

  private static String spans(long count) {
    return count + (count == 1 ? " span" : " spans");
  }
}
