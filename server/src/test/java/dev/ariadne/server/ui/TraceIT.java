package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The trace view in headless Chromium: the seed's eight spans in three services (A the root, B
 * and C its children, D under B, E and F under C, G following F, H following G), a 5,000-span
 * trace, an incomplete trace, one for self time, one with integers past 2^53, a chain of 60
 * spans, one with an event before its span and one taking no time.
 */
class TraceIT {
  private static final String SEED = "00000000000000000000000000005eed";
  private static final String BIG = "0000000000000000000000000000b16b";
  private static final String INCOMPLETE = "00000000000000000000000000000bad";
  private static final String STATS = "000000000000000000000000000057a7";
  private static final String NUMBERS = "0000000000000000000000000000a7b1";
  private static final String DEEP = "0000000000000000000000000000dee9";
  private static final String EVENTS = "00000000000000000000000000000e7e";
  private static final String INSTANT = "000000000000000000000000000000f0";
  private static final String A = "000000000000000a";
  private static final String B = "000000000000000b";
  private static final String C = "000000000000000c";
  private static final String D = "000000000000000d";
  private static final String E = "000000000000000e";
  private static final String F = "000000000000000f";
  private static final String G = "0000000000000010";
  private static final String H = "0000000000000011";
  private static final long MS = 1_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final UiServer ui = new UiServer();

