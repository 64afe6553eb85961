package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A trace whose every name and value is markup or a script URL, rendered by the trace view and
 * the services list: nothing runs, the text shows as written, no element comes from it, and every
 * link in the span detail is relative or http(s).
 */
class HostileTraceIT {
  private static final String TRACE = "000000000000000000000000000bad00";
  private static final String ROOT = "0000000000000001";
  private static final String CHILD = "0000000000000002";
  private static final String SCRIPT = "<script>window.__pwned=1</script>";
  private static final String IMG = "<img src=x onerror=\"window.__pwned=1\">";
  private static final String SVG = "\"><svg onload=window.__pwned=1>";
  private static final String JS = "javascript:window.__pwned=1";
  private static final List<String> HOSTILE = List.of(SCRIPT, IMG, SVG, JS);
  private static final String SAFE_HREF = "^(/(?!/)|\\?|#|https?://).*";
  @RegisterExtension static final UiServer ui = new UiServer();

  @BeforeAll
  static void sendTraces() throws Exception {
    long start = TestTraces.millisAgo(60_000);
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(TRACE, ROOT, SCRIPT, IMG, start, 10_000_000L).kind("SERVER")
            .attribute(SVG, SCRIPT)
            .attribute("http.url", JS)
            .attribute(IMG, SVG)
            .attribute(JS, IMG)
            .event(SVG, 2_000_000L, Map.of(JS, IMG, "link", JS))
            .error(SCRIPT)
            .link("0000000000000000000000000000beef", "0000000000000009"),
        TestTraces.span(TRACE, CHILD, IMG, SVG, start + 1_000_000L, 4_000_000L).parent(ROOT)
            .attribute("peer.url", JS)
            .followsFrom(TRACE, ROOT)));
  }

  private void openSpan(String spanId, String name) {
    ui.browser.open("/trace/" + TRACE + "?span=" + spanId);
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), name);
    ui.browser.await(d -> d.findElement(By.cssSelector(".trace-view .critical-note")).getText()
        .matches("(Critical path|The analysis found).*"));
  }

  private void assertNothingRan() {
    assertThat(ui.browser.script("return typeof window.__pwned")).isEqualTo("undefined");
    assertThat(ui.browser.script("return document.querySelectorAll("
        + "'main img, main script, main svg, main iframe, main object, main embed').length"))
        .isEqualTo(0L);
    assertThat(ui.browser.script(
        "return document.querySelectorAll('[onerror], [onload], [onclick]').length"))
        .isEqualTo(0L);
  }

  @Test
  void theTraceViewShowsHostileTextAsText() {
    for (String[] span : List.of(new String[] {ROOT, IMG}, new String[] {CHILD, SVG})) {
      openSpan(span[0], span[1]);
      assertNothingRan();
      String page = ui.browser.driver().findElement(By.tagName("main")).getText();
      assertThat(page).contains(HOSTILE);
    }
    openSpan(ROOT, IMG);
    WebElement detail = ui.browser.await(By.cssSelector(".trace-view aside.detail"));
    assertThat(detail.findElement(By.xpath(".//th[.='http.url']/following-sibling::td[1]"))
        .getText()).isEqualTo(JS);
    assertThat(detail.findElements(By.xpath(".//td[.='" + JS + "']/a"))).isEmpty();
    assertThat(detail.findElement(By.cssSelector(".status-message")).getText().trim())
        .isEqualTo(SCRIPT);
    assertThat(detail.findElement(By.cssSelector(".event-name")).getText()).isEqualTo(SVG);
    assertThat(ui.browser.await(By.cssSelector(".trace-view h1")).getText())
        .isEqualTo(SCRIPT + ": " + IMG);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void everyLinkInTheDetailIsSafeAndClickingItRunsNothing() {
    for (String[] span : List.of(new String[] {ROOT, IMG}, new String[] {CHILD, SVG})) {
      openSpan(span[0], span[1]);
      List<String> hrefs = ui.browser.driver()
          .findElements(By.cssSelector(".trace-view aside.detail a")).stream()
          .map(a -> a.getDomAttribute("href")).toList();
      assertThat(hrefs).isNotEmpty().allSatisfy(href -> assertThat(href).matches(SAFE_HREF));
      for (int i = 0; i < hrefs.size(); i++) {
        openSpan(span[0], span[1]);
        ui.browser.driver().findElements(By.cssSelector(".trace-view aside.detail a")).get(i)
            .click();
        // A page's heading: the span selected, another trace, or the service's overview.
        ui.browser.await(d -> !d.findElements(By.cssSelector("main h1, main h2")).isEmpty());
        assertNothingRan();
      }
    }
  }

  @Test
  void findAndStatisticsTreatHostileTextAsText() {
    openSpan(ROOT, IMG);
    ui.browser.await(By.cssSelector(".trace-view input.find")).sendKeys(IMG);
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "1 of 2");
    assertNothingRan();
    ui.browser.awaitText(By.cssSelector(".trace-view nav.tabs a"), "Statistics").click();
    WebElement operations = ui.browser.await(By.cssSelector(".trace-view table.operations-stats"));
    assertThat(operations.getText()).contains(SCRIPT, IMG, SVG);
    assertNothingRan();
  }

  @Test
  void theServicesListShowsHostileNamesAsText() {
    ui.browser.open("/services");
    ui.browser.awaitText(By.cssSelector("ul.services a"), SCRIPT);
    assertThat(ui.browser.driver().findElements(By.cssSelector("ul.services a")))
        .extracting(WebElement::getText).containsExactlyInAnyOrder(SCRIPT, IMG);
    assertThat(ui.browser.driver().findElements(By.cssSelector("ul.services a")))
        .allSatisfy(a -> assertThat(a.getDomAttribute("href")).matches(SAFE_HREF));
    assertNothingRan();
  }
}
