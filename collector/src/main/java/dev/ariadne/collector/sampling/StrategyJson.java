package dev.ariadne.collector.sampling;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ariadne.collector.sampling.Strategy.Operation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@link Strategy} as Jaeger's {@code SamplingStrategyResponse} in JSON, in one of the two forms
 * Jaeger answers: its {@code api_v2} protobuf message in protobuf's JSON mapping ({@code
 * "strategyType":"PROBABILISTIC"}, what the collector's {@code /api/sampling} and the agent's
 * {@code /sampling} answer), or the Thrift form with the type as its enum number ({@code
 * "strategyType":0}, what the agent's {@code /} answers for clients built on Thrift 0.9.2). Both
 * leave out the strategies that do not apply, and carry the per-operation bounds as 0.
 */
final class StrategyJson {
  private static final JsonFactory JSON = new JsonFactory();

  private StrategyJson() {}

  static byte[] encode(Strategy strategy, boolean typeAsNumber) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      if (typeAsNumber) {
        json.writeNumberField("strategyType", strategy.type().code);
      } else {
        json.writeStringField("strategyType", strategy.type().name());
      }
      if (strategy.type() == Strategy.Type.PROBABILISTIC) {
        json.writeObjectFieldStart("probabilisticSampling");
        json.writeNumberField("samplingRate", strategy.param());
        json.writeEndObject();
      } else {
        json.writeObjectFieldStart("rateLimitingSampling");
        json.writeNumberField("maxTracesPerSecond", (int) strategy.param());
        json.writeEndObject();
      }
      if (strategy.operations() != null) {
        json.writeObjectFieldStart("operationSampling");
        json.writeNumberField("defaultSamplingProbability",
            strategy.operations().defaultProbability());
        json.writeNumberField("defaultLowerBoundTracesPerSecond", 0.0);
        json.writeArrayFieldStart("perOperationStrategies");
        for (Operation operation : strategy.operations().operations()) {
          json.writeStartObject();
          json.writeStringField("operation", operation.name());
          json.writeObjectFieldStart("probabilisticSampling");
          json.writeNumberField("samplingRate", operation.probability());
          json.writeEndObject();
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeNumberField("defaultUpperBoundTracesPerSecond", 0.0);
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
