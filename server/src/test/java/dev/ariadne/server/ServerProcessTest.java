package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.TraceId;
import dev.ariadne.storage.TestSpans;
import dev.ariadne.storage.embedded.EmbeddedStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
            "--jaeger-grpc-port", "0", "--jaeger-compact-port", "0", "--jaeger-binary-port", "0",
            "--sampling-port", "0",
            "--set", "shutdown.drain-seconds=2");
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
    assertThat(lines).anyMatch(l -> l.contains("Jaeger compact Thrift (UDP)") && l.matches(".*port \\d+"));
    assertThat(lines).anyMatch(l -> l.contains("Jaeger binary Thrift (UDP)") && l.matches(".*port \\d+"));
    assertThat(lines).contains("ariadne: stopping, draining in-flight requests");
    assertThat(lines).as("a plain start and stop logs no warning")
        .noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
  }

  /**
   * What senders see while a stopping server drains: new exports are refused at once with 503 and
   * {@code Retry-After}, and an upload stalled halfway does not hold the stop past {@code
   * shutdown.drain-seconds}: it is answered then, 503 with {@code Retry-After}, which OTLP
   * exporters retry.
   */
  @Test
  void drainingOnSigtermRefusesNewRequestsWithRetryAfterAndAnswersAStalledUpload503AtTheDrainTime()
      throws Exception {
    Process server = start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
        "--otlp-http-port", "0", "--disable", "otlp-grpc,zipkin,jaeger-thrift-http,jaeger-grpc,jaeger-compact,jaeger-binary,sampling",
        "--query-port", "0", "--set", "shutdown.drain-seconds=2");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      Map<String, Integer> ports = ports(out);
      int port = ports.get("OTLP HTTP");
      try (Socket stalled = new Socket("127.0.0.1", port)) {
        OutputStream upload = stalled.getOutputStream();
        upload.write(("POST /v1/traces HTTP/1.1\r\nHost: ariadne\r\n"
            + "Content-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        upload.write(new byte[10]);
        upload.flush();
        awaitInFlight(ports.get("query"));

        server.toHandle().destroy();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ariadne: stopping")) {
          // Lines before the shutdown hook's.
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest export = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
            .header("content-type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<Void> duringDrain = http.send(export, HttpResponse.BodyHandlers.discarding());
        stalled.setSoTimeout(30_000);
        BufferedReader answer = new BufferedReader(
            new InputStreamReader(stalled.getInputStream(), StandardCharsets.US_ASCII));
        String status = answer.readLine();
        List<String> headers = new ArrayList<>();
        for (String header = answer.readLine(); header != null && !header.isEmpty();
            header = answer.readLine()) {
          headers.add(header.toLowerCase(Locale.ROOT));
        }
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();

        assertThat(duringDrain.statusCode()).as("a request sent during the drain").isEqualTo(503);
        assertThat(duringDrain.headers().firstValue("retry-after")).hasValue("1");
        assertThat(status).as("the stalled upload's answer")
            .isEqualTo("HTTP/1.1 503 Service Unavailable");
        assertThat(headers).contains("retry-after: 1");
      }
    } finally {
      server.destroyForcibly();
    }
  }

  /**
   * A stop under steady traffic: from SIGTERM on, new exports are refused at once with 503 and
   * {@code Retry-After} (so the sender retries elsewhere or after the restart), the ones in flight
   * are acknowledged once stored, and the drain ends as soon as none is left, long before {@code
   * shutdown.drain-seconds}: every span acknowledged is there after the restart.
   */
  @Test
  void aStopUnderSteadyTrafficEndsOnceNothingIsInFlightAndKeepsEveryAcknowledgedSpan()
      throws Exception {
    int drainSeconds = 20;
    Process server = start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
        "--otlp-http-port", "0", "--disable", "otlp-grpc,zipkin,jaeger-thrift-http,jaeger-grpc,jaeger-compact,jaeger-binary,sampling",
        "--query-port", "0", "--set", "shutdown.drain-seconds=" + drainSeconds);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    List<String> refusals = new CopyOnWriteArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      URI traces = URI.create("http://127.0.0.1:" + otlpHttpPort(out) + "/v1/traces");
      CountDownLatch sending = new CountDownLatch(20);
      Thread sender = new Thread(() -> {
        HttpClient http = HttpClient.newHttpClient();
        while (true) {
          String traceId = TestSpans.randomTraceId().toHex();
          HttpResponse<String> response;
          try {
            response = http.send(HttpRequest.newBuilder(traces)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(otlpJson(traceId))).build(),
                HttpResponse.BodyHandlers.ofString());
          } catch (IOException e) {
            return; // the port is closed: the server has stopped
          } catch (InterruptedException e) {
            return;
          }
          if (response.statusCode() == 200) {
            acknowledged.add(traceId);
          } else {
            refusals.add(response.statusCode() + " Retry-After: "
                + response.headers().firstValue("retry-after").orElse("none"));
          }
          sending.countDown();
        }
      }, "steady-sender");
      sender.start();
      assertThat(sending.await(30, TimeUnit.SECONDS)).as("exports answered").isTrue();
      server.toHandle().destroy();

      assertThat(server.waitFor(drainSeconds, TimeUnit.SECONDS))
          .as("stopped within shutdown.drain-seconds").isTrue();
      sender.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(sender.isAlive()).isFalse();
    } finally {
      server.destroyForcibly();
    }

    assertThat(refusals).as("answers other than 200").containsOnly("503 Retry-After: 1");
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(20);
    try (EmbeddedStorage storage = EmbeddedStorage.builder(dataDir).open()) {
      for (String traceId : acknowledged) {
        assertThat(storage.trace(TraceId.fromHex(traceId))).as("trace " + traceId).hasSize(1);
      }
    }
  }

  private static String otlpJson(String traceId) {
    long now = System.currentTimeMillis() * 1_000_000;
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
        + "\"value\":{\"stringValue\":\"steady\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
        + traceId + "\",\"spanId\":\"086e83747d0e381e\",\"name\":\"export\","
        + "\"startTimeUnixNano\":\"" + now + "\",\"endTimeUnixNano\":\"" + (now + 1000) + "\"}]}]}]}";
  }

  private static final Pattern OTLP_HTTP_PORT = Pattern.compile("^\\s+OTLP HTTP.* port (\\d+)$");
  private static final Pattern PORT = Pattern.compile("^\\s+(OTLP HTTP|query).* port (\\d+)$");

  /** Reads the server's start-up lines up to the last; the query and OTLP HTTP ports. */
  private static Map<String, Integer> ports(BufferedReader out) throws IOException {
    Map<String, Integer> ports = new HashMap<>();
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("ariadne: analytics")) {
      Matcher matcher = PORT.matcher(line);
      if (matcher.matches()) {
        ports.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
      }
    }
    assertThat(ports).containsKeys("OTLP HTTP", "query");
    return ports;
  }

  /** Waits until {@code /metrics} says the collector has taken a request it has not answered. */
  private static void awaitInFlight(int queryPort) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest metrics =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + queryPort + "/metrics")).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!http.send(metrics, HttpResponse.BodyHandlers.ofString()).body()
        .contains("ariadne_collector_requests_in_flight 1.0")) {
      assertThat(System.nanoTime()).as("in flight before the deadline").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

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
          "otlp-grpc,otlp-http,zipkin,jaeger-thrift-http,jaeger-grpc,jaeger-compact,jaeger-binary,sampling");
      String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isEqualTo(1);
      assertThat(output).contains("ariadne server: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + " for query (web UI, native and Jaeger APIs, /metrics): ");
      assertThat(output).as("no stack trace").doesNotContain("\tat ");
    }
  }

  @Test
  void aUdpPortInUseStopsStartUpWithOneLineNamingThePort() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Process server = start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
          "--query-port", "0", "--jaeger-binary-port", "0",
          "--jaeger-compact-port", Integer.toString(taken.getLocalPort()), "--disable",
          "otlp-grpc,otlp-http,zipkin,jaeger-thrift-http,jaeger-grpc");
      String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isEqualTo(1);
      assertThat(output).contains("ariadne server: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + " for Jaeger compact Thrift (UDP): Address already in use\n");
      assertThat(output).as("no stack trace").doesNotContain("\tat ");
    }
  }

  @Test
  void aDataDirectoryInUseStopsStartUpWithOneLineNamingIt() throws Exception {
    try (EmbeddedStorage holder = EmbeddedStorage.builder(dataDir).open()) {
      Process server = start("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
          "--query-port", "0", "--disable",
          "otlp-grpc,otlp-http,zipkin,jaeger-thrift-http,jaeger-grpc,jaeger-compact,jaeger-binary,sampling");
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
        "otlp-grpc,otlp-http,zipkin,jaeger-thrift-http,jaeger-grpc,jaeger-compact,jaeger-binary,sampling");
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
