package dev.ariadne.benchmarks.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the query benchmark needs from the JSON answers of Ariadne's {@code /api/v1}: the
 * trace IDs and starts of a search, the service names, and the size of an answer. Answers that do
 * not have the expected shape are refused with an {@link IOException} naming what is missing.
 */
final class Answers {
  private static final JsonFactory JSON = new JsonFactory();

  /** One trace of a search answer. */
  record Trace(String traceId, long startEpochNanos) {}

  private Answers() {}

  /** The traces of {@code {"traces": [{"traceId": ..., "startEpochNanos": "..."}, ...]}}. */
  static List<Trace> traces(byte[] answer) throws IOException {
    List<Trace> traces = new ArrayList<>();
    try (JsonParser json = JSON.createParser(answer)) {
      toArray(json, "traces");
      while (json.nextToken() == JsonToken.START_OBJECT) {
        String traceId = null;
        String start = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String field = json.currentName();
          JsonToken value = json.nextToken();
          if (field.equals("traceId") && value == JsonToken.VALUE_STRING) {
            traceId = json.getText();
          } else if (field.equals("startEpochNanos") && value == JsonToken.VALUE_STRING) {
            start = json.getText();
          } else {
            json.skipChildren();
          }
        }
        if (traceId == null || start == null) {
          throw new IOException("search answer: a trace without a traceId or startEpochNanos string");
        }
        try {
          traces.add(new Trace(traceId, Long.parseLong(start)));
        } catch (NumberFormatException e) {
          throw new IOException("search answer: startEpochNanos \"" + start + "\" is not an integer", e);
        }
      }
      requireEndOfArray(json, "traces");
    }
    return traces;
  }

  /** The names of {@code {"services": ["cart", ...]}}. */
  static List<String> services(byte[] answer) throws IOException {
    List<String> services = new ArrayList<>();
    try (JsonParser json = JSON.createParser(answer)) {
      toArray(json, "services");
      while (json.nextToken() == JsonToken.VALUE_STRING) {
        services.add(json.getText());
      }
      requireEndOfArray(json, "services");
    }
    return services;
  }

  /** How many elements the top-level array {@code field} holds. */
  static long arrayLength(byte[] answer, String field) throws IOException {
    try (JsonParser json = JSON.createParser(answer)) {
      toArray(json, field);
      long length = 0;
      for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
        if (token == null) {
          throw new IOException("answer: the array \"" + field + "\" is cut short");
        }
        json.skipChildren();
        length++;
      }
      return length;
    }
  }

  /** The top-level integer {@code field}. */
  static long integer(byte[] answer, String field) throws IOException {
    try (JsonParser json = JSON.createParser(answer)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("answer: not a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String name = json.currentName();
        JsonToken value = json.nextToken();
        if (name.equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
          return json.getLongValue();
        }
        json.skipChildren();
      }
      throw new IOException("answer: no integer \"" + field + "\"");
    }
  }

  /** Moves {@code json} into the top-level array {@code field}, skipping the fields before it. */
  private static void toArray(JsonParser json, String field) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("answer: not a JSON object");
    }
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      JsonToken value = json.nextToken();
      if (name.equals(field)) {
        if (value != JsonToken.START_ARRAY) {
          throw new IOException("answer: \"" + field + "\" is not an array");
        }
        return;
      }
      json.skipChildren();
    }
    throw new IOException("answer: no \"" + field + "\" array");
  }

  private static void requireEndOfArray(JsonParser json, String field) throws IOException {
    if (json.currentToken() != JsonToken.END_ARRAY) {
      throw new IOException("answer: \"" + field + "\" holds something unexpected at "
          + json.currentLocation().getCharOffset() + ": " + json.currentToken());
    }
  }
}
