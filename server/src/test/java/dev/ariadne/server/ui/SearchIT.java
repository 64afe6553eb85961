package dev.ariadne.server.ui;

import static dev.ariadne.server.ui.TestTraces.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Search view in a real browser: the form, the URL that holds every field, the result list
 * and scatter plot, opening a trace, picking two to compare, errors and the empty state.
 */
class SearchIT {
  private static final String SLOW = "5ea4c0000000000000000000000000a1";
  private static final String FAST = "5ea4c0000000000000000000000000a2";
  private static final String HOME = "5ea4c0000000000000000000000000a3";
  private static final String ORPHAN = "5ea4c0000000000000000000000000a4";
  private static final String HOSTILE = "5ea4c0000000000000000000000000a5";
  private static final String CLOCK = "5ea4c0000000000000000000000000a6";
  private static final String HOSTILE_SERVICE = "<img src=x onerror=window.__pwned=1>";
  private static final String HOSTILE_NAME = "<script>window.__pwned=2</script>";
  private static final String ROWS = "table.trace-list tbody tr";
  @RegisterExtension static final UiServer ui = new UiServer();
  /** When HOME starts, in epoch nanoseconds. */
  private static long homeStart;
  /**
   * When CLOCK starts, three hours ago (out of the last hour's searches): 123.456789 ms into a
   * second, which the list shows with its milliseconds cut.
   */
  private static long clockStart;

