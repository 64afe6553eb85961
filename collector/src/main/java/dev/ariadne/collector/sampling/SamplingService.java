package dev.ariadne.collector.sampling;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.List;

/**
 * {@code GET ?service=NAME}: the service's strategy as JSON, from answers encoded beforehand, on
 * the event loop. The service name is looked up and never repeated in an answer, so no parameter
 * can make one long or hostile.
 */
final class SamplingService implements HttpService {
  private static final String USAGE = " (expected: one service parameter, such as ?service=frontend)";

  private final SamplingStrategies strategies;
  private final SamplingStrategies.Form form;

  SamplingService(SamplingStrategies strategies, SamplingStrategies.Form form) {
    this.strategies = strategies;
    this.form = form;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      return HttpResponse.of(
          ResponseHeaders.builder(HttpStatus.METHOD_NOT_ALLOWED)
              .contentType(MediaType.PLAIN_TEXT_UTF_8)
              .set(HttpHeaderNames.ALLOW, "GET, HEAD")
              .build(),
          HttpData.ofUtf8("method " + req.method() + " is not allowed (expected: GET)"));
    }
    String query = ctx.query();
    List<String> services = query == null
        ? List.of() : QueryParams.fromQueryString(query).getAll("service");
    if (services.size() != 1) {
      return badRequest(services.isEmpty()
          ? "the service parameter is missing" : "the service parameter is given "
              + services.size() + " times");
    }
    if (services.get(0).isEmpty()) {
      return badRequest("the service parameter is empty");
    }
    return HttpResponse.of(
        HttpStatus.OK, MediaType.JSON, strategies.answers(form).of(services.get(0)));
  }

  private static HttpResponse badRequest(String problem) {
    return HttpResponse.of(HttpStatus.BAD_REQUEST, MediaType.PLAIN_TEXT_UTF_8, problem + USAGE);
  }
}
