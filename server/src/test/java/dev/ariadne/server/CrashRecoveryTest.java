package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The promise that an acknowledged span is never lost, tested the hard way: the server runs as
 * its own process on the embedded engine while senders post traces, is killed with SIGKILL at a
 * chosen moment, and is started again on the same data directory; every trace whose request was
 * acknowledged must come back whole, and no span twice.
 */
class CrashRecoveryTest {
  private static final int SPANS_PER_TRACE = 4;
  private static final int SENDERS = 4;
  private static final Pattern PORT = Pattern.compile("^\\s+(.+?)\\s+port (\\d+)$");

  @TempDir Path dataDir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void killedWhileAppendingToTheWal() throws Exception {
    Server server = Server.start(dataDir, null);
    Load load = Load.start(this, server.port("Zipkin"));
    load.awaitAcknowledged(2_000);
    server.kill();
    load.stop();
    assertEveryAcknowledgedTraceIsWhole(load);
  }

  /**
   * Killed at a crash point: {@code cut-written} (a block is written, its WAL segments are not yet
   * deleted) or {@code compaction-written} (a compacted block is written, its sources are not yet
   * deleted). Senders go on until the kill, so the WAL also holds writes that followed.
   */
  @ParameterizedTest
  @ValueSource(strings = {"cut-written", "compaction-written"})
  void killedAtACrashPointOfTheBackgroundWork(String crashPoint) throws Exception {
    Server server = Server.start(dataDir, crashPoint);
    Load load = Load.start(this, server.port("Zipkin"));
    server.awaitCrashPoint();
    load.awaitAcknowledged(load.acknowledgedCount() + 200);
    server.kill();
    load.stop();
    assertEveryAcknowledgedTraceIsWhole(load);
  }

