package dev.ariadne.exporter.otlp;

import static dev.ariadne.api.common.AttributeKey.stringKey;
import static dev.ariadne.exporter.otlp.TestObjects.RESOURCE;
import static dev.ariadne.exporter.otlp.TestObjects.SCOPE;
import static dev.ariadne.exporter.otlp.TestObjects.fullSpan;
import static dev.ariadne.exporter.otlp.TestObjects.rootSpan;
import static dev.ariadne.exporter.otlp.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.exporter.otlp.CollectorServer.Answer;
import dev.ariadne.exporter.otlp.CollectorServer.Request;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.PartialExportException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exporter against a real HTTP server on a loopback port. */
class OtlpHttpSpanExporterTest {
  private static final List<SpanData> TWO_SPANS = List.of(fullSpan(), rootSpan());

  private CollectorServer collector;
  private OtlpHttpSpanExporter exporter;

  @BeforeEach
  void startCollector() throws IOException {
    collector = CollectorServer.start();
  }

  @AfterEach
  void stopCollector() throws Exception {
    if (exporter != null) exporter.shutdown().get(10, TimeUnit.SECONDS);
    collector.close();
  }

  /** Quick retries so tests stay short; tests that measure timing set their own. */
  private OtlpHttpSpanExporter.Builder exporterBuilder() {
    return OtlpHttpSpanExporter.builder()
        .setEndpoint(collector.baseUrl())
        .setTimeout(Duration.ofSeconds(5))
        .setRetryBackoff(Duration.ofMillis(10), Duration.ofMillis(40), 1.5)
        .setMaxRetryTime(Duration.ofSeconds(5));
  }

  @Test
  void postsAGzippedProtobufRequestToV1TracesWithTheConfiguredHeaders() throws Exception {
    exporter = exporterBuilder().addHeader("Authorization", "Bearer s3cret").build();

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    Request request = collector.takeRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/traces");
    assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/x-protobuf");
    assertThat(request.headers().getFirst("Content-Encoding")).isEqualTo("gzip");
    assertThat(request.headers().getFirst("Authorization")).isEqualTo("Bearer s3cret");
    assertThat(request.headers().getFirst("User-Agent"))
        .isEqualTo("Ariadne-OTLP-Exporter-Java/" + System.getProperty("ariadne.version"));
    assertThat(request.body()).startsWith((byte) 0x1f, (byte) 0x8b);
    assertThat(request.decode()).isEqualTo(ExpectedProto.request(TWO_SPANS));
    assertThat(exporter.getExportedCount()).isEqualTo(2);
    assertThat(exporter.getFailedCount()).isZero();
    assertThat(exporter.getRetryCount()).isZero();
  }

  @Test
  void sendsAnUncompressedBodyWhenCompressionIsNone() throws Exception {
    exporter = exporterBuilder().setCompression("none").build();

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    Request request = collector.takeRequest();
    assertThat(request.headers().containsKey("Content-Encoding")).isFalse();
    assertThat(request.body()).isEqualTo(ExpectedProto.request(TWO_SPANS).toByteArray());
  }

  @Test
  void postsToTheTracesEndpointAsGiven() throws Exception {
    exporter = exporterBuilder().setTracesEndpoint(collector.baseUrl() + "/custom/path").build();

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    assertThat(collector.takeRequest().path()).isEqualTo("/custom/path");
  }

  @Test
  void retriesA503AndThenSucceeds() throws Exception {
    collector.enqueue(Answer.status(503), Answer.ok());
    exporter = exporterBuilder().build();

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    Request first = collector.takeRequest();
    Request second = collector.takeRequest();
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(exporter.getRetryCount()).isEqualTo(1);
    assertThat(exporter.getExportedCount()).isEqualTo(2);
    assertThat(exporter.getFailedCount()).isZero();
  }

  @Test
  void retriesTooManyRequestsAndEveryGatewayError() throws Exception {
    collector.enqueue(Answer.status(429), Answer.status(502), Answer.status(504), Answer.ok());
    exporter = exporterBuilder().build();

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    assertThat(exporter.getRetryCount()).isEqualTo(3);
    assertThat(exporter.getExportedCount()).isEqualTo(2);
  }

