package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
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
 * 503 in the API's format, and logged in one line; the work goes on to its end and is dropped (a
 * storage call is never interrupted, since that would close the files it reads). An answer that
 * has begun streams at the client's pace, which {@link ResponseBody} bounds.
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

  /** {@code registry} may be null: nothing is recorded then. */
  Endpoint(String api, String path, Handler handler, Problem.Format problems,
      MeterRegistry registry, Duration timeout) {
    this.api = requireNonNull(api, "api");
    this.path = requireNonNull(path, "path");
    this.handler = requireNonNull(handler, "handler");
    this.problems = requireNonNull(problems, "problems");
    this.registry = registry;
    this.timeout = requireNonNull(timeout, "timeout");
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
    ctx.clearRequestTimeout();
    ScheduledFuture<?> timer = ctx.eventLoop().schedule(
        () -> timeOut(ctx, response), timeout.toNanos(), TimeUnit.NANOSECONDS);
    response.whenComplete((answered, failure) -> timer.cancel(false));
    ctx.blockingTaskExecutor().execute(() -> answer(ctx, nowEpochNanos, response));
    return HttpResponse.of(response);
  }

  private void timeOut(ServiceRequestContext ctx, CompletableFuture<HttpResponse> response) {
    String limit = Durations.format(timeout.toNanos());
    String message = "the query took longer than the server's query.timeout of " + limit
        + "; ask for less (a shorter time range, more criteria, a lower limit) or raise the timeout";
    if (response.complete(problemResponse(
        new Problem(HttpStatus.SERVICE_UNAVAILABLE, null, null, message)))) {
      String request = ctx.query() == null ? ctx.path() : ctx.path() + "?" + ctx.query();
      if (request.length() > REQUEST_SHOWN) {
        request = request.substring(0, REQUEST_SHOWN) + "…";
      }
      LOGGER.log(Level.WARNING, ctx.method() + " " + request
          + " was answered 503: it took longer than query.timeout (" + limit + ")");
    }
  }


  private void answer(
      ServiceRequestContext ctx, long nowEpochNanos, CompletableFuture<HttpResponse> response) {
    ResponseBody body = new ResponseBody(response);
    try {
      Params params = new Params(ctx.queryParams(), ctx.pathParams(), nowEpochNanos);
      handler.handle(params).writeTo(body);
      body.finish();
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
      response.complete(problemResponse(problem));
    }
  }

  private HttpResponse problemResponse(Problem problem) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = Json.generator(out)) {
      problems.write(problem, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.of(
        ResponseHeaders.builder(problem.status()).contentType(MediaType.JSON_UTF_8).build(),
        HttpData.wrap(out.toByteArray()));
  }
}
