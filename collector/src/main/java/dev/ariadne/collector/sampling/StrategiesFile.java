package dev.ariadne.collector.sampling;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.ariadne.collector.sampling.Strategy.Operation;
import dev.ariadne.collector.sampling.Strategy.Operations;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Jaeger's strategies file ({@code default_strategy}, {@code service_strategies}, each with
 * {@code type}, {@code param} and {@code operation_strategies}) into what each service is told, as
 * Jaeger's file-based provider does: a service not listed gets the default strategy; the default's
 * operation strategies apply to every service, and a service's own ones win for the operations
 * they name. Where Jaeger logs a warning and serves something else (an unknown type, a rate limit
 * per operation) or takes a missing value as 0, this refuses the file, naming the place.
 */
final class StrategiesFile {
  /** {@code RateLimitingSamplingStrategy.maxTracesPerSecond} is a Thrift {@code i16}. */
  static final int MAX_TRACES_PER_SECOND = Short.MAX_VALUE;

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final Set<String> TOP = Set.of("default_strategy", "service_strategies");
  private static final Set<String> DEFAULT = Set.of("type", "param", "operation_strategies");
  private static final Set<String> SERVICE =
      Set.of("service", "type", "param", "operation_strategies");
  private static final Set<String> OPERATION = Set.of("operation", "type", "param");

  final Strategy defaultStrategy;
  final Map<String, Strategy> services;

  StrategiesFile(Strategy defaultStrategy, Map<String, Strategy> services) {
    this.defaultStrategy = defaultStrategy;
    this.services = services;
  }

