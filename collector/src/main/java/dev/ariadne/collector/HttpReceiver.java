package dev.ariadne.collector;

import com.linecorp.armeria.common.AggregationOptions;
import com.linecorp.armeria.common.ByteBufAccessMode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceOptions;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ariadne.collector.Outcome.Kind;
import dev.ariadne.model.internal.Counted;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What the HTTP receivers share: only {@code POST}; the body format chosen by {@code
 * Content-Type}; {@code gzip} or no {@code Content-Encoding}; bodies over {@code maxRequestBytes}
 * refused before they are read when their length is declared, and as soon as they pass it
 * otherwise (the receiver enforces the limit instead of Armeria, so that its answer names it); a
 * body that has not all arrived within {@code requestTimeout} answered 503 with {@code
 * Retry-After}, and nothing of it stored. Once the {@link Intake} drains, requests are refused at
 * once with 503 and {@code Retry-After}. On the event loop it only reads headers and gathers the
 * body; the {@link Ingest} does the rest.
 */
abstract class HttpReceiver implements HttpService {

  /** A body format a receiver reads. */
  record Format(Protocol protocol, Ingest.Decoder decoder, MediaType mediaType) {}

  private final Ingest ingest;
  private final Meters meters;
  private final String receiver;
  private final int maxRequestBytes;
  private final Intake intake;
  private final Duration requestTimeout;
  private final Outcome timedOut;
  private final ServiceOptions options;

  HttpReceiver(Ingest ingest, Meters meters, String receiver, int maxRequestBytes, Intake intake,
      Duration requestTimeout) {
    this.ingest = ingest;
    this.meters = meters;
    this.receiver = receiver;
    this.maxRequestBytes = maxRequestBytes;
    this.intake = intake;
    this.requestTimeout = requestTimeout;
    timedOut = Outcome.failed(Kind.UNAVAILABLE, "the request body did not arrive within"
        + " collector.request-timeout (" + requestTimeout.toMillis() + " ms); nothing of it was"
        + " stored; retry");
    // Armeria's own limit would answer before the receiver could name the limit, and its request
    // timeout with a 408, which OTLP exporters do not retry; 0 turns them off.
    options = ServiceOptions.builder().maxRequestLength(0).requestTimeoutMillis(0).build();
  }

  /** The format of a body of this type, or null if the receiver does not read it. */
  abstract Format format(MediaType contentType);

  /** The content types {@link #format} accepts, for error messages. */
  abstract String expectedContentTypes();

  /** The answer to a request in {@code format}. */
  abstract HttpResponse response(Format format, Outcome outcome);

