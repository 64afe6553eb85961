package dev.ariadne.collector.sampling;

import java.util.List;

/**
 * What one service is told: a probabilistic or rate-limiting strategy, and the per-operation
 * strategies when there are any ({@code operations} null otherwise).
 */
record Strategy(Type type, double param, Operations operations) {

  /** Jaeger's {@code SamplingStrategyType}; {@code code} is its enum number. */
  enum Type {
    PROBABILISTIC("probabilistic", 0),
    RATE_LIMITING("ratelimiting", 1);

    final String fileName;
    final int code;

    Type(String fileName, int code) {
      this.fileName = fileName;
      this.code = code;
    }
  }

  /**
   * Jaeger's {@code PerOperationSamplingStrategies}: a probability for operations not listed, and
   * one per listed operation. The strategies file sets no lower or upper bound: both are 0.
   */
  record Operations(double defaultProbability, List<Operation> operations) {}

  /** One operation's probability. */
  record Operation(String name, double probability) {}

  Strategy withOperations(Operations operations) {
    return new Strategy(type, param, operations);
  }
}
