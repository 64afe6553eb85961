package dev.ariadne.collector.sampling;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.grpc.GrpcService;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The sampling strategy of each service, as Jaeger clients' remote samplers ask for it: from a
 * strategies file in Jaeger's format, or {@link #sampleAll()}. Serve it with {@link #httpService()}
 * at the Jaeger collector's {@code GET /api/sampling} and the agent's {@code GET /sampling}, and
 * with {@link #legacyHttpService()} at the agent's {@code GET /}, where jaeger-client-java asks,
 * and with {@link #grpcService()} beside the Jaeger gRPC collector.
 * Immutable and thread-safe; every answer is encoded once, here.
 */
public final class SamplingStrategies {
  /** What a service gets without a file, or one the file does not name without a default. */
  private static final Strategy SAMPLE_ALL = new Strategy(Strategy.Type.PROBABILISTIC, 1.0, null);

  private final Answers current;
  private final Answers legacy;
  private final GrpcService grpc;

  private SamplingStrategies(StrategiesFile strategies) {
    current = new Answers(strategies, false);
    legacy = new Answers(strategies, true);
    Map<String, byte[]> protos = new HashMap<>();
    strategies.services.forEach((service, strategy) ->
        protos.put(service, StrategyProto.encode(strategy)));
    grpc = SamplingGrpcService.of(protos, StrategyProto.encode(strategies.defaultStrategy));
  }

  /**
   * Every service sampled with probability 1, every trace recorded: what Jaeger's all-in-one
   * serves out of the box.
   */
  public static SamplingStrategies sampleAll() {
    return new SamplingStrategies(new StrategiesFile(SAMPLE_ALL, Map.of()));
  }

  /**
   * The strategies of a file in Jaeger's format: {@code default_strategy} and {@code
   * service_strategies}, each with {@code type} ({@code probabilistic} or {@code ratelimiting}),
   * {@code param} and {@code operation_strategies}. Services it does not name, when it has no
   * {@code default_strategy}, are sampled with probability 1.
   *
   * @throws InvalidStrategiesException naming the file, the place in it and the problem
   */
  public static SamplingStrategies read(Path file) throws InvalidStrategiesException {
    requireNonNull(file, "file");
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidStrategiesException(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new InvalidStrategiesException(file + ": permission denied");
    } catch (IOException e) {
      throw new InvalidStrategiesException(file + ": " + e.getMessage());
    }
    try {
      return new SamplingStrategies(StrategiesFile.parse(json, SAMPLE_ALL));
    } catch (StrategiesFile.Problem e) {
      throw new InvalidStrategiesException(file + ": " + e.getMessage());
    }
  }

  /**
   * {@code GET ?service=NAME}: the service's strategy as Jaeger's collector ({@code /api/sampling})
   * and agent ({@code /sampling}) answer it, {@code "strategyType":"PROBABILISTIC"} or {@code
   * "RATE_LIMITING"}. A service the strategies do not name gets the default. A {@code service}
   * missing, empty or given twice is answered 400.
   */
  public HttpService httpService() {
    return new SamplingService(current);
  }

  /**
   * As {@link #httpService()}, with {@code strategyType} as its enum number ({@code 0}, {@code
   * 1}), as the Jaeger agent answers at {@code GET /?service=NAME}, where jaeger-client-java's
   * {@code HttpSamplingManager} and other clients built on Thrift 0.9.2 ask.
   */
  public HttpService legacyHttpService() {
    return new SamplingService(legacy);
  }

  /**
   * gRPC {@code jaeger.api_v2.SamplingManager/GetSamplingStrategy}, as the Jaeger collector serves
   * it on port 14250, where OpenTelemetry's Jaeger remote sampler asks: the same strategies as a
   * protobuf {@code SamplingStrategyResponse}. A request without a {@code serviceName} is answered
   * {@code INVALID_ARGUMENT}.
   */
  public GrpcService grpcService() {
    return grpc;
  }

  /** Each service's answer, encoded. */
  static final class Answers {
    private final byte[] defaultAnswer;
    private final Map<String, byte[]> services = new HashMap<>();

    Answers(StrategiesFile strategies, boolean typeAsNumber) {
      defaultAnswer = StrategyJson.encode(strategies.defaultStrategy, typeAsNumber);
      strategies.services.forEach((service, strategy) ->
          services.put(service, StrategyJson.encode(strategy, typeAsNumber)));
    }

    byte[] of(String service) {
      return services.getOrDefault(service, defaultAnswer);
    }
  }
}
