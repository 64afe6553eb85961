package dev.ariadne.collector.sampling;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@link Strategy} as Jaeger's {@code jaeger.api_v2.SamplingStrategyResponse} protobuf message
 * ({@code sampling.proto}), written field by field: proto3 leaves out the fields at their default
 * (0, a {@code PROBABILISTIC} type), never the strategies that apply, which are present even when
 * empty (a probability of 0).
 */
final class StrategyProto {
  private StrategyProto() {}

  static byte[] encode(Strategy strategy) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      CodedOutputStream proto = CodedOutputStream.newInstance(out);
      if (strategy.type().code != 0) {
        proto.writeEnum(1, strategy.type().code);
      }
      if (strategy.type() == Strategy.Type.PROBABILISTIC) {
        proto.writeByteArray(2, probabilistic(strategy.param()));
      } else {
        ByteArrayOutputStream rate = new ByteArrayOutputStream();
        CodedOutputStream rateProto = CodedOutputStream.newInstance(rate);
        if (strategy.param() != 0) {
          rateProto.writeInt32(1, (int) strategy.param());
        }
        rateProto.flush();
        proto.writeByteArray(3, rate.toByteArray());
      }
      if (strategy.operations() != null) {
        proto.writeByteArray(4, operations(strategy.operations()));
      }
      proto.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code PerOperationSamplingStrategies}; the bounds are 0, so left out. */
  private static byte[] operations(Strategy.Operations operations) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream proto = CodedOutputStream.newInstance(out);
    if (operations.defaultProbability() != 0) {
      proto.writeDouble(1, operations.defaultProbability());
    }
    for (Strategy.Operation operation : operations.operations()) {
      ByteArrayOutputStream one = new ByteArrayOutputStream();
      CodedOutputStream oneProto = CodedOutputStream.newInstance(one);
      oneProto.writeString(1, operation.name());
      oneProto.writeByteArray(2, probabilistic(operation.probability()));
      oneProto.flush();
      proto.writeByteArray(3, one.toByteArray());
    }
    proto.flush();
    return out.toByteArray();
  }

  /** {@code ProbabilisticSamplingStrategy}. */
  private static byte[] probabilistic(double samplingRate) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream proto = CodedOutputStream.newInstance(out);
    if (samplingRate != 0) {
      proto.writeDouble(1, samplingRate);
    }
    proto.flush();
    return out.toByteArray();
  }
}
