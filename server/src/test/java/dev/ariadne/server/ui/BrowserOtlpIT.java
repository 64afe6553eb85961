package dev.ariadne.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.JavascriptExecutor;

/**
 * A web page posting OTLP/JSON to the OTLP HTTP receiver, which listens on another port and so
 * another origin, as OpenTelemetry JS's exporter does from a browser: the browser makes its own
 * CORS preflight and decides, with and without allowed origins on the server.
 */
class BrowserOtlpIT {
  @RegisterExtension
  static final UiServer allowing =
      new UiServer(Map.of("receivers.otlp-http.cors-allowed-origins", "*"));

  @RegisterExtension static final UiServer closed = new UiServer();

  private final HttpClient http = HttpClient.newHttpClient();

  /** Posts one span from a page of the query port (no content policy there: /health). */
  private static String postFromPage(UiServer ui, String traceId) {
    ui.browser.open("/health");
    long now = System.currentTimeMillis() * 1_000_000L;
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
        + "\"value\":{\"stringValue\":\"browser\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
        + traceId + "\",\"spanId\":\"00000000000000b1\",\"name\":\"click\",\"startTimeUnixNano\":\""
        + now + "\",\"endTimeUnixNano\":\"" + (now + 1_000_000) + "\"}]}]}]}";
    return (String) ((JavascriptExecutor) ui.browser.driver()).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch(arguments[0], {method: 'POST', body: arguments[1],"
            + " headers: {'Content-Type': 'application/json'}})"
            + ".then(answer => done('status ' + answer.status), error => done('refused'));",
        "http://127.0.0.1:" + ui.server.otlpHttpPort() + "/v1/traces", body);
  }

  private int traceStatus(UiServer ui, String traceId) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + ui.server.queryPort() + "/api/v1/traces/" + traceId))
            .build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aPageMaySendSpansWhenTheServerAllowsItsOrigin() throws Exception {
    String traceId = "b0000000000000000000000000000b01";

    assertThat(postFromPage(allowing, traceId)).isEqualTo("status 200");
    assertThat(traceStatus(allowing, traceId)).isEqualTo(200);
  }

  @Test
  void withoutAllowedOriginsTheBrowserRefusesAndNothingIsSent() throws Exception {
    String traceId = "b0000000000000000000000000000b02";

    assertThat(postFromPage(closed, traceId)).isEqualTo("refused");
    assertThat(traceStatus(closed, traceId)).isEqualTo(404);
  }
}
