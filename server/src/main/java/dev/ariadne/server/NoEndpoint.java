package dev.ariadne.server;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * The answer of a port to a path it has no endpoint at: a 404 that names the request and says what
 * the port does take, so that a client sent to the wrong path (an OTLP endpoint given with {@code
 * /v1/traces} already on it, a Zipkin v1 URL) reads in its error what to fix. Errors other than
 * 404 keep Armeria's answer.
 */
final class NoEndpoint implements ServerErrorHandler {
  /** The longest part of the request's path repeated in the answer. */
  private static final int PATH_SHOWN = 200;

  private final String endpoints;

  private NoEndpoint(String endpoints) {
    this.endpoints = endpoints;
  }

  /**
   * A handler whose 404 ends with {@code endpoints}, for example "this port takes OTLP traces at
   * POST /v1/traces".
   */
  static ServerErrorHandler saying(String endpoints) {
    return new NoEndpoint(endpoints);
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null;
  }

  @Override
  public AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx,
      ServiceConfig config,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    if (!status.equals(HttpStatus.NOT_FOUND) || headers == null) return null;
    String path = headers.path();
    if (path.length() > PATH_SHOWN) path = path.substring(0, PATH_SHOWN) + "…";
    return AggregatedHttpResponse.of(
        HttpStatus.NOT_FOUND,
        MediaType.PLAIN_TEXT_UTF_8,
        "no endpoint at " + headers.method() + " " + path + "; " + endpoints);
  }
}
