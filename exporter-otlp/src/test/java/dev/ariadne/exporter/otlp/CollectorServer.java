package dev.ariadne.exporter.otlp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server on an ephemeral loopback port standing in for an OTLP/HTTP collector: records
 * each request and answers with the next scripted {@link Answer}, or 200 when none is left.
 */
final class CollectorServer implements AutoCloseable {
  record Answer(int status, Map<String, String> headers, byte[] body, long delayMillis) {
    static Answer ok() {
      return status(200);
    }

    static Answer status(int status) {
      return new Answer(status, Map.of(), new byte[0], 0);
    }

    Answer withHeader(String name, String value) {
      Map<String, String> all = new java.util.LinkedHashMap<>(headers);
      all.put(name, value);
      return new Answer(status, Map.copyOf(all), body, delayMillis);
    }

    Answer withBody(String contentType, byte[] bytes) {
      return withHeader("Content-Type", contentType).withBodyOnly(bytes);
    }

    private Answer withBodyOnly(byte[] bytes) {
      return new Answer(status, headers, bytes, delayMillis);
    }

    Answer delayedBy(long millis) {
      return new Answer(status, headers, body, millis);
    }
  }

  record Request(String method, String path, Headers headers, byte[] body, long receivedNanos) {
    /** The body, gunzipped if it says it is gzipped. */
    byte[] plainBody() {
      if (!"gzip".equals(headers.getFirst("Content-Encoding"))) return body;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    ExportTraceServiceRequest decode() {
      try {
        return ExportTraceServiceRequest.parseFrom(plainBody());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private volatile Answer whenScriptIsDone = Answer.ok();
  private volatile int maxBodyBytes = Integer.MAX_VALUE;

  private CollectorServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  static CollectorServer start() throws IOException {
    return new CollectorServer();
  }

  /** The base URL, {@code http://127.0.0.1:port}, without a path. */
  String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /** Answers the next requests with {@code answers}, in order. */
  CollectorServer enqueue(Answer... answers) {
    script.addAll(java.util.List.of(answers));
    return this;
  }

  /** Answers every request that finds the script empty with {@code answer}. */
  CollectorServer otherwiseAnswer(Answer answer) {
    whenScriptIsDone = answer;
    return this;
  }

  /** Answers 413 to every request whose body is larger than {@code bytes}, before the script. */
  CollectorServer refuseBodiesOver(int bytes) {
    maxBodyBytes = bytes;
    return this;
  }

  /** The next request received, waiting up to 10 s for it. */
  Request takeRequest() throws InterruptedException {
    Request request = requests.poll(10, TimeUnit.SECONDS);
    if (request == null) throw new AssertionError("no request arrived within 10 s");
    return request;
  }

  /** Requests received and not yet taken. */
  int pendingRequests() {
    return requests.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders(),
              body,
              System.nanoTime()));
      Answer answer =
          body.length > maxBodyBytes
              ? Answer.status(413)
                  .withBody("text/plain", "request too large".getBytes(StandardCharsets.UTF_8))
              : script.poll();
      if (answer == null) answer = whenScriptIsDone;
      if (answer.delayMillis() > 0) Thread.sleep(answer.delayMillis());
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
