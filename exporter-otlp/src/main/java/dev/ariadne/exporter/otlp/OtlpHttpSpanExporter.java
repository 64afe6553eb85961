package dev.ariadne.exporter.otlp;

import static java.util.Objects.requireNonNull;

import dev.ariadne.api.internal.Version;
import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.export.PartialExportException;
import dev.ariadne.sdk.export.SpanExporter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends finished spans to a collector or agent as OTLP/HTTP: a protobuf {@code
 * ExportTraceServiceRequest}, gzipped by default, posted to {@code {endpoint}/v1/traces}.
 *
 * <p>{@link #export} encodes the spans on the calling thread (CPU only) and returns at once; the
 * request travels on the exporter's own daemon threads. Its future completes normally on a 2xx
 * answer. On 429, 502, 503, 504 or a connection error the request is sent again after a jittered
 * exponential backoff (by default 1 s growing by 1.5 up to 5 s, each delay drawn from half to all
 * of it), or after the collector's {@code Retry-After} when that asks for longer, for as long as
 * the next attempt can start within 30 s of the first; other answers fail at once. A failed future
 * means the spans are not known to have been delivered, and they are counted as failed. The
 * collector's partial success is read: rejected spans are counted and its message is logged once.
 * Cancelling the future stops the retries and counts the spans as failed, unless the collector has
 * answered already (the batch processor cancels what is left when its shutdown time is up). A
 * request on the wire when it is cancelled may still reach the collector: a failed span is one
 * whose delivery was not confirmed, not necessarily one lost. Nothing here throws from {@code
 * export}; errors arrive through the future. Thread-safe.
 */
public final class OtlpHttpSpanExporter implements SpanExporter {
  static final String DEFAULT_ENDPOINT = "http://localhost:4318";
  static final String TRACES_PATH = "/v1/traces";

  private static final System.Logger LOGGER =
      System.getLogger(OtlpHttpSpanExporter.class.getName());
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

  private final URI endpoint;
  private final Map<String, String> headers;
  private final Duration timeout;
  private final boolean gzip;
  private final RetryPolicy retryPolicy;
  private final ExecutorService executor;
  private final HttpClient client;
  private final HttpRequest.Builder requestTemplate;

  private final LongAdder exportedSpans = new LongAdder();
  private final LongAdder failedSpans = new LongAdder();
  private final LongAdder rejectedSpans = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final AtomicBoolean partialSuccessReported = new AtomicBoolean();
  private final AtomicBoolean failureReported = new AtomicBoolean();

  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private final Object lifecycleLock = new Object();
  private volatile boolean shutdown;

  private OtlpHttpSpanExporter(Builder builder) {
    this.endpoint = builder.endpoint;
    this.headers = Map.copyOf(builder.headers);
    this.timeout = builder.timeout;
    this.gzip = builder.gzip;
    this.retryPolicy =
        new RetryPolicy(
            builder.initialBackoff, builder.maxBackoff, builder.multiplier, builder.maxRetryTime);
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              String name = "ariadne-otlp-http-" + THREAD_NUMBER.incrementAndGet();
              Thread thread = new Thread(task, name);
              thread.setDaemon(true);
              return thread;
            });
    HttpClient.Builder client = HttpClient.newBuilder().executor(executor).connectTimeout(timeout);
    // Plain http stays on HTTP/1.1: some servers mishandle the h2c upgrade on a POST.
    if ("http".equalsIgnoreCase(endpoint.getScheme())) client.version(HttpClient.Version.HTTP_1_1);
    this.client = client.build();
    this.requestTemplate = HttpRequest.newBuilder(endpoint).timeout(timeout);
    builder.headers.forEach(requestTemplate::setHeader);
    requestTemplate.setHeader("Content-Type", "application/x-protobuf");
    requestTemplate.setHeader("User-Agent", "Ariadne-OTLP-Exporter-Java/" + Version.get());
    if (gzip) requestTemplate.setHeader("Content-Encoding", "gzip");
  }

  /** A builder whose defaults send to {@code http://localhost:4318/v1/traces}, gzipped. */
  public static Builder builder() {
    return new Builder();
  }

  /** Spans the collector accepted: those in 2xx answers, less the ones it said it rejected. */
  public long getExportedCount() {
    return exportedSpans.sum();
  }

  /**
   * Spans whose delivery was not confirmed: not sent, given up on after retries, refused with a
   * non-retryable status, or cancelled before the collector answered (a request on the wire then
   * may still have reached it).
   */
  public long getFailedCount() {
    return failedSpans.sum();
  }

  /** Spans a collector's partial success said it rejected. */
  public long getRejectedCount() {
    return rejectedSpans.sum();
  }

  /** Requests sent again after a retryable failure. */
  public long getRetryCount() {
    return retries.sum();
  }

  @Override
  public CompletableFuture<Void> export(Collection<SpanData> spans) {
    if (spans == null) return lose(0, new NullPointerException("spans"));
    int count = spans.size();
    if (shutdown) return lose(count, new IllegalStateException("exporter is shut down"));
    if (count == 0) return CompletableFuture.completedFuture(null);
    Delivery delivery = new Delivery(spans, System.nanoTime() + retryPolicy.maxRetryTimeNanos);
    synchronized (lifecycleLock) {
      if (shutdown) return lose(count, new IllegalStateException("exporter is shut down"));
      inFlight.add(delivery);
    }
    delivery.whenComplete((ignored, error) -> inFlight.remove(delivery));
    delivery.start();
    return delivery;
  }

  /**
   * Completes normally once every export started before this call has completed, whether it
   * succeeded or not: failures are reported by each export's own future and by the counters.
   */
  @Override
  public CompletableFuture<Void> flush() {
    CompletableFuture<?>[] pending = inFlight.toArray(new CompletableFuture<?>[0]);
    return CompletableFuture.allOf(pending).handle((ignored, error) -> null);
  }

  /**
   * Makes later exports fail at once, and completes when the exports in flight have completed,
   * retries included. The daemon threads end by themselves once idle.
   */
  @Override
  public CompletableFuture<Void> shutdown() {
    synchronized (lifecycleLock) {
      shutdown = true;
    }
    return flush();
  }

  URI endpoint() {
    return endpoint;
  }

  Map<String, String> headers() {
    return headers;
  }

  Duration timeout() {
    return timeout;
  }

  boolean gzip() {
    return gzip;
  }

  @Override
  public String toString() {
    // Headers are left out: they often carry credentials.
    return "OtlpHttpSpanExporter{endpoint=" + endpoint + ", compression=" + (gzip ? "gzip" : "none")
        + ", timeout=" + timeout + '}';
  }

  private CompletableFuture<Void> lose(int spanCount, Throwable reason) {
    recordLoss(spanCount, reason);
    return CompletableFuture.failedFuture(reason);
  }

  private void recordLoss(int spanCount, Throwable reason) {
    failedSpans.add(spanCount);
    if (failureReported.compareAndSet(false, true)) {
      String message =
          "OTLP export to " + endpoint + " failed and " + spans(spanCount) + " lost: "
              + describeAll(reason) + ". Reported once; later losses are counted in"
              + " getFailedCount().";
      // A refused connection or an HTTP error is said in full by its message; anything else
      // is unexpected, and its stack trace is kept.
      if (reason instanceof IOException || reason instanceof IllegalStateException) {
        LOGGER.log(Level.WARNING, message);
      } else {
        LOGGER.log(Level.WARNING, message, reason);
      }
    }
  }

  private static String spans(long count) {
    return count == 1 ? "1 span was" : count + " spans were";
  }

  /** The messages of {@code error} and of its causes that have one, each said once. */
  private static String describeAll(Throwable error) {
    StringBuilder text = new StringBuilder(describe(error));
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      String more = cause.getMessage();
      if (more != null && text.indexOf(more) < 0) text.append(": ").append(more);
    }
    return text.toString();
  }

  /**
   * One request's trip to the collector, with its retries, and the future its caller holds. The
   * first of the collector's final answer, giving up, and {@link #cancel} settles it: counts its
   * spans, then completes it. A 413 (too large) splits it instead: each half is a delivery of its
   * own, with the same deadline, and this one completes once both have, failing with a {@link
   * PartialExportException} if only some spans were lost.
   */
  private final class Delivery extends CompletableFuture<Void> {
    private static final int SENDING = 0;
    private static final int SETTLED = 1;
    private static final int SPLIT = 2;

    private final AtomicInteger state = new AtomicInteger(SENDING);
    private final Collection<SpanData> spans;
    private final int spanCount;
    private final long deadline;
    private HttpRequest request;
    private long backoffNanos;
    private int attempts;
    private volatile List<Delivery> halves = List.of();

    /** {@code deadline}: on {@link System#nanoTime()}'s scale, when retries may no longer start. */
    Delivery(Collection<SpanData> spans, long deadline) {
      this.spans = spans;
      this.spanCount = spans.size();
      this.deadline = deadline;
      this.backoffNanos = retryPolicy.initialBackoffNanos;
    }

    /** Encodes the spans (on the calling thread) and sends the first attempt. */
    void start() {
      if (state.get() != SENDING) return; // a half cancelled before it started
      try {
        byte[] body = TraceRequestMarshaler.encode(spans, gzip);
        request = requestTemplate.copy().POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      } catch (IOException | RuntimeException e) {
        giveUp(new IOException("could not encode " + spanCount + " spans", e));
        return;
      }
      send();
    }

    /**
     * Sends one attempt, which may take the timeout in all: the request's own timeout ends only
     * the wait for the answer's headers, so a body that stalls would hold the attempt for ever.
     */
    void send() {
      if (state.get() != SENDING) return; // cancelled while a retry waited
      attempts++;
      try {
        CompletableFuture<HttpResponse<byte[]>> attempt =
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        attempt
            .copy()
            .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
            .whenComplete(
                (response, error) -> {
                  if (unwrap(error) instanceof TimeoutException) {
                    attempt.cancel(true); // closes the connection, on Java 16 and later
                    error = new HttpTimeoutException("request timed out after " + timeout);
                  }
                  onResponse(response, error);
                });
      } catch (RuntimeException e) {
        giveUp(new IOException("could not send to " + endpoint, e));
      }
    }

    private void onResponse(HttpResponse<byte[]> response, Throwable error) {
      try {
        if (error != null) {
          Throwable cause = unwrap(error);
          if (cause instanceof IOException) {
            retryOrGiveUp((IOException) cause, -1);
          } else {
            giveUp(cause);
          }
          return;
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          succeed(response);
          return;
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        String detail = CollectorResponse.describeError(contentType, response.body());
        IOException failure =
            new IOException(
                "HTTP " + status + " from " + endpoint + (detail.isEmpty() ? "" : ": " + detail));
        if (RetryPolicy.isRetryable(status)) {
          String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
          long retryAfterNanos = RetryPolicy.retryAfterNanos(retryAfter, Instant.now());
          if (retryAfter != null && retryAfterNanos < 0) {
            LOGGER.log(
                Level.DEBUG,
                "Unreadable Retry-After \"" + retryAfter + "\" from " + endpoint
                    + ": backing off as usual");
          }
          retryOrGiveUp(failure, retryAfterNanos);
        } else if (status == 413 && spanCount > 1 && deadline - System.nanoTime() > 0) {
          split();
        } else {
          giveUp(failure);
        }
      } catch (RuntimeException e) {
        giveUp(e);
      }
    }

    private void succeed(HttpResponse<byte[]> response) {
      if (!state.compareAndSet(SENDING, SETTLED)) return;
      CollectorResponse answer = CollectorResponse.FULL_SUCCESS;
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      if (contentType.contains("protobuf")) {
        try {
          answer = CollectorResponse.parse(response.body());
        } catch (IllegalArgumentException e) {
          LOGGER.log(Level.DEBUG, "Unreadable OTLP response from " + endpoint, e);
        }
      }
      long rejected = Math.max(0, Math.min(answer.rejectedSpans, spanCount));
      rejectedSpans.add(rejected);
      exportedSpans.add(spanCount - rejected);
      if (answer.isPartialSuccess() && partialSuccessReported.compareAndSet(false, true)) {
        LOGGER.log(
            Level.WARNING,
            "The collector at " + endpoint + " rejected " + answer.rejectedSpans + " of "
                + spanCount + (spanCount == 1 ? " span: " : " spans: ") + answer.errorMessage
                + ". Reported once; rejected spans are counted in getRejectedCount().");
      }
      complete(null);
    }

    private void retryOrGiveUp(IOException failure, long retryAfterNanos) {
      if (state.get() != SENDING) return; // cancelled during the attempt
      long delay = RetryPolicy.delay(backoffNanos, retryAfterNanos);
      backoffNanos = retryPolicy.nextBackoff(backoffNanos);
      if (delay > deadline - System.nanoTime()) {
        giveUp(
            new IOException(
                "gave up after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                    + " (retry time bound " + Duration.ofNanos(retryPolicy.maxRetryTimeNanos)
                    + "): " + describe(failure),
                failure));
        return;
      }
      retries.increment();
      CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, executor).execute(this::send);
    }

    private void giveUp(Throwable reason) {
      if (!state.compareAndSet(SENDING, SETTLED)) return;
      recordLoss(spanCount, reason);
      completeExceptionally(reason);
    }

    /**
     * Sends each half of the spans as a delivery of its own: a 413 says the request is too large,
     * not that its spans are bad, so only a span too large alone is lost.
     */
    private void split() {
      List<SpanData> all = new ArrayList<>(spans);
      int middle = all.size() / 2;
      List<Delivery> parts =
          List.of(
              new Delivery(all.subList(0, middle), deadline),
              new Delivery(all.subList(middle, all.size()), deadline));
      halves = parts;
      if (!state.compareAndSet(SENDING, SPLIT)) return; // cancelled meanwhile
      CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
          .whenComplete((ignored, error) -> completeFromHalves());
      for (Delivery half : parts) half.start();
    }

    /** Completes this delivery from its halves, once they are done; they counted their spans. */
    private void completeFromHalves() {
      int lost = 0;
      Throwable firstFailure = null;
      for (Delivery half : halves) {
        Throwable failure = failureOf(half);
        if (failure == null) continue;
        if (failure instanceof PartialExportException) {
          lost += ((PartialExportException) failure).getFailedSpanCount();
          failure = failure.getCause();
        } else {
          lost += half.spanCount;
        }
        if (firstFailure == null) firstFailure = failure;
      }
      if (firstFailure == null) {
        complete(null);
      } else if (lost >= spanCount) {
        completeExceptionally(firstFailure);
      } else {
        completeExceptionally(
            new PartialExportException(
                lost, lost + " of " + spanCount + " spans were lost: " + describe(firstFailure),
                firstFailure));
      }
    }

    /**
     * Stops the retries and counts the spans as failed, unless an answer settled them first: then
     * returns once that answer has completed this future, so that it is done on return. A split
     * delivery cancels its halves and completes as they did.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (isDone()) return isCancelled();
      if (state.compareAndSet(SENDING, SETTLED)) {
        recordLoss(
            spanCount,
            new CancellationException("cancelled before the collector answered"));
        return super.cancel(mayInterruptIfRunning);
      }
      if (state.get() == SPLIT) {
        for (Delivery half : halves) half.cancel(mayInterruptIfRunning);
        completeFromHalves();
      } else {
        handle((ignored, error) -> null).join();
      }
      return isCancelled();
    }
  }

  /** The exception a completed future failed with, or null if it succeeded. */
  private static Throwable failureOf(CompletableFuture<?> done) {
    try {
      done.getNow(null);
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    if (message != null) return message;
    // The HTTP client's refused or unreachable connection comes without a message.
    return error instanceof ConnectException
        ? "could not connect"
        : error.getClass().getSimpleName();
  }

  /**
   * Configures an {@link OtlpHttpSpanExporter}. Setters check their argument and throw {@link
   * IllegalArgumentException} naming it and what is allowed. Not thread-safe.
   */
  public static final class Builder {
    private URI endpoint = URI.create(DEFAULT_ENDPOINT + TRACES_PATH);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(10);
    private boolean gzip = true;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double multiplier = 1.5;
    private Duration maxRetryTime = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * The collector's base URL, {@code http://localhost:4318} by default; spans are posted to
     * {@code endpoint + "/v1/traces"}, as for {@code OTEL_EXPORTER_OTLP_ENDPOINT}.
     */
    public Builder setEndpoint(String endpoint) {
      requireNonNull(endpoint, "endpoint");
      checkUrl("endpoint", endpoint);
      int end = endpoint.endsWith("/") ? endpoint.length() - 1 : endpoint.length();
      String base = endpoint.substring(0, end);
      this.endpoint = checkUrl("endpoint", base + TRACES_PATH);
      return this;
    }

    /**
     * The full URL spans are posted to, used as given, as for {@code
     * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}.
     */
    public Builder setTracesEndpoint(String url) {
      requireNonNull(url, "url");
      this.endpoint = checkUrl("url", url);
      return this;
    }

    /** Adds a header sent with every request, replacing an earlier one of the same name. */
    public Builder addHeader(String name, String value) {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      try {
        HttpRequest.newBuilder().header(name, value);
      } catch (IllegalArgumentException e) {
        // The value is left out of the message: headers often carry credentials.
        throw new IllegalArgumentException(
            "header: " + name + " (expected: a valid name and value that the JDK HTTP client may"
                + " send; connection, content-length, expect, host and upgrade are reserved)");
      }
      headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    /** How long one attempt may take to connect and receive the answer; 10 s by default. */
    public Builder setTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      this.timeout = timeout;
      return this;
    }

    /** {@code gzip} (the default) or {@code none}. */
    public Builder setCompression(String compression) {
      requireNonNull(compression, "compression");
      switch (compression.toLowerCase(Locale.ROOT)) {
        case "gzip":
          gzip = true;
          return this;
        case "none":
          gzip = false;
          return this;
        default:
          throw new IllegalArgumentException(
              "compression: " + compression + " (expected: gzip, none)");
      }
    }

    /**
     * The backoff between attempts: {@code initial} after the first failure, multiplied by
     * {@code multiplier} after each further one, at most {@code max}; each delay is drawn from
     * half to all of it. 1 s, 5 s and 1.5 by default.
     */
    public Builder setRetryBackoff(Duration initial, Duration max, double multiplier) {
      requireNonNull(initial, "initial");
      requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "max: " + max + " (expected: >= initial " + initial + ")");
      }
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1.0)");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      this.multiplier = multiplier;
      return this;
    }

    /**
     * How long after the first attempt a retry may still start; 30 s by default, zero for no
     * retries. A {@code Retry-After} longer than what is left ends the retries.
     */
    public Builder setMaxRetryTime(Duration maxRetryTime) {
      requireNonNull(maxRetryTime, "maxRetryTime");
      if (maxRetryTime.isNegative()) {
        throw new IllegalArgumentException("maxRetryTime: " + maxRetryTime + " (expected: >= 0)");
      }
      this.maxRetryTime = maxRetryTime;
      return this;
    }

    public OtlpHttpSpanExporter build() {
      return new OtlpHttpSpanExporter(this);
    }

    private static URI checkUrl(String name, String url) {
      URI uri = parseUrl(url);
      if (uri == null) {
        throw new IllegalArgumentException(
            name + ": " + url + " (expected: an http:// or https:// URL with a host)");
      }
      return uri;
    }
  }

  /** The URL as a URI if it is an absolute http or https URL with a host, else null. */
  static URI parseUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
      return http && uri.getHost() != null ? uri : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
