package dev.ariadne.server.ui;

import static dev.ariadne.server.ui.TestTraces.ms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Names of 600 and more characters without a space, in every view that lists them: each view
 * stays within the 1,400-pixel window, its tables' columns all in sight, the names wrapped or cut
 * with an ellipsis (and then whole in their title).
 */
class LongNamesIT {
  private static final String SERVICE = "inventory-" + "abcdefghijklmnopqrstuvwxyz0123456789"
      .repeat(18);
  private static final String OPERATION = "reserveInventoryItemsForCheckout".repeat(20);
  private static final String A = "10e9000000000000000000000000000a";
  private static final String B = "10e9000000000000000000000000000b";
  @RegisterExtension static final UiServer ui = new UiServer(ServiceMapIT.QUICK_ANALYTICS);

  @BeforeAll
  static void sendTraces() throws Exception {
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(A, "00000000000000a1", SERVICE, OPERATION, TestTraces.millisAgo(120_000),
            ms(30)).kind("SERVER"),
        TestTraces.span(A, "00000000000000a2", SERVICE, "POST /cart",
            TestTraces.millisAgo(120_000) + ms(5), ms(20)).parent("00000000000000a1")
            .kind("CLIENT"),
        TestTraces.span(A, "00000000000000a3", "cart", "POST /cart",
            TestTraces.millisAgo(120_000) + ms(6), ms(18)).parent("00000000000000a2")
            .kind("SERVER"),
        TestTraces.span(B, "00000000000000b1", SERVICE, OPERATION, TestTraces.millisAgo(60_000),
            ms(40)).kind("SERVER")));
    ui.browser.await(d -> ready());
  }

  /** Whether the RED metrics count the long-named service's spans and the map has its call. */
  private static boolean ready() {
    try {
      long requests = ServiceMapIT.requests(ui.server.queryPort(), SERVICE);
      JsonNode dependencies = ServiceMapIT.api(ui.server.queryPort(),
          "/api/v1/dependencies?lookback=1h");
      return requests == 3 && ServiceMapIT.calls(dependencies, SERVICE, "cart") == 1;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The elements of the view that reach past the window's right edge (apart from the service
   * map's own drawing, which scrolls in its frame), and how wide the page is.
   */
  private static String overflow() {
    return String.valueOf(ui.browser.script(
        "const past = [...document.querySelectorAll('main *')]"
            + " .filter(e => !e.closest('.map-frame'))"
            + " .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)"
            + " .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));"
            + "const page = document.documentElement.scrollWidth;"
            + "return page > innerWidth || past.length ? page + ' wide: ' + past.join(', ') : '';"));
  }

  @Test
  void searchResultsStayInTheWindow() {
    ui.browser.open("/search?service=" + SERVICE);
    ui.browser.await(d -> d.findElements(By.cssSelector("table.trace-list tbody tr")).size() == 2);
    assertThat(overflow()).isEmpty();
    assertThat(ui.browser.script(
        "const badge = document.querySelector('table.trace-list .badge.service');"
            + "const name = badge.querySelector('.name');"
            + "return name.scrollWidth > name.clientWidth"
            + " && getComputedStyle(name).textOverflow === 'ellipsis'"
            + " && badge.title === arguments[0] + ': 1 span'", SERVICE))
        .as("the service's badge is cut with an ellipsis and has the whole name as its title")
        .isEqualTo(true);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theServiceOverviewStaysInTheWindow() {
    ui.browser.open("/services/" + SERVICE);
    ui.browser.await(By.cssSelector("table.operations tbody tr"));
    ui.browser.await(By.cssSelector("figure.chart[data-chart='rate'] circle"));
    ui.browser.await(By.linkText(OPERATION)).click();
    ui.browser.await(By.cssSelector(".chip.operation"));
    ui.browser.await(By.cssSelector("table.operations tr.selected"));
    assertThat(overflow()).isEmpty();
    assertThat(ui.browser.await(By.cssSelector("main h1")).getText()).isEqualTo(SERVICE);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void compareStaysInTheWindow() {
    ui.browser.open("/compare?a=" + A + "&b=" + B);
    ui.browser.await(d -> d.findElements(By.cssSelector("table.operation-diff tbody tr")).size()
        == 3);
    assertThat(overflow()).isEmpty();
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theServicesAndTheServiceMapStayInTheWindow() {
    ui.browser.open("/services");
    ui.browser.await(By.linkText(SERVICE));
    assertThat(overflow()).isEmpty();
    ui.browser.open("/map");
    ui.browser.await(By.cssSelector("table.calls tbody tr"));
    assertThat(overflow()).isEmpty();
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }
}
