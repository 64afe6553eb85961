package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The trace view shows what storage did not keep of a trace past its per-trace span limit. */
class DroppedSpansIT {
  private static final String TRACE = "7c1e5a0b9d2f4e6a8b0c1d2e3f405162";
  private static final long MS = 1_000_000L;
  @RegisterExtension
  static final UiServer ui = new UiServer(Map.of("embedded.max-spans-per-trace", "3"));

  @BeforeAll
  static void sendTraces() throws Exception {
    long base = TestTraces.millisAgo(60_000);
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(TRACE, "0000000000000001", "frontend", "GET /cart", base, 50 * MS)
            .kind("SERVER"),
        TestTraces.span(TRACE, "0000000000000002", "cart", "load", base + MS, 10 * MS)
            .parent("0000000000000001"),
        TestTraces.span(TRACE, "0000000000000003", "cart", "load", base + 12 * MS, 10 * MS)
            .parent("0000000000000001")));
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(TRACE, "0000000000000004", "cart", "load", base + 23 * MS, 10 * MS)
            .parent("0000000000000001"),
        TestTraces.span(TRACE, "0000000000000005", "cart", "load", base + 34 * MS, 10 * MS)
            .parent("0000000000000001"),
        TestTraces.span(TRACE, "0000000000000006", "payment", "charge", base + 40 * MS, 5 * MS)
            .parent("0000000000000001")));
  }

  @Test
  void spansPastTheLimitAreCountedPerServiceAndOperation() {
    ui.browser.open("/trace/" + TRACE);
    WebElement dropped = ui.browser.await(By.cssSelector(".trace-view .completeness .dropped"));
    assertThat(dropped.getText()).contains("3 spans not stored");
    List<String> rows = ui.browser.driver()
        .findElements(By.cssSelector(".trace-view .completeness .dropped tbody tr")).stream()
        .map(row -> row.getAttribute("textContent").replaceAll("\\s+", " ").trim())
        .toList();
    assertThat(rows).containsExactly("cartload2", "paymentcharge1");
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .rows .row")))
        .hasSize(3);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }
}
