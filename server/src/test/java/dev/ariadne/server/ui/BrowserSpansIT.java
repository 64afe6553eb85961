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
 * A web page posting spans to a receiver, which listens on another port and so another origin, as
 * OpenTelemetry JS's exporter (OTLP/JSON) and zipkin-js (Zipkin JSON) do from a browser: the
 * browser makes its own CORS preflight and decides, with and without allowed origins.
 */
class BrowserSpansIT {
  @RegisterExtension
  static final UiServer allowing =
      new UiServer(Map.of("receivers.otlp-http.cors-allowed-origins", "*"));

  @RegisterExtension static final UiServer closed = new UiServer();

  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * Posts JSON to {@code port} from a page of the query port (one without a content policy:
   * /health); answers "status" and the code, or "refused" when the browser would not send it.
   */
  private static String postFromPage(UiServer ui, int port, String path, String json) {
    ui.browser.open("/health");
    return (String) ((JavascriptExecutor) ui.browser.driver()).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch(arguments[0], {method: 'POST', body: arguments[1],"
            + " headers: {'Content-Type': 'application/json'}})"
            + ".then(answer => done('status ' + answer.status), error => done('refused'));",
        "http://127.0.0.1:" + port + path, json);
  }

  /** One span as OTLP/JSON, as OpenTelemetry JS's exporter posts it. */
  private static String postOtlp(UiServer ui, String traceId) {
    long now = System.currentTimeMillis() * 1_000_000L;
    return postFromPage(ui, ui.server.otlpHttpPort(), "/v1/traces",
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
            + "\"value\":{\"stringValue\":\"browser\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
            + "\"" + traceId + "\",\"spanId\":\"00000000000000b1\",\"name\":\"click\","
            + "\"startTimeUnixNano\":\"" + now + "\",\"endTimeUnixNano\":\"" + (now + 1_000_000)
            + "\"}]}]}]}");
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

    assertThat(postOtlp(allowing, traceId)).isEqualTo("status 200");
    assertThat(traceStatus(allowing, traceId)).isEqualTo(200);
  }

  @Test
  void aPageMaySendZipkinSpansByDefaultAsWithZipkin() throws Exception {
    long micros = System.currentTimeMillis() * 1000;

    String answer = postFromPage(closed, closed.server.zipkinPort(), "/api/v2/spans",
        "[{\"traceId\":\"b0000000000000000000000000000b03\",\"id\":\"00000000000000b1\","
            + "\"name\":\"click\",\"timestamp\":" + micros + ",\"duration\":1000,"
            + "\"localEndpoint\":{\"serviceName\":\"browser\"}}]");

    assertThat(answer).isEqualTo("status 202");
    assertThat(traceStatus(closed, "b0000000000000000000000000000b03")).isEqualTo(200);
  }

  @Test
  void withoutAllowedOriginsTheBrowserRefusesAndNothingIsSent() throws Exception {
    String traceId = "b0000000000000000000000000000b02";

    assertThat(postOtlp(closed, traceId)).isEqualTo("refused");
    assertThat(traceStatus(closed, traceId)).isEqualTo(404);
  }
}
