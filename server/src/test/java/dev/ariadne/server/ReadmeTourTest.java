package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's five-minute tour, read from the README itself and run against the server on free
 * ports: its span posted as the tour posts it, then every URL it reads. A tour that stops working
 * fails here rather than in a new user's first five minutes.
 */
class ReadmeTourTest {
  private static final Path README = Path.of("..", "README.md");
  /** A {@code curl} of the tour: its method, URL and, for a POST, its body in single quotes. */
  private static final Pattern CURL = Pattern.compile(
      "curl (?:-X (?<method>POST) -H '[^']*' )?'?(?<url>http://localhost:(?<port>\\d+)[^'\\s]*)'?"
          + "(?: -d '(?<body>[^']*)')?",
      Pattern.DOTALL);

  private static LoopbackServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = LoopbackServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private record Curl(String method, URI uri, String body) {}

  /** The tour's curl commands in order, aimed at the test server's ports. */
  private static List<Curl> tour() throws Exception {
    String readme = Files.readString(README);
    int start = readme.indexOf("## A five-minute tour");
    int end = readme.indexOf("\n## ", start + 1);
    assertThat(start).as("the README has its tour").isNotNegative();
    List<Curl> curls = new ArrayList<>();
    Matcher curl = CURL.matcher(readme.substring(start, end < 0 ? readme.length() : end));
    while (curl.find()) {
      int port = switch (Integer.parseInt(curl.group("port"))) {
        case 9411 -> server.zipkinPort();
        case 16686 -> server.queryPort();
        default -> throw new AssertionError("the tour uses port " + curl.group("port"));
      };
      String url = curl.group("url").replace(":" + curl.group("port") + "/", ":" + port + "/");
      curls.add(new Curl(curl.group("method") == null ? "GET" : "POST", URI.create(url),
          curl.group("body")));
    }
    return curls;
  }

  @Test
  void everyCommandOfTheTourAnswersAsTheReadmeSays() throws Exception {
    List<Curl> curls = tour();
    assertThat(curls).as("the tour's commands").hasSizeGreaterThanOrEqualTo(7);
    assertThat(curls.get(0).method()).isEqualTo("POST");

    for (Curl curl : curls) {
      HttpRequest.Builder request = HttpRequest.newBuilder(curl.uri());
      if (curl.body() != null) {
        request.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(curl.body()));
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as("%s %s: %s", curl.method(), curl.uri(), response.body())
          .isEqualTo(curl.body() != null ? 202 : 200);
      if (curl.uri().getPath().contains("7bba9f33312b3dbb8b2c2c62bb7abe2d")) {
        assertThat(response.body()).as(curl.uri().toString()).contains("086e83747d0e381e");
      }
    }
  }
}
