package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.ariadne.storage.Cancellation;
import dev.ariadne.storage.CancelledException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Serves one {@link Handler}: takes the request off the event loop onto the blocking task
 * executor (storage calls block), answers problems in the API's own format, and records the
 * request's latency when a registry is given. An answer not begun within the timeout is answered
 * 503 in the API's format, and logged in one line; its {@linkplain Params#cancellation()
 * cancellation} is cancelled then, or when the client goes away, so that the storage reads stop at
 * their next unit of work (the reading thread is never interrupted, since that would close the
 * files it reads). An answer that has begun streams at the client's pace, which {@link
 * ResponseBody} bounds.
 *
 * <p>A search endpoint first takes one of the {@link SearchSlots}, waiting for one within the
 * timeout in their queue, on no thread, so that waiting searches cannot take the blocking task
 * executor from the other endpoints; it goes to the executor once it has a slot. A search that
 * gets none in time leaves the queue and is answered 503 with {@code Retry-After}, and counted.
 */
final class Endpoint implements HttpService {
  private static final System.Logger LOGGER = System.getLogger(Endpoint.class.getName());
  /** The longest part of a timed-out request's path and query logged. */
  private static final int REQUEST_SHOWN = 300;

  private final String api;
  private final String path;
  private final Handler handler;
  private final Problem.Format problems;
  private final MeterRegistry registry;
  private final Duration timeout;
  private final SearchSlots slots;
  private final String byId;
  private final Counter refusals;

  /**
   * {@code registry} may be null: nothing is recorded then. {@code slots} is null but for a
   * search; a request with the query parameter {@code byId} (if not null) takes no slot.
   */
  Endpoint(String api, String path, Handler handler, Problem.Format problems,
      MeterRegistry registry, Duration timeout, SearchSlots slots, String byId) {
    this.api = requireNonNull(api, "api");
    this.path = requireNonNull(path, "path");
    this.handler = requireNonNull(handler, "handler");
    this.problems = requireNonNull(problems, "problems");
    this.registry = registry;
    this.timeout = requireNonNull(timeout, "timeout");
    this.slots = slots;
    this.byId = byId;
    refusals = slots == null || registry == null ? null
        : Counter.builder("ariadne.query.searches.refused")
            .description("Searches answered 503 because none of the query.max-concurrent-searches"
                + " slots came free within query.timeout")
            .tag("api", api)
            .tag("endpoint", path)
            .register(registry);
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    if (registry != null) {
      ctx.log().whenComplete().thenAccept(log -> Timer.builder("ariadne.query.requests")
          .description("Latency of query API requests, to the last byte of the response")
          .tag("api", api)
          .tag("endpoint", path)
          .tag("status", Integer.toString(log.responseHeaders().status().code()))
          .register(registry)
          .record(log.totalDurationNanos(), TimeUnit.NANOSECONDS));
    }
    Instant now = Instant.now();
    long nowEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    Request request = new Request(ctx, response);
    // A search waits for its slot in the slots' queue, holding no thread; null if not a search.
    Runnable search = slots == null || (byId != null && ctx.queryParams().contains(byId)) ? null
        : () -> ctx.blockingTaskExecutor().execute(() -> answerInSlot(request, nowEpochNanos));
    ctx.clearRequestTimeout();
    ScheduledFuture<?> timer = ctx.eventLoop().schedule(
        () -> timeOut(request, search), timeout.toNanos(), TimeUnit.NANOSECONDS);
    response.whenComplete((answered, failure) -> timer.cancel(false));
    ctx.whenRequestCancelling().thenRun(() -> request.cancelled = true);
    if (search == null) {
      ctx.blockingTaskExecutor().execute(() -> answer(request, nowEpochNanos));
    } else {
      slots.enter(search);
    }
    return HttpResponse.of(response);
  }

  /** One request's response, and whether its work should stop; its {@link Cancellation}. */
  private static final class Request implements Cancellation {
    final ServiceRequestContext ctx;
    final CompletableFuture<HttpResponse> response;
    /** Set when the request timed out or the client went away. */
    volatile boolean cancelled;

    Request(ServiceRequestContext ctx, CompletableFuture<HttpResponse> response) {
      this.ctx = ctx;
      this.response = response;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }
  }

  /** Answers a search that holds a slot, unless nobody waits for it any more, and gives it back. */
  private void answerInSlot(Request request, long nowEpochNanos) {
    try {
      if (!request.cancelled) {
        answer(request, nowEpochNanos);
      }
    } finally {
      slots.give();
    }
  }

