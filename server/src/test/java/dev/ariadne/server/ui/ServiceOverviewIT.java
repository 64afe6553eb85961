package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.server.LoopbackServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The service overview of cart: four checkouts (the traces of {@link ServiceMapIT#checkout}), one
 * in each of the last four whole minutes, the second one failing. Per minute cart has four spans:
 * POST /cart (SERVER), POST /pay (CLIENT) and SELECT orders (CLIENT) twice. Beside it, mailer
 * consumes a message (CONSUMER) and renders it (INTERNAL) in each of those minutes.
 */
class ServiceOverviewIT {
  private static final long MINUTE_MILLIS = 60_000;
  @RegisterExtension static final UiServer ui = new UiServer(ServiceMapIT.QUICK_ANALYTICS);

  @BeforeAll
  static void sendTraces() throws Exception {
    List<TestTraces.SpanSpec> spans = new ArrayList<>(checkoutInTheLastFourMinutes());
    spans.addAll(mailerInTheLastFourMinutes());
    TestTraces.send(ui.server.otlpHttpPort(), spans);
    ui.browser.await(d -> metricsFlushed());
  }

  /** One checkout trace in each of the last four whole minutes; the second one's payment fails. */
  static List<TestTraces.SpanSpec> checkoutInTheLastFourMinutes() {
    long thisMinute = System.currentTimeMillis() / MINUTE_MILLIS * MINUTE_MILLIS;
    List<TestTraces.SpanSpec> spans = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long startMillis = thisMinute - (4 - i) * MINUTE_MILLIS + 10_000;
      spans.addAll(ServiceMapIT.checkout(i, startMillis * 1_000_000L, i == 1));
    }
    return spans;
  }

  /** In each of the last four whole minutes, mailer consumes a message and renders it. */
  private static List<TestTraces.SpanSpec> mailerInTheLastFourMinutes() {
    long thisMinute = System.currentTimeMillis() / MINUTE_MILLIS * MINUTE_MILLIS;
    List<TestTraces.SpanSpec> spans = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long startNanos = (thisMinute - (4 - i) * MINUTE_MILLIS + 10_000) * 1_000_000L;
      String trace = String.format("0a11e400000000000000000000%06x", i);
      spans.add(TestTraces.span(trace, "0000000000000001", "mailer", "process welcome",
          startNanos, 30_000_000L).kind("CONSUMER"));
      spans.add(TestTraces.span(trace, "0000000000000002", "mailer", "render",
          startNanos + 1_000_000L, 20_000_000L).parent("0000000000000001"));
    }
    return spans;
  }

  /** Whether the RED API counts all of cart's and mailer's spans: they are served once flushed. */
  private static boolean metricsFlushed() {
    return requests("cart") == 16 && requests("mailer") == 8;
  }

  private static long requests(String service) {
    try {
      return ServiceMapIT.requests(ui.server.queryPort(), service);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String spanKindShown() {
    return new Select(ui.browser.await(By.cssSelector("select[name=spanKind]")))
        .getFirstSelectedOption().getText();
  }

  private static List<WebElement> points(String chart, String series) {
    return ui.browser.driver().findElements(By.cssSelector(
        "figure.chart[data-chart='" + chart + "'] g.series[data-series='" + series + "'] circle"));
  }

  private static List<String> texts(String css) {
    return ui.browser.driver().findElements(By.cssSelector(css)).stream()
        .map(e -> e.getAttribute("textContent")).toList();
  }

  private static String tooltipAt(WebElement point) {
    new Actions(ui.browser.driver()).moveToElement(point).perform();
    return ui.browser.await(By.cssSelector("figure.chart .chart-tooltip")).getText();
  }

  /** The table's cells, read in one go in the page: the table may be redrawn meanwhile. */
  @SuppressWarnings("unchecked")
  private static List<List<String>> operationRows() {
    return (List<List<String>>) ui.browser.script(
        "return [...document.querySelectorAll('table.operations tbody tr')]"
            + ".map(row => [...row.cells].map(cell => cell.innerText.trim()))");
  }

  private static void sortBy(String column) {
    ui.browser.driver().findElement(
        By.xpath("//table//th/button[starts-with(., '" + column + "')]")).click();
  }

  @Test
  void theChartsHaveAPointPerMinuteWithRequestsAndAxesWithUnits() throws IOException {
    ui.browser.open("/services/cart");
    ui.browser.await(By.cssSelector("figure.chart[data-chart='latency'] circle"));
    assertThat(points("rate", "rate")).hasSize(4);
    assertThat(points("errors", "errors")).hasSize(4);
    for (String percentile : List.of("p50", "p95", "p99")) {
      assertThat(points("latency", percentile)).as(percentile).hasSize(4);
    }
    String line = ui.browser.driver().findElement(By.cssSelector(
        "figure.chart[data-chart='rate'] path.line")).getAttribute("d");
    assertThat(line).matches("M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){3}");
    List<Double> xs = points("rate", "rate").stream()
        .map(p -> Double.parseDouble(p.getAttribute("cx"))).toList();
    assertThat(xs).isSorted().doesNotHaveDuplicates();

    assertThat(texts("figure.chart[data-chart='rate'] .axis.y text")).first().isEqualTo("0/s");
    assertThat(texts("figure.chart[data-chart='rate'] .axis.y text")).last().asString()
        .matches("0\\.[0-9]+/s");
    assertThat(texts("figure.chart[data-chart='errors'] .axis.y text")).last().asString()
        .matches("[0-9.]+%");
    assertThat(texts("figure.chart[data-chart='latency'] .axis.y text")).last().asString()
        .matches("[0-9.]+ms");
    assertThat(texts("figure.chart[data-chart='rate'] .axis.x text"))
        .isNotEmpty().allMatch(label -> label.matches("\\d\\d:\\d\\d"));
    assertThat(ui.browser.driver().findElement(By.linkText("Search traces of cart"))
        .getAttribute("href")).endsWith("/search?service=cart");
    assertThat(ui.browser.driver().findElement(By.linkText("Traces where cart failed"))
        .getAttribute("href")).endsWith("/search?service=cart&status=error");
    ui.browser.await(d -> operationRows().size() == 1);
    ui.browser.screenshot("service");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void hoveringAPointShowsItsValues() {
    ui.browser.open("/services/cart?spanKind=all");
    ui.browser.await(By.cssSelector("figure.chart[data-chart='rate'] circle"));
    assertThat(tooltipAt(points("rate", "rate").get(0)))
        .contains("0.067 requests/s", "4 requests", "click for 1 exemplar trace");
    assertThat(tooltipAt(points("errors", "errors").get(1)))
        .contains("25% failed", "1 of 4 requests");
    assertThat(tooltipAt(points("latency", "p99").get(3))).containsPattern("p99 [0-9.]+ms");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theOperationTableCountsEachOperationAndSortsByAnyColumn() {
    ui.browser.open("/services/cart?spanKind=all");
    ui.browser.await(By.cssSelector("table.operations tbody tr"));
    assertThat(operationRows()).extracting(row -> row.subList(0, 3) + " " + row.get(4))
        .containsExactly(
            "[POST /cart, server, 4] 0%", "[POST /pay, client, 4] 25%",
            "[SELECT orders, client, 8] 0%");

    sortBy("Requests");
    assertThat(operationRows().get(0).get(0)).isEqualTo("SELECT orders");
    assertThat(ui.browser.location()).isEqualTo("/services/cart?spanKind=all&sort=-requests");
    sortBy("Error %");
    assertThat(operationRows().get(0).get(0)).isEqualTo("POST /pay");
    assertThat(ui.browser.location()).isEqualTo("/services/cart?spanKind=all&sort=-errors");

    ui.browser.driver().navigate().refresh();
    ui.browser.await(By.cssSelector("table.operations tbody tr"));
    assertThat(operationRows().get(0).get(0)).isEqualTo("POST /pay");
    assertThat(ui.browser.await(By.cssSelector("th[aria-sort='descending']")).getText())
        .isEqualTo("Error % ▼");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void clickingAnOperationFiltersTheChartsToItAndBackUndoesIt() {
    ui.browser.open("/services/cart?lookback=15m&spanKind=all");
    ui.browser.await(By.linkText("SELECT orders")).click();
    ui.browser.await(d -> ui.browser.location().equals(
        "/services/cart?lookback=15m&spanKind=all&operation=SELECT+orders"));
    assertThat(ui.browser.await(By.cssSelector(".chip.operation")).getText())
        .startsWith("Operation: SELECT orders");
    assertThat(ui.browser.await(By.cssSelector("table.operations tr.selected")).getText())
        .startsWith("SELECT orders");
    assertThat(tooltipAt(ui.browser.await(By.cssSelector(
        "figure.chart[data-chart='rate'] circle")))).contains("2 requests");

    ui.browser.driver().navigate().back();
    ui.browser.await(d -> ui.browser.location().equals("/services/cart?lookback=15m&spanKind=all")
        && d.findElements(By.cssSelector(".chip.operation")).isEmpty());
    assertThat(tooltipAt(ui.browser.await(By.cssSelector(
        "figure.chart[data-chart='rate'] circle")))).contains("4 requests");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void withoutASpanKindTheOverviewCountsTheRequestsThatEnterTheService() {
    ui.browser.open("/services/cart");
    ui.browser.await(d -> operationRows().size() == 1);
    assertThat(spanKindShown()).isEqualTo("server");
    assertThat(operationRows().get(0).subList(0, 3)).containsExactly("POST /cart", "server", "4");
    assertThat(tooltipAt(ui.browser.await(By.cssSelector(
        "figure.chart[data-chart='rate'] circle")))).contains("0.017 requests/s", "1 request");
    assertThat(tooltipAt(points("errors", "errors").get(1))).contains("0% failed");
    assertThat(ui.browser.location()).isEqualTo("/services/cart");

    ui.browser.open("/services/mailer");
    ui.browser.await(d -> operationRows().size() == 1);
    assertThat(spanKindShown()).isEqualTo("consumer");
    assertThat(operationRows().get(0).subList(0, 3))
        .containsExactly("process welcome", "consumer", "4");

    ui.browser.open("/services/mailer?operation=render");
    ui.browser.await(By.cssSelector("figure.chart[data-chart='rate'] circle"));
    assertThat(spanKindShown()).isEqualTo("All span kinds");
    assertThat(tooltipAt(points("rate", "rate").get(0))).contains("1 request");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theOverviewSaysWhichSpansItCountsAndWhichFailed() {
    ui.browser.open("/services/cart");
    WebElement basis = ui.browser.await(By.cssSelector("p.red-basis"));
    ui.browser.await(d -> basis.getText().contains("server spans"));
    assertThat(basis.getText()).contains(
        "traces_spanmetrics_calls_total{service=\"cart\", span_kind=\"SPAN_KIND_SERVER\"}",
        "status ERROR", "HTTP 5xx");

    ui.browser.open("/services/cart?spanKind=all&operation=POST+/pay");
    ui.browser.await(d -> d.findElement(By.cssSelector("p.red-basis")).getText()
        .contains("every span"));
    assertThat(ui.browser.driver().findElement(By.cssSelector("p.red-basis")).getText())
        .contains("traces_spanmetrics_calls_total{service=\"cart\", span_name=\"POST /pay\"}");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theSpanKindFilterIsInTheUrlAndFiltersChartsAndTable() {
    ui.browser.open("/services/cart");
    ui.browser.await(d -> operationRows().size() == 1);
    new Select(ui.browser.await(By.cssSelector("select[name=spanKind]"))).selectByValue("all");
    ui.browser.await(d -> ui.browser.location().equals("/services/cart?spanKind=all"));
    ui.browser.await(d -> operationRows().size() == 3);
    assertThat(tooltipAt(ui.browser.await(By.cssSelector(
        "figure.chart[data-chart='rate'] circle")))).contains("0.067 requests/s", "4 requests");
    assertThat(spanKindShown()).isEqualTo("All span kinds");

    new Select(ui.browser.await(By.cssSelector("select[name=spanKind]"))).selectByValue("client");
    ui.browser.await(d -> ui.browser.location().equals("/services/cart?spanKind=client"));
    ui.browser.await(d -> operationRows().size() == 2);
    assertThat(operationRows()).extracting(row -> row.get(1)).containsOnly("client");
    assertThat(tooltipAt(ui.browser.await(By.cssSelector(
        "figure.chart[data-chart='rate'] circle")))).contains("0.05 requests/s", "3 requests");
    assertThat(spanKindShown()).isEqualTo("client");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theSortIsKeptWhenTheRangeTheSpanKindOrTheOperationChanges() {
    ui.browser.open("/services/cart");
    ui.browser.await(By.cssSelector("table.operations tbody tr"));
    sortBy("p95");
    ui.browser.await(d -> ui.browser.location().equals("/services/cart?sort=-p95"));

    ui.browser.driver().findElement(By.cssSelector("nav.ranges a[title='the last 6 hours']"))
        .click();
    ui.browser.awaitText(By.cssSelector("nav.ranges a.active"), "6h");
    assertThat(ui.browser.location()).isEqualTo("/services/cart?sort=-p95&lookback=6h");
    new Select(ui.browser.await(By.cssSelector("select[name=spanKind]"))).selectByValue("client");
    ui.browser.await(d -> operationRows().size() == 2);
    assertThat(ui.browser.location())
        .isEqualTo("/services/cart?sort=-p95&lookback=6h&spanKind=client");
    ui.browser.await(By.linkText("SELECT orders")).click();
    ui.browser.await(By.cssSelector(".chip.operation"));
    assertThat(ui.browser.location()).isEqualTo(
        "/services/cart?sort=-p95&lookback=6h&spanKind=client&operation=SELECT+orders");
    ui.browser.await(By.cssSelector("table.operations tbody tr"));
    assertThat(ui.browser.await(By.cssSelector("th[aria-sort='descending']")).getText())
        .isEqualTo("p95 ▼");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void clickingAPointListsItsExemplarTracesWhichOpenTheTrace() {
    ui.browser.open("/services/cart?spanKind=all");
    WebElement oldest = ui.browser.await(By.cssSelector(
        "figure.chart[data-chart='rate'] circle.point.exemplars"));
    oldest.click();
    List<WebElement> links = ui.browser.await(d -> {
      List<WebElement> found = d.findElements(By.cssSelector("section.exemplars li a"));
      return found.isEmpty() ? null : found;
    });
    assertThat(links).extracting(WebElement::getText).containsExactly(ServiceMapIT.traceId(0));
    assertThat(ui.browser.location()).startsWith("/services/cart?spanKind=all&at=");
    assertThat(ui.browser.await(By.cssSelector("section.exemplars h2")).getText())
        .startsWith("Exemplar traces of ");

    String selected = ui.browser.location();
    ui.browser.driver().navigate().refresh();
    assertThat(ui.browser.await(By.cssSelector("section.exemplars li a")).getText())
        .isEqualTo(ServiceMapIT.traceId(0));
    assertThat(ui.browser.location()).isEqualTo(selected);

    points("latency", "p99").get(1).click();
    assertThat(ui.browser.awaitText(
        By.cssSelector("section.exemplars li a"), ServiceMapIT.traceId(1))
        .findElement(By.xpath("..")).getText()).contains("error");

    ui.browser.driver().findElement(By.cssSelector("section.exemplars li a")).click();
    ui.browser.await(d -> ui.browser.location().equals("/trace/" + ServiceMapIT.traceId(1)));
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void aServiceWithoutSpansShowsEmptyStatesAndItsNameAsText() {
    ui.browser.open("/services/%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E");
    assertThat(ui.browser.await(By.cssSelector("main h1")).getText())
        .isEqualTo("<img src=x onerror=\"window.__pwned=1\">");
    assertThat(ui.browser.await(By.cssSelector("section.red-charts .state.empty")).getText())
        .isEqualTo("No requests to <img src=x onerror=\"window.__pwned=1\"> in the last hour.");
    assertThat(ui.browser.await(By.cssSelector("section.operations .state.empty")).getText())
        .isEqualTo("No spans from <img src=x onerror=\"window.__pwned=1\"> in the last hour.");
    assertThat(ui.browser.script("return window.__pwned === undefined")).isEqualTo(true);
    assertThat(ui.browser.driver().findElements(By.cssSelector("main img"))).isEmpty();
  }

  @Test
  void withAnalyticsOffTheOverviewSaysSo() throws Exception {
    try (LoopbackServer off = LoopbackServer.start(Map.of("analytics.enabled", "false"));
        Browser other = Browser.open(off.queryPort())) {
      other.open("/services/cart");
      assertThat(other.await(By.cssSelector("section.red-charts .state.off")).getText())
          .isEqualTo("RED metrics are off on this server (analytics.enabled)");
      assertThat(other.driver().findElements(By.cssSelector("section.operations *"))).isEmpty();
    }
  }
}
