package dev.ariadne.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Jaeger's {@code SamplingStrategyResponse} in protobuf's JSON mapping, as the collector's {@code
 * /api/sampling} answers it, re-encoded as the {@code jaeger.api_v2} protobuf message ({@code
 * sampling.proto}), as its gRPC {@code SamplingManager} answers it: every field kept, the bounds
 * of adaptive sampling too, proto3's defaults left out. Read as protobuf's JSON parsers read it
 * (an enum by name or number, a number as a JSON number or string, {@code null} as absent), with
 * unknown fields skipped; refused when it is not such JSON, or names a strategy type other than
 * the two or leaves out the strategy its type needs.
 */
final class StrategyProtobuf {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final String[] TYPES = {"PROBABILISTIC", "RATE_LIMITING"};

  /** Why an answer is not a strategy, naming the place in it. */
  static final class NotAStrategy extends Exception {
    private static final long serialVersionUID = 1L;

    NotAStrategy(String message) {
      super(message, null, false, false);
    }
  }

  private StrategyProtobuf() {}

  /** The protobuf message of the strategy in {@code json}. */
  static byte[] of(byte[] json) throws NotAStrategy {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new NotAStrategy("not a JSON object");
      }
      byte[] message = response(parser);
      if (parser.nextToken() != null) {
        throw new NotAStrategy("more after the JSON object");
      }
      return message;
    } catch (JsonProcessingException e) {
      throw new NotAStrategy("not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code SamplingStrategyResponse}. */
  private static byte[] response(JsonParser parser) throws IOException, NotAStrategy {
    int type = 0;
    byte[] probabilistic = null;
    byte[] rateLimiting = null;
    byte[] operations = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "strategyType" -> type = type(parser);
        case "probabilisticSampling" -> probabilistic = probabilistic(parser, name);
        case "rateLimitingSampling" -> rateLimiting = rateLimiting(parser);
        case "operationSampling" -> operations = operations(parser);
        default -> parser.skipChildren();
      }
    }
    if (operations == null && type == 0 && probabilistic == null) {
      throw new NotAStrategy(
          "strategyType PROBABILISTIC without probabilisticSampling or operationSampling");
    }
    if (operations == null && type == 1 && rateLimiting == null) {
      throw new NotAStrategy(
          "strategyType RATE_LIMITING without rateLimitingSampling or operationSampling");
    }
    int strategyType = type;
    byte[] probabilisticSampling = probabilistic;
    byte[] rateLimitingSampling = rateLimiting;
    byte[] operationSampling = operations;
    return message(proto -> {
      if (strategyType != 0) {
        proto.writeEnum(1, strategyType);
      }
      writeMessage(proto, 2, probabilisticSampling);
      writeMessage(proto, 3, rateLimitingSampling);
      writeMessage(proto, 4, operationSampling);
    });
  }

  private static int type(JsonParser parser) throws IOException, NotAStrategy {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (token == JsonToken.VALUE_NUMBER_INT) {
      BigDecimal number = parser.getDecimalValue();
      for (int code = 0; code < TYPES.length; code++) {
        if (number.compareTo(BigDecimal.valueOf(code)) == 0) {
          return code;
        }
      }
    } else if (token == JsonToken.VALUE_STRING) {
      for (int code = 0; code < TYPES.length; code++) {
        if (TYPES[code].equals(parser.getText())) {
          return code;
        }
      }
    }
    throw new NotAStrategy("strategyType: " + shown(parser)
        + " is invalid (expected: PROBABILISTIC, RATE_LIMITING, 0 or 1)");
  }

  /** {@code ProbabilisticSamplingStrategy}; null when the value is null. */
  private static byte[] probabilistic(JsonParser parser, String place)
      throws IOException, NotAStrategy {
    if (!startObject(parser, place)) {
      return null;
    }
    double samplingRate = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if (name.equals("samplingRate")) {
        samplingRate = number(parser, place + "." + name);
      } else {
        parser.skipChildren();
      }
    }
    double rate = samplingRate;
    return message(proto -> writeDouble(proto, 1, rate));
  }

  /** {@code RateLimitingSamplingStrategy}; null when the value is null. */
  private static byte[] rateLimiting(JsonParser parser) throws IOException, NotAStrategy {
    String place = "rateLimitingSampling";
    if (!startObject(parser, place)) {
      return null;
    }
    int maxTracesPerSecond = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if (name.equals("maxTracesPerSecond")) {
        maxTracesPerSecond = int32(parser, place + "." + name);
      } else {
        parser.skipChildren();
      }
    }
    int max = maxTracesPerSecond;
    return message(proto -> {
      if (max != 0) {
        proto.writeInt32(1, max);
      }
    });
  }

  /** {@code PerOperationSamplingStrategies}; null when the value is null. */
  private static byte[] operations(JsonParser parser) throws IOException, NotAStrategy {
    String place = "operationSampling";
    if (!startObject(parser, place)) {
      return null;
    }
    double[] defaults = new double[3];
    List<byte[]> operations = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "defaultSamplingProbability" -> defaults[0] = number(parser, place + "." + name);
        case "defaultLowerBoundTracesPerSecond" -> defaults[1] = number(parser, place + "." + name);
        case "defaultUpperBoundTracesPerSecond" -> defaults[2] = number(parser, place + "." + name);
        case "perOperationStrategies" -> operations(parser, place + "." + name, operations);
        default -> parser.skipChildren();
      }
    }
    return message(proto -> {
      writeDouble(proto, 1, defaults[0]);
      writeDouble(proto, 2, defaults[1]);
      for (byte[] operation : operations) {
        proto.writeByteArray(3, operation);
      }
      writeDouble(proto, 4, defaults[2]);
    });
  }

  /** The {@code OperationSamplingStrategy}s of an array, or none for null, into {@code into}. */
  private static void operations(JsonParser parser, String place, List<byte[]> into)
      throws IOException, NotAStrategy {
    into.clear();
    if (parser.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new NotAStrategy(place + ": " + shown(parser) + " is invalid (expected: an array)");
    }
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      into.add(operation(parser, place + "[" + into.size() + "]"));
    }
  }

  /** {@code OperationSamplingStrategy}. */
  private static byte[] operation(JsonParser parser, String place)
      throws IOException, NotAStrategy {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new NotAStrategy(place + ": " + shown(parser) + " is invalid (expected: an object)");
    }
    String operation = "";
    byte[] probabilistic = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if (name.equals("operation")) {
        operation = string(parser, place + "." + name);
      } else if (name.equals("probabilisticSampling")) {
        probabilistic = probabilistic(parser, place + "." + name);
      } else {
        parser.skipChildren();
      }
    }
    String operationName = operation;
    byte[] operationProbabilistic = probabilistic;
    return message(proto -> {
      if (!operationName.isEmpty()) {
        proto.writeString(1, operationName);
      }
      writeMessage(proto, 2, operationProbabilistic);
    });
  }

  /** Whether the value is an object (the parser at its start), not null. */
  private static boolean startObject(JsonParser parser, String place)
      throws IOException, NotAStrategy {
    if (parser.currentToken() == JsonToken.VALUE_NULL) {
      return false;
    }
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new NotAStrategy(place + ": " + shown(parser) + " is invalid (expected: an object)");
    }
    return true;
  }

  /** A {@code double}: a JSON number, or a string of one, {@code NaN} or {@code Infinity}. */
  private static double number(JsonParser parser, String place) throws IOException, NotAStrategy {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return parser.getDoubleValue();
    }
    if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      switch (text) {
        case "NaN" -> {
          return Double.NaN;
        }
        case "Infinity" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Infinity" -> {
          return Double.NEGATIVE_INFINITY;
        }
        default -> {
          try {
            return new BigDecimal(text).doubleValue();
          } catch (NumberFormatException e) {
            // Refused below.
          }
        }
      }
    }
    throw new NotAStrategy(place + ": " + shown(parser) + " is invalid (expected: a number)");
  }

  /** An {@code int32}: a whole JSON number, or a string of one. */
  private static int int32(JsonParser parser, String place) throws IOException, NotAStrategy {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return 0;
    }
    try {
      if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
        return parser.getDecimalValue().intValueExact();
      }
      if (token == JsonToken.VALUE_STRING) {
        return new BigDecimal(parser.getText()).intValueExact();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      // Refused below.
    }
    throw new NotAStrategy(place + ": " + shown(parser)
        + " is invalid (expected: a whole number within 32 bits)");
  }

  private static String string(JsonParser parser, String place) throws IOException, NotAStrategy {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return "";
    }
    if (token != JsonToken.VALUE_STRING) {
      throw new NotAStrategy(place + ": " + shown(parser) + " is invalid (expected: a string)");
    }
    return parser.getText();
  }

  /** The value at the parser, as the JSON has it, cut short when long. */
  private static String shown(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) return "an object";
    if (token == JsonToken.START_ARRAY) return "an array";
    String text = token == JsonToken.VALUE_STRING
        ? "\"" + parser.getText() + "\"" : parser.getText();
    return text.length() > 100 ? text.substring(0, 100) + "…" : text;
  }

  private static void writeDouble(CodedOutputStream proto, int field, double value)
      throws IOException {
    // proto3 leaves out 0, but not -0.0, whose bits are not 0.
    if (Double.doubleToRawLongBits(value) != 0) {
      proto.writeDouble(field, value);
    }
  }

  private static void writeMessage(CodedOutputStream proto, int field, byte[] message)
      throws IOException {
    if (message != null) {
      proto.writeByteArray(field, message);
    }
  }

  /** What a {@link Fields} writes. */
  private static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream proto = CodedOutputStream.newInstance(out);
    fields.writeTo(proto);
    proto.flush();
    return out.toByteArray();
  }

  /** Writes a message's fields. */
  private interface Fields {
    void writeTo(CodedOutputStream proto) throws IOException;
  }
}
