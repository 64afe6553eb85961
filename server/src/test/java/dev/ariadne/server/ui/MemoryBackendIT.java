package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Every view against the memory backend ({@code storage: memory}, analytics keeping its metrics
 * in memory too), where the other tests run on the embedded engine: the four checkouts of
 * {@link ServiceMapIT#checkout} (frontend → cart → payment, cart → orders-db, the second checkout
 * failing), one in each of the last four whole minutes.
 */
class MemoryBackendIT {
  @RegisterExtension static final UiServer ui = new UiServer(memoryBackend());

  private static Map<String, String> memoryBackend() {
    Map<String, String> settings = new HashMap<>(ServiceMapIT.QUICK_ANALYTICS);
    settings.put("storage", "memory");
    return settings;
  }

  @BeforeAll
  static void sendTraces() throws Exception {
    TestTraces.send(ui.server.otlpHttpPort(), ServiceOverviewIT.checkoutInTheLastFourMinutes());
    ui.browser.await(d -> analyticsReady());
  }

  /**
   * Whether analytics (in memory: there is no data directory) has flushed cart's 16 spans and
   * paired every call, the calls to orders-db included, which wait for the pair wait.
   */
  private static boolean analyticsReady() {
    try {
      JsonNode dependencies = api("/api/v1/dependencies?lookback=1h");
      return ServiceMapIT.requests(ui.server.queryPort(), "cart") == 16 && dependencies.path("source").asText().equals("analytics")
          && ServiceMapIT.calls(dependencies, "frontend", "cart") == 4
          && ServiceMapIT.calls(dependencies, "cart", "payment") == 4
          && ServiceMapIT.calls(dependencies, "cart", "orders-db") == 8;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode api(String pathAndQuery) throws Exception {
    return ServiceMapIT.api(ui.server.queryPort(), pathAndQuery);
  }

  private static List<String> texts(String css) {
    return ui.browser.texts(css);
  }

  /** The labels of an edge of the map: SVG text has no innerText. */
  private static List<String> edgeLabels(String parent, String child) {
    return ui.browser.driver().findElements(By.cssSelector(
        "svg.service-map g.edge-label[data-parent='" + parent + "'][data-child='" + child
            + "'] tspan")).stream()
        .map(e -> e.getAttribute("textContent")).toList();
  }

  @Test
  void theSpansAreInTheMemoryBackendAndTheServicesListListsTheirServices() throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ui.server.queryPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("\nariadne_storage_memory_spans 28.0\n")
        .doesNotContain("ariadne_storage_head_spans");
    ui.browser.open("/services");
    ui.browser.awaitText(By.cssSelector("ul.services a"), "payment");
    assertThat(texts("ul.services a")).containsExactly("cart", "frontend", "payment");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void searchFindsTheTracesWithTheirSummaries() {
    String rows = "table.trace-list tbody tr";
    ui.browser.open("/search?service=frontend");
    List<String> newestFirst = List.of(ServiceMapIT.traceId(3), ServiceMapIT.traceId(2),
        ServiceMapIT.traceId(1), ServiceMapIT.traceId(0));
    ui.browser.await(d -> newestFirst.equals(ui.browser.script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.dataset.traceId)",
        rows)));
    assertThat(texts(rows + " td.root a")).containsOnly("frontend: GET /checkout");
    assertThat(texts(rows + " td.duration")).containsExactly("110ms", "100ms", "90.0ms", "80.0ms");
    assertThat(texts(rows + " td.spans")).containsOnly("7");
    assertThat(texts(rows + " td.errors")).containsExactly("0", "0", "2", "0");
    assertThat(texts(rows + "[data-trace-id='" + ServiceMapIT.traceId(1) + "'] td.services .badge"))
        .containsExactly("cart 4", "frontend 2", "payment 1");
    assertThat(ui.browser.driver().findElements(By.cssSelector("svg.scatter .point"))).hasSize(4);
    assertThat(ui.browser.driver().findElements(By.cssSelector("svg.scatter .point.error")))
        .hasSize(1);
    assertThat(ui.browser.await(By.cssSelector(".results .toolbar .total")).getText())
        .isEqualTo("4 traces");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theTracePageShowsTheSpanTreeAndASelectedSpansAttributes() {
    String trace = ServiceMapIT.traceId(1);
    ui.browser.open("/trace/" + trace);
    ui.browser.await(d -> texts(".trace-view .row .name").size() == 7);
    assertThat(texts(".trace-view .row .name")).containsExactly("GET /checkout", "POST /cart",
        "POST /cart", "SELECT orders", "POST /pay", "POST /pay", "SELECT orders");
    assertThat(texts(".trace-view .row .service"))
        .containsExactly("frontend", "frontend", "cart", "cart", "cart", "payment", "cart");
    assertThat(texts(".trace-view .row .duration")).containsExactly(
        "90.0ms", "80.0ms", "70.0ms", "5.00ms", "35.0ms", "30.0ms", "3.00ms");
    assertThat(texts(".trace-view .row.error .service")).containsExactly("cart", "payment");
    assertThat(texts(".trace-view .fact[data-fact='spans'] dd")).containsExactly("7");
    assertThat(texts(".trace-view .fact[data-fact='depth'] dd")).containsExactly("5");
    assertThat(texts(".trace-view .fact[data-fact='errors'] dd")).containsExactly("2");
    assertThat(texts(".trace-view .fact[data-fact='services'] dd"))
        .containsExactly("3: cart (4) frontend (2) payment (1)");

    ui.browser.await(By.cssSelector(".trace-view .row[data-span-id='0000000000000006'] .name"))
        .click();
    ui.browser.awaitText(By.cssSelector(".trace-view aside.detail h2"), "SELECT orders");
    assertThat(ui.browser.location()).isEqualTo("/trace/" + trace + "?span=0000000000000006");
    WebElement detail = ui.browser.await(By.cssSelector(".trace-view aside.detail"));
    assertThat(detail.getText()).contains("cart", "CLIENT", "0000000000000006", "5.00ms");
    assertThat(detail.findElement(By.xpath(".//dt[.='Parent']/following-sibling::dd[1]"))
        .getText()).isEqualTo("cart: POST /cart");
    assertThat(detail.findElements(By.cssSelector("table.attributes tr")))
        .extracting(WebElement::getText).contains("db.system postgresql string",
            "peer.service orders-db string", "service.name cart string");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void compareShowsTheOperationTable() {
    String a = ServiceMapIT.traceId(0);
    String b = ServiceMapIT.traceId(1);
    ui.browser.open("/compare?a=" + a + "&b=" + b);
    String rows = "table.operation-diff tbody tr";
    ui.browser.await(d -> texts(rows).size() == 6);
    assertThat(texts(rows + " td.service")).containsExactly(
        "cart", "cart", "frontend", "frontend", "payment", "cart");
    assertThat(texts(rows + " td.operation .name")).containsExactly(
        "POST /cart", "POST /pay", "GET /checkout", "POST /cart", "POST /pay", "SELECT orders");
    assertThat(texts(rows + " td.count-a")).containsExactly("1", "1", "1", "1", "1", "2");
    assertThat(texts(rows + " td.total-a"))
        .containsExactly("60.0ms", "25.0ms", "80.0ms", "70.0ms", "20.0ms", "6.00ms");
    assertThat(texts(rows + " td.total-b"))
        .containsExactly("70.0ms", "35.0ms", "90.0ms", "80.0ms", "30.0ms", "8.00ms");
    assertThat(texts(rows + " td.delta"))
        .containsExactly("+10.0ms", "+10.0ms", "+10.0ms", "+10.0ms", "+10.0ms", "+2.00ms");
    assertThat(texts(".operations .totals"))
        .containsExactly("6 operations: 0 only in A, 0 only in B");
    assertThat(texts(".trace-header .duration dd")).containsExactly("80.0ms", "90.0ms");
    assertThat(texts(".trace-header .spans dd")).containsExactly("7", "7");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theServiceMapShowsTheCallsAndTheDatabase() {
    ui.browser.open("/map");
    ui.browser.await(By.cssSelector(
        "svg.service-map g.edge[data-parent='cart'][data-child='orders-db']"));
    assertThat(edgeLabels("frontend", "cart")).first().isEqualTo("4 calls · 0% err");
    assertThat(edgeLabels("cart", "payment")).first().isEqualTo("4 calls · 25% err");
    assertThat(edgeLabels("cart", "orders-db")).first().isEqualTo("8 calls · 0% err");
    assertThat(ui.browser.driver().findElements(By.cssSelector("svg.service-map g.edge")))
        .hasSize(3);
    assertThat(ui.browser.driver().findElement(
        By.cssSelector("svg.service-map g.node[data-name='orders-db']")).getAttribute("class"))
        .contains("peer", "database");
    assertThat(ui.browser.await(By.cssSelector("p.map-summary")).getText()).isEqualTo(
        "3 services · 1 peer · 16 calls · from the service graph computed at ingest");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theServiceOverviewDrawsItsChartsAndOperationTable() {
    ui.browser.open("/services/cart?spanKind=all");
    ui.browser.await(By.cssSelector("table.operations tbody tr"));
    ui.browser.await(By.cssSelector("figure.chart[data-chart='latency'] circle"));
    for (String series : List.of("rate/rate", "errors/errors", "latency/p50", "latency/p95",
        "latency/p99")) {
      String[] chartAndSeries = series.split("/");
      assertThat(ui.browser.driver().findElements(By.cssSelector("figure.chart[data-chart='"
          + chartAndSeries[0] + "'] g.series[data-series='" + chartAndSeries[1] + "'] circle")))
          .as(series).hasSize(4);
    }
    String rows = "table.operations tbody tr";
    assertThat(texts(rows + " td:nth-child(1)"))
        .containsExactly("POST /cart", "POST /pay", "SELECT orders");
    assertThat(texts(rows + " td:nth-child(2)")).containsExactly("server", "client", "client");
    assertThat(texts(rows + " td:nth-child(3)")).containsExactly("4", "4", "8");
    assertThat(texts(rows + " td:nth-child(5)")).containsExactly("0%", "25%", "0%");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }
}
