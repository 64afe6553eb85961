package dev.ariadne.sdk.export;

import static dev.ariadne.sdk.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.sdk.CapturingSpanExporter;
import dev.ariadne.sdk.CapturingSpanExporter.Behavior;
import dev.ariadne.sdk.TestObjects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimpleSpanProcessorTest {
  private final CapturingSpanExporter exporter = new CapturingSpanExporter();
  private final SimpleSpanProcessor processor = SimpleSpanProcessor.create(exporter);

  @Test
  void exportsEachSampledSpanOnItsOwn() {
    processor.onEnd(span(0, true));
    processor.onEnd(span(1, true));

    assertThat(exporter.calls()).containsExactly("export:1", "export:1");
    assertThat(exporter.spans()).extracting(TestObjects::indexOf).containsExactly(0L, 1L);
    assertThat(processor.getExportedCount()).isEqualTo(2);
  }

  @Test
  void ignoresUnsampledSpans() {
    processor.onEnd(span(0, false));

    assertThat(exporter.calls()).isEmpty();
  }

  @Test
  void countsFailedExports() {
    exporter.behave(Behavior.FAIL);
    processor.onEnd(span(0, true));
    exporter.behave(Behavior.THROW);
    processor.onEnd(span(1, true));

    assertThat(processor.getFailedCount()).isEqualTo(2);
    assertThat(processor.getExportedCount()).isZero();
  }

  @Test
  void forceFlushWaitsForPendingExports() throws Exception {
    exporter.behave(Behavior.HOLD);
    processor.onEnd(span(0, true));

    CompletableFuture<Void> flushed = processor.forceFlush();

    assertThat(flushed).isNotDone();
    assertThat(processor.getExportedCount()).isZero();
    exporter.release();
    flushed.get(10, TimeUnit.SECONDS);
    assertThat(processor.getExportedCount()).isEqualTo(1);
    assertThat(exporter.calls()).containsExactly("export:1", "flush");
  }

  @Test
  void forceFlushCompletesEvenWhenAnExportFailed() throws Exception {
    exporter.behave(Behavior.FAIL);
    processor.onEnd(span(0, true));

    processor.forceFlush().get(10, TimeUnit.SECONDS);

    assertThat(processor.getFailedCount()).isEqualTo(1);
  }

  @Test
  void shutdownFlushesThenShutsTheExporterDownAndIgnoresLaterSpans() throws Exception {
    processor.onEnd(span(0, true));

    processor.shutdown().get(10, TimeUnit.SECONDS);
    processor.onEnd(span(1, true));

    assertThat(exporter.calls()).containsExactly("export:1", "flush", "shutdown");
  }

  @Test
  void rejectsANullExporter() {
    assertThatThrownBy(() -> SimpleSpanProcessor.create(null)).hasMessage("exporter");
  }
}
