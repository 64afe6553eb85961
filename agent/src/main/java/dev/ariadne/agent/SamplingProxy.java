package dev.ariadne.agent;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.time.Duration;

/**
 * Jaeger's sampling endpoint, as the Jaeger agent serves it on 5778: {@code GET
 * /sampling?service=NAME} (and {@code GET /?service=NAME}, which jaeger-client 1.x polls) asks
 * the collector's {@code GET /api/sampling?service=NAME} and passes its status, content type and
 * body through. A request without a service is answered 400; a collector that cannot be reached,
 * 502 with a message naming it.
 */
final class SamplingProxy implements HttpService {
  /** The most a strategy may take: they are a few hundred bytes, a few KiB per operation. */
  private static final long MAX_ANSWER_BYTES = 1 << 20;

  private final WebClient client;
  private final String upstream;
  private final Duration timeout;

  SamplingProxy(WebClient client, String upstream, Duration timeout) {
    this.client = client;
    this.upstream = upstream;
    this.timeout = timeout;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    if (req.method() != HttpMethod.GET) {
      return HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED, MediaType.PLAIN_TEXT_UTF_8,
          "the sampling endpoint takes GET /sampling?service=NAME");
    }
    String service = ctx.queryParam("service");
    if (service == null || service.isBlank()) {
      return HttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.PLAIN_TEXT_UTF_8,
          "a service is required: GET /sampling?service=NAME");
    }
    String path = "/api/sampling?" + QueryParams.of("service", service).toQueryString();
    return HttpResponse.of(client.prepare()
        .get(path)
        .responseTimeout(timeout)
        .maxResponseLength(MAX_ANSWER_BYTES)
        .execute()
        .aggregate()
        .handle((answer, failure) -> failure == null ? passThrough(answer) : unreachable(failure)));
  }

  private static HttpResponse passThrough(AggregatedHttpResponse answer) {
    ResponseHeadersBuilder headers = ResponseHeaders.builder(answer.status());
    if (answer.contentType() != null) {
      headers.contentType(answer.contentType());
    }
    return HttpResponse.of(headers.build(), answer.content());
  }

  private HttpResponse unreachable(Throwable failure) {
    return HttpResponse.of(HttpStatus.BAD_GATEWAY, MediaType.PLAIN_TEXT_UTF_8,
        "could not reach the collector's sampling endpoint at " + upstream + ": "
            + Forwarder.reason(failure));
  }
}
