package dev.ariadne.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Jaeger's sampling endpoint, as the Jaeger agent serves it on 5778: {@code GET
 * /sampling?service=NAME} asks the collector's {@code GET /api/sampling?service=NAME} and passes
 * its status, content type and body through. The legacy form, for {@code GET /?service=NAME}
 * (where jaeger-client 1.x and other clients built on Thrift 0.9.2 ask), has a successful
 * answer's {@code strategyType} as its enum number, as the Jaeger agent gives it there. A request
 * without a service is answered 400; a collector that cannot be reached, 502 with a message naming
 * it.
 */
final class SamplingProxy implements HttpService {
  private static final JsonFactory JSON = new JsonFactory();

  private final SamplingUpstream upstream;
  private final boolean legacy;

  SamplingProxy(SamplingUpstream upstream, boolean legacy) {
    this.upstream = upstream;
    this.legacy = legacy;
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
    return HttpResponse.of(upstream.ask(service).handle((answer, failure) -> failure == null
        ? passThrough(answer)
        : HttpResponse.of(HttpStatus.BAD_GATEWAY, MediaType.PLAIN_TEXT_UTF_8,
            upstream.unreachable(failure))));
  }

  private HttpResponse passThrough(AggregatedHttpResponse answer) {
    ResponseHeadersBuilder headers = ResponseHeaders.builder(answer.status());
    if (answer.contentType() != null) {
      headers.contentType(answer.contentType());
    }
    HttpData body = answer.content();
    if (legacy && answer.status().equals(HttpStatus.OK)) {
      body = HttpData.wrap(numberedType(body.array()));
    }
    return HttpResponse.of(headers.build(), body);
  }

  /**
   * {@code json} with its top-level {@code strategyType} as Jaeger's enum number ({@code
   * PROBABILISTIC} 0, {@code RATE_LIMITING} 1); as it is when it is not such JSON.
   */
  static byte[] numberedType(byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
    try (JsonParser parser = JSON.createParser(json);
        JsonGenerator generator = JSON.createGenerator(out)) {
      while (parser.nextToken() != null) {
        boolean type = parser.currentToken() == JsonToken.VALUE_STRING
            && "strategyType".equals(parser.currentName())
            && parser.getParsingContext().getParent().inRoot();
        if (type && parser.getText().equals("PROBABILISTIC")) {
          generator.writeNumber(0);
        } else if (type && parser.getText().equals("RATE_LIMITING")) {
          generator.writeNumber(1);
        } else {
          generator.copyCurrentEvent(parser);
        }
      }
    } catch (IOException e) {
      return json;
    }
    return out.toByteArray();
  }
}
