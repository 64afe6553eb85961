package dev.ariadne.server.ui;

import static dev.ariadne.server.ui.TestTraces.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Compare view in a real browser: both headers, the per-operation differences (shared
 * operations, operations only in one trace), sorting, changing the IDs and unknown traces.
 */
class CompareIT {
  private static final String A = "c0a4e0000000000000000000000000a1";
  private static final String B = "c0a4e0000000000000000000000000b2";
  private static final String ROWS = "table.operation-diff tbody tr";
  @RegisterExtension static final UiServer ui = new UiServer();

  @BeforeAll
  static void sendTraces() throws Exception {
    long a = TestTraces.millisAgo(4 * 60_000);
    long b = TestTraces.millisAgo(2 * 60_000);
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(A, "00000000000000a1", "frontend", "GET /checkout", a, ms(100))
            .kind("SERVER"),
        TestTraces.span(A, "00000000000000a2", "cart", "GET /cart", a + ms(5), ms(40))
            .parent("00000000000000a1").kind("SERVER"),
        TestTraces.span(A, "00000000000000a3", "payment", "POST /pay", a + ms(50), ms(30))
            .parent("00000000000000a1").kind("SERVER"),
        TestTraces.span(B, "00000000000000b1", "frontend", "GET /checkout", b, ms(150))
            .kind("SERVER"),
        TestTraces.span(B, "00000000000000b2", "cart", "GET /cart", b + ms(5), ms(100))
            .parent("00000000000000b1").kind("SERVER"),
        TestTraces.span(B, "00000000000000b3", "cart", "cache.get", b + ms(6), ms(5))
            .parent("00000000000000b2").kind("CLIENT").error("timeout")));
  }

  private List<String> texts(String selector) {
    return ((List<?>) ui.browser.script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())",
        selector)).stream().map(String::valueOf).toList();
  }

  /** The operation names of the table's rows, in order, once they are these. */
  private void awaitOperations(String... expected) {
    List<String> want = List.of(expected);
    String names = ROWS + " td.operation .name";
    try {
      ui.browser.await(d -> texts(names).equals(want));
    } catch (TimeoutException e) {
      assertThat(texts(names)).as("the page says: %s", texts("main")).isEqualTo(want);
    }
  }

  private String cell(String operation, String column) {
    WebElement row = ui.browser.await(d -> d.findElements(By.cssSelector(ROWS)).stream()
        .filter(r -> r.findElement(By.cssSelector("td.operation .name")).getText()
            .equals(operation))
        .findFirst().orElse(null));
    return row.findElement(By.cssSelector("td." + column)).getText();
  }

  @Test
  void sharedOperationsShowTheirDifferenceAndOthersWhichTraceHasThem() throws IOException {
    ui.browser.open("/compare?a=" + A + "&b=" + B);
    awaitOperations("GET /cart", "GET /checkout", "POST /pay", "cache.get");
    assertThat(texts(".side-a h2 a")).containsExactly(A);
    assertThat(texts(".side-b h2 a")).containsExactly(B);
    assertThat(texts(".trace-header .duration dd")).containsExactly("100ms", "150ms");
    assertThat(texts(".trace-header .spans dd")).containsExactly("3", "3");
    assertThat(texts(".trace-header .root dd"))
        .containsExactly("frontend: GET /checkout", "frontend: GET /checkout");

    assertThat(cell("GET /cart", "total-a")).isEqualTo("40.0ms");
    assertThat(cell("GET /cart", "total-b")).isEqualTo("100ms");
    assertThat(cell("GET /cart", "delta")).isEqualTo("+60.0ms");
    assertThat(cell("GET /cart", "ratio")).isEqualTo("+150%");
    assertThat(cell("GET /checkout", "delta")).isEqualTo("+50.0ms");
    assertThat(cell("GET /checkout", "ratio")).isEqualTo("+50%");

    assertThat(cell("cache.get", "count-a")).isEqualTo("–");
    assertThat(cell("cache.get", "count-b")).isEqualTo("1");
    assertThat(cell("cache.get", "delta")).isEqualTo("+5.00ms");
    assertThat(texts(ROWS + ".only-b td.operation .badge")).containsExactly("only in B");
    assertThat(texts(ROWS + ".only-b td.service")).containsExactly("cart");

    assertThat(cell("POST /pay", "count-b")).isEqualTo("–");
    assertThat(cell("POST /pay", "delta")).isEqualTo("−30.0ms");
    assertThat(cell("POST /pay", "ratio")).isEqualTo("−100%");
    assertThat(texts(ROWS + ".only-a td.operation .badge")).containsExactly("only in A");
    assertThat(texts(".operations .totals"))
        .containsExactly("4 operations: 1 only in A, 1 only in B");
    ui.browser.screenshot("compare");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void sortingByNameIsKeptInTheUrl() {
    ui.browser.open("/compare?a=" + A + "&b=" + B);
    awaitOperations("GET /cart", "GET /checkout", "POST /pay", "cache.get");
    new Select(ui.browser.await(By.cssSelector(".operations select[name=sort]")))
        .selectByVisibleText("Service and operation");
    awaitOperations("cache.get", "GET /cart", "GET /checkout", "POST /pay");
    assertThat(ui.browser.location()).isEqualTo("/compare?a=" + A + "&b=" + B + "&sort=name");
    ui.browser.driver().navigate().refresh();
    awaitOperations("cache.get", "GET /cart", "GET /checkout", "POST /pay");
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theTraceIdsCanBeChangedAndSwapped() {
    ui.browser.open("/compare?a=" + A + "&b=" + A);
    awaitOperations("GET /cart", "GET /checkout", "POST /pay");
    assertThat(texts(ROWS + " td.delta")).containsOnly("0ns");
    WebElement b = ui.browser.await(By.cssSelector(".compare-form input[name=b]"));
    b.clear();
    b.sendKeys(B);
    ui.browser.await(By.cssSelector(".compare-form button[type=submit]")).click();
    ui.browser.await(d -> ui.browser.location().equals(
        "/compare?a=" + A + "&b=" + B + "&sort=difference"));
    awaitOperations("GET /cart", "GET /checkout", "POST /pay", "cache.get");

    ui.browser.await(By.cssSelector(".compare-form button.swap")).click();
    ui.browser.await(d -> ui.browser.location().equals(
        "/compare?a=" + B + "&b=" + A + "&sort=difference"));
    awaitOperations("GET /cart", "GET /checkout", "POST /pay", "cache.get");
    assertThat(cell("GET /cart", "delta")).isEqualTo("−60.0ms");
    assertThat(texts(ROWS + ".only-a td.operation .name")).containsExactly("cache.get");
    assertThat(texts(ROWS + ".only-b td.operation .name")).containsExactly("POST /pay");

    ui.browser.driver().navigate().back();
    ui.browser.await(d -> ui.browser.location().equals(
        "/compare?a=" + A + "&b=" + B + "&sort=difference"));
    awaitOperations("GET /cart", "GET /checkout", "POST /pay", "cache.get");
    assertThat(cell("GET /cart", "delta")).isEqualTo("+60.0ms");
  }

  @Test
  void anUnknownTraceIsAMessage() {
    ui.browser.open("/compare?a=" + A + "&b=ffff");
    assertThat(ui.browser.await(By.cssSelector(".side-b [role=alert]")).getText()).isEqualTo(
        "Trace B: trace 0000000000000000000000000000ffff: not found (404)");
    assertThat(texts(".side-a h2 a")).containsExactly(A);
    assertThat(ui.browser.driver().findElements(By.cssSelector("table.operation-diff"))).isEmpty();
  }

  @Test
  void aMalformedTraceIdIsAMessage() {
    ui.browser.open("/compare?a=not-hex&b=" + B);
    assertThat(ui.browser.await(By.cssSelector(".side-a [role=alert]")).getText())
        .startsWith("Trace A: ").contains("not-hex", "(400)");
  }

  @Test
  void withoutTwoIdsTheViewAsksForThem() {
    ui.browser.open("/compare?a=" + A);
    assertThat(ui.browser.await(By.cssSelector(".comparison .state.empty")).getText())
        .isEqualTo("Enter two trace IDs, or tick two traces in the search results.");
    assertThat(ui.browser.await(By.cssSelector(".compare-form input[name=a]"))
        .getDomProperty("value")).isEqualTo(A);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }
}
