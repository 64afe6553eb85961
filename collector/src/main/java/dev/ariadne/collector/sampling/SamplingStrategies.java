package dev.ariadne.collector.sampling;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.grpc.GrpcService;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The sampling strategy of each service, as Jaeger clients' remote samplers ask for it: from a
 * strategies file in Jaeger's format, or {@link #sampleAll()}. Serve it with {@link #httpService()}
 * at the Jaeger collector's {@code GET /api/sampling} and the agent's {@code GET /sampling}, with
 * {@link #legacyHttpService()} at the agent's {@code GET /}, where jaeger-client-java asks, and
 * with {@link #grpcService()} beside the Jaeger gRPC collector; {@link #grpcProxy} serves another
 * server's strategies in that gRPC form. {@link #reload()} reads the file again. Thread-safe;
 * every answer is encoded once, when the strategies are read.
 */
public final class SamplingStrategies {
  /** What a service gets without a file, or one the file does not name without a default. */
  private static final Strategy SAMPLE_ALL = new Strategy(Strategy.Type.PROBABILISTIC, 1.0, null);

  /** The forms of an answer. */
  enum Form {
    /** Protobuf's JSON mapping of Jaeger's {@code api_v2} message. */
    JSON,
    /** As {@link #JSON}, with {@code strategyType} as its enum number. */
    LEGACY_JSON,
    /** The {@code api_v2} protobuf message. */
    PROTO
  }

  /** The file's content and each service's answer in each form. */
  private static final class Encoded {
    final byte[] source;
    final Map<Form, Answers> answers;

    Encoded(byte[] source, Map<Form, Answers> answers) {
      this.source = source;
      this.answers = answers;
    }
  }

  private final Path file;
  private final HttpService http = new SamplingService(this, Form.JSON);
  private final HttpService legacyHttp = new SamplingService(this, Form.LEGACY_JSON);
  private final GrpcService grpc = SamplingGrpcService.of(
      service -> CompletableFuture.completedFuture(answers(Form.PROTO).of(service)));
  private volatile Encoded encoded;

  private SamplingStrategies(Path file, byte[] source, StrategiesFile strategies) {
    this.file = file;
    this.encoded = encode(source, strategies);
  }

  /**
   * Every service sampled with probability 1, every trace recorded: what Jaeger's all-in-one
   * serves out of the box.
   */
  public static SamplingStrategies sampleAll() {
    return new SamplingStrategies(null, new byte[0], new StrategiesFile(SAMPLE_ALL, Map.of()));
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
    byte[] json = readBytes(file);
    return new SamplingStrategies(file, json, parse(file, json));
  }

  /**
   * Reads the file again and serves what it holds now, if that changed. Invalid now, the file is
   * not taken: the strategies read before are still served. Without a file, does nothing.
   *
   * @return whether the strategies changed
   * @throws InvalidStrategiesException naming the file, the place in it and the problem
   */
  public synchronized boolean reload() throws InvalidStrategiesException {
    if (file == null) {
      return false;
    }
    byte[] json = readBytes(file);
    if (Arrays.equals(json, encoded.source)) {
      return false;
    }
    encoded = encode(json, parse(file, json));
    return true;
  }

  /**
   * {@code GET ?service=NAME}: the service's strategy as Jaeger's collector ({@code /api/sampling})
   * and agent ({@code /sampling}) answer it, {@code "strategyType":"PROBABILISTIC"} or {@code
   * "RATE_LIMITING"}. A service the strategies do not name gets the default. A {@code service}
   * missing, empty or given twice is answered 400.
   */
  public HttpService httpService() {
    return http;
  }

  /**
   * As {@link #httpService()}, with {@code strategyType} as its enum number ({@code 0}, {@code
   * 1}), as the Jaeger agent answers at {@code GET /?service=NAME}, where jaeger-client-java's
   * {@code HttpSamplingManager} and other clients built on Thrift 0.9.2 ask.
   */
  public HttpService legacyHttpService() {
    return legacyHttp;
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

  /**
   * As {@link #grpcService()}, with the strategies of another server: for a proxy of them, such as
   * the local agent's. {@code strategy} is given each request's {@code serviceName} (never empty)
   * and completes with the protobuf {@code SamplingStrategyResponse} to answer, or fails with the
   * {@code io.grpc.StatusException} or {@code StatusRuntimeException} to answer instead (any other
   * failure is answered {@code UNKNOWN}).
   */
  public static GrpcService grpcProxy(
      Function<String, ? extends CompletionStage<byte[]>> strategy) {
    return SamplingGrpcService.of(requireNonNull(strategy, "strategy"));
  }

  /** Each service's answer in {@code form}, as of now. */
  Answers answers(Form form) {
    return encoded.answers.get(form);
  }

  private static byte[] readBytes(Path file) throws InvalidStrategiesException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidStrategiesException(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new InvalidStrategiesException(file + ": permission denied");
    } catch (IOException e) {
      throw new InvalidStrategiesException(file + ": " + e.getMessage());
    }
  }

  private static StrategiesFile parse(Path file, byte[] json) throws InvalidStrategiesException {
    try {
      return StrategiesFile.parse(json, SAMPLE_ALL);
    } catch (StrategiesFile.Problem e) {
      throw new InvalidStrategiesException(file + ": " + e.getMessage());
    }
  }

  private static Encoded encode(byte[] source, StrategiesFile strategies) {
    return new Encoded(source, Map.of(
        Form.JSON, new Answers(strategies, strategy -> StrategyJson.encode(strategy, false)),
        Form.LEGACY_JSON, new Answers(strategies, strategy -> StrategyJson.encode(strategy, true)),
        Form.PROTO, new Answers(strategies, StrategyProto::encode)));
  }

  /** Each service's answer, encoded. */
  static final class Answers {
    private final byte[] defaultAnswer;
    private final Map<String, byte[]> services = new HashMap<>();

    Answers(StrategiesFile strategies, Function<Strategy, byte[]> encoding) {
      defaultAnswer = encoding.apply(strategies.defaultStrategy);
      strategies.services.forEach((service, strategy) ->
          services.put(service, encoding.apply(strategy)));
    }

    byte[] of(String service) {
      return services.getOrDefault(service, defaultAnswer);
    }
  }
}