  /** Thrown with a message naming the place in the file (a path such as {@code a[0].b}). */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }

  /** The strategies in {@code json}; {@code fallback} for services when it sets no default. */
  static StrategiesFile parse(byte[] json, Strategy fallback) throws Problem {
    Object root = readTree(json);
    Map<String, Object> top = object(root, "the file", TOP);
    Strategy defaultStrategy = fallback;
    Object defaultNode = top.get("default_strategy");
    if (defaultNode != null) {
      defaultStrategy = strategy(object(defaultNode, "default_strategy", DEFAULT),
          "default_strategy", fallback);
    }
    Map<String, Strategy> services = new LinkedHashMap<>();
    Object serviceNodes = top.get("service_strategies");
    if (serviceNodes != null) {
      List<Object> list = array(serviceNodes, "service_strategies");
      for (int i = 0; i < list.size(); i++) {
        String place = "service_strategies[" + i + "]";
        Map<String, Object> node = object(list.get(i), place, SERVICE);
        String service = name(node, "service", place);
        if (services.containsKey(service)) {
          throw new Problem(place + ".service: \"" + service + "\" is given twice");
        }
        services.put(service,
            withDefaultOperations(strategy(node, place, fallback), defaultStrategy.operations()));
      }
    }
    return new StrategiesFile(defaultStrategy, services);
  }

  /**
   * A service's strategy with the default's operation strategies: all of them when it has none of
   * its own (the operations not listed then take the service's probability, if it has one),
   * else those it does not name, after its own.
   */
  private static Strategy withDefaultOperations(Strategy service, Operations defaults) {
    if (defaults == null) {
      return service;
    }
    Operations own = service.operations();
    if (own == null) {
      double probability = service.type() == Strategy.Type.PROBABILISTIC
          ? service.param() : defaults.defaultProbability();
      return service.withOperations(new Operations(probability, defaults.operations()));
    }
    Set<String> named = new LinkedHashSet<>();
    own.operations().forEach(operation -> named.add(operation.name()));
    List<Operation> merged = new ArrayList<>(own.operations());
    for (Operation operation : defaults.operations()) {
      if (!named.contains(operation.name())) {
        merged.add(operation);
      }
    }
    return service.withOperations(new Operations(own.defaultProbability(), List.copyOf(merged)));
  }

  /**
   * The strategy of {@code node} with its operation strategies, whose unlisted operations take
   * its probability, or {@code fallback}'s when it is rate-limiting (as Jaeger takes its default
   * probability).
   */
  private static Strategy strategy(Map<String, Object> node, String place, Strategy fallback)
      throws Problem {
    Strategy.Type type = type(node, place);
    double param = param(node, place, type);
    Object operationNodes = node.get("operation_strategies");
    if (operationNodes == null) {
      return new Strategy(type, param, null);
    }
    String listPlace = place + ".operation_strategies";
    List<Object> list = array(operationNodes, listPlace);
    List<Operation> operations = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String operationPlace = listPlace + "[" + i + "]";
      Map<String, Object> operation = object(list.get(i), operationPlace, OPERATION);
      String name = name(operation, "operation", operationPlace);
      if (!names.add(name)) {
        throw new Problem(operationPlace + ".operation: \"" + name + "\" is given twice");
      }
      if (type(operation, operationPlace) != Strategy.Type.PROBABILISTIC) {
        throw new Problem(operationPlace + ".type: \"ratelimiting\" is not supported for an"
            + " operation (expected: probabilistic; Jaeger's clients take no rate limit per"
            + " operation)");
      }
      operations.add(new Operation(
          name, param(operation, operationPlace, Strategy.Type.PROBABILISTIC)));
    }
    if (operations.isEmpty()) {
      return new Strategy(type, param, null);
    }
    double probability = type == Strategy.Type.PROBABILISTIC ? param : fallback.param();
    return new Strategy(type, param, new Operations(probability, List.copyOf(operations)));
  }

  private static Strategy.Type type(Map<String, Object> node, String place) throws Problem {
    Object type = node.get("type");
    if (type == null) {
      throw new Problem(place + ".type is missing (expected: probabilistic or ratelimiting)");
    }
    for (Strategy.Type known : Strategy.Type.values()) {
      if (known.fileName.equals(type)) {
        return known;
      }
    }
    throw new Problem(place + ".type: " + shown(type)
        + " is invalid (expected: probabilistic or ratelimiting)");
  }

  private static double param(Map<String, Object> node, String place, Strategy.Type type)
      throws Problem {
    Object param = node.get("param");
    String expected = type == Strategy.Type.PROBABILISTIC
        ? "a probability from 0 to 1"
        : "a whole number of traces per second from 0 to " + MAX_TRACES_PER_SECOND;
    if (param == null) {
      throw new Problem(place + ".param is missing (expected: " + expected + ")");
    }
    if (param instanceof BigDecimal number) {
      double value = number.doubleValue();
      boolean valid = type == Strategy.Type.PROBABILISTIC
          ? value >= 0 && value <= 1
          : value >= 0 && value <= MAX_TRACES_PER_SECOND && value == Math.rint(value);
      if (valid) {
        return value;
      }
    }
    throw new Problem(place + ".param: " + shown(param) + " is invalid (expected: " + expected
        + ")");
  }

  private static String name(Map<String, Object> node, String key, String place)
      throws Problem {
    Object name = node.get(key);
    if (name == null) {
      throw new Problem(place + "." + key + " is missing");
    }
    if (!(name instanceof String text) || text.isEmpty()) {
      throw new Problem(place + "." + key + ": " + shown(name)
          + " is invalid (expected: a non-empty string)");
    }
    return text;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object node, String place, Set<String> keys)
      throws Problem {
    if (!(node instanceof Map)) {
      throw new Problem(place + " must be a JSON object, not " + kind(node));
    }
    Map<String, Object> object = (Map<String, Object>) node;
    for (String key : object.keySet()) {
      if (!keys.contains(key)) {
        String where = place.equals("the file") ? "" : place + ".";
        throw new Problem(where + key + " is not a setting of a strategies file here (expected: "
            + String.join(", ", keys.stream().sorted().toList()) + ")");
      }
    }
    return object;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> array(Object node, String place) throws Problem {
    if (!(node instanceof List)) {
      throw new Problem(place + " must be a JSON array, not " + kind(node));
    }
    return (List<Object>) node;
  }

  private static String kind(Object node) {
    if (node instanceof Map) return "an object";
    if (node instanceof List) return "an array";
    if (node instanceof String) return "a string";
    if (node instanceof BigDecimal) return "a number";
    if (node instanceof Boolean) return "a boolean";
    return "null";
  }

  /** A value as the file has it, cut short when long. */
  private static String shown(Object value) {
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    if (value instanceof BigDecimal number) text = number.toString();
    return text.length() > 100 ? text.substring(0, 100) + "…" : text;
  }

  /**
   * The JSON as maps (in the file's order), lists, strings, {@link BigDecimal}s, booleans and
   * nulls. A key given twice in one object is refused.
   */
  private static Object readTree(byte[] json) throws Problem {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() == null) {
        throw new Problem("the file is empty (expected: a JSON object)");
      }
      Object root = value(parser);
      if (parser.nextToken() != null) {
        throw new Problem("more after the JSON object" + at(parser.currentTokenLocation()));
      }
      return root;
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage().lines().findFirst().orElse("");
      // Jackson names an unclosed object's start with the source it does not show: drop it.
      int startMarker = message.indexOf(" (start marker at ");
      if (startMarker >= 0) {
        message = message.substring(0, startMarker);
      }
      throw new Problem("not JSON: " + message + at(e.getLocation()));
    } catch (IOException e) {
      throw new Problem("not JSON: " + e.getMessage());
    }
  }

  private static String at(JsonLocation location) {
    return location == null ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static Object value(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          object.put(key, value(parser));
        }
        return object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser));
        }
        return array;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return parser.getDecimalValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return parser.getBooleanValue();
      }
      default -> {
        return null;
      }
    }
  }
}
