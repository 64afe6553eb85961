package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A server that keeps one edge of the service graph (analytics.max-series: 1): frontend → cart
 * takes it, and shop → bank, sent after, is counted on the overflow edge.
 */
class IncompleteMapIT {
  private static final long MINUTE_MILLIS = 60_000;
  @RegisterExtension static final UiServer ui = new UiServer(ServiceMapIT.ONE_SERIES);

  @BeforeAll
  static void sendTraces() throws Exception {
    long startNanos = (System.currentTimeMillis() - 2 * MINUTE_MILLIS) * 1_000_000L;
    TestTraces.send(ui.server.otlpHttpPort(), call("0000000000000000000000000000ca11", "frontend",
        "cart", startNanos));
    ui.browser.await(d -> dependencies().path("links").size() == 1);
    TestTraces.send(ui.server.otlpHttpPort(), call("0000000000000000000000000000ca12", "shop",
        "bank", startNanos + 1_000_000L));
    ui.browser.await(d -> dependencies().path("missing").size() == 1);
  }

  /** A call from {@code client} to {@code server}: its client span and its server span. */
  private static List<TestTraces.SpanSpec> call(String trace, String client, String server,
      long startNanos) {
    return List.of(
        TestTraces.span(trace, "0000000000000001", client, "call", startNanos, 5_000_000L)
            .kind("CLIENT"),
        TestTraces.span(trace, "0000000000000002", server, "serve", startNanos, 4_000_000L)
            .parent("0000000000000001").kind("SERVER"));
  }

  private static JsonNode dependencies() {
    try {
      return ServiceMapIT.api(ui.server.queryPort(), "/api/v1/dependencies?lookback=1h");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theMapOfARangeWithCallsPastMaxSeriesSaysItIsIncomplete() {
    ui.browser.open("/map?lookback=1h");
    WebElement note = ui.browser.await(By.cssSelector(".map-missing"));
    assertThat(note.getAttribute("role")).isEqualTo("note");
    assertThat(note.getText()).startsWith("This map is incomplete")
        .contains("1 call that started", "is not on the edges", "analytics.max-series was reached", "__overflow__")
        .doesNotContain("Z ");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }
}
