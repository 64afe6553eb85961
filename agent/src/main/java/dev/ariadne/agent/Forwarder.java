package dev.ariadne.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.ariadne.collector.UpstreamException;
import dev.ariadne.model.Span;
import dev.ariadne.model.internal.RepeatedFailure;
import dev.ariadne.model.otlp.OtlpProtobufEncoder;
import dev.ariadne.storage.SpanWriter;
import dev.ariadne.storage.SpansTooLargeException;
import io.netty.channel.ConnectTimeoutException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A {@link SpanWriter} that hands spans on to a collector elsewhere: each write is sent as
 * OTLP/HTTP protobuf, gzipped, to {@code <endpoint>/v1/traces}, in as many requests as keep each
 * within {@code maxRequestBytes} before gzip (the upstream's {@code collector.max-request-bytes}),
 * and returns once every request was acknowledged; a request the upstream answers 413 (its limit
 * is lower) is sent again in halves. A span too large by itself for one request is not sent: once
 * the others are acknowledged, the write throws {@link SpansTooLargeException} naming it, which the
 * collector tells its client as a rejected span. A request answered 429, 502, 503 or 504, or not
 * answered at all, is sent again after an exponential backoff with jitter, or after the
 * upstream's {@code Retry-After} when it asks for longer, while the write's {@code timeout}
 * allows; any other answer fails the write at once. A failed write throws {@link
 * UpstreamException} naming the upstream's answer, which the collector tells its clients.
 * Thread-safe: writer threads call it at once.
 */
final class Forwarder implements SpanWriter {
  private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
  private static final String PATH = "/v1/traces";
  private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
  /** The first backoff; each retry doubles it, up to {@link #MAX_BACKOFF}. */
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
  /** The most of an upstream's error message repeated to clients. */
  private static final int MESSAGE_SHOWN = 300;

  private final WebClient client;
  private final String upstream;
  private final ResourceTags tags;
  private final int maxRequestBytes;
  private final Duration timeout;
  private final ForwardMeters meters;
  private final RepeatedFailure rejections = new RepeatedFailure(LOG, Level.WARNING,
      "Forwarding spans", Duration.ofMinutes(1));

  Forwarder(WebClient client, String upstream, ResourceTags tags, int maxRequestBytes,
      Duration timeout, ForwardMeters meters) {
    this.client = client;
    this.upstream = upstream;
    this.tags = tags;
    this.maxRequestBytes = maxRequestBytes;
    this.timeout = timeout;
    this.meters = meters;
  }

  @Override
  public void write(List<Span> spans) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Span> tagged = tags.apply(spans);
    // Ranges of the spans still to send, in order; one too large for a request is replaced by its
    // halves.
    Deque<int[]> parts = new ArrayDeque<>();
    parts.add(new int[] {0, tagged.size()});
    IdentityHashMap<Span, String> tooLarge = new IdentityHashMap<>();
    int sent = 0;
    try {
      while (!parts.isEmpty()) {
        int[] part = parts.poll();
        List<Span> partSpans = tagged.subList(part[0], part[1]);
        byte[] body = OtlpProtobufEncoder.encode(partSpans);
        boolean fits = body.length <= maxRequestBytes && send(partSpans.size(), body, deadline);
        if (fits) {
          sent += partSpans.size();
        } else if (partSpans.size() > 1) {
          int half = part[0] + partSpans.size() / 2;
          parts.addFirst(new int[] {half, part[1]});
          parts.addFirst(new int[] {part[0], half});
        } else {
          Span span = spans.get(part[0]);
          tooLarge.put(span, SpansTooLargeException.reason(span, body.length,
              body.length > maxRequestBytes
                  ? "the agent sends in one request (" + maxRequestBytes + ")"
                  : "the collector at " + upstream + " takes (it answered 413)",
              "forwarded"));
        }
      }
    } catch (UpstreamException e) {
      meters.notForwarded(tagged.size() - sent - tooLarge.size());
      meters.tooLarge(tooLarge.size());
      throw e;
    }
    if (!tooLarge.isEmpty()) {
      meters.tooLarge(tooLarge.size());
      throw new SpansTooLargeException(tooLarge);
    }
  }

  /**
   * Sends one request of {@code spans} spans, retrying while the deadline allows, until the
   * collector acknowledges it (true) or answers 413, too large (false, to send it in halves).
   */
  private boolean send(int spans, byte[] body, long deadline) throws UpstreamException {
    byte[] gzipped = gzip(body);
    for (int attempt = 1; ; attempt++) {
      long start = System.nanoTime();
      long remaining = deadline - start;
      if (remaining <= 0) {
        throw new UpstreamException("the forward timeout (" + timeout.toMillis()
            + " ms) was over before all of the write was sent to the collector at " + upstream);
      }
      String failure;
      Duration retryAfter = null;
      try {
        AggregatedHttpResponse response = client.prepare()
            .post(PATH)
            .header(HttpHeaderNames.CONTENT_ENCODING, "gzip")
            .content(MediaType.PROTOBUF, gzipped)
            .responseTimeout(Duration.ofNanos(remaining))
            .execute()
            .aggregate()
            .join();
        int status = response.status().code();
        if (response.status().isSuccess()) {
          meters.request(ForwardMeters.Outcome.ACCEPTED, System.nanoTime() - start);
          meters.forwarded(spans);
          readPartialSuccess(response);
          return true;
        }
        failure = "the collector at " + upstream + " answered " + response.status()
            + message(response);
        if (!RETRYABLE.contains(status)) {
          meters.request(ForwardMeters.Outcome.REFUSED, System.nanoTime() - start);
          if (response.status().equals(HttpStatus.REQUEST_ENTITY_TOO_LARGE)) {
            return false;
          }
          throw new UpstreamException(failure);
        }
        meters.request(ForwardMeters.Outcome.RETRYABLE, System.nanoTime() - start);
        retryAfter = retryAfter(response.headers().get(HttpHeaderNames.RETRY_AFTER));
      } catch (CompletionException e) {
        meters.request(ForwardMeters.Outcome.UNREACHABLE, System.nanoTime() - start);
        failure = "could not reach the collector at " + upstream + ": " + reason(e);
      }
      Duration wait = backoff(attempt);
      if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
        wait = retryAfter;
      }
      if (System.nanoTime() + wait.toNanos() >= deadline) {
        throw new UpstreamException(failure + " (sent " + attempt + " time"
            + (attempt == 1 ? "" : "s") + "; no time left to retry within the forward timeout, "
            + timeout.toMillis() + " ms" + (retryAfter != null
                ? ", for the Retry-After of " + retryAfter.toMillis() + " ms" : "") + ")");
      }
      meters.retry();
      try {
        TimeUnit.NANOSECONDS.sleep(wait.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UpstreamException(failure + " (interrupted while waiting to retry)");
      }
    }
  }

  /**
   * Why a request got no answer, in a few words ("connection refused", "no answer in time"), or
   * the failure's type and message, without the wrappers of the client's futures.
   */
  static String reason(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof UnprocessedRequestException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ConnectTimeoutException) {
      return "no connection in time";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof ResponseTimeoutException) {
      return "no answer in time";
    }
    return cause.getMessage() == null
        ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** Counts and reports the spans a 2xx answer says it rejected (OTLP partial success). */
  private void readPartialSuccess(AggregatedHttpResponse response) {
    ExportTracePartialSuccess partial;
    try {
      partial = ExportTraceServiceResponse.parseFrom(response.content().array())
          .getPartialSuccess();
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    if (partial.getRejectedSpans() > 0) {
      meters.rejected(partial.getRejectedSpans());
      rejections.failed(new IOException("the collector at " + upstream + " rejected "
          + partial.getRejectedSpans() + " spans: " + shown(partial.getErrorMessage())));
    } else {
      rejections.succeeded();
    }
  }

  /** ": " and the message of an error answer (a {@code google.rpc.Status} or text), or nothing. */
  private static String message(AggregatedHttpResponse response) {
    String text;
    MediaType type = response.contentType();
    if (type != null && type.is(MediaType.PROTOBUF)) {
      try {
        text = Status.parseFrom(response.content().array()).getMessage();
      } catch (InvalidProtocolBufferException e) {
        text = "";
      }
    } else {
      text = response.contentUtf8();
    }
    text = shown(text);
    return text.isEmpty() ? "" : ": " + text;
  }

  /** Text from the upstream, on one line and cut to {@link #MESSAGE_SHOWN} characters. */
  private static String shown(String text) {
    String line = text.strip().replaceAll("\\p{Cntrl}+", " ");
    return line.length() <= MESSAGE_SHOWN ? line : line.substring(0, MESSAGE_SHOWN) + "…";
  }

  /** A {@code Retry-After} in seconds or as an HTTP date, or null when absent or unreadable. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.strip());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      // an HTTP date, below
    }
    try {
      Duration wait = Duration.between(ZonedDateTime.now(ZoneOffset.UTC),
          ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The wait before the retry after {@code attempt}: exponential, with jitter (half to all). */
  private static Duration backoff(int attempt) {
    long max = Math.min(MAX_BACKOFF.toMillis(),
        FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(max / 2, max + 1));
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
