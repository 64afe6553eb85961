package dev.ariadne.exporter.otlp;

import static dev.ariadne.api.common.AttributeKey.stringKey;
import static dev.ariadne.exporter.otlp.TestObjects.RESOURCE;
import static dev.ariadne.exporter.otlp.TestObjects.SCOPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.exporter.otlp.CollectorServer.Answer;
import dev.ariadne.sdk.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batch processor and the OTLP exporter together, against a real HTTP server: both count each
 * span the same way, late, partly lost or abandoned, and shutdown is bounded even while the
 * collector refuses everything.
 */
class BatchExportTest {
  private CollectorServer collector;
  private OtlpHttpSpanExporter exporter;
  private BatchSpanProcessor processor;

  @BeforeEach
  void startCollector() throws Exception {
    collector = CollectorServer.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    if (processor != null) processor.shutdown().get(10, TimeUnit.SECONDS);
    collector.close();
  }

  /** An exporter retrying every 200 ms for up to 30 s, as slow to give up as the default one. */
  private OtlpHttpSpanExporter.Builder exporterBuilder() {
    return OtlpHttpSpanExporter.builder()
        .setEndpoint(collector.baseUrl())
        .setTimeout(Duration.ofSeconds(5))
        .setRetryBackoff(Duration.ofMillis(200), Duration.ofMillis(200), 1);
  }

  private BatchSpanProcessor.Builder processorBuilder() {
    return BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMinutes(5));
  }

  /** Waits until {@code processor} has counted {@code count} spans as exported; fails after 10 s. */
  private static void awaitExported(BatchSpanProcessor processor, long count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (processor.getExportedCount() < count) {
      assertThat(System.nanoTime() - deadline).as("waited 10 s for the count").isNegative();
      Thread.sleep(1);
    }
    assertThat(processor.getExportedCount()).isEqualTo(count);
  }

  private void endSpans(int count) {
    for (int i = 0; i < count; i++) {
      processor.onEnd(TestObjects.span("span " + i, i + 1, RESOURCE, SCOPE));
    }
  }

  @Test
  void aSpanTooLargeForTheCollectorIsTheOnlyOneLostForBoth() throws Exception {
    collector.refuseBodiesOver(100_000);
    exporter = exporterBuilder().setCompression("none").build();
    processor = processorBuilder().build();
    endSpans(5);
    processor.onEnd(
        TestObjects.span("large", 100, RESOURCE, SCOPE).toBuilder()
            .attributes(Attributes.of(stringKey("payload"), "x".repeat(200_000)))
            .build());
    endSpans(2);

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(exporter.getExportedCount()).isEqualTo(7);
    assertThat(processor.getExportedCount()).isEqualTo(7);
    assertThat(exporter.getFailedCount()).isEqualTo(1);
    assertThat(processor.getFailedCount()).isEqualTo(1);
  }

  @Test
  void aBatchDeliveredAfterTheExportTimeoutIsExportedForBoth() throws Exception {
    collector.enqueue(Answer.status(503), Answer.ok()); // accepted on the retry, 200 ms later
    exporter = exporterBuilder().build();
    processor = processorBuilder().setExportTimeout(Duration.ofMillis(50)).build();
    endSpans(3);

    // The processor's flush waits for the exporter's at most the export timeout: 50 ms.
    processor.forceFlush().get(10, TimeUnit.SECONDS);
    exporter.flush().get(10, TimeUnit.SECONDS);
    awaitExported(processor, 3);

    assertThat(exporter.getRetryCount()).isEqualTo(1);
    assertThat(exporter.getExportedCount()).isEqualTo(3);
    assertThat(exporter.getFailedCount()).isZero();
    assertThat(processor.getFailedCount()).isZero();
  }

  @Test
  void shutdownWithTheCollectorRefusingEndsWithinTheExportTimeoutAndStopsTheRetries()
      throws Exception {
    collector.otherwiseAnswer(Answer.status(503));
    exporter = exporterBuilder().build();
    processor =
        processorBuilder()
            .setMaxExportBatchSize(2)
            .setExportTimeout(Duration.ofMillis(500))
            .build();
    endSpans(8);

    long start = System.nanoTime();
    processor.shutdown().get(10, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(2));
    assertThat(processor.getFailedCount()).isEqualTo(8);
    assertThat(exporter.getFailedCount()).isEqualTo(8);
    assertThat(processor.getExportedCount()).isZero();
    assertThat(exporter.getExportedCount()).isZero();
    Thread.sleep(100); // attempts in flight at the deadline may still arrive; none after them
    int arrived = collector.pendingRequests();
    Thread.sleep(600); // three backoffs' worth: retries would have arrived
    assertThat(collector.pendingRequests()).isEqualTo(arrived);
  }
}