  @Test
  void waitsAtLeastTheRetryAfterHintBeforeRetrying() throws Exception {
    collector.enqueue(Answer.status(503).withHeader("Retry-After", "1"), Answer.ok());
    exporter = exporterBuilder().build(); // backoff alone would wait 5 to 10 ms

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    long first = collector.takeRequest().receivedNanos();
    long second = collector.takeRequest().receivedNanos();
    assertThat(Duration.ofNanos(second - first)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(exporter.getRetryCount()).isEqualTo(1);
  }

  @Test
  void keepsBackingOffWhenRetryAfterAsksForLess() throws Exception {
    collector.otherwiseAnswer(Answer.status(429).withHeader("Retry-After", "0"));
    exporter =
        exporterBuilder()
            .setRetryBackoff(Duration.ofMillis(200), Duration.ofMillis(200), 1)
            .setMaxRetryTime(Duration.ofSeconds(1))
            .build();

    assertThatThrownBy(() -> exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("HTTP 429");

    // Each wait is drawn from 100 to 200 ms: at most 11 attempts fit in the bound.
    int requests = collector.pendingRequests();
    assertThat(requests).isBetween(2, 11);
    long previous = collector.takeRequest().receivedNanos();
    for (int i = 1; i < requests; i++) {
      long received = collector.takeRequest().receivedNanos();
      assertThat(Duration.ofNanos(received - previous)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
      previous = received;
    }
  }

  @Test
  void givesUpAtOnceWhenRetryAfterAsksForMoreThanTheTimeLeft() throws Exception {
    collector.enqueue(Answer.status(429).withHeader("Retry-After", "3600"));
    exporter = exporterBuilder().build();

    CompletableFuture<Void> result = exporter.export(TWO_SPANS);

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("gave up after 1 attempt")
        .hasMessageContaining("HTTP 429");
    assertThat(exporter.getRetryCount()).isZero();
    assertThat(exporter.getFailedCount()).isEqualTo(2);
  }

  @Test
  void waitsForARetryAfterDateInEachOfTheThreeHttpDateFormats() throws Exception {
    for (String pattern :
        List.of(
            "EEE, dd MMM yyyy HH:mm:ss 'GMT'", // IMF-fixdate
            "EEEE, dd-MMM-yy HH:mm:ss 'GMT'", // RFC 850
            "EEE MMM ppd HH:mm:ss yyyy")) { // asctime
      String inTwoSeconds =
          DateTimeFormatter.ofPattern(pattern, Locale.US)
              .withZone(ZoneOffset.UTC)
              .format(Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2));
      collector.enqueue(Answer.status(503).withHeader("Retry-After", inTwoSeconds), Answer.ok());
      exporter = exporterBuilder().build(); // backoff alone would wait 5 to 10 ms

      exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

      long first = collector.takeRequest().receivedNanos();
      long second = collector.takeRequest().receivedNanos();
      assertThat(Duration.ofNanos(second - first))
          .as(inTwoSeconds)
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));
      assertThat(exporter.getRetryCount()).isEqualTo(1);
      exporter.shutdown().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void backsOffAsUsualAfterAMalformedOrPastRetryAfterAndSaysSoInTheDebugLog() throws Exception {
    List<String> malformed =
        List.of(
            "soon",
            "-5",
            "1.5",
            "Monday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov 31 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37");
    for (String value : malformed) {
      collector.enqueue(Answer.status(429).withHeader("Retry-After", value));
    }
    collector.enqueue(
        Answer.status(503).withHeader("Retry-After", "Sun Nov  6 08:49:37 1994"), Answer.ok());
    exporter = exporterBuilder().setMaxRetryTime(Duration.ofSeconds(10)).build();
    Logger logger = Logger.getLogger(OtlpHttpSpanExporter.class.getName());
    Level level = logger.getLevel();
    logger.setLevel(Level.ALL);
    List<LogRecord> records;
    try {
      records = logged(() -> exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS));
    } finally {
      logger.setLevel(level);
    }

    assertThat(exporter.getRetryCount()).isEqualTo(malformed.size() + 1);
    assertThat(exporter.getExportedCount()).isEqualTo(2);
    assertThat(records)
        .extracting(LogRecord::getMessage)
        .containsExactlyElementsOf(
            malformed.stream()
                .map(
                    value ->
                        "Unreadable Retry-After \"" + value + "\" from " + collector.baseUrl()
                            + "/v1/traces: backing off as usual")
                .collect(Collectors.toList()));
  }

  @Test
  void givesUpAtOnceWhenARetryAfterDateIsBeyondTheTimeLeft() throws Exception {
    List<String> farAhead =
        List.of(
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Fri Dec 31 23:59:59 9999",
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
                .withZone(ZoneOffset.UTC)
                .format(Instant.now().plus(Duration.ofDays(30))),
            "99999999999999999999");
    exporter = exporterBuilder().build();
    for (String value : farAhead) {
      collector.enqueue(Answer.status(429).withHeader("Retry-After", value));

      CompletableFuture<Void> result = exporter.export(TWO_SPANS);

      assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
          .as(value)
          .hasCauseInstanceOf(IOException.class)
          .hasMessageContaining("gave up after 1 attempt")
          .hasMessageContaining("HTTP 429");
      collector.takeRequest();
    }
    assertThat(exporter.getRetryCount()).isZero();
    assertThat(exporter.getFailedCount()).isEqualTo(2L * farAhead.size());
  }

  @Test
  void doesNotRetryA400AndCountsTheSpansAsFailed() throws Exception {
    collector.enqueue(
        Answer.status(400).withBody("text/plain", "span name is empty".getBytes(StandardCharsets.UTF_8)));
    exporter = exporterBuilder().build();

    CompletableFuture<Void> result = exporter.export(TWO_SPANS);

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 400 from " + collector.baseUrl() + "/v1/traces: span name is empty");
    assertThat(exporter.getFailedCount()).isEqualTo(2);
    assertThat(exporter.getExportedCount()).isZero();
    assertThat(exporter.getRetryCount()).isZero();
    collector.takeRequest();
    Thread.sleep(100); // several backoffs' worth: a retry would have arrived
    assertThat(collector.pendingRequests()).isZero();
  }

  @Test
  void theFirstLossIsLoggedOnceInOneLineThatCountsItsSpans() throws Exception {
    collector.otherwiseAnswer(
        Answer.status(404).withBody("text/plain", "no such path".getBytes(StandardCharsets.UTF_8)));
    exporter = exporterBuilder().build();

    List<LogRecord> records = logged(() -> {
      assertThatThrownBy(() -> exporter.export(List.of(rootSpan())).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class);
      assertThatThrownBy(() -> exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class);
    });

    String traces = collector.baseUrl() + "/v1/traces";
    assertThat(exporter.getFailedCount()).isEqualTo(3);
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getLevel()).isEqualTo(Level.WARNING);
              assertThat(r.getMessage())
                  .isEqualTo("OTLP export to " + traces + " failed and 1 span was lost: HTTP 404 from "
                      + traces + ": no such path. Reported once; later losses are counted in"
                      + " getFailedCount().");
              assertThat(r.getThrown()).as("no stack trace for an HTTP error").isNull();
            });
  }

  @Test
  void doesNotRetryA500() throws Exception {
    collector.enqueue(Answer.status(500));
    exporter = exporterBuilder().build();

    assertThatThrownBy(() -> exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("HTTP 500");
    assertThat(exporter.getRetryCount()).isZero();
  }

  @Test
  void givesUpWhenTheRetryTimeBoundHasPassedAndCountsTheLoss() throws Exception {
    collector.otherwiseAnswer(Answer.status(503));
    exporter =
        exporterBuilder()
            .setRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(100), 2)
            .setMaxRetryTime(Duration.ofMillis(600))
            .build();
    long start = System.nanoTime();

    CompletableFuture<Void> result = exporter.export(TWO_SPANS);

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("gave up after")
        .hasMessageContaining("retry time bound PT0.6S")
        .hasMessageContaining("HTTP 503");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    // It stops only when the next delay (at most 100 ms) would pass the 600 ms bound.
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(5));
    assertThat(exporter.getRetryCount()).isGreaterThanOrEqualTo(4);
    assertThat(exporter.getFailedCount()).isEqualTo(2);
    assertThat(exporter.getExportedCount()).isZero();
  }

  @Test
  void retriesARefusedConnectionAndThenFails() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    exporter =
        exporterBuilder()
            .setEndpoint("http://127.0.0.1:" + closedPort)
            .setMaxRetryTime(Duration.ofMillis(300))
            .build();

    CompletableFuture<Void> result = exporter.export(TWO_SPANS);

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .hasMessageContaining("gave up after")
        .hasMessageEndingWith("): could not connect")
        .hasStackTraceContaining(ConnectException.class.getName());
    assertThat(exporter.getRetryCount()).isGreaterThanOrEqualTo(1);
    assertThat(exporter.getFailedCount()).isEqualTo(2);
  }

  @Test
  void retriesAnAttemptThatTimesOut() throws Exception {
    collector.enqueue(Answer.ok().delayedBy(3_000), Answer.ok());
    exporter = exporterBuilder().setTimeout(Duration.ofMillis(300)).build();

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    assertThat(exporter.getRetryCount()).isEqualTo(1);
    assertThat(exporter.getExportedCount()).isEqualTo(2);
  }

  @Test
  void failsWithTheTimeoutWhenNoRetryIsAllowed() throws Exception {
    collector.enqueue(Answer.ok().delayedBy(3_000));
    exporter =
        exporterBuilder().setTimeout(Duration.ofMillis(300)).setMaxRetryTime(Duration.ZERO).build();

    // The JDK reports the timeout as HttpTimeoutException, or under load as a plain IOException
    // with the same message: the message is what both share.
    assertThatThrownBy(() -> exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IOException.class)
        .hasMessageContaining("request timed out");
    assertThat(exporter.getRetryCount()).isZero();
  }

  @Test
  void anAnswerWhoseBodyStallsTimesOutLikeOneThatNeverComes() throws Exception {
    CountDownLatch testOver = new CountDownLatch(1);
    HttpServer stalling =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService handlers = Executors.newCachedThreadPool();
    stalling.setExecutor(handlers);
    stalling.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, 100); // promises 100 bytes, sends 3
      exchange.getResponseBody().write(new byte[3]);
      exchange.getResponseBody().flush();
      try {
        testOver.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    stalling.start();
    try {
      exporter =
          exporterBuilder()
              .setEndpoint("http://localhost:" + stalling.getAddress().getPort())
              .setTimeout(Duration.ofMillis(300))
              .setMaxRetryTime(Duration.ofSeconds(1))
              .build();

      assertThatThrownBy(() -> exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("request timed out");
      assertThat(exporter.getRetryCount()).isGreaterThanOrEqualTo(1);
      assertThat(exporter.getFailedCount()).isEqualTo(2);
    } finally {
      testOver.countDown();
      stalling.stop(0);
      handlers.shutdown();
    }
  }

  @Test
  void countsTheSpansAPartialSuccessRejectedAndWarnsOnce() throws Exception {
    byte[] partialSuccess =
        ExportTraceServiceResponse.newBuilder()
            .setPartialSuccess(
                ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(1)
                    .setErrorMessage("span too old"))
            .build()
            .toByteArray();
    collector.otherwiseAnswer(Answer.ok().withBody("application/x-protobuf", partialSuccess));
    exporter = exporterBuilder().build();

    List<LogRecord> records = logged(() -> {
      exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);
      exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);
    });

    assertThat(exporter.getRejectedCount()).isEqualTo(2);
    assertThat(exporter.getExportedCount()).isEqualTo(2);
    assertThat(exporter.getFailedCount()).isZero();
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getLevel()).isEqualTo(Level.WARNING);
              assertThat(r.getMessage()).contains("rejected 1 of 2 spans: span too old");
            });
  }

  @Test
  void aSuccessWhosePartialSuccessHasANegativeLengthCountsAsExported() throws Exception {
    byte[] minusOne = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    ByteArrayOutputStream messageOfLengthMinusOne = new ByteArrayOutputStream();
    messageOfLengthMinusOne.write(new byte[] {0x0a, 11, 0x12}); // partial_success.error_message
    messageOfLengthMinusOne.write(minusOne);
    // An unknown field whose length, -11, leads back to the start of the body.
    byte[] unknownFieldOfLengthMinusEleven = {0x2a, (byte) 0xf5, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    collector.enqueue(
        Answer.ok().withBody("application/x-protobuf", messageOfLengthMinusOne.toByteArray()),
        Answer.ok().withBody("application/x-protobuf", unknownFieldOfLengthMinusEleven));
    exporter = exporterBuilder().build();

    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);
    exporter.export(TWO_SPANS).get(10, TimeUnit.SECONDS);

    assertThat(exporter.getExportedCount()).isEqualTo(4);
    assertThat(exporter.getRejectedCount()).isZero();
  }

  @Test
  void returnsBeforeTheCollectorAnswers() throws Exception {
    collector.enqueue(Answer.ok().delayedBy(2_000));
    exporter = exporterBuilder().build();

    long start = System.nanoTime();
    CompletableFuture<Void> result = exporter.export(TWO_SPANS);
    Duration exportCall = Duration.ofNanos(System.nanoTime() - start);

    assertThat(exportCall).isLessThan(Duration.ofSeconds(1));
    assertThat(result).isNotDone();
    result.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void flushCompletesNormallyWhenTheExportsInFlightHaveCompletedEvenIfOneFailed() throws Exception {
    collector.enqueue(Answer.ok().delayedBy(500), Answer.status(400).delayedBy(500));
    exporter = exporterBuilder().build();
    CompletableFuture<Void> first = exporter.export(List.of(fullSpan()));
    CompletableFuture<Void> second = exporter.export(List.of(rootSpan()));

    CompletableFuture<Void> flushed = exporter.flush();

    assertThat(flushed).isNotDone();
    flushed.get(10, TimeUnit.SECONDS);
    assertThat(first).isDone();
    assertThat(second).isDone();
    // Which request the server answered with 400 depends on which arrived first.
    assertThat(first.isCompletedExceptionally()).isNotEqualTo(second.isCompletedExceptionally());
  }

  @Test
  void flushCompletesAtOnceWhenNothingIsInFlight() {
    exporter = exporterBuilder().build();

    assertThat(exporter.flush()).isCompleted();
  }

  @Test
  void shutdownWaitsForExportsInFlightThenMakesLaterExportsFailFast() throws Exception {
    collector.enqueue(Answer.ok().delayedBy(300));
    exporter = exporterBuilder().build();
    CompletableFuture<Void> inFlight = exporter.export(TWO_SPANS);

    exporter.shutdown().get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> late = exporter.export(TWO_SPANS);

    assertThat(inFlight).isCompleted();
    assertThat(late).isCompletedExceptionally();
    assertThatThrownBy(late::join).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(exporter.getExportedCount()).isEqualTo(2);
    assertThat(exporter.getFailedCount()).isEqualTo(2);
    collector.takeRequest();
    assertThat(collector.pendingRequests()).isZero();
  }

  @Test
  void cancelStopsTheRetriesAndCountsTheSpansAsFailed() throws Exception {
    collector.otherwiseAnswer(Answer.status(503));
    exporter =
        exporterBuilder().setRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(50), 1).build();
    CompletableFuture<Void> result = exporter.export(TWO_SPANS);
    collector.takeRequest();
    collector.takeRequest();

    assertThat(result.cancel(false)).isTrue();

    assertThat(result).isCancelled();
    assertThat(exporter.getFailedCount()).isEqualTo(2);
    assertThat(exporter.getExportedCount()).isZero();
    exporter.flush().get(10, TimeUnit.SECONDS);
    Thread.sleep(100); // an attempt in flight may still arrive; none after it
    int arrived = collector.pendingRequests();
    Thread.sleep(300); // six backoffs' worth: a retry would have arrived
    assertThat(collector.pendingRequests()).isEqualTo(arrived);
    assertThat(exporter.getFailedCount()).isEqualTo(2);
  }

  @Test
  void cancelAfterTheCollectorAcceptedChangesNothing() throws Exception {
    exporter = exporterBuilder().build();
    CompletableFuture<Void> result = exporter.export(TWO_SPANS);
    result.get(10, TimeUnit.SECONDS);

    assertThat(result.cancel(false)).isFalse();

    assertThat(result).isCompleted();
    assertThat(exporter.getExportedCount()).isEqualTo(2);
    assertThat(exporter.getFailedCount()).isZero();
  }

  /** Eight small spans, the sixth ({@code span 5}) carrying a 200 kB attribute. */
  private static List<SpanData> eightSpansOneLarge() {
    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < 8; i++) spans.add(span("span " + i, i + 1, RESOURCE, SCOPE));
    spans.set(
        5,
        span("span 5", 6, RESOURCE, SCOPE).toBuilder()
            .attributes(Attributes.of(stringKey("payload"), "x".repeat(200_000)))
            .build());
    return spans;
  }

  private static List<String> spanNames(Request request) {
    return request.decode().getResourceSpans(0).getScopeSpans(0).getSpansList().stream()
        .map(io.opentelemetry.proto.trace.v1.Span::getName)
        .collect(Collectors.toList());
  }

  @Test
  void splitsABatchTheCollectorFindsTooLargeAndLosesOnlyTheSpanTooLargeAlone() throws Exception {
    collector.refuseBodiesOver(100_000);
    exporter = exporterBuilder().setCompression("none").build();

    CompletableFuture<Void> result = exporter.export(eightSpansOneLarge());

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(PartialExportException.class)
        .hasMessage("1 of 8 spans were lost: HTTP 413 from " + collector.baseUrl()
            + "/v1/traces: request too large")
        .extracting(e -> ((PartialExportException) e).getFailedSpanCount())
        .isEqualTo(1);
    assertThat(exporter.getExportedCount()).isEqualTo(7);
    assertThat(exporter.getFailedCount()).isEqualTo(1);
    assertThat(exporter.getRetryCount()).isZero();
    // 8 refused; halves of 4: one refused; of 2: one refused; of 1: span 5 refused.
    List<String> accepted = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 7; i++) {
      Request request = collector.takeRequest();
      if (request.body().length > 100_000) {
        refused++;
      } else {
        accepted.addAll(spanNames(request));
      }
    }
    assertThat(refused).isEqualTo(4);
    assertThat(accepted)
        .containsExactlyInAnyOrder("span 0", "span 1", "span 2", "span 3", "span 4", "span 6",
            "span 7");
    Thread.sleep(100);
    assertThat(collector.pendingRequests()).isZero();
  }

  @Test
  void losesASpanTooLargeAloneWithoutRetrying() throws Exception {
    collector.refuseBodiesOver(100_000);
    exporter = exporterBuilder().setCompression("none").build();

    List<SpanData> large = eightSpansOneLarge().subList(5, 6);

    assertThatThrownBy(() -> exporter.export(large).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 413");
    assertThat(exporter.getFailedCount()).isEqualTo(1);
    assertThat(exporter.getRetryCount()).isZero();
    collector.takeRequest();
    Thread.sleep(100);
    assertThat(collector.pendingRequests()).isZero();
  }

  @Test
  void doesNotSplitOnceTheRetryTimeBoundHasPassed() throws Exception {
    collector.refuseBodiesOver(100_000);
    exporter =
        exporterBuilder().setCompression("none").setMaxRetryTime(Duration.ZERO).build();

    assertThatThrownBy(() -> exporter.export(eightSpansOneLarge()).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 413");
    assertThat(exporter.getFailedCount()).isEqualTo(8);
    collector.takeRequest();
    Thread.sleep(100);
    assertThat(collector.pendingRequests()).isZero();
  }

  @Test
  void cancelReachesTheHalvesOfASplitBatch() throws Exception {
    collector.refuseBodiesOver(100_000).otherwiseAnswer(Answer.status(503));
    exporter =
        exporterBuilder()
            .setCompression("none")
            .setRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(50), 1)
            .build();
    CompletableFuture<Void> result = exporter.export(eightSpansOneLarge());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (exporter.getFailedCount() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
    assertThat(exporter.getFailedCount()).as("span 5 was refused alone").isEqualTo(1);

    assertThat(result.cancel(false)).isTrue();

    assertThat(result).isCancelled();
    assertThat(exporter.getFailedCount()).isEqualTo(8);
    assertThat(exporter.getExportedCount()).isZero();
    exporter.flush().get(10, TimeUnit.SECONDS);
    Thread.sleep(100); // attempts in flight may still arrive; none after them
    int arrived = collector.pendingRequests();
    Thread.sleep(300);
    assertThat(collector.pendingRequests()).isEqualTo(arrived);
  }

  @Test
  void neverThrowsFromExportEvenWhenGivenNull() {
    exporter = exporterBuilder().build();

    CompletableFuture<Void> result = exporter.export(null);

    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::join).hasCauseInstanceOf(NullPointerException.class);
  }

  @Test
  void sendsNothingForAnEmptyBatch() throws Exception {
    exporter = exporterBuilder().build();

    assertThat(exporter.export(List.of())).isCompleted();
    Thread.sleep(100);
    assertThat(collector.pendingRequests()).isZero();
  }

  @Test
  void leavesHeadersOutOfItsDescription() {
    exporter = exporterBuilder().addHeader("api-key", "s3cret").build();

    assertThat(exporter.toString()).contains(collector.baseUrl()).doesNotContain("s3cret");
  }

  /** Something a test does that may throw. */
  private interface Action {
    void run() throws Exception;
  }

  /** What the exporter logs while {@code action} runs. */
  private static List<LogRecord> logged(Action action) throws Exception {
    Logger logger = Logger.getLogger(OtlpHttpSpanExporter.class.getName());
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler handler = recordingHandler(records);
    logger.addHandler(handler);
    try {
      action.run();
    } finally {
      logger.removeHandler(handler);
    }
    return records;
  }

  private static Handler recordingHandler(List<LogRecord> records) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}
