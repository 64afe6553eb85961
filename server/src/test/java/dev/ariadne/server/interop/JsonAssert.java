package dev.ariadne.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares an API's JSON answer with the JSON it should have been, field by field: every field
 * present, none extra, numbers of the same JSON kind ({@code 10.0} is not {@code 10}). Lists of
 * key-value entries ({@code [{"key": ...}, ...]}: attributes, tags, fields), whose order no client
 * fixes, are compared as sets; every other list in order.
 */
final class JsonAssert {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonAssert() {}

  /**
   * Fails with one line per difference ({@code spans[1: spanId 00f0...].attributes[cart.total]
   * .value: expected 12.5 but was "12.5"}) and the whole answer, when {@code actual} is not
   * {@code expected}.
   */
  static void assertSameJson(String description, JsonNode actual, JsonNode expected) {
    // Both sides go through the same parser, so 200 is an int node on both whatever wrote it.
    List<String> differences = new ArrayList<>();
    compare("$", actual, reparse(expected), differences);
    assertThat(differences)
        .as("%s differs from what the client sent; the answer was:%n%s", description,
            text(canonical(actual)))
        .isEmpty();
  }

  private static void compare(String path, JsonNode actual, JsonNode expected,
      List<String> differences) {
    if (actual.isObject() && expected.isObject()) {
      TreeMap<String, Boolean> names = new TreeMap<>();
      actual.fieldNames().forEachRemaining(name -> names.put(name, true));
      expected.fieldNames().forEachRemaining(name -> names.put(name, true));
      for (String name : names.keySet()) {
        compareMember(path + "." + name, actual.get(name), expected.get(name), differences);
      }
    } else if (actual.isArray() && expected.isArray() && (isKeyed(actual) || isKeyed(expected))) {
      Map<String, JsonNode> actualByKey = byKey(actual);
      Map<String, JsonNode> expectedByKey = byKey(expected);
      TreeMap<String, Boolean> keys = new TreeMap<>();
      actualByKey.keySet().forEach(key -> keys.put(key, true));
      expectedByKey.keySet().forEach(key -> keys.put(key, true));
      for (String key : keys.keySet()) {
        compareMember(path + "[" + key + "]", actualByKey.get(key), expectedByKey.get(key),
            differences);
      }
    } else if (actual.isArray() && expected.isArray()) {
      if (actual.size() != expected.size()) {
        differences.add(path + ": expected " + expected.size() + " elements but was "
            + actual.size());
      }
      for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
        compare(path + "[" + label(i, expected.get(i)) + "]", actual.get(i), expected.get(i),
            differences);
      }
    } else if (!actual.equals(expected)) {
      differences.add(path + ": expected " + expected + " but was " + actual);
    }
  }

  private static void compareMember(String path, JsonNode actual, JsonNode expected,
      List<String> differences) {
    if (actual == null) {
      differences.add(path + ": missing, expected " + expected);
    } else if (expected == null) {
      differences.add(path + ": unexpected " + actual);
    } else {
      compare(path, actual, expected, differences);
    }
  }

  /** A list of key-value entries, compared as a set: attributes, tags, log fields. */
  private static boolean isKeyed(JsonNode array) {
    if (array.isEmpty()) {
      return false;
    }
    for (JsonNode element : array) {
      if (!element.isObject() || !element.has("key")) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, JsonNode> byKey(JsonNode array) {
    Map<String, JsonNode> byKey = new LinkedHashMap<>();
    for (JsonNode element : array) {
      String key = element.path("key").asText();
      String unique = key;
      for (int n = 2; byKey.containsKey(unique); n++) {
        unique = key + " #" + n;
      }
      byKey.put(unique, element);
    }
    return byKey;
  }

  /** An element's index, and its span ID and kind when it is a span, for messages. */
  private static String label(int index, JsonNode element) {
    for (String id : List.of("spanId", "spanID", "id")) {
      if (element.has(id) && (element.has("name") || element.has("operationName"))) {
        String kind = element.has("kind") ? " " + element.get("kind").asText() : "";
        return index + ": " + id + " " + element.get(id).asText() + kind;
      }
    }
    return Integer.toString(index);
  }

  /** A value as plain JSON text, as the Jaeger and Zipkin APIs write arrays and maps in tags. */
  static String plainText(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(plain(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An attribute value as plain JSON data: bytes as their base64 text. */
  static Object plain(Object value) {
    if (value instanceof ExpectedTrace.Bytes bytes) {
      return bytes.base64();
    } else if (value instanceof List<?> list) {
      List<Object> plain = new ArrayList<>();
      list.forEach(element -> plain.add(plain(element)));
      return plain;
    } else if (value instanceof Map<?, ?> map) {
      Map<Object, Object> plain = new LinkedHashMap<>();
      map.forEach((k, v) -> plain.put(k, plain(v)));
      return plain;
    }
    return value;
  }

  private static JsonNode reparse(JsonNode node) {
    try {
      return MAPPER.readTree(MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * For reading an answer: object fields sorted by name, lists of key-value entries by key.
   */
  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      node.properties().forEach(field -> fields.put(field.getKey(), canonical(field.getValue())));
      ObjectNode sorted = NODES.objectNode();
      fields.forEach(sorted::set);
      return sorted;
    }
    if (node.isArray()) {
      List<JsonNode> elements = new ArrayList<>();
      node.forEach(element -> elements.add(canonical(element)));
      if (!elements.isEmpty() && elements.stream().allMatch(e -> e.isObject() && e.has("key"))) {
        elements.sort(Comparator.<JsonNode, String>comparing(e -> e.get("key").asText())
            .thenComparing(JsonNode::toString));
      }
      ArrayNode array = NODES.arrayNode();
      elements.forEach(array::add);
      return array;
    }
    return node;
  }
}