  @Override
  public ServiceOptions options() {
    return options;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    long start = System.nanoTime();
    if (req.method() != HttpMethod.POST) {
      meters.request(receiver, Kind.UNSUPPORTED, System.nanoTime() - start);
      return HttpResponse.of(
          ResponseHeaders.builder(HttpStatus.METHOD_NOT_ALLOWED)
              .contentType(MediaType.PLAIN_TEXT_UTF_8)
              .set(HttpHeaderNames.ALLOW, "POST")
              .build(),
          HttpData.ofUtf8("method " + req.method() + " is not allowed (expected: POST)"));
    }
    MediaType contentType = req.contentType();
    Format format = format(contentType);
    if (format == null) {
      return text(start, Outcome.failed(Kind.UNSUPPORTED, "Content-Type: "
          + (contentType == null ? "missing" : contentType.toString())
          + " (expected: " + expectedContentTypes() + ")"));
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING, "identity").trim();
    boolean gzip = encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip");
    if (!gzip && !encoding.equalsIgnoreCase("identity")) {
      return text(start, Outcome.failed(Kind.UNSUPPORTED,
          "Content-Encoding: " + encoding + " (expected: gzip or identity)"));
    }
    long length = req.headers().contentLength();
    if (length > maxRequestBytes) {
      return answer(start, format, tooLarge("request body of " + length + " bytes"));
    }
    if (!intake.take()) {
      return answer(start, format, Intake.STOPPING);
    }
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    // Set by whichever comes first: the whole body, taken for ingest, or the request cut.
    AtomicBoolean settled = new AtomicBoolean();
    Runnable cut = () -> {
      if (settled.compareAndSet(false, true)) {
        outcome.complete(Intake.STOPPING);
      }
    };
    intake.arriving(cut);
    ScheduledFuture<?> timeout = ctx.eventLoop().schedule(() -> {
      if (settled.compareAndSet(false, true)) {
        outcome.complete(timedOut);
      }
    }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    req.peekData(new BodyLimit(maxRequestBytes))
        .aggregate(AggregationOptions.usePooledObjects(ctx.alloc()))
        .handle((body, failure) -> {
          intake.arrived(cut);
          timeout.cancel(false);
          if (!settled.compareAndSet(false, true)) {
            if (body != null) {
              body.content().close();
            }
          } else if (failure != null) {
            outcome.complete(unreadable(failure));
          } else {
            // Whatever fails on the way, the request is answered, so the drain can end.
            try {
              ingest.submit(format.protocol(), copyAndRelease(body.content()), gzip,
                      format.decoder())
                  .whenComplete((result, error) ->
                      outcome.complete(error == null ? result : internalError(error)));
            } catch (RuntimeException e) {
              outcome.complete(internalError(e));
            }
          }
          return null;
        });
    return HttpResponse.of(outcome.thenApply(result -> {
      intake.finish();
      return answer(start, format, result);
    }));
  }

  /**
   * The body as an array of its own, releasing the pooled buffer it was gathered in. Gathered
   * without pooled buffers, Armeria copied each received chunk to the heap and then all of them
   * into one array: two heap copies of every body, 13% of the bytes durable ingest allocated
   * (async-profiler, event=alloc); this is one, and the total allocated fell by 6%.
   */
  private static byte[] copyAndRelease(HttpData content) {
    try (content) {
      byte[] bytes = new byte[content.length()];
      content.byteBuf(ByteBufAccessMode.DUPLICATE).readBytes(bytes);
      return bytes;
    }
  }

  /** The answer to a body over the limit; {@code body} names it, with its size when declared. */
  private Outcome tooLarge(String body) {
    return Outcome.failed(Kind.TOO_LARGE,
        body + " is larger than maxRequestBytes (" + maxRequestBytes + ")");
  }

  private static Outcome internalError(Throwable failure) {
    return Outcome.failed(Kind.INTERNAL, "internal error: " + Exceptions.peel(failure));
  }

  private Outcome unreadable(Throwable failure) {
    Throwable cause = Exceptions.peel(failure);
    if (cause instanceof BodyLimit.TooLargeException) {
      return tooLarge("request body");
    }
    return Outcome.failed(Kind.INVALID, "could not read the request body: " + cause);
  }

  /** Fails the request body as soon as it passes the limit, so it is never held whole. */
  private static final class BodyLimit implements Consumer<HttpData> {
    private final int limit;
    private long received;

    BodyLimit(int limit) {
      this.limit = limit;
    }

    @Override
    public void accept(HttpData data) {
      received += data.length();
      if (received > limit) {
        throw new TooLargeException();
      }
    }

    static final class TooLargeException extends RuntimeException {
      private static final long serialVersionUID = 1L;

      TooLargeException() {
        super("request body over maxRequestBytes", null, false, false);
      }
    }
  }

  private HttpResponse answer(long start, Format format, Outcome outcome) {
    meters.request(receiver, outcome.kind(), System.nanoTime() - start);
    return response(format, outcome);
  }

  private HttpResponse text(long start, Outcome outcome) {
    meters.request(receiver, outcome.kind(), System.nanoTime() - start);
    return textResponse(outcome);
  }

  /** The outcome as plain text: its message, its HTTP status, and Retry-After if it has one. */
  static HttpResponse textResponse(Outcome outcome) {
    return HttpResponse.of(
        headers(outcome, MediaType.PLAIN_TEXT_UTF_8),
        HttpData.ofUtf8(outcome.message()));
  }

  /**
   * The plain-text answer of the Zipkin and Jaeger collectors: 202 with no body when every span
   * was stored; 202 with a body naming the rejected spans when only some were (neither protocol
   * has partial success); otherwise as {@link #textResponse}.
   */
  static HttpResponse acceptedResponse(Outcome outcome) {
    if (outcome.kind() != Kind.ACCEPTED) {
      return textResponse(outcome);
    }
    if (outcome.rejected() == 0 && outcome.message().isEmpty()) {
      return HttpResponse.of(ResponseHeaders.of(HttpStatus.ACCEPTED));
    }
    return HttpResponse.of(HttpStatus.ACCEPTED, MediaType.PLAIN_TEXT_UTF_8,
        "accepted " + Counted.of(outcome.accepted(), "span") + ", rejected "
            + outcome.rejected() + ": " + outcome.message());
  }

  /** The status of the outcome, with {@code Retry-After} when the client should retry. */
  static ResponseHeaders headers(Outcome outcome, MediaType contentType) {
    HttpStatus status = outcome.kind().httpStatus();
    ResponseHeadersBuilder headers = ResponseHeaders.builder(status).contentType(contentType);
    if (outcome.kind().retryable()) {
      headers.setInt(HttpHeaderNames.RETRY_AFTER, Ingest.RETRY_AFTER_SECONDS);
    }
    return headers.build();
  }
}
