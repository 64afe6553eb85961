package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A server that keeps one RED series (analytics.max-series: 1): cart's POST /cart takes it, and
 * shop's spans, sent after, are counted in the overflow series.
 */
class IncompleteMetricsIT {
  private static final long MINUTE_MILLIS = 60_000;
  @RegisterExtension static final UiServer ui = new UiServer(ServiceMapIT.ONE_SERIES);

  @BeforeAll
  static void sendTraces() throws Exception {
    long startNanos = (System.currentTimeMillis() - 2 * MINUTE_MILLIS) * 1_000_000L;
    TestTraces.send(ui.server.otlpHttpPort(), List.of(TestTraces.span(
        "0000000000000000000000000000ca01", "0000000000000001", "cart", "POST /cart",
        startNanos, 5_000_000L).kind("SERVER")));
    ui.browser.await(d -> requests("cart") == 1);
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span("0000000000000000000000000000ab01", "0000000000000001", "shop", "GET /",
            startNanos, 5_000_000L).kind("SERVER"),
        TestTraces.span("0000000000000000000000000000ab02", "0000000000000001", "shop", "GET /",
            startNanos + 1_000_000L, 5_000_000L).kind("SERVER")));
    ui.browser.await(d -> services().equals(List.of("shop")));
  }

  private static long requests(String service) {
    try {
      return ServiceMapIT.requests(ui.server.queryPort(), service);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> services() {
    try {
      return ServiceMapIT.api(ui.server.queryPort(), "/api/v1/services").path("redIncomplete")
          .findValuesAsText("service");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theServicesAndTheOverviewOfAServicePastMaxSeriesSayItsMetricsAreIncomplete() {
    ui.browser.open("/services");
    WebElement badge = ui.browser.await(By.cssSelector("ul.services li .badge.incomplete"));
    assertThat(ui.browser.texts("ul.services li")).containsExactly("cart", "shop RED incomplete");
    assertThat(badge.getAttribute("title"))
        .contains("2 spans of shop", "analytics.max-series was reached", "__overflow__");

    ui.browser.await(By.linkText("shop")).click();
    WebElement note = ui.browser.await(By.cssSelector(".red-missing"));
    assertThat(note.getAttribute("role")).isEqualTo("note");
    assertThat(note.getText()).startsWith("These figures are incomplete")
        .contains("2 spans of shop", "analytics.max-series was reached", "__overflow__")
        .doesNotContain("Z ");
    assertThat(ui.browser.await(By.cssSelector(".red-charts")).getText())
        .contains("No requests");

    ui.browser.open("/services/cart");
    ui.browser.await(By.cssSelector("figure.chart[data-chart='rate'] circle"));
    assertThat(ui.browser.driver().findElements(By.cssSelector(".red-missing"))).isEmpty();
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }
}