  @BeforeAll
  static void sendTraces() throws Exception {
    long slow = TestTraces.millisAgo(10 * 60_000);
    long fast = TestTraces.millisAgo(5 * 60_000);
    long home = TestTraces.millisAgo(2 * 60_000);
    homeStart = home;
    clockStart = TestTraces.millisAgo(3 * 3_600_000) / 1_000_000_000L * 1_000_000_000L
        + 123_456_789;
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(SLOW, "00000000000000b1", "frontend", "GET /checkout", slow, ms(120))
            .kind("SERVER"),
        TestTraces.span(SLOW, "00000000000000b2", "cart", "GET /cart", slow + ms(5), ms(40))
            .parent("00000000000000b1").kind("SERVER").attribute("cart.size", 3L),
        TestTraces.span(SLOW, "00000000000000b3", "payment", "POST /pay", slow + ms(50), ms(50))
            .parent("00000000000000b1").kind("SERVER").error("card declined"),
        TestTraces.span(FAST, "00000000000000c1", "frontend", "GET /checkout", fast, ms(30))
            .kind("SERVER"),
        TestTraces.span(FAST, "00000000000000c2", "cart", "GET /cart", fast + ms(5), ms(10))
            .parent("00000000000000c1").kind("SERVER").attribute("cart.size", 1L),
        TestTraces.span(HOME, "00000000000000d1", "frontend", "GET /home", home, ms(8))
            .kind("SERVER"),
        TestTraces.span(ORPHAN, "00000000000000e1", "inventory", "reserve",
            TestTraces.millisAgo(20 * 60_000), ms(15)).parent("00000000000000ff"),
        TestTraces.span(HOSTILE, "00000000000000f1", HOSTILE_SERVICE, HOSTILE_NAME,
            TestTraces.millisAgo(60_000), ms(3)).kind("SERVER"),
        TestTraces.span(CLOCK, "00000000000000a1", "clock", "tick", clockStart, 1_234_567)
            .kind("SERVER")));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private List<String> texts(String selector) {
    return ((List<?>) ui.browser.script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())",
        selector)).stream().map(String::valueOf).toList();
  }

  private List<String> values(String selector) {
    return ((List<?>) ui.browser.script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.value)", selector))
        .stream().map(String::valueOf).toList();
  }

  private List<String> traceIds() {
    return ((List<?>) ui.browser.script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.dataset.traceId)",
        ROWS)).stream().map(String::valueOf).toList();
  }

  /** Waits until the list shows exactly these traces, in this order. */
  private void awaitTraces(String... expected) {
    List<String> want = List.of(expected);
    try {
      ui.browser.await(d -> traceIds().equals(want));
    } catch (TimeoutException e) {
      assertThat(traceIds()).as("the page says: %s", texts("main")).isEqualTo(want);
    }
  }

  private WebElement row(String traceId) {
    return ui.browser.await(By.cssSelector(ROWS + "[data-trace-id='" + traceId + "']"));
  }

  private Select select(String name) {
    return new Select(
        ui.browser.await(By.cssSelector("form.search-form select[name=" + name + "]")));
  }

  private WebElement input(String name) {
    return ui.browser.await(By.cssSelector("form.search-form input[name=" + name + "]"));
  }

  private void submit() {
    ui.browser.await(By.cssSelector("form.search-form button[type=submit]")).click();
  }

  @Test
  void searchByServiceListsItsTracesNewestFirstWithTheirSummaries() throws IOException {
    ui.browser.open("/search?service=frontend");
    awaitTraces(HOME, FAST, SLOW);
    assertThat(texts(ROWS + " td.root a")).containsExactly(
        "frontend: GET /home", "frontend: GET /checkout", "frontend: GET /checkout");
    assertThat(texts(ROWS + " td.duration")).containsExactly("8.00ms", "30.0ms", "120ms");
    assertThat(texts(ROWS + " td.spans")).containsExactly("1", "2", "3");
    assertThat(texts(ROWS + " td.errors")).containsExactly("0", "0", "1");
    String slowRow = ROWS + "[data-trace-id='" + SLOW + "']";
    assertThat(texts(slowRow + " td.errors .badge.error")).containsExactly("1");
    assertThat(texts(slowRow + " td.services .badge"))
        .containsExactly("cart 1", "frontend 1", "payment 1");
    assertThat(texts(ROWS + "[data-trace-id='" + FAST + "'] td.services .badge"))
        .containsExactly("cart 1", "frontend 1");
    assertThat(ui.browser.await(By.cssSelector(".results .toolbar .total")).getText())
        .isEqualTo("3 traces");
    assertThat(select("service").getFirstSelectedOption().getText()).isEqualTo("frontend");
    assertThat(ui.browser.driver().getTitle()).isEqualTo("Search · Ariadne");
    ui.browser.await(d -> d.findElements(By.cssSelector("svg.scatter .point")).size() == 3);
    ui.browser.screenshot("search");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theScatterPlotHasAPointPerTraceHigherForLongerOnesAndRedForErrors() {
    ui.browser.open("/search?service=frontend");
    awaitTraces(HOME, FAST, SLOW);
    List<WebElement> points =
        ui.browser.driver().findElements(By.cssSelector("svg.scatter .point"));
    assertThat(points).hasSize(3);
    // y grows downwards: a longer trace is drawn higher; a later one further right.
    assertThat(centre(SLOW, "cy")).isLessThan(centre(FAST, "cy"));
    assertThat(centre(FAST, "cy")).isLessThan(centre(HOME, "cy"));
    assertThat(centre(HOME, "cx")).isGreaterThan(centre(FAST, "cx"));
    assertThat(centre(FAST, "cx")).isGreaterThan(centre(SLOW, "cx"));
    // The duration axis goes in round steps, past the slowest trace (120 ms).
    assertThat(texts("svg.scatter .axis.y text")).containsExactly("0ns", "50.0ms", "100ms", "150ms");
    assertThat(texts("svg.scatter .point.error title")).singleElement().asString()
        .startsWith("frontend: GET /checkout · 120ms · 3 spans · 1 errors");
    assertThat(ui.browser.driver().findElements(By.cssSelector("svg.scatter .point:not(.error)")))
        .hasSize(2);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /** The point's centre coordinate ({@code cx} or {@code cy}) in the plot. */
  private double centre(String traceId, String axis) {
    return Double.parseDouble(ui.browser.await(By.cssSelector(
        "svg.scatter .point[data-trace-id='" + traceId + "']")).getDomAttribute(axis));
  }

  @Test
  void theFormSearchesByOperationAndTheUrlHoldsItAcrossAReload() {
    ui.browser.open("/search");
    ui.browser.await(d -> select("service").getOptions().size() > 1);
    select("service").selectByVisibleText("frontend");
    ui.browser.await(d -> texts("form.search-form select[name=operation] option")
        .equals(List.of("All operations", "GET /checkout", "GET /home")));
    select("operation").selectByVisibleText("GET /checkout");
    submit();
    ui.browser.await(d -> ui.browser.location().startsWith("/search?service=frontend&"));
    assertThat(ui.browser.location()).isEqualTo(
        "/search?service=frontend&operation=GET+%2Fcheckout&lookback=1h&limit=20&sort=newest");
    awaitTraces(FAST, SLOW);

    ui.browser.driver().navigate().refresh();
    awaitTraces(FAST, SLOW);
    ui.browser.driver().navigate().back();
    ui.browser.await(d -> ui.browser.location().equals("/search"));
    awaitTraces(HOSTILE, HOME, FAST, SLOW, ORPHAN);
    assertThat(select("service").getFirstSelectedOption().getText()).isEqualTo("All services");
    ui.browser.driver().navigate().forward();
    awaitTraces(FAST, SLOW);
    assertThat(select("service").getFirstSelectedOption().getText()).isEqualTo("frontend");
    assertThat(select("operation").getFirstSelectedOption().getText()).isEqualTo("GET /checkout");
    assertThat(select("range").getFirstSelectedOption().getText()).isEqualTo("Last hour");
    assertThat(input("limit").getDomProperty("value")).isEqualTo("20");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void anAttributeFilterIsAutocompletedAndFindsTheTracesWithThatValue() {
    ui.browser.open("/search");
    ui.browser.await(d -> !values("datalist#search-attribute-keys option").isEmpty());
    assertThat(values("datalist#search-attribute-keys option"))
        .contains("cart.size", "service.name");
    WebElement key = input("attributeKey");
    key.sendKeys("cart.size");
    input("attributeValue").click();
    ui.browser.await(d -> values(".search-form .attribute datalist option")
        .equals(List.of("1", "3")));
    input("attributeValue").sendKeys("3");
    submit();
    ui.browser.await(d -> ui.browser.location().contains("attribute=cart.size%3D3"));
    awaitTraces(SLOW);

    ui.browser.driver().navigate().refresh();
    awaitTraces(SLOW);
    assertThat(input("attributeKey").getDomProperty("value")).isEqualTo("cart.size");
    assertThat(input("attributeValue").getDomProperty("value")).isEqualTo("3");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void severalAttributeFiltersMustAllMatchAndCanBeRemoved() {
    ui.browser.open("/search?attribute=cart.size%3D3&attribute=service.name%3Dcart");
    awaitTraces(SLOW);
    assertThat(ui.browser.driver().findElements(By.cssSelector(".search-form .attribute")))
        .hasSize(2);
    ui.browser.open("/search?attribute=cart.size%3D1&attribute=service.name%3Dfrontend");
    ui.browser.await(By.cssSelector(".results .state.empty"));
    ui.browser.driver().findElements(By.cssSelector(".search-form .attribute button.remove"))
        .get(1).click();
    assertThat(ui.browser.driver().findElements(By.cssSelector(".search-form .attribute")))
        .hasSize(1);
    submit();
    ui.browser.await(d -> ui.browser.location().equals(
        "/search?attribute=cart.size%3D1&lookback=1h&limit=20&sort=newest"));
    awaitTraces(FAST);
  }

  @Test
  void durationBoundsExcludeTracesOutsideThem() {
    ui.browser.open("/search?service=frontend&minDuration=50ms");
    awaitTraces(SLOW);
    assertThat(input("minDuration").getDomProperty("value")).isEqualTo("50ms");
    ui.browser.open("/search?service=frontend&maxDuration=20ms");
    awaitTraces(HOME);
    ui.browser.open("/search?service=frontend&minDuration=20ms&maxDuration=50ms");
    awaitTraces(FAST);
  }

  @Test
  void theTimeRangeIsRelativeOrAbsolute() {
    ui.browser.open("/search?lookback=15m");
    awaitTraces(HOSTILE, HOME, FAST, SLOW);
    ui.browser.open("/search?lookback=1h");
    awaitTraces(HOSTILE, HOME, FAST, SLOW, ORPHAN);

    Instant now = Instant.now();
    ui.browser.open("/search?service=frontend&start=" + now.minusSeconds(8 * 60) + "&end="
        + now.plusSeconds(60));
    awaitTraces(HOME, FAST);
    assertThat(select("range").getFirstSelectedOption().getText()).isEqualTo("Custom range…");
    assertThat(input("start").isDisplayed()).isTrue();
    assertThat(input("start").getDomProperty("value")).matches("\\d{4}-\\d\\d-\\d\\dT.*");

    ui.browser.script("const start = document.querySelector('input[name=start]');"
        + "const d = new Date(Date.now() - 15 * 60e3);"
        + "start.value = new Date(d - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 19)");
    submit();
    ui.browser.await(d -> !ui.browser.location().contains(now.minusSeconds(8 * 60).toString()));
    assertThat(ui.browser.location()).contains("start=20", "end=20").doesNotContain("lookback");
    awaitTraces(HOME, FAST, SLOW);

    select("range").selectByVisibleText("Last 6 hours");
    assertThat(ui.browser.driver().findElements(By.cssSelector("input[name=start]")).get(0)
        .isDisplayed()).isFalse();
    submit();
    ui.browser.await(d -> ui.browser.location().contains("lookback=6h"));
    assertThat(ui.browser.location()).doesNotContain("start=");
  }

  @Test
  void searchingAgainKeepsTheEdgesOfACustomRangeFinerThanASecond() {
    Instant home = Instant.ofEpochSecond(0, homeStart);
    Instant start = home.truncatedTo(ChronoUnit.SECONDS);
    Instant end = home.plusMillis(1).truncatedTo(ChronoUnit.MILLIS);
    ui.browser.open("/search?service=frontend&start=" + start + "&end=" + end);
    awaitTraces(HOME);
    ui.browser.script("document.querySelector('table.trace-list').dataset.before = 'submit'");

    submit();
    ui.browser.await(d -> d.findElements(By.cssSelector("table.trace-list[data-before]")).isEmpty());
    awaitTraces(HOME);
    assertThat(ui.browser.location()).contains("end=" + encode(end.toString()));
  }

  /**
   * The To field shows whole seconds and includes all of its last one: a user who types the time
   * the list shows for a trace's start finds the trace, however far into its second it starts.
   */
  @Test
  void theEndOfACustomRangeIncludesTheWholeSecondItShows() {
    ui.browser.open("/search?service=clock&lookback=6h");
    awaitTraces(CLOCK);
    String shown = texts(ROWS + " td.start").get(0);
    assertThat(shown).endsWith(".123");

    select("range").selectByVisibleText("Custom range…");
    ui.browser.script("document.querySelector('input[name=end]').value = arguments[0];"
        + "document.querySelector('input[name=start]').value = arguments[1]",
        shown.substring(0, 19).replace(' ', 'T'),
        shown.substring(0, 11).replace(' ', 'T') + "00:00:00");
    ui.browser.script("document.querySelector('table.trace-list').dataset.before = 'submit'");
    submit();

    ui.browser.await(d -> d.findElements(By.cssSelector("table.trace-list[data-before]")).isEmpty());
    awaitTraces(CLOCK);
    Instant second = Instant.ofEpochSecond(clockStart / 1_000_000_000L);
    assertThat(ui.browser.location())
        .as("the URL's end is the API's, the first instant after the range")
        .contains("end=" + encode(second.plusSeconds(1).toString().replace("Z", ".000Z")));
    // The browser leaves zero seconds out of the value: 06:31, not 06:31:00.
    String local = shown.substring(0, 19).replace(' ', 'T');
    assertThat(input("end").getDomProperty("value"))
        .isEqualTo(local.endsWith(":00") ? local.substring(0, 16) : local);
  }

  /** A duration is found by the bounds that it is shown as: 1,234,567 ns reads 1.23ms. */
  @Test
  void durationBoundsFindTheDurationsShownAsThem() {
    ui.browser.open("/search?service=clock&lookback=6h&minDuration=1.23ms&maxDuration=1.23ms");
    awaitTraces(CLOCK);
    assertThat(texts(ROWS + " td.duration")).containsExactly("1.23ms");
    ui.browser.open("/search?service=clock&lookback=6h&maxDuration=1.22ms");
    ui.browser.await(By.cssSelector(".results .state.empty"));
    ui.browser.open("/search?service=clock&lookback=6h&minDuration=1.24ms");
    ui.browser.await(By.cssSelector(".results .state.empty"));
  }

  @Test
  void theRootUrlIsTheSearchOfTheLastHour() {
    ui.browser.open("/");
    awaitTraces(HOSTILE, HOME, FAST, SLOW, ORPHAN);
    assertThat(ui.browser.await(By.cssSelector("main h1")).getText()).isEqualTo("Search");
    assertThat(ui.browser.await(By.cssSelector("header nav a.active")).getText())
        .isEqualTo("Search");
    assertThat(select("range").getFirstSelectedOption().getText()).isEqualTo("Last hour");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void spanKindAndLimitNarrowTheSearch() {
    ui.browser.open("/search?service=cart&spanKind=client");
    ui.browser.await(By.cssSelector(".results .state.empty"));
    ui.browser.open("/search?service=cart&spanKind=server");
    awaitTraces(FAST, SLOW);
    assertThat(select("spanKind").getFirstSelectedOption().getText()).isEqualTo("server");
    ui.browser.open("/search?service=frontend&limit=2");
    awaitTraces(HOME, FAST);
    assertThat(ui.browser.await(By.cssSelector(".results .toolbar .total")).getText())
        .isEqualTo("2 traces (the limit: raise it to see more)");
  }

  @Test
  void theStatusFieldFindsTheTracesWithAFailedSpan() {
    ui.browser.open("/search");
    ui.browser.await(d -> traceIds().size() > 1);
    select("status").selectByVisibleText("Error");
    submit();

    ui.browser.await(d -> ui.browser.location().equals(
        "/search?status=error&lookback=1h&limit=20&sort=newest"));
    awaitTraces(SLOW);
    ui.browser.open("/search?service=cart&status=error");
    ui.browser.await(By.cssSelector(".results .state.empty"));
    assertThat(select("status").getFirstSelectedOption().getText()).isEqualTo("Error");
  }

  @Test
  void aTraceWithoutRootSaysSo() {
    ui.browser.open("/search?service=inventory");
    awaitTraces(ORPHAN);
    assertThat(texts(ROWS + " td.root a")).containsExactly("missing root");
  }

  @Test
  void clickingARowOrAPointOpensTheTrace() {
    ui.browser.open("/search?service=frontend");
    awaitTraces(HOME, FAST, SLOW);
    row(FAST).findElement(By.cssSelector("td.start")).click();
    ui.browser.await(d -> ui.browser.location().equals("/trace/" + FAST));

    ui.browser.driver().navigate().back();
    awaitTraces(HOME, FAST, SLOW);
    assertThat(ui.browser.location()).isEqualTo("/search?service=frontend");
    row(HOME).findElement(By.cssSelector("td.root a")).click();
    ui.browser.await(d -> ui.browser.location().equals("/trace/" + HOME));

    ui.browser.driver().navigate().back();
    awaitTraces(HOME, FAST, SLOW);
    ui.browser.await(By.cssSelector("svg.scatter .point[data-trace-id='" + SLOW + "']")).click();
    ui.browser.await(d -> ui.browser.location().equals("/trace/" + SLOW));
  }

  @Test
  void sortingReordersTheListAndIsKeptInTheUrl() {
    ui.browser.open("/search?service=frontend");
    awaitTraces(HOME, FAST, SLOW);
    Select sort = new Select(ui.browser.await(By.cssSelector(".results select[name=sort]")));
    sort.selectByVisibleText("Longest first");
    awaitTraces(SLOW, FAST, HOME);
    assertThat(ui.browser.location()).endsWith("&sort=longest");
    new Select(ui.browser.await(By.cssSelector(".results select[name=sort]")))
        .selectByVisibleText("Shortest first");
    awaitTraces(HOME, FAST, SLOW);
    new Select(ui.browser.await(By.cssSelector(".results select[name=sort]")))
        .selectByVisibleText("Most spans");
    awaitTraces(SLOW, FAST, HOME);

    ui.browser.driver().navigate().refresh();
    awaitTraces(SLOW, FAST, HOME);
    assertThat(new Select(ui.browser.await(By.cssSelector(".results select[name=sort]")))
        .getFirstSelectedOption().getText()).isEqualTo("Most spans");
  }

  @Test
  void twoTickedTracesOpenInTheCompareView() {
    ui.browser.open("/search?service=frontend");
    awaitTraces(HOME, FAST, SLOW);
    WebElement compare = ui.browser.await(By.cssSelector(".results button.compare"));
    assertThat(compare.isEnabled()).isFalse();
    row(HOME).findElement(By.cssSelector("input[type=checkbox]")).click();
    assertThat(compare.isEnabled()).isFalse();
    row(FAST).findElement(By.cssSelector("input[type=checkbox]")).click();
    row(SLOW).findElement(By.cssSelector("input[type=checkbox]")).click();
    assertThat(row(HOME).findElement(By.cssSelector("input[type=checkbox]")).isSelected())
        .isFalse();
    assertThat(ui.browser.location()).isEqualTo("/search?service=frontend");
    compare.click();
    ui.browser.await(d -> ui.browser.location().equals("/compare?a=" + FAST + "&b=" + SLOW));
  }

  @Test
  void aBadDurationShowsTheApiError() {
    ui.browser.open("/search?service=frontend");
    awaitTraces(HOME, FAST, SLOW);
    input("minDuration").sendKeys("fast");
    submit();
    WebElement alert = ui.browser.await(By.cssSelector(".results [role=alert]"));
    assertThat(alert.getText()).contains("minDuration: \"fast\"", "(400)");
    assertThat(ui.browser.location()).contains("minDuration=fast");
    assertThat(input("minDuration").getDomProperty("value")).isEqualTo("fast");
  }

  @Test
  void anEmptyResultShowsTheEmptyState() {
    ui.browser.open("/search?service=frontend&operation=no-such-operation");
    assertThat(ui.browser.await(By.cssSelector(".results .state.empty")).getText())
        .startsWith("No traces match this search.");
    assertThat(ui.browser.driver().findElements(By.cssSelector("svg.scatter"))).isEmpty();
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void hostileNamesAreShownAsText() {
    ui.browser.open("/search?service=" + encode(HOSTILE_SERVICE));
    awaitTraces(HOSTILE);
    assertThat(texts(ROWS + " td.root a")).containsExactly(HOSTILE_SERVICE + ": " + HOSTILE_NAME);
    assertThat(texts(ROWS + " td.services .badge")).containsExactly(HOSTILE_SERVICE + " 1");
    assertThat(select("service").getFirstSelectedOption().getText()).isEqualTo(HOSTILE_SERVICE);
    assertThat(ui.browser.driver().findElements(By.cssSelector("main img, main script"))).isEmpty();
    assertThat(ui.browser.script("return window.__pwned === undefined")).isEqualTo(true);
  }
}
