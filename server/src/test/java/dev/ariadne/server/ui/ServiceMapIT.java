package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The service map: frontend → cart → payment (one payment in four fails) and cart → orders-db, a
 * PostgreSQL database that sends no spans, 20 to 30 minutes ago.
 */
class ServiceMapIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Short enough that the analytics service graph (once the map reads it) has the calls soon. */
  static final Map<String, String> QUICK_ANALYTICS =
      Map.of("analytics.flush-interval", "200ms", "analytics.pair-wait", "1s");
  /** {@link #QUICK_ANALYTICS} keeping one series of each kind, so that the next overflows. */
  static final Map<String, String> ONE_SERIES = Map.of("analytics.flush-interval", "200ms",
      "analytics.pair-wait", "1s", "analytics.max-series", "1");
  @RegisterExtension static final UiServer ui = new UiServer(QUICK_ANALYTICS);

  @BeforeAll
  static void sendTraces() throws Exception {
    List<TestTraces.SpanSpec> spans = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      spans.addAll(checkout(i, TestTraces.millisAgo(20 * 60_000L + i * 3 * 60_000L), i == 1));
    }
    TestTraces.send(ui.server.otlpHttpPort(), spans);
    ui.browser.await(d -> dependenciesReady());
  }

  /** The 32-digit ID of checkout trace number {@code n}. */
  static String traceId(int n) {
    return String.format("c0ffee00000000000000000000%06x", n);
  }

  /**
   * One checkout: frontend's GET /checkout calls cart's POST /cart (CLIENT/SERVER pair), which
   * calls payment's POST /pay (both sides failing when {@code paymentFails}) and queries orders-db
   * twice (CLIENT spans with db.system and peer.service, nobody answering).
   */
  static List<TestTraces.SpanSpec> checkout(int n, long startNanos, boolean paymentFails) {
    String trace = traceId(n);
    long ms = 1_000_000L;
    TestTraces.SpanSpec pay = TestTraces.span(trace, "0000000000000005", "payment", "POST /pay",
        startNanos + 12 * ms, (20 + 10L * n) * ms).parent("0000000000000004").kind("SERVER");
    TestTraces.SpanSpec callPay = TestTraces.span(trace, "0000000000000004", "cart", "POST /pay",
        startNanos + 10 * ms, (25 + 10L * n) * ms).parent("0000000000000003").kind("CLIENT");
    if (paymentFails) {
      pay.error("card declined");
      callPay.error("payment failed");
    }
    return List.of(
        TestTraces.span(trace, "0000000000000001", "frontend", "GET /checkout", startNanos,
            (80 + 10L * n) * ms).kind("SERVER"),
        TestTraces.span(trace, "0000000000000002", "frontend", "POST /cart", startNanos + ms,
            (70 + 10L * n) * ms).parent("0000000000000001").kind("CLIENT"),
        TestTraces.span(trace, "0000000000000003", "cart", "POST /cart", startNanos + 2 * ms,
            (60 + 10L * n) * ms).parent("0000000000000002").kind("SERVER"),
        callPay,
        pay,
        query(trace, "0000000000000006", startNanos + 3 * ms, (4 + n) * ms),
        query(trace, "0000000000000007", startNanos + 40 * ms, (2 + n) * ms));
  }

  private static TestTraces.SpanSpec query(String trace, String spanId, long start, long nanos) {
    return TestTraces.span(trace, spanId, "cart", "SELECT orders", start, nanos)
        .parent("0000000000000003").kind("CLIENT")
        .attribute("db.system", "postgresql").attribute("peer.service", "orders-db");
  }

  static JsonNode api(int queryPort, String pathAndQuery) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + queryPort + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(pathAndQuery).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private static JsonNode dependencies() throws Exception {
    return api(ui.server.queryPort(), "/api/v1/dependencies?lookback=1h");
  }

  /**
   * Whether the API has every call yet: at once from storage; from analytics (the answer with
   * "source": "analytics") after a flush, and the calls to orders-db after the pair wait.
   */
  private static boolean dependenciesReady() {
    try {
      JsonNode answer = dependencies();
      boolean peerReady = !"analytics".equals(answer.path("source").asText())
          || calls(answer, "cart", "orders-db") == 8;
      return calls(answer, "frontend", "cart") == 4 && calls(answer, "cart", "payment") == 4
          && peerReady;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The calls from parent to child in a dependencies answer, over its connection types. */
  /** The requests the RED API counts for {@code service}'s operations, every span kind. */
  static long requests(int queryPort, String service) throws Exception {
    long requests = 0;
    for (JsonNode row : api(queryPort, "/api/v1/metrics/red/operations?service=" + service)
        .path("operations")) {
      requests += row.path("requests").asLong();
    }
    return requests;
  }

  static long calls(JsonNode answer, String parent, String child) {
    long calls = 0;
    for (JsonNode link : answer.path("links")) {
      if (link.path("parent").asText().equals(parent)
          && link.path("child").asText().equals(child)) {
        calls += link.path("callCount").asLong();
      }
    }
    return calls;
  }

  private static WebElement node(String name) {
    return ui.browser.await(By.cssSelector("svg.service-map g.node[data-name='" + name + "']"));
  }

  private static WebElement edge(String parent, String child) {
    return ui.browser.await(By.cssSelector(
        "svg.service-map g.edge[data-parent='" + parent + "'][data-child='" + child + "']"));
  }

  /** An edge's label, drawn above every line, apart from its edge. */
  private static WebElement label(String parent, String child) {
    return ui.browser.await(By.cssSelector(
        "svg.service-map g.edge-label[data-parent='" + parent + "'][data-child='" + child + "']"));
  }

  private static double centreX(WebElement element) {
    return element.getRect().getX() + element.getRect().getWidth() / 2.0;
  }

  @Test
  void theMapShowsTheServicesAndTheirCallsFromCallersToCallees() throws Exception {
    ui.browser.open("/map");
    WebElement frontend = node("frontend");
    WebElement cart = node("cart");
    WebElement payment = node("payment");
    assertThat(centreX(frontend)).isLessThan(centreX(cart));
    assertThat(centreX(cart)).isLessThan(centreX(payment));

    WebElement toCart = edge("frontend", "cart");
    assertThat(toCart.getAttribute("class")).doesNotContain("error");
    assertThat(texts(label("frontend", "cart"), "tspan")).first().isEqualTo("4 calls · 0% err");
    WebElement toPayment = edge("cart", "payment");
    assertThat(toPayment.getAttribute("class")).contains("error");
    assertThat(texts(label("cart", "payment"), "tspan")).first().isEqualTo("4 calls · 25% err");
    assertThat(toPayment.findElement(By.cssSelector("path.line")).getAttribute("marker-end"))
        .isEqualTo("url(#map-arrow-error)");
    assertThat(ui.browser.await(
        By.cssSelector("table.calls tr[data-parent='cart'][data-child='payment']")).getText())
        .contains("cart", "payment", "4", "1", "25%");

    // orders-db sends no spans: a peer, drawn as a database; the edges carry p95 latencies.
    WebElement ordersDb = node("orders-db");
    assertThat(ordersDb.getAttribute("class")).contains("peer", "database");
    assertThat(texts(ordersDb, "text")).containsExactly("orders-db", "database");
    assertThat(texts(label("cart", "orders-db"), "tspan")).first().isEqualTo("8 calls · 0% err");
    assertThat(texts(label("cart", "payment"), "tspan")).last().asString().matches("p95 [0-9.]+ms");
    ui.browser.screenshot("map");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void hoveringAnEdgeShowsItsDetailsAndClickingAServiceOpensItsOverview() {
    ui.browser.open("/map");
    new Actions(ui.browser.driver()).moveToElement(label("cart", "payment")).perform();
    assertThat(ui.browser.await(By.cssSelector(".map-frame .chart-tooltip")).getText())
        .contains("cart → payment", "4 calls, 1 failed (25%)");

    node("cart").click();
    ui.browser.await(d -> ui.browser.location().equals("/services/cart"));
    ui.browser.await(By.cssSelector("p.service-links"));
    assertThat(ui.browser.await(By.cssSelector("main h1")).getText()).isEqualTo("cart");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void aRangeWithoutCallsShowsAnEmptyStateAndTheRangeIsInTheUrl() {
    ui.browser.open("/map?lookback=15m");
    assertThat(ui.browser.await(By.cssSelector("main .state.empty")).getText())
        .isEqualTo("No calls between services in the last 15 minutes.");
    assertThat(ui.browser.await(By.cssSelector("nav.ranges a.active")).getText()).isEqualTo("15m");

    ui.browser.driver().findElement(By.cssSelector("nav.ranges a[href='/map?lookback=6h']"))
        .click();
    node("payment");
    assertThat(ui.browser.location()).isEqualTo("/map?lookback=6h");
    ui.browser.driver().navigate().back();
    ui.browser.await(By.cssSelector("main .state.empty"));
    assertThat(ui.browser.location()).isEqualTo("/map?lookback=15m");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /** The answer's newer shape, served by a stand-in for fetch: peers, latencies, hostile names. */
  @Test
  void peersLatenciesAndHostileNamesFromTheServiceGraphAreDrawnAsText() {
    String hostile = "<img src=x onerror=\"window.__pwned=1\">";
    String script = "javascript:window.__pwned=2";
    drawStandIn(
        List.of(
            link("cart", "orders-db", "database", 40, 0, 3.98, 7.02, 9.01),
            link("cart", "payment", "", 2, 1, 8.0, 12.1, 12.1),
            link("cart", "cart", "", 3, 0, 1.0, 2.0, 2.0),
            link("payment", hostile, "virtual_node", 1, 0, 1.0, 1.0, 1.0),
            link(script, "cart", "", 5, 0, 30.0, 45.5, 50.0)),
        List.of(
            Map.of("name", "cart", "kind", "service"),
            Map.of("name", script, "kind", "service"),
            Map.of("name", "orders-db", "kind", "peer"),
            Map.of("name", hostile, "kind", "peer"),
            Map.of("name", "payment", "kind", "service")));

    WebElement ordersDb = node("orders-db");
    assertThat(ordersDb.getAttribute("class")).contains("peer", "database");
    assertThat(texts(ordersDb, "text")).containsExactly("orders-db", "database");
    assertThat(texts(label("cart", "orders-db"), "tspan"))
        .containsExactly("40 calls · 0% err", "p95 7.02ms");
    assertThat(texts(label("cart", "payment"), "tspan"))
        .containsExactly("2 calls · 50% err", "p95 12.1ms");
    assertThat(texts(label("cart", "cart"), "tspan"))
        .containsExactly("3 calls · 0% err", "p95 2.00ms");
    WebElement caller = node(script);
    assertCutToFit(caller, script);
    assertThat(centreX(caller)).isLessThan(centreX(node("cart")));
    List<WebElement> external = ui.browser.driver().findElements(
        By.cssSelector("svg.service-map g.node.peer.external"));
    assertThat(external).hasSize(1);
    assertCutToFit(external.get(0), hostile);
    assertThat(texts(external.get(0), "text")).last().isEqualTo("external");
    assertThat(ui.browser.await(By.cssSelector("p.map-summary")).getText())
        .isEqualTo(
            "3 services · 2 peers · 51 calls · from the service graph computed at ingest");

    caller.click();
    ui.browser.await(
        d -> ui.browser.location().equals("/services/javascript%3Awindow.__pwned%3D2"));
    ui.browser.await(By.cssSelector("p.service-links"));
    assertThat(ui.browser.await(By.cssSelector("main h1")).getText()).isEqualTo(script);
    assertThat(ui.browser.script("return window.__pwned === undefined")).isEqualTo(true);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /** The node's name is drawn as its start and an ellipsis, and the hover shows it whole. */
  private static void assertCutToFit(WebElement node, String name) {
    String drawn = texts(node, "text.name").get(0);
    assertThat(drawn).endsWith("…").hasSizeGreaterThan(5);
    assertThat(name).startsWith(drawn.substring(0, drawn.length() - 1));
    new Actions(ui.browser.driver()).moveToElement(node).perform();
    assertThat(ui.browser.await(By.cssSelector(".map-frame .chart-tooltip strong")).getText())
        .isEqualTo(name);
  }

  /** The names of the nodes whose name is drawn past the edge of their shape. */
  @SuppressWarnings("unchecked")
  private static List<String> namesSpillingOver() {
    return (List<String>) ui.browser.script(
        "return [...document.querySelectorAll('svg.service-map g.node')].filter(node => {"
            + " const shape = node.querySelector('.body').getBoundingClientRect();"
            + " const name = node.querySelector('text.name').getBoundingClientRect();"
            + " return name.left < shape.left || name.right > shape.right;"
            + "}).map(node => node.dataset.name)");
  }

  /**
   * Names are cut to their node's width, not to a number of characters: 22 wide letters are cut,
   * and a long name of narrow ones keeps more than 22. One call, and one caller, are singular.
   */
  @Test
  void namesAreCutToTheWidthOfTheirNodeAndOneCallIsOneCall() {
    String wide = "W".repeat(22);
    String narrow = "illicit-little-lilt-list-fill-till";
    drawStandIn(
        List.of(
            link(wide, narrow, "", 1, 0, 1.0, 2.0, 3.0),
            link(narrow, "orders-db", "database", 41, 0, 1.0, 2.0, 3.0)),
        List.of(
            Map.of("name", wide, "kind", "service"),
            Map.of("name", narrow, "kind", "service"),
            Map.of("name", "orders-db", "kind", "peer")));

    assertThat(namesSpillingOver()).isEmpty();
    assertCutToFit(node(wide), wide);
    assertThat(texts(node(narrow), "text.name").get(0)).hasSizeGreaterThan(23);
    assertThat(texts(node("orders-db"), "text.name")).containsExactly("orders-db");
    assertThat(texts(label(wide, narrow), "tspan")).first().isEqualTo("1 call · 0% err");
    new Actions(ui.browser.driver()).moveToElement(node(narrow)).perform();
    assertThat(ui.browser.await(By.cssSelector(".map-frame .chart-tooltip")).getText())
        .contains("called 1 time by 1 caller", "calls 1 other 41 times");
    new Actions(ui.browser.driver()).moveToElement(label(wide, narrow)).perform();
    ui.browser.await(d -> d.findElement(By.cssSelector(".map-frame .chart-tooltip")).getText()
        .contains("1 call, 0 failed (0%)"));
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /**
   * Six services that each call the same six others: 36 edges between two columns, more labels
   * than the gap between the columns can hold. The labels that fit are shown, none over another or
   * over a node, the busiest first; the rest are left out.
   */
  @Test
  void aDenseMapShowsOnlyTheLabelsThatFit() {
    List<Map<String, Object>> links = new ArrayList<>();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      nodes.add(Map.of("name", "caller" + i, "kind", "service"));
      nodes.add(Map.of("name", "callee" + i, "kind", "service"));
      for (int j = 0; j < 6; j++) {
        links.add(link("caller" + i, "callee" + j, "", 10 + 6 * i + j, j % 2, 5.0, 9.0, 12.0));
      }
    }
    drawStandIn(links, nodes);

    Map<String, Object> drawn = geometry();
    assertThat(drawn.get("edges")).isEqualTo(36L);
    assertThat((Long) drawn.get("crowded")).as("labels left out").isPositive();
    assertThat((Long) drawn.get("shown")).as("labels shown").isGreaterThan(5);
    assertThat(drawn.get("overlaps")).as("labels over a label or a node").isEqualTo(0L);
    assertThat(label("caller5", "callee5").getAttribute("class")).doesNotContain("crowded");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /**
   * Seven services that each call every one after them (so one service per column), four calls
   * back up that order, and every service querying one database: calls past the next column arc
   * above the nodes, calls back arc below them, and none runs through a node but its own two.
   */
  @Test
  void callsPastTheNextColumnOrBackArcAroundTheNodesBetween() throws Exception {
    List<Map<String, Object>> links = new ArrayList<>();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      nodes.add(Map.of("name", "s" + i, "kind", "service"));
      links.add(link("s" + i, "db", "database", 100 + i, 0, 1.0, 2.0, 3.0));
      for (int j = i + 1; j < 7; j++) {
        links.add(link("s" + i, "s" + j, "", 10 * (7 - j + i), j % 3, 5.0, 9.0, 12.0));
      }
    }
    for (int[] back : new int[][] {{6, 2}, {5, 1}, {4, 3}, {3, 1}}) {
      links.add(link("s" + back[0], "s" + back[1], "", 7, 1, 5.0, 9.0, 12.0));
    }
    nodes.add(Map.of("name", "db", "kind", "peer"));
    drawStandIn(links, nodes);

    Map<String, Object> drawn = geometry();
    assertThat(drawn.get("edges")).isEqualTo((long) links.size());
    assertThat((List<?>) drawn.get("through")).as("edges through other nodes").isEmpty();
    assertThat(drawn.get("outside")).as("edges outside the drawing").isEqualTo(0L);
    assertThat(drawn.get("overlaps")).as("labels over a label or a node").isEqualTo(0L);
    int s1 = node("s1").getRect().getY();
    assertThat(edge("s0", "s3").getRect().getY()).as("s0 → s3 arcs above").isLessThan(s1);
    assertThat(edge("s5", "s1").getRect().getY()).as("s5 → s1 arcs below").isGreaterThan(s1);
    ui.browser.screenshot("map-dense");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /**
   * Opens the map with a stand-in for fetch answering {@code links} and {@code nodes} as the
   * service graph would, and waits for the last node.
   */
  private static void drawStandIn(
      List<? extends Map<String, ?>> links, List<? extends Map<String, ?>> nodes) {
    ObjectNode answer = JSON.createObjectNode().put("source", "analytics");
    answer.set("links", JSON.valueToTree(links));
    answer.set("nodes", JSON.valueToTree(nodes));
    ui.browser.open("/map?lookback=15m");
    ui.browser.await(By.cssSelector("main .state.empty"));
    ui.browser.script("const body = arguments[0]; const real = window.fetch;"
        + "window.fetch = (url, options) => String(url).startsWith('/api/v1/dependencies')"
        + "  ? Promise.resolve(new Response(body, {status: 200})) : real(url, options)",
        answer.toString());
    ui.browser.driver().findElement(By.cssSelector("nav.ranges a[href='/map']")).click();
    node(String.valueOf(nodes.get(nodes.size() - 1).get("name")));
  }

  /**
   * What the drawn map looks like: its edges; the labels shown and left out; how many shown labels
   * overlap another or a node; how many edges leave the drawing; and which edges run through a node
   * other than their two (sampled at 101 points along each).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> geometry() {
    return (Map<String, Object>) ui.browser.script(String.join("\n",
        "const map = document.querySelector('svg.service-map');",
        "const box = (e) => e.getBoundingClientRect();",
        "const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom"
            + " && b.top < a.bottom;",
        "const shown = [...map.querySelectorAll('g.edge-label:not(.crowded) rect')].map(box);",
        "const nodes = [...map.querySelectorAll('g.node')].map((n) =>"
            + " ({name: n.dataset.name, box: box(n.querySelector('.body'))}));",
        "let overlaps = 0;",
        "shown.forEach((a, i) => {",
        "  overlaps += shown.slice(i + 1).filter((b) => hit(a, b)).length;",
        "  overlaps += nodes.filter((n) => hit(a, n.box)).length;",
        "});",
        "const frame = box(map);",
        "let outside = 0;",
        "const through = new Set();",
        "for (const edge of map.querySelectorAll('g.edge')) {",
        "  const line = edge.querySelector('path.line');",
        "  const b = box(line);",
        "  if (b.top < frame.top || b.bottom > frame.bottom || b.left < frame.left"
            + " || b.right > frame.right) outside++;",
        "  const length = line.getTotalLength();",
        "  const screen = line.getScreenCTM();",
        "  for (let k = 0; k <= 100; k++) {",
        "    const p = line.getPointAtLength(length * k / 100).matrixTransform(screen);",
        "    for (const n of nodes) {",
        "      if (n.name === edge.dataset.parent || n.name === edge.dataset.child) continue;",
        "      if (p.x > n.box.left && p.x < n.box.right && p.y > n.box.top"
            + " && p.y < n.box.bottom) through.add(edge.dataset.parent + ' > '"
            + " + edge.dataset.child + ' through ' + n.name);",
        "    }",
        "  }",
        "}",
        "return {shown: shown.length, overlaps, outside, through: [...through],",
        "  crowded: map.querySelectorAll('g.edge-label.crowded').length,",
        "  edges: map.querySelectorAll('g.edge').length};"));
  }

  private static Map<String, Object> link(String parent, String child, String connectionType,
      long calls, long errors, double p50, double p95, double p99) {
    return Map.of("parent", parent, "child", child, "connectionType", connectionType,
        "callCount", calls, "errorCount", errors, "p50", p50, "p95", p95, "p99", p99);
  }

  /** The texts of the elements under {@code element} that {@code css} selects. */
  private static List<String> texts(WebElement element, String css) {
    return element.findElements(By.cssSelector(css)).stream()
        .map(e -> e.getAttribute("textContent")).toList();
  }
}