  @BeforeAll
  static void sendTraces() throws Exception {
    long base = TestTraces.millisAgo(120_000);
    TestTraces.send(ui.server.otlpHttpPort(), seed(base));
    TestTraces.send(ui.server.otlpHttpPort(), incomplete(base));
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(STATS, "0000000000000001", "stats", "parent", base, 100 * MS),
        TestTraces.span(STATS, "0000000000000002", "stats", "child one", base + 10 * MS, 40 * MS)
            .parent("0000000000000001"),
        TestTraces.span(STATS, "0000000000000003", "stats", "child two", base + 30 * MS, 50 * MS)
            .parent("0000000000000001").dropped(1, 3, 2)));
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(NUMBERS, "0000000000000001", "orders", "place order", base, 10 * MS)
            .attribute("big.int", Long.MAX_VALUE).attribute("order.id", 9_007_199_254_740_993L)));
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(EVENTS, "0000000000000001", "edge", "GET /edge", base, 120 * MS)
            .event("early", -5 * MS, Map.of())
            .event("exception", 40 * MS, Map.of("exception.type", "IOException")),
        TestTraces.span(INSTANT, "0000000000000001", "edge", "instant", base, 0)));
    TestTraces.send(ui.server.otlpHttpPort(), deep(base));
    List<TestTraces.SpanSpec> big = big(base);
    for (int i = 0; i < big.size(); i += 1_000) {
      TestTraces.send(ui.server.otlpHttpPort(), big.subList(i, Math.min(big.size(), i + 1_000)));
    }
  }

  /** The seed's eight spans; times in milliseconds as in the seed's timeline (A from 1 to 59). */
  private static List<TestTraces.SpanSpec> seed(long base) {
    return List.of(
        seedSpan(base, A, "frontend", "GET /checkout", 1, 59).kind("SERVER")
            .attribute("http.request.method", "GET"),
        seedSpan(base, B, "cart", "GET /cart", 3, 56).parent(A).kind("SERVER"),
        seedSpan(base, D, "cart", "SELECT cart", 6, 55).parent(B).kind("CLIENT")
            .attribute("db.system", "postgres")
            .attribute("db.rows", 3L)
            .event("rows.fetched", 10 * MS, Map.of("rows", 3L)),
        seedSpan(base, C, "payment", "POST /pay", 4, 51).parent(A).kind("SERVER"),
        seedSpan(base, E, "payment", "authorize", 9, 23).parent(C).error("card declined"),
        seedSpan(base, F, "payment", "capture", 32, 41).parent(C),
        seedSpan(base, G, "payment", "enqueue receipt", 43, 52).parent(F).kind("PRODUCER")
            .followsFrom(SEED, F),
        seedSpan(base, H, "payment", "send receipt", 54, 63).parent(G).kind("CONSUMER")
            .followsFrom(SEED, G));
  }

  private static TestTraces.SpanSpec seedSpan(
      long base, String id, String service, String name, long fromMs, long toMs) {
    return TestTraces.span(SEED, id, service, name, base + fromMs * MS, (toMs - fromMs) * MS);
  }

  /** No root: an orphan whose parent never came, a child off its clock, a span sent twice. */
  private static List<TestTraces.SpanSpec> incomplete(long base) {
    TestTraces.SpanSpec duplicate = TestTraces.span(
        INCOMPLETE, "0000000000000012", "db", "dup", base + 5 * MS, MS).parent("0000000000000010");
    return List.of(
        TestTraces.span(INCOMPLETE, "0000000000000010", "cart", "orphan op", base, 20 * MS)
            .parent("00000000000000ff"),
        TestTraces.span(INCOMPLETE, "0000000000000011", "cart", "skewed child", base - 2 * MS,
            25 * MS).parent("0000000000000010"),
        duplicate, duplicate);
  }

  /** A chain of 60 spans, each the child of the one before: level-1 to level-60. */
  private static List<TestTraces.SpanSpec> deep(long base) {
    List<TestTraces.SpanSpec> spans = new ArrayList<>();
    for (int level = 1; level <= 60; level++) {
      TestTraces.SpanSpec span = TestTraces.span(DEEP, String.format("%016x", level), "relay",
          "level-" + level, base + level * MS, (200 - 2 * level) * MS);
      spans.add(level == 1 ? span : span.parent(String.format("%016x", level - 1)));
    }
    return spans;
  }

  /** A root, 49 children and 101 leaves under each (102 under the last): 5,000 spans. */
  private static List<TestTraces.SpanSpec> big(long base) {
    List<TestTraces.SpanSpec> spans = new ArrayList<>();
    spans.add(TestTraces.span(BIG, String.format("%016x", 1), "edge", "op-0", base, 5_000 * MS));
    long id = 2;
    for (int m = 0; m < 49; m++) {
      String mid = String.format("%016x", id++);
      long start = base + m * 100 * MS;
      spans.add(TestTraces.span(BIG, mid, "svc-" + m % 5, "mid-" + m, start, 100 * MS)
          .parent(String.format("%016x", 1)));
      int leaves = m == 48 ? 102 : 101;
      for (int k = 0; k < leaves; k++) {
        spans.add(TestTraces.span(BIG, String.format("%016x", id++), "svc-" + k % 7,
            "leaf-" + m + "-" + k, start + k * 900_000L, 900_000L).parent(mid));
      }
    }
    return spans;
  }

  private List<String> rowNames() {
    return ui.browser.texts(".trace-view .row .name");
  }

  private List<String> rowNames(String rowClass) {
    return ui.browser.texts(".trace-view .row." + rowClass + " .name");
  }

  private WebElement row(String name) {
    return ui.browser.await(d -> d.findElements(By.cssSelector(".trace-view .row")).stream()
        .filter(r -> r.findElement(By.cssSelector(".name")).getText().equals(name))
        .findFirst().orElse(null));
  }

  /** Opens the seed's trace and waits until its critical path has arrived too. */
  private void openSeed(String query) {
    ui.browser.open("/trace/" + SEED + query);
    ui.browser.awaitText(By.cssSelector(".trace-view .row .name"), "send receipt");
    ui.browser.await(d -> d.findElement(By.cssSelector(".trace-view .critical-note")).getText()
        .startsWith("Critical path:"));
  }

  @Test
  void theTreeShowsTheSpansInOrderWithTheirDepthsAndDurations() {
    openSeed("");
    assertThat(rowNames()).containsExactly("GET /checkout", "GET /cart", "SELECT cart",
        "POST /pay", "authorize", "capture", "enqueue receipt", "send receipt");
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .row .duration")))
        .extracting(WebElement::getText).containsExactly(
            "58.0ms", "53.0ms", "49.0ms", "47.0ms", "14.0ms", "9.00ms", "9.00ms", "9.00ms");
    List<Integer> depths = List.of(0, 1, 2, 1, 2, 2, 3, 4);
    List<WebElement> names =
        ui.browser.driver().findElements(By.cssSelector(".trace-view .row .tree-cell .swatch"));
    int rootX = names.get(0).getRect().getX();
    for (int i = 0; i < names.size(); i++) {
      assertThat(names.get(i).getRect().getX() - rootX).as("indent of row " + i)
          .isEqualTo(depths.get(i) * (names.get(1).getRect().getX() - rootX));
    }
    assertThat(names.get(1).getRect().getX()).isGreaterThan(rootX);
    assertThat(rowNames("error")).containsExactly("authorize");
    assertThat(row("authorize").findElements(By.cssSelector(".error-mark"))).hasSize(1);
    assertThat(ui.browser.await(By.cssSelector(".trace-view h1")).getText())
        .isEqualTo("frontend: GET /checkout");
    assertThat(fact("trace-id")).isEqualTo(SEED);
    assertThat(fact("duration")).isEqualTo("62.0ms");
    assertThat(fact("spans")).isEqualTo("8");
    assertThat(fact("depth")).isEqualTo("5");
    assertThat(fact("errors")).isEqualTo("1");
    assertThat(fact("services")).isEqualTo("3: cart (2) frontend (1) payment (5)");
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .completeness")))
        .extracting(WebElement::getText).allSatisfy(text -> assertThat(text)
            .doesNotContain("incomplete").doesNotContain("missing").doesNotContain("orphan"));
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .clock-skew")))
        .as("the receipt spans follow from their parents, which do not wait for them")
        .isEmpty();
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  private String fact(String name) {
    return ui.browser.await(By.cssSelector(".trace-view .fact[data-fact='" + name + "'] dd"))
        .getText();
  }

  @Test
  void barsSitOnTheSharedTimeAxisInProportion() {
    openSeed("");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> bars = (List<Map<String, Object>>) ui.browser.script(
        "return [...document.querySelectorAll('.trace-view .row')].map(row => {"
            + " const cell = row.querySelector('.bar-cell').getBoundingClientRect();"
            + " const bar = row.querySelector('.bar').getBoundingClientRect();"
            + " return {left: (bar.left - cell.left) / cell.width, width: bar.width / cell.width};"
            + "})");
    double[][] expected = {
        {1, 59}, {3, 56}, {6, 55}, {4, 51}, {9, 23}, {32, 41}, {43, 52}, {54, 63}};
    assertThat(bars).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      double left = (expected[i][0] - 1) / 62;
      double width = (expected[i][1] - expected[i][0]) / 62;
      assertThat(((Number) bars.get(i).get("left")).doubleValue()).as("left of bar " + i)
          .isCloseTo(left, within(0.005));
      assertThat(((Number) bars.get(i).get("width")).doubleValue()).as("width of bar " + i)
          .isCloseTo(width, within(0.005));
    }
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .axis .tick")))
        .extracting(WebElement::getText)
        .containsExactly("0ns", "15.5ms", "31.0ms", "46.5ms", "62.0ms");
    WebElement mark = row("SELECT cart").findElement(By.cssSelector(".event-mark"));
    WebElement cell = row("SELECT cart").findElement(By.cssSelector(".bar-cell"));
    double markAt = (mark.getRect().getX() + mark.getRect().getWidth() / 2.0
        - cell.getRect().getX()) / cell.getRect().getWidth();
    assertThat(markAt).isCloseTo(15.0 / 62, within(0.005));
  }

  @Test
  void collapsingASpanHidesItsDescendants() {
    openSeed("");
    row("GET /cart").findElement(By.cssSelector("button.toggle")).click();
    ui.browser.await(d -> rowNames().size() == 7);
    assertThat(rowNames()).containsExactly("GET /checkout", "GET /cart", "POST /pay",
        "authorize", "capture", "enqueue receipt", "send receipt");
    assertThat(row("GET /cart").findElement(By.cssSelector(".hidden-count")).getText())
        .isEqualTo("+1");
    row("GET /cart").findElement(By.cssSelector("button.toggle")).click();
    ui.browser.await(d -> rowNames().size() == 8);
    row("capture").findElement(By.cssSelector("button.toggle")).click();
    ui.browser.await(d -> rowNames().size() == 6);
    assertThat(rowNames()).doesNotContain("enqueue receipt", "send receipt");

    button("Collapse all").click();
    ui.browser.await(d -> rowNames().size() == 1);
    assertThat(rowNames()).containsExactly("GET /checkout");
    button("Expand all").click();
    ui.browser.await(d -> rowNames().size() == 8);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  private WebElement button(String text) {
    return ui.browser.awaitText(By.cssSelector(".trace-view button"), text);
  }

  @Test
  void draggingAcrossTheMinimapZoomsTheTimeAxis() {
    openSeed("");
    WebElement minimap = ui.browser.driver().findElement(By.cssSelector(".trace-view .minimap"));
    int width = minimap.getRect().getWidth();
    // The seed's eight rows fill the minimap's top half, under the frame; drag below them.
    new Actions(ui.browser.driver()).moveToElement(minimap, -width / 4, 16).clickAndHold()
        .moveByOffset(width / 2, 0).release().perform();
    ui.browser.await(By.xpath("//div[contains(@class, 'trace-view')]//button[.='Reset zoom']"));
    List<String> ticks = ui.browser.driver().findElements(By.cssSelector(".trace-view .axis .tick"))
        .stream().map(WebElement::getText).toList();
    assertThat(ticks.get(0)).startsWith("15.");
    assertThat(ticks.get(4)).startsWith("46.");
    double left = (Double) ui.browser.script(
        "const row = [...document.querySelectorAll('.trace-view .row')]"
            + ".find(r => r.querySelector('.name').textContent === 'capture');"
            + "const cell = row.querySelector('.bar-cell').getBoundingClientRect();"
            + "return (row.querySelector('.bar').getBoundingClientRect().left - cell.left)"
            + " / cell.width;");
    assertThat(left).isCloseTo((32 - 1 - 15.5) / 31, within(0.03));

    button("Reset zoom").click();
    ui.browser.await(d -> !d.findElement(By.xpath(
        "//div[contains(@class, 'trace-view')]//button[.='Reset zoom']")).isDisplayed());
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .axis .tick")))
        .extracting(WebElement::getText)
        .containsExactly("0ns", "15.5ms", "31.0ms", "46.5ms", "62.0ms");
  }

  @Test
  void arrowKeysMoveTheSelectionAndCollapse() {
    openSeed("");
    row("GET /checkout").findElement(By.cssSelector(".name")).click();
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "GET /checkout");
    new Actions(ui.browser.driver()).sendKeys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_UP)
        .perform();
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "GET /cart");
    assertThat(ui.browser.location()).isEqualTo("/trace/" + SEED + "?span=" + B);
    new Actions(ui.browser.driver()).sendKeys(Keys.ARROW_LEFT).perform();
    ui.browser.await(d -> rowNames().size() == 7);
    new Actions(ui.browser.driver()).sendKeys(Keys.ARROW_RIGHT).perform();
    ui.browser.await(d -> rowNames().size() == 8);
  }

  @Test
  void theSpansServiceInItsDetailsLeadsToTheServicesOverview() {
    openSeed("?span=" + D);
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "SELECT cart");
    ui.browser.await(By.cssSelector(".trace-view aside.detail a.service-link")).click();
    ui.browser.await(d -> d.getCurrentUrl().endsWith("/services/cart"));
    assertThat(ui.browser.await(By.cssSelector("main h1")).getText()).isEqualTo("cart");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void escapeClosesTheSpanDetails() {
    openSeed("?span=" + D);
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "SELECT cart");
    new Actions(ui.browser.driver()).sendKeys(Keys.ESCAPE).perform();
    ui.browser.await(d -> d.findElements(By.cssSelector(".trace-view aside.detail")).isEmpty());
    assertThat(ui.browser.location()).isEqualTo("/trace/" + SEED);
    assertThat(rowNames("selected")).isEmpty();
  }

  @Test
  void theDetailCountsWhatTheClientOrTheCollectorDropped() {
    ui.browser.open("/trace/" + STATS + "?span=0000000000000003");
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "child two");

    assertThat(ui.browser.texts(".trace-view aside.detail p.muted")).contains(
        "1 attribute dropped by the client or the collector",
        "3 events dropped by the client or the collector",
        "2 links dropped by the client or the collector");
  }

  @Test
  void selectingASpanShowsItsDetailsAndTheUrlRestoresIt() throws IOException {
    openSeed("");
    row("SELECT cart").findElement(By.cssSelector(".name")).click();
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "SELECT cart");
    ui.browser.await(d -> ui.browser.location().equals("/trace/" + SEED + "?span=" + D));
    assertDetailOfD();

    openSeed("?span=" + D);
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "SELECT cart");
    assertThat(rowNames("selected")).containsExactly("SELECT cart");
    assertDetailOfD();
    ui.browser.screenshot("trace");

    ui.browser.driver().findElement(By.cssSelector(".trace-view aside.detail button.close"))
        .click();
    ui.browser.await(d -> d.findElements(By.cssSelector(".trace-view aside.detail")).isEmpty());
    assertThat(ui.browser.location()).isEqualTo("/trace/" + SEED);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  private void assertDetailOfD() {
    WebElement detail = ui.browser.await(By.cssSelector(".trace-view aside.detail"));
    String text = detail.getText();
    assertThat(text).contains("cart", "CLIENT", D, SEED, "+5.00ms", "49.0ms", "UNSET");
    assertThat(detail.findElement(By.xpath(".//dt[.='Parent']/following-sibling::dd[1]"))
        .getText()).isEqualTo("cart: GET /cart");
    List<String> attributes = detail.findElements(By.cssSelector("table.attributes tr")).stream()
        .map(WebElement::getText).toList();
    assertThat(attributes).contains("db.system postgres string", "db.rows 3 int",
        "service.name cart string", "rows 3 int");
    WebElement event = detail.findElement(By.cssSelector("ol.events li"));
    assertThat(event.findElement(By.cssSelector(".event-name")).getText())
        .isEqualTo("rows.fetched");
    assertThat(event.findElement(By.cssSelector(".event-time")).getText()).isEqualTo("+15.0ms");
    assertThat(event.getText()).contains("10.0ms into the span");
  }

  @Test
  void aReferenceToASpanOfTheTraceSelectsIt() {
    openSeed("?span=" + G);
    WebElement detail = ui.browser.await(By.cssSelector(".trace-view aside.detail"));
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "enqueue receipt");
    WebElement reference = detail.findElement(By.cssSelector("ul.references li"));
    assertThat(reference.getText()).startsWith("follows from payment: capture");
    reference.findElement(By.cssSelector("a")).click();
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "capture");
    assertThat(ui.browser.location()).isEqualTo("/trace/" + SEED + "?span=" + F);
    assertThat(rowNames("selected")).containsExactly("capture");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theCriticalPathIsMarked() {
    openSeed("");
    ui.browser.await(d -> d.findElement(By.cssSelector(".trace-view .critical-note"))
        .getText().startsWith("Critical path: 5 segments over 3 spans"));
    assertThat(rowNames("critical")).containsExactly("GET /checkout", "GET /cart", "SELECT cart");
    assertThat(row("SELECT cart").findElements(By.cssSelector(".critical-segment"))).hasSize(1);
    assertThat(row("GET /checkout").findElements(By.cssSelector(".critical-segment"))).hasSize(2);
    assertThat(row("POST /pay").findElements(By.cssSelector(".critical-segment"))).isEmpty();
  }

  @Test
  void theCriticalPathFailingLeavesTheTimelineWithANote() {
    ui.browser.open("/services");
    ui.browser.await(By.cssSelector("ul.services a"));
    ui.browser.script("const real = window.fetch;"
        + "window.fetch = (url, options) => String(url).includes('/critical-path')"
        + " ? Promise.resolve(new Response('{\"status\":500,\"message\":\"analysis is down\"}',"
        + " {status: 500})) : real(url, options);"
        + "history.pushState(null, '', '/trace/" + SEED + "');"
        + "dispatchEvent(new PopStateEvent('popstate'));");
    ui.browser.awaitText(By.cssSelector(".trace-view .row .name"), "send receipt");
    assertThat(ui.browser.await(By.cssSelector(".trace-view .critical-note.error")).getText())
        .contains("critical path could not be loaded", "analysis is down");
    assertThat(rowNames()).hasSize(8);
    assertThat(rowNames("critical")).isEmpty();
  }

  @Test
  void followsFromSpansAreDrawnDifferently() {
    openSeed("");
    assertThat(rowNames("follows-from")).containsExactly("enqueue receipt", "send receipt");
    for (String name : List.of("enqueue receipt", "send receipt")) {
      WebElement row = row(name);
      assertThat(row.findElement(By.cssSelector(".follows-from-mark")).getDomAttribute("title"))
          .startsWith("Follows from");
      assertThat(row.findElement(By.cssSelector(".bar")).getCssValue("border-top-style"))
          .isEqualTo("dashed");
    }
    assertThat(row("capture").findElements(By.cssSelector(".follows-from-mark"))).isEmpty();
    assertThat(row("capture").findElement(By.cssSelector(".bar")).getCssValue("border-top-style"))
        .isEqualTo("none");
  }

  @Test
  void findHighlightsTheMatchesAndStepsThroughThem() {
    openSeed("");
    WebElement find = ui.browser.await(By.cssSelector(".trace-view input.find"));
    find.sendKeys("payment");
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "1 of 5");
    assertThat(rowNames("match")).containsExactly(
        "POST /pay", "authorize", "capture", "enqueue receipt", "send receipt");
    assertThat(rowNames("current")).containsExactly("POST /pay");
    find.sendKeys(Keys.ENTER);
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "2 of 5");
    assertThat(rowNames("current")).containsExactly("authorize");
    ui.browser.driver().findElement(By.cssSelector(".trace-view button.find-prev")).click();
    ui.browser.driver().findElement(By.cssSelector(".trace-view button.find-prev")).click();
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "5 of 5");
    assertThat(rowNames("current")).containsExactly("send receipt");
    assertThat(ui.browser.location()).isEqualTo("/trace/" + SEED + "?find=payment");

    find.clear();
    find.sendKeys("db.system=postgres");
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "1 of 1");
    assertThat(rowNames("match")).containsExactly("SELECT cart");
    find.clear();
    find.sendKeys("no such thing");
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "no matches");
    assertThat(rowNames("match")).isEmpty();
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void findRevealsAMatchInACollapsedSpanAndComesBackOnReload() {
    openSeed("");
    button("Collapse all").click();
    ui.browser.await(d -> rowNames().size() == 1);
    ui.browser.await(By.cssSelector(".trace-view input.find")).sendKeys("authorize", Keys.ENTER);
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "1 of 1");
    assertThat(rowNames()).contains("POST /pay", "authorize");
    ui.browser.open(ui.browser.location());
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "1 of 1");
    assertThat(ui.browser.await(By.cssSelector(".trace-view input.find")).getDomProperty("value"))
        .isEqualTo("authorize");
    assertThat(rowNames("match")).containsExactly("authorize");
  }

  @Test
  void downloadSavesTheTracesJsonAsAFile(@TempDir Path downloads) throws Exception {
    ((ChromeDriver) ui.browser.driver()).executeCdpCommand("Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toString()));
    openSeed("");
    WebElement link = ui.browser.await(By.cssSelector(".trace-view a.download"));
    assertThat(link.getDomAttribute("download")).isEqualTo("trace-" + SEED + ".json");
    link.click();
    assertThat(link.getDomAttribute("href")).startsWith("blob:");
    Path file = downloads.resolve("trace-" + SEED + ".json");
    ui.browser.await(d -> Files.exists(file));
    JsonNode trace = ui.browser.await(d -> {
      try {
        return JSON.readTree(Files.readString(file));
      } catch (IOException e) {
        return null;
      }
    });
    assertThat(trace.get("traceId").asText()).isEqualTo(SEED);
    assertThat(trace.get("spanCount").asInt()).isEqualTo(8);
    assertThat(trace.get("spans")).hasSize(8);
  }

  @Test
  void theStatisticsTabHasItsOwnUrlAndBackReturnsToTheTimeline() throws IOException {
    openSeed("?span=" + D);
    ui.browser.awaitText(By.cssSelector(".trace-view nav.tabs a"), "Statistics").click();
    ui.browser.await(By.cssSelector(".trace-view table.operations-stats tbody tr"));
    ui.browser.await(By.cssSelector(".trace-view table.services-stats tbody tr"));
    ui.browser.screenshot("trace-statistics");
    assertThat(ui.browser.location())
        .isEqualTo("/trace/" + SEED + "?span=" + D + "&tab=statistics");
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .row"))).isEmpty();
    ui.browser.driver().navigate().back();
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "SELECT cart");
    assertThat(ui.browser.location()).isEqualTo("/trace/" + SEED + "?span=" + D);
    assertThat(rowNames()).hasSize(8);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void statisticsGiveSelfTimeOfAParentWithOverlappingChildren() {
    ui.browser.open("/trace/" + STATS + "?tab=statistics");
    ui.browser.await(By.cssSelector(".trace-view table.operations-stats tbody tr"));
    assertThat(statisticsRows("operations-stats")).containsExactly(
        List.of("stats", "child two", "1", "0", "50.0ms", "50.0ms", "50.0ms"),
        List.of("stats", "child one", "1", "0", "40.0ms", "40.0ms", "40.0ms"),
        List.of("stats", "parent", "1", "0", "100ms", "100ms", "30.0ms"));
    assertThat(statisticsRows("services-stats")).containsExactly(
        List.of("stats", "3", "0", "190ms", "63.3ms", "120ms"));

    ui.browser.driver().findElement(
        By.cssSelector(".trace-view table.operations-stats button[data-sort='self']")).click();
    ui.browser.await(d -> statisticsRows("operations-stats").get(0).get(1).equals("parent"));
    assertThat(statisticsRows("operations-stats")).extracting(r -> r.get(1))
        .containsExactly("parent", "child one", "child two");
    assertThat(ui.browser.location())
        .isEqualTo("/trace/" + STATS + "?tab=statistics&sort=self&order=asc");
    ui.browser.open(ui.browser.location());
    ui.browser.await(By.cssSelector(".trace-view table.operations-stats tbody tr"));
    assertThat(statisticsRows("operations-stats")).extracting(r -> r.get(1))
        .containsExactly("parent", "child one", "child two");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  private List<List<String>> statisticsRows(String table) {
    return ui.browser.driver()
        .findElements(By.cssSelector(".trace-view table." + table + " tbody tr"))
        .stream().map(r -> r.findElements(By.cssSelector("td")).stream()
            .map(WebElement::getText).toList())
        .toList();
  }

  @Test
  void aTraceOfFiveThousandSpansKeepsFewRowsInThePage() {
    ui.browser.open("/trace/" + BIG);
    ui.browser.awaitText(By.cssSelector(".trace-view .row .name"), "op-0");
    assertThat(fact("spans")).isEqualTo("5,000");
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .row")))
        .hasSizeLessThan(100);

    ui.browser.script("const v = document.querySelector('.trace-view .viewport');"
        + " v.scrollTop = v.scrollHeight");
    awaitLastSpanInView();
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .row")))
        .hasSizeLessThan(100);

    WebElement minimap = ui.browser.driver().findElement(By.cssSelector(".trace-view .minimap"));
    new Actions(ui.browser.driver())
        .moveToElement(minimap, 0, 2 - minimap.getRect().getHeight() / 2).click().perform();
    ui.browser.await(d -> rowNames().stream().anyMatch(name -> name.startsWith("leaf-0-")));
    assertThat(((Number) ui.browser.script(
        "return document.querySelector('.trace-view .viewport').scrollTop")).doubleValue())
        .isLessThan(3_000);

    new Actions(ui.browser.driver())
        .clickAndHold(ui.browser.driver().findElement(By.cssSelector(".trace-view .minimap-frame")))
        .moveByOffset(0, minimap.getRect().getHeight() + 10).release().perform();
    awaitLastSpanInView();
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /** Waits until the big trace's last span is drawn inside the visible part of the rows. */
  private void awaitLastSpanInView() {
    ui.browser.await(d -> ui.browser.script(
        "const viewport = document.querySelector('.trace-view .viewport').getBoundingClientRect();"
            + "const last = [...document.querySelectorAll('.trace-view .row')]"
            + " .find(row => row.querySelector('.name').textContent === 'leaf-48-101');"
            + "const box = last && last.getBoundingClientRect();"
            + "return Boolean(box) && box.top >= viewport.top"
            + " && box.bottom <= viewport.bottom + 1;")
        .equals(Boolean.TRUE));
  }

  @Test
  void anIncompleteTraceShowsWhatIsMissing() {
    ui.browser.open("/trace/" + INCOMPLETE);
    WebElement warnings = ui.browser.await(By.cssSelector(".trace-view .completeness"));
    assertThat(warnings.getText()).startsWith("This trace is incomplete");
    assertThat(warnings.findElement(By.cssSelector(".no-root")).getText())
        .startsWith("Root span missing");
    assertThat(warnings.findElement(By.cssSelector(".orphans")).getText())
        .contains("1 orphan span, whose parent was never received", "cart: orphan op (0000000000000010)",
            "parent 00000000000000ff");
    assertThat(warnings.findElement(By.cssSelector(".clock-skew")).getText())
        .contains("cart: skewed child (0000000000000011): starts 2.00ms before and ends 3.00ms "
            + "after its parent cart: orphan op (0000000000000010)");
    assertThat(warnings.findElement(By.cssSelector(".duplicates")).getText())
        .contains("db: dup (0000000000000012)");
    assertThat(ui.browser.await(By.cssSelector(".trace-view h1")).getText())
        .isEqualTo("Trace without a root span");
    WebElement orphan = row("orphan op");
    assertThat(orphan.getDomAttribute("data-depth")).isEqualTo("0");
    assertThat(orphan.findElement(By.cssSelector(".orphan-mark")).getText()).isEqualTo("orphan");

    warnings.findElement(By.linkText("cart: skewed child (0000000000000011)")).click();
    WebElement detail = ui.browser.await(By.cssSelector(".trace-view aside.detail"));
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "skewed child");
    assertThat(detail.findElement(By.cssSelector(".warning")).getText())
        .contains("Starts 2.00ms before and ends 3.00ms after its parent");
  }

  @Test
  void integersPastTwoToTheFiftyThirdAreShownAndFoundExactly() {
    ui.browser.open("/trace/" + NUMBERS + "?span=0000000000000001");
    WebElement detail = ui.browser.await(By.cssSelector(".trace-view aside.detail"));
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "place order");
    assertThat(detail.findElements(By.cssSelector("table.attributes tr")))
        .extracting(WebElement::getText)
        .contains("big.int 9223372036854775807 int", "order.id 9007199254740993 int");

    WebElement find = ui.browser.await(By.cssSelector(".trace-view input.find"));
    find.sendKeys("order.id=9007199254740993");
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "1 of 1");
    find.clear();
    find.sendKeys("order.id=9007199254740992");
    ui.browser.awaitText(By.cssSelector(".trace-view .find-count"), "no matches");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /**
   * Sixty levels beside the span details, where the tree column is narrowest: each level is
   * indented further than its parent, levels from the tenth show their number, and every name
   * shows whole.
   */
  @Test
  void deepSpansAreEachIndentedUnderTheirParentWithTheirNamesWhole() {
    ui.browser.open("/trace/" + DEEP + "?span=" + String.format("%016x", 45));
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "level-45");
    ui.browser.script("const v = document.querySelector('.trace-view .viewport');"
        + " v.scrollTop = v.scrollHeight");
    ui.browser.await(d -> rowNames().contains("level-60"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) ui.browser.script(
        "return [...document.querySelectorAll('.trace-view .row')].map(row => {"
            + " const name = row.querySelector('.name');"
            + " const level = row.querySelector('.level');"
            + " return {depth: Number(row.dataset.depth), name: name.textContent,"
            + "  x: row.querySelector('.swatch').getBoundingClientRect().left,"
            + "  cut: name.scrollWidth > name.clientWidth,"
            + "  level: level ? level.textContent : ''};"
            + "}).sort((a, b) => a.depth - b.depth)");
    assertThat(rows).hasSizeGreaterThan(30);
    assertThat(rows.get(rows.size() - 1).get("name")).isEqualTo("level-60");
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      long level = (Long) row.get("depth") + 1;
      assertThat(row.get("name")).isEqualTo("level-" + level);
      assertThat(row.get("cut")).as("level-%d's name cut", level).isEqualTo(false);
      assertThat(row.get("level")).isEqualTo(level >= 10 ? String.valueOf(level) : "");
      if (i > 0) {
        assertThat(((Number) row.get("x")).doubleValue()).as("level-%d's indent", level)
            .isGreaterThan(((Number) rows.get(i - 1).get("x")).doubleValue());
      }
    }
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void anEventBeforeItsSpanHasANegativeTime() {
    ui.browser.open("/trace/" + EVENTS + "?span=0000000000000001");
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "GET /edge");
    assertThat(ui.browser.texts(".trace-view ol.events .event-time"))
        .containsExactly("−5.00ms", "+40.0ms");
    assertThat(ui.browser.texts(".trace-view ol.events .event-head .muted"))
        .containsExactly("5.00ms before the span", "40.0ms into the span");
    assertThat(ui.browser.driver().findElements(By.cssSelector(".trace-view .event-mark")))
        .extracting(mark -> mark.getDomAttribute("title"))
        .containsExactly("early at −5.00ms (5.00ms before the span)",
            "exception at +40.0ms (40.0ms into the span)");
  }

  @Test
  void aTraceTakingNoTimeHasOneTick() {
    ui.browser.open("/trace/" + INSTANT);
    ui.browser.awaitText(By.cssSelector(".trace-view .row .name"), "instant");
    assertThat(ui.browser.texts(".trace-view .axis .tick")).containsExactly("0ns");
  }

  /** At 800 pixels, with the span details open, the timeline and the details are narrow. */
  @Test
  void inANarrowWindowTheAxisLabelsAndTheEventHeadsDoNotRunTogether() {
    Dimension size = ui.browser.driver().manage().window().getSize();
    ui.browser.driver().manage().window().setSize(new Dimension(800, 900));
    try {
      ui.browser.open("/trace/" + EVENTS + "?span=0000000000000001");
      ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "GET /edge");
      @SuppressWarnings("unchecked")
      Map<String, Object> layout = ui.browser.await(d -> {
        Map<String, Object> found = (Map<String, Object>) ui.browser.script(
            "const shown = [...document.querySelectorAll('.trace-view .axis .tick')]"
                + " .filter(t => !t.hidden);"
                + "const boxes = shown.map(t => t.getBoundingClientRect());"
                + "const lines = (e) => { const r = document.createRange();"
                + " r.selectNodeContents(e);"
                + " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; };"
                + "return {ticks: shown.map(t => t.textContent),"
                + " overlaps: boxes.slice(1).filter((b, i) => b.left < boxes[i].right + 4).length,"
                + " broken: [...document.querySelectorAll('.trace-view ol.events .event-time,"
                + " .trace-view ol.events .event-name')].filter(e => lines(e) > 1)"
                + "  .map(e => e.textContent)};");
        return ((Long) found.get("overlaps")) == 0 ? found : null;
      });
      assertThat((List<?>) layout.get("ticks")).first().isEqualTo("0ns");
      assertThat((List<?>) layout.get("ticks")).last().isEqualTo("120ms");
      assertThat((List<?>) layout.get("broken")).as("broken across lines").isEmpty();
    } finally {
      ui.browser.driver().manage().window().setSize(size);
    }
  }

  @Test
  void durationsThatRoundToAWholeNextUnitAreShownInIt() {
    openSeed("");
    assertThat(ui.browser.script(
        "return import('/static/format.js').then(f => arguments[0].map(n => f.duration(n)))",
        List.of(999.6, 999_999.0, 9_996_000.0, 99_996_000.0, 59_999_600_000.0,
            3_599_400_000_000.0, 3_599_990_000_000.0, 7_199_990_000_000.0, -3_599_990_000_000.0)))
        .isEqualTo(List.of("1.00µs", "1.00ms", "10.0ms", "100ms", "1m 0s", "59m 59s", "1h 0m",
            "2h 0m", "−1h 0m"));
  }

  @Test
  void anUnknownTraceIsNotFoundAndAMalformedIdGetsTheApisMessage() {
    ui.browser.open("/trace/0000000000000000000000000000ffff");
    assertThat(ui.browser.await(By.cssSelector(".trace-view [role=alert]")).getText())
        .isEqualTo("Trace 0000000000000000000000000000ffff was not found: it has not arrived "
            + "(yet), or it is older than what storage keeps.");
    ui.browser.open("/trace/not-a-trace");
    assertThat(ui.browser.await(By.cssSelector(".trace-view [role=alert]")).getText())
        .isEqualTo("traceId: \"not-a-trace\" (expected: 1 to 32 hex characters) (400)");
  }
}