  /** Answers a search that got no slot in time. */
  private void refuse(Request request) {
    long retryAfterSeconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    String message = "too many searches at once: the server runs at most " + slots.max()
        + " (query.max-concurrent-searches), and none of them ended within this search's"
        + " query.timeout of " + Durations.format(timeout.toNanos())
        + "; retry later, or raise query.max-concurrent-searches";
    // Counted before it is answered, so that whoever sees the answer sees it counted; it left the
    // queue, so nothing else answers it.
    if (refusals != null) {
      refusals.increment();
    }
    if (request.response.complete(problemResponse(
        new Problem(HttpStatus.SERVICE_UNAVAILABLE, null, null, message), retryAfterSeconds))) {
      LOGGER.log(Level.WARNING, describe(request.ctx)
          + " was answered 503: no search slot came free within query.timeout");
    }
  }

  /** Answers a request not answered in time; {@code search} is null if it is not a search. */
  private void timeOut(Request request, Runnable search) {
    if (search != null && slots.leave(search)) {
      refuse(request);
      return;
    }
    CompletableFuture<HttpResponse> response = request.response;
    String limit = Durations.format(timeout.toNanos());
    String message = "the query took longer than the server's query.timeout of " + limit
        + "; ask for less (a shorter time range, more criteria, a lower limit) or raise the timeout";
    boolean answered = response.complete(problemResponse(
        new Problem(HttpStatus.SERVICE_UNAVAILABLE, null, null, message), 0));
    // Cancelled only once answered: the work, stopping, must not answer first with its own words.
    request.cancelled = true;
    if (answered) {
      LOGGER.log(Level.WARNING, describe(request.ctx)
          + " was answered 503: it took longer than query.timeout (" + limit + ")");
    }
  }

  /** The request's method, path and query, the query cut short. */
  private static String describe(ServiceRequestContext ctx) {
    String request = ctx.query() == null ? ctx.path() : ctx.path() + "?" + ctx.query();
    if (request.length() > REQUEST_SHOWN) {
      request = request.substring(0, REQUEST_SHOWN) + "…";
    }
    return ctx.method() + " " + request;
  }

  private void answer(Request request, long nowEpochNanos) {
    ServiceRequestContext ctx = request.ctx;
    CompletableFuture<HttpResponse> response = request.response;
    ResponseBody body = new ResponseBody(response);
    try {
      Params params = new Params(ctx.queryParams(), ctx.pathParams(), nowEpochNanos, request);
      handler.handle(params).writeTo(body);
      body.finish();
    } catch (CancelledException e) {
      // Answered already (503), or nobody is left to answer.
      LOGGER.log(Level.DEBUG, () -> describe(ctx) + " stopped: " + e.getMessage());
      fail(response, body, e, new Problem(HttpStatus.SERVICE_UNAVAILABLE, null, null,
          e.getMessage()));
    } catch (BadParameterException e) {
      fail(response, body, e,
          new Problem(HttpStatus.BAD_REQUEST, e.parameter(), null, e.getMessage()));
    } catch (NotFoundException e) {
      fail(response, body, e, new Problem(HttpStatus.NOT_FOUND, null, e.traceId(), e.getMessage()));
    } catch (TraceReader.TooLargeException e) {
      fail(response, body, e,
          new Problem(HttpStatus.UNPROCESSABLE_ENTITY, null, e.traceId(), e.getMessage()));
    } catch (IOException | RuntimeException e) {
      // Once streaming, a failure is most often the client going away; before, it is ours.
      LOGGER.log(body.committed() ? Level.DEBUG : Level.WARNING,
          ctx.method() + " " + ctx.path() + " failed", e);
      fail(response, body, e, new Problem(HttpStatus.INTERNAL_SERVER_ERROR, null, null,
          "internal error: " + e));
    }
  }

  private void fail(CompletableFuture<HttpResponse> response, ResponseBody body, Throwable cause,
      Problem problem) {
    if (body.committed()) {
      body.abort(cause);
    } else {
      response.complete(problemResponse(problem, 0));
    }
  }

  /** The problem in the API's format, with {@code Retry-After} unless {@code retryAfter} is 0. */
  private HttpResponse problemResponse(Problem problem, long retryAfterSeconds) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = Json.generator(out)) {
      problems.write(problem, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ResponseHeadersBuilder headers =
        ResponseHeaders.builder(problem.status()).contentType(MediaType.JSON_UTF_8);
    if (retryAfterSeconds > 0) {
      headers.setLong(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    }
    return HttpResponse.of(headers.build(), HttpData.wrap(out.toByteArray()));
  }
}
