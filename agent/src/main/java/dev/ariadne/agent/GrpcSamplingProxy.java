package dev.ariadne.agent;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.ariadne.collector.sampling.SamplingStrategies;
import io.grpc.Status;

/**
 * gRPC {@code jaeger.api_v2.SamplingManager/GetSamplingStrategy}, as the collector serves it on
 * 14250, where OpenTelemetry's Jaeger remote sampler asks: answered by the collector's {@code GET
 * /api/sampling?service=NAME}, the same {@code SamplingStrategyResponse} in protobuf's JSON
 * mapping, re-encoded as its protobuf message. A request without a {@code serviceName} is
 * answered {@code INVALID_ARGUMENT}, as is one the collector answers 400; a collector that cannot
 * be reached, or answers anything but a strategy, {@code UNAVAILABLE} with a message naming it
 * (the HTTP proxy answers 502 and passes other answers through).
 */
final class GrpcSamplingProxy {
  /** The most of an answer's text a status repeats: it goes in a header. */
  private static final int MAX_QUOTED_CHARS = 200;

  private GrpcSamplingProxy() {}

  static GrpcService of(SamplingUpstream upstream) {
    return SamplingStrategies.grpcProxy(service -> upstream.ask(service)
        .handle((answer, failure) -> {
          if (failure != null) {
            throw Status.UNAVAILABLE.withDescription(upstream.unreachable(failure))
                .asRuntimeException();
          }
          return strategy(answer, upstream);
        }));
  }

  private static byte[] strategy(AggregatedHttpResponse answer, SamplingUpstream upstream) {
    String collector = "the collector's sampling endpoint at " + upstream.url();
    if (answer.status().equals(HttpStatus.BAD_REQUEST)) {
      throw Status.INVALID_ARGUMENT
          .withDescription(collector + " refused the request: " + quoted(answer))
          .asRuntimeException();
    }
    if (!answer.status().equals(HttpStatus.OK)) {
      throw Status.UNAVAILABLE
          .withDescription(collector + " answered " + answer.status() + ": " + quoted(answer))
          .asRuntimeException();
    }
    try {
      return StrategyProtobuf.of(answer.content().array());
    } catch (StrategyProtobuf.NotAStrategy e) {
      throw Status.UNAVAILABLE
          .withDescription(collector + " answered what is not a sampling strategy: "
              + e.getMessage())
          .asRuntimeException();
    }
  }

  /** The answer's text on one line, cut short when long. */
  private static String quoted(AggregatedHttpResponse answer) {
    String text = answer.contentUtf8().strip().replaceAll("\\s+", " ");
    if (text.isEmpty()) {
      return "(no body)";
    }
    return text.length() > MAX_QUOTED_CHARS ? text.substring(0, MAX_QUOTED_CHARS) + "…" : text;
  }
}