  private void assertEveryAcknowledgedTraceIsWhole(Load load) throws Exception {
    assertThat(load.acknowledged).isNotEmpty();
    Server restarted = Server.start(dataDir, null);
    try {
      int zipkin = restarted.port("Zipkin");
      List<String> incomplete = new ArrayList<>();
      for (String traceId : load.acknowledged) {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + zipkin + "/api/v2/trace/" + traceId))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          incomplete.add(traceId + ": HTTP " + response.statusCode());
          continue;
        }
        JsonNode spans = json.readTree(response.body());
        Set<String> ids = new HashSet<>();
        spans.forEach(span -> ids.add(span.get("id").asText()));
        if (spans.size() != SPANS_PER_TRACE || ids.size() != SPANS_PER_TRACE) {
          incomplete.add(traceId + ": " + spans.size() + " spans, " + ids.size() + " distinct");
        }
      }
      assertThat(incomplete)
          .as("acknowledged traces missing spans or holding duplicates, of %d acknowledged",
              load.acknowledged.size())
          .isEmpty();
    } finally {
      restarted.kill();
    }
  }

  /** The server as its own process, with small heads and blocks so that cuts come often. */
  private static final class Server {
    private final Process process;
    private final Map<String, Integer> ports;
    private final CountDownLatch crashPoint = new CountDownLatch(1);

    private Server(Process process, Map<String, Integer> ports) {
      this.process = process;
      this.ports = ports;
    }

    static Server start(Path dataDir, String crashPointName) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx512m");
      if (crashPointName != null) {
        command.add("-Dariadne.storage.crashPoint=" + crashPointName);
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
          "--query-port", "0", "--zipkin-port", "0",
          "--disable", "otlp-grpc,otlp-http,jaeger-thrift-http,jaeger-grpc,jaeger-compact,jaeger-binary,sampling",
          "--set", "embedded.head-max-spans=2000",
          "--set", "embedded.compaction-target-spans=20000",
          "--set", "embedded.compaction-fan-in=4",
          "--set", "shutdown.drain-seconds=0"));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Map<String, Integer> ports = new HashMap<>();
      String line;
      List<String> seen = new ArrayList<>();
      while ((line = out.readLine()) != null) {
        seen.add(line);
        Matcher port = PORT.matcher(line);
        if (port.matches()) {
          ports.put(port.group(1), Integer.parseInt(port.group(2)));
        }
        if (line.startsWith("ariadne: storage")) {
          break;
        }
      }
      if (line == null) {
        throw new IllegalStateException("the server did not start: " + String.join("\n", seen));
      }
      Server server = new Server(process, ports);
      Thread reader = new Thread(() -> server.drain(out), "crash-test-server-output");
      reader.setDaemon(true);
      reader.start();
      return server;
    }

    private void drain(BufferedReader out) {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.contains("crash point") && line.contains("reached")) {
            crashPoint.countDown();
          }
        }
      } catch (IOException e) {
        // The process is gone.
      }
    }

    int port(String prefix) {
      return ports.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .findFirst().orElseThrow(() -> new IllegalStateException("no port for " + prefix
              + " in " + ports))
          .getValue();
    }

    void awaitCrashPoint() throws InterruptedException {
      assertThat(crashPoint.await(120, TimeUnit.SECONDS)).as("crash point reached").isTrue();
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Senders posting Zipkin JSON traces, remembering the trace IDs of acknowledged requests. */
  private static final class Load {
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> senders = new ArrayList<>();
    private final CrashRecoveryTest test;
    private final int port;

    private Load(CrashRecoveryTest test, int port) {
      this.test = test;
      this.port = port;
    }

    static Load start(CrashRecoveryTest test, int port) {
      Load load = new Load(test, port);
      for (int i = 0; i < SENDERS; i++) {
        Thread sender = new Thread(load::send, "crash-test-sender-" + i);
        sender.setDaemon(true);
        load.senders.add(sender);
        sender.start();
      }
      return load;
    }

    int acknowledgedCount() {
      return acknowledged.size();
    }

    void awaitAcknowledged(int traces) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (acknowledged.size() < traces && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(acknowledged.size()).as("acknowledged traces").isGreaterThanOrEqualTo(traces);
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread sender : senders) {
        sender.join(TimeUnit.SECONDS.toMillis(30));
      }
    }

    private void send() {
      URI uri = URI.create("http://127.0.0.1:" + port + "/api/v2/spans");
      while (running.get()) {
        List<String> traceIds = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        for (int t = 0; t < 5; t++) {
          String traceId = hex(32);
          traceIds.add(traceId);
          appendTrace(body, traceId);
        }
        body.setCharAt(body.length() - 1, ']');
        try {
          HttpResponse<Void> response = test.http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
              HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() / 100 == 2) {
            acknowledged.addAll(traceIds);
          }
        } catch (IOException e) {
          // Killed mid-request, or refused: not acknowledged, so nothing is promised.
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private static void appendTrace(StringBuilder body, String traceId) {
      long start = System.currentTimeMillis() * 1000;
      String root = hex(16);
      String parent = root;
      for (int s = 0; s < SPANS_PER_TRACE; s++) {
        String id = s == 0 ? root : hex(16);
        body.append("{\"traceId\":\"").append(traceId).append("\",\"id\":\"").append(id).append('"');
        if (s > 0) {
          body.append(",\"parentId\":\"").append(parent).append('"');
        }
        body.append(",\"name\":\"op-").append(s).append("\",\"kind\":\"SERVER\",\"timestamp\":")
            .append(start + s).append(",\"duration\":").append(1000 - s)
            .append(",\"localEndpoint\":{\"serviceName\":\"service-").append(s)
            .append("\"},\"tags\":{\"http.route\":\"/items/").append(s).append("\"}},");
        parent = id;
      }
    }

    private static String hex(int digits) {
      StringBuilder hex = new StringBuilder(digits);
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < digits; i++) {
        hex.append(Character.forDigit(random.nextInt(16), 16));
      }
      if (hex.charAt(digits - 1) == '0') {
        hex.setCharAt(digits - 1, '1');
      }
      return hex.toString();
    }
  }
}
