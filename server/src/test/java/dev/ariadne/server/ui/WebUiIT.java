package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The web UI's shell: served on the query port, every view's URL, the guard headers, routing. */
class WebUiIT {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  @RegisterExtension static final UiServer ui = new UiServer();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void sendTraces() throws Exception {
    long start = TestTraces.millisAgo(60_000);
    TestTraces.send(ui.server.otlpHttpPort(), List.of(
        TestTraces.span(TRACE, "0000000000000001", "frontend", "GET /", start, 5_000_000)
            .kind("SERVER"),
        TestTraces.span(TRACE, "0000000000000002", "cart", "GET /cart", start + 1_000_000,
            2_000_000).parent("0000000000000001").kind("SERVER")));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui.server.queryPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyViewUrlAnswersTheIndexPageWithItsGuardHeaders() throws Exception {
    for (String path : List.of("/", "/search?service=cart", "/trace/" + TRACE, "/compare",
        "/map", "/services", "/services/cart")) {
      HttpResponse<String> page = get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("content-type")).as(path).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/html"));
      assertThat(page.body()).as(path).contains("<main id=\"view\"", "/static/app.js");
      assertThat(page.headers().firstValue("content-security-policy")).as(path)
          .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'")
              .contains("object-src 'none'"));
      assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }
  }

  @Test
  void assetsAreServedFromTheJarWithTheirTypes() throws Exception {
    HttpResponse<String> script = get("/static/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).contains("javascript"));
    assertThat(get("/static/style.css").headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/css"));
    assertThat(get("/static/no-such-file.js").statusCode()).isEqualTo(404);
    assertThat(get("/no-such-page").statusCode()).isEqualTo(404);
  }

  @Test
  void theServicesViewListsServicesAndLinksStayInThePage() throws Exception {
    ui.browser.open("/services?from=test");
    ui.browser.awaitText(By.cssSelector("ul.services a"), "frontend");
    assertThat(ui.browser.driver().findElements(By.cssSelector("ul.services a")))
        .extracting(e -> e.getText()).containsExactly("cart", "frontend");
    assertThat(ui.browser.await(By.cssSelector("header nav a.active")).getText())
        .isEqualTo("Services");
    ui.browser.screenshot("services");
    ui.browser.script("window.__sameDocument = true");
    ui.browser.driver().findElement(By.cssSelector("header nav a[href='/services']")).click();
    ui.browser.await(d -> ui.browser.location().equals("/services"));
    assertThat(ui.browser.script("return window.__sameDocument === true")).isEqualTo(true);
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  @Test
  void theHeaderNamesTheTimeZoneTimesAreShownIn() {
    ChromeDriver chrome = (ChromeDriver) ui.browser.driver();
    chrome.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Asia/Tokyo"));
    try {
      ui.browser.open("/services");
      WebElement zone = ui.browser.await(By.cssSelector("header.top .zone"));
      assertThat(zone.getText()).isEqualTo("UTC+09:00");
      assertThat(zone.getDomAttribute("title")).contains("Asia/Tokyo");
    } finally {
      chrome.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
    }
  }

  @Test
  void theHeadersBoxOpensATraceByItsIdOrByAPropagationHeaderFromAnyView() {
    ui.browser.open("/services");
    WebElement box = ui.browser.await(By.cssSelector("header form.lookup input[name=traceId]"));
    box.sendKeys("  " + TRACE.toUpperCase(Locale.ROOT) + " ", Keys.ENTER);

    ui.browser.await(d -> ui.browser.location().equals("/trace/" + TRACE));
    ui.browser.awaitText(By.cssSelector(".trace-view h1"), "frontend: GET /");
    assertThat(box.getAttribute("value")).as("emptied").isEmpty();

    for (String header : List.of("00-" + TRACE + "-0000000000000002-01",
        TRACE + ":0000000000000002:0000000000000001:1",
        TRACE.toUpperCase(Locale.ROOT) + "-0000000000000002-1-0000000000000001")) {
      ui.browser.open("/map");
      ui.browser.await(By.cssSelector("header form.lookup input[name=traceId]"))
          .sendKeys(header, Keys.ENTER);
      ui.browser.await(d -> ui.browser.location().equals("/trace/" + TRACE));
      ui.browser.awaitText(By.cssSelector(".trace-view h1"), "frontend: GET /");
    }
    assertThat(ui.browser.consoleErrors()).isEmpty();
  }

  /**
   * A view whose module could not be fetched (the server was down) loads once it can be: the
   * browser remembers a failed import of a URL, so the next try must ask under another.
   */
  @Test
  void aViewWhoseModuleFailedToLoadLoadsOnceTheServerAnswers() {
    ui.browser.open("/services");
    ui.browser.await(By.cssSelector("ul.services a"));
    ChromeDriver chromium = (ChromeDriver) ui.browser.driver();
    chromium.executeCdpCommand("Network.enable", Map.of());
    try {
      chromium.executeCdpCommand("Network.setBlockedURLs",
          Map.of("urls", List.of("*/static/pages/map.js*", "*/static/pages/compare.js*")));
      ui.browser.driver().findElement(By.cssSelector("header nav a[href='/map']")).click();
      assertThat(ui.browser.await(By.cssSelector("main [role=alert]")).getText())
          .startsWith("This page cannot be loaded").contains("/static/pages/map.js");
      ui.browser.driver().findElement(By.cssSelector("header nav a[href='/compare']")).click();
      ui.browser.await(d -> d.findElement(By.cssSelector("main [role=alert]")).getText()
          .contains("/static/pages/compare.js"));

      chromium.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
      ui.browser.awaitText(By.cssSelector("main button"), "Try again").click();
      ui.browser.awaitText(By.cssSelector("main h1"), "Compare traces");
      ui.browser.driver().findElement(By.cssSelector("header nav a[href='/map']")).click();
      ui.browser.awaitText(By.cssSelector("main h1"), "Service map");
    } finally {
      chromium.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
      chromium.executeCdpCommand("Network.disable", Map.of());
    }
  }

  @Test
  void anApiErrorIsShownAsAMessage() {
    ui.browser.open("/services");
    ui.browser.await(By.cssSelector("ul.services a"));
    ui.browser.script("window.fetch = () => Promise.resolve(new Response("
        + "'{\"status\":500,\"message\":\"storage is on fire\"}', {status: 500}))");
    ui.browser.driver().findElement(By.cssSelector("header nav a[href='/services']")).click();
    assertThat(ui.browser.await(By.cssSelector("[role=alert]")).getText())
        .contains("storage is on fire");
  }
}
