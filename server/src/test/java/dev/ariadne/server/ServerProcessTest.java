package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.storage.embedded.EmbeddedStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ariadne server} as its own process, the way a user runs it. */
class ServerProcessTest {

  private static Process start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  private static Process start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    return builder.start();
  }

  @TempDir Path dataDir;

  @Test
  void printsWhereItListensAndStopsCleanlyOnSigterm() throws Exception {
    Process server =
        start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1", "--query-port", "0", "--otlp-grpc-port", "0",
            "--otlp-http-port", "0", "--zipkin-port", "0", "--jaeger-thrift-http-port", "0",
            "--jaeger-grpc-port", "0", "--set", "shutdown.drain-seconds=2");
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("ariadne: storage")) break;
      }
      server.toHandle().destroy(); // SIGTERM, leaving our end of its output open
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
      while ((line = out.readLine()) != null) lines.add(line);
    } finally {
      server.destroyForcibly();
    }

    assertThat(lines).contains("ariadne: listening");
    assertThat(lines).anyMatch(l -> l.contains("OTLP HTTP") && l.matches(".*port \\d+"));
    assertThat(lines).contains("ariadne: stopping, draining in-flight requests");
    assertThat(lines).as("a plain start and stop logs no warning")
        .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
  }

  /**
   * What senders see while a stopping server drains: requests that arrive are still answered (and
   * their spans kept), and an upload stalled halfway does not hold the stop past {@code
   * shutdown.drain-seconds}: it is cut then, unacknowledged (its connection closed, or a 503 when
   * its body was still arriving), which OTLP exporters retry.
   */
  @Test
  void drainingOnSigtermAnswersNewRequestsAndCutsAStalledUploadAtTheDrainTime()
      throws Exception {
    Process server = start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
        "--otlp-http-port", "0", "--disable", "otlp-grpc,zipkin,jaeger-thrift-http,jaeger-grpc",
        "--query-port", "0", "--set", "shutdown.drain-seconds=2");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      int port = otlpHttpPort(out);
      try (Socket stalled = new Socket("127.0.0.1", port)) {
        OutputStream upload = stalled.getOutputStream();
        upload.write(("POST /v1/traces HTTP/1.1\r\nHost: ariadne\r\n"
            + "Content-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        upload.write(new byte[10]);
        upload.flush();

        long sigterm = System.nanoTime();
        server.toHandle().destroy();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ariadne: stopping")) {
          // Lines before the shutdown hook's.
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest export = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
            .header("content-type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.noBody()).build();
        List<Integer> duringDrain = new ArrayList<>();
        InputStream answer = stalled.getInputStream();
        while (answer.available() == 0 && System.nanoTime() - sigterm < TimeUnit.SECONDS.toNanos(1)) {
          duringDrain.add(http.send(export, HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        stalled.setSoTimeout(30_000);
        String status = new BufferedReader(new InputStreamReader(answer, StandardCharsets.US_ASCII))
            .readLine();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
        long stoppedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);

        assertThat(duringDrain).as("answers to requests sent during the drain")
            .isNotEmpty().containsOnly(200);
        assertThat(status).as("the stalled upload's answer")
            .isIn(null, "HTTP/1.1 503 Service Unavailable");
        // The drain time and Netty's two-second quiet period make about 4 s; held by the stalled
        // upload, the stop would last until the web server's own 10 s request timeout. The bound
        // sits between, with room for a slow machine: it tells the two apart, it times nothing.
        assertThat(stoppedAfter).as("ms from SIGTERM to exit").isLessThan(8_000);
      }
    } finally {
      server.destroyForcibly();
    }
  }

  private static final Pattern OTLP_HTTP_PORT = Pattern.compile("^\\s+OTLP HTTP.* port (\\d+)$");

  /** Reads the server's start-up lines up to the last, and returns the OTLP HTTP port. */
  private static int otlpHttpPort(BufferedReader out) throws IOException {
    int port = -1;
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("ariadne: analytics")) {
      Matcher matcher = OTLP_HTTP_PORT.matcher(line);
      if (matcher.matches()) {
        port = Integer.parseInt(matcher.group(1));
      }
    }
    assertThat(port).as("OTLP HTTP port printed").isPositive();
    return port;
  }

  @Test
  void aPortInUseStopsStartUpWithOneLineNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Process server = start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
          "--query-port", Integer.toString(taken.getLocalPort()), "--disable",
          "otlp-grpc,otlp-http,zipkin,jaeger-thrift-http,jaeger-grpc");
      String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isEqualTo(1);
      assertThat(output).contains("ariadne server: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + " for query (web UI, native and Jaeger APIs, /metrics): ");
      assertThat(output).as("no stack trace").doesNotContain("\tat ");
    }
  }

  @Test
  void aDataDirectoryInUseStopsStartUpWithOneLineNamingIt() throws Exception {
    try (EmbeddedStorage holder = EmbeddedStorage.builder(dataDir).open()) {
      Process server = start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
          "--query-port", "0", "--disable",
          "otlp-grpc,otlp-http,zipkin,jaeger-thrift-http,jaeger-grpc");
      String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isEqualTo(1);
      assertThat(output).contains("ariadne server: cannot open the data directory " + dataDir
          + ": in use by another Ariadne server (its lock file is held)");
      assertThat(output).as("no stack trace").doesNotContain("\tat ");
    }
  }

  @ParameterizedTest(name = "--data-dir {0}")
  @ValueSource(strings = {"a-file", "a-file/data"})
  void aDataDirectoryThatIsAFileOrCannotBeMadeStopsStartUpWithOneLineSayingSo(String given)
      throws Exception {
    Files.writeString(dataDir.resolve("a-file"), "not a directory");
    Path wanted = dataDir.resolve(given);
    Process server = start("server", "--data-dir", wanted.toString(), "--host", "127.0.0.1",
        "--query-port", "0", "--disable",
        "otlp-grpc,otlp-http,zipkin,jaeger-thrift-http,jaeger-grpc");
    String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isEqualTo(1);
    assertThat(output.strip())
        .isEqualTo("ariadne server: cannot open the data directory " + wanted + ": Not a directory");
  }

  @Test
  void anInvalidSettingStopsStartUpWithAMessageNamingIt() throws Exception {
    Process server = start("server", "--zipkin-port", "http");
    String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isEqualTo(2);
    assertThat(output)
        .contains("receivers.zipkin.port (ARIADNE_RECEIVERS_ZIPKIN_PORT, from flag): \"http\" is invalid");
  }

  @Test
  void anEnvironmentVariableThatSetsNothingIsWarnedOfBeforeStartUpGoesOn() throws Exception {
    Process server = start(Map.of("ARIADNE_QUERY_PROT", "9999"), "server", "--zipkin-port", "http");
    String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output.lines()).containsExactly(
        "ariadne server: warning: ARIADNE_QUERY_PROT is not a setting and is ignored;"
            + " did you mean ARIADNE_QUERY_PORT?",
        "ariadne server: receivers.zipkin.port (ARIADNE_RECEIVERS_ZIPKIN_PORT, from flag): \"http\""
            + " is invalid (expected: a port number from 0 to 65535)");
  }
}
