package dev.ariadne.model.zipkin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.internal.SharedText;
import dev.ariadne.model.internal.Utf8Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a Zipkin v2 JSON list of spans with Jackson's streaming parser, one pass straight into
 * {@link SpanMapper}, following the rules of zipkin2's own reader ({@code V2SpanReader} on Gson):
 * unknown fields are skipped; {@code null} is an absent field, except for {@code traceId} and
 * {@code id}, and for an annotation's fields or a tag's value, where it is an error; a string may
 * be written as a number and a number as a string; a whole number may be written with a fraction
 * of zero or an exponent; anything after the closing bracket is ignored. Unlike Gson's reader, it
 * refuses a body that is not valid UTF-8, and the literals {@code true}, {@code false} and {@code
 * null} written in other cases.
 *
 * <p>Problems throw {@link IllegalArgumentException} with Zipkin's message where Zipkin's span
 * builder has one (the IDs, a missing field, the port), else a message with the JSON path.
 */
final class JsonV2Reader {
  /** Gson's default, which Zipkin's reader had. */
  private static final int MAX_DEPTH = 255;
  /** How much of a name or value a message quotes. */
  private static final int MAX_QUOTED = 40;
  /** How many steps of a path a message shows, half from each end. */
  private static final int MAX_PATH_STEPS = 12;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      // Field names (tag keys among them) are untrusted: keep them out of the JVM's string table.
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      // What Gson lets through: control characters in strings, and \' among the escapes (Jackson
      // then takes any character escaped).
      .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
      .enable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
      .build();

  private final JsonParser json;
  private final SpanMapper mapper;
  private final SharedText texts;

  private JsonV2Reader(JsonParser json, SpanMapper mapper, SharedText texts) {
    this.json = json;
    this.mapper = mapper;
    this.texts = texts;
  }

  /**
   * Reads the spans of {@code body} into {@code mapper}, its texts shared through {@code texts}.
   *
   * @throws IllegalArgumentException if {@code body} is not a JSON list of Zipkin v2 spans
   */
  static void read(byte[] body, SpanMapper mapper, SharedText texts) {
    Utf8Text.check(body);
    try (JsonParser json = JSON.createParser(body)) {
      try {
        new JsonV2Reader(json, mapper, texts).spans();
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(describe(json, e, body.length), e);
      }
    } catch (IOException e) {
      // Reading from memory fails only as above; this is for the compiler.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private void spans() throws IOException {
    if (json.nextToken() != JsonToken.START_ARRAY) {
      throw expected("a list of spans");
    }
    for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY;
        token = json.nextToken()) {
      if (token != JsonToken.START_OBJECT) {
        throw expected("a span object");
      }
      span(mapper.span());
      mapper.add();
    }
  }

  private void span(ZipkinSpan span) throws IOException {
    for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      switch (field) {
        case "traceId" -> {
          checkText(token);
          span.traceId(json.getTextCharacters(), json.getTextOffset(), json.getTextLength());
          continue;
        }
        case "id" -> {
          checkText(token);
          span.id(json.getTextCharacters(), json.getTextOffset(), json.getTextLength());
          continue;
        }
        default -> {
          if (token == JsonToken.VALUE_NULL) {
            continue;
          }
        }
      }
      switch (field) {
        case "parentId" -> {
          checkText(token);
          span.parentId(json.getTextCharacters(), json.getTextOffset(), json.getTextLength());
        }
        case "kind" -> span.kind = kind(text(token));
        case "name" -> span.name(text(token));
        case "timestamp" -> span.timestamp(number(token));
        case "duration" -> span.duration(number(token));
        case "localEndpoint" -> endpoint(token, span.localEndpoint);
        case "remoteEndpoint" -> endpoint(token, span.remoteEndpoint);
        case "annotations" -> annotations(token, span);
        case "tags" -> tags(token, span);
        case "debug" -> span.debug |= bool(token);
        case "shared" -> span.shared |= bool(token);
        default -> json.skipChildren();
      }
    }
  }

  private SpanKind kind(String kind) {
    return switch (kind) {
      case "CLIENT" -> SpanKind.CLIENT;
      case "SERVER" -> SpanKind.SERVER;
      case "PRODUCER" -> SpanKind.PRODUCER;
      case "CONSUMER" -> SpanKind.CONSUMER;
      default -> throw problem(
          "kind \"" + kind + "\" (expected: CLIENT, SERVER, PRODUCER or CONSUMER)");
    };
  }

  /** Replaces the endpoint, as Zipkin does when the field comes again. */
  private void endpoint(JsonToken token, ZipkinEndpoint endpoint) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw expected("an endpoint object");
    }
    endpoint.clear();
    for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
      JsonToken value = json.nextToken();
      if (value == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "serviceName" -> endpoint.serviceName(text(value));
        case "ipv4", "ipv6" -> endpoint.ip(text(value));
        case "port" -> endpoint.port(port(value));
        default -> json.skipChildren();
      }
    }
  }

  private void annotations(JsonToken token, ZipkinSpan span) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw expected("a list of annotations");
    }
    for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY;
        element = json.nextToken()) {
      if (element != JsonToken.START_OBJECT) {
        throw expected("an annotation object");
      }
      boolean hasTimestamp = false;
      long timestamp = 0;
      String value = null;
      for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
        JsonToken fieldValue = json.nextToken();
        switch (field) {
          case "timestamp" -> {
            timestamp = number(fieldValue);
            hasTimestamp = true;
          }
          case "value" -> value = text(fieldValue);
          default -> json.skipChildren();
        }
      }
      if (!hasTimestamp || value == null) {
        throw problem("Incomplete annotation");
      }
      span.addAnnotation(timestamp, value);
    }
  }

  /** Adds to the tags read so far, as Zipkin does when the field comes again. */
  private void tags(JsonToken token, ZipkinSpan span) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw expected("a tags object");
    }
    for (String key = json.nextFieldName(); key != null; key = json.nextFieldName()) {
      JsonToken value = json.nextToken();
      if (value == JsonToken.VALUE_NULL) {
        throw problem("No value");
      }
      span.putTag(key, text(value));
    }
  }

  private void checkText(JsonToken token) {
    if (token != JsonToken.VALUE_STRING && !token.isNumeric()) {
      throw expected("a string");
    }
  }

  /** A string; a number stands for its text, as Gson reads it. */
  private String text(JsonToken token) throws IOException {
    checkText(token);
    return texts.text(json.getTextCharacters(), json.getTextOffset(), json.getTextLength());
  }

  /**
   * A whole number as Gson's {@code nextLong} reads it: a number, or a string of one, whose value
   * is whole (so {@code 1.0} and {@code "1e3"} pass); a string is read by {@code Long.parseLong},
   * else {@code Double.parseDouble}.
   */
  private long number(JsonToken token) throws IOException {
    String text;
    if (token == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = json.getNumberType();
      if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
        return json.getLongValue();
      }
      text = json.getText();
    } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      text = json.getText();
    } else if (token == JsonToken.VALUE_STRING) {
      text = json.getText();
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        // Gson tries a double next.
      }
    } else {
      throw expected("a number");
    }
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw expected("a number");
    }
    long whole = (long) value;
    if (whole != value) {
      throw expected("a whole number of at most 64 bits");
    }
    return whole;
  }

  /** A port as Gson's {@code nextInt} reads it, the rules of {@link #number} for 32 bits. */
  private int port(JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT && json.getNumberType() == JsonParser.NumberType.INT) {
      return json.getIntValue();
    }
    if (token == JsonToken.VALUE_STRING) {
      try {
        return Integer.parseInt(json.getText());
      } catch (NumberFormatException e) {
        // Gson tries a double next.
      }
    }
    double value = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT
        || token == JsonToken.VALUE_STRING
        ? parseDouble(json.getText())
        : Double.NaN;
    int whole = (int) value;
    if (whole != value) {
      throw expected("a whole number of at most 32 bits");
    }
    return whole;
  }

  private static double parseDouble(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private boolean bool(JsonToken token) {
    if (token == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (token == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw expected("a boolean");
  }

  private IllegalArgumentException expected(String what) {
    return problem("Expected " + what + " but was " + found());
  }

  /** The current token, for a message: a value quoted and cut, or the kind of token. */
  private String found() {
    JsonToken token = json.currentToken();
    if (token == null) {
      return "nothing";
    }
    if (token.isScalarValue()) {
      try {
        String text = json.getText();
        return token == JsonToken.VALUE_STRING ? "\"" + cut(text) + "\"" : cut(text);
      } catch (IOException e) {
        return token.name();
      }
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      default -> token.name();
    };
  }

  private IllegalArgumentException problem(String message) {
    return new IllegalArgumentException(message + " at " + path(json));
  }

  /** Jackson's own error, where it was reading; a body that ends too soon says so. */
  private static String describe(JsonParser json, JsonProcessingException e, int bodyLength) {
    JsonLocation at = e.getLocation();
    if (e instanceof JsonEOFException || (at != null && at.getByteOffset() >= bodyLength)) {
      return "Truncated: the body ends inside " + path(json);
    }
    String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
    return e.getOriginalMessage() + where + " path " + path(json);
  }

  /**
   * Where the parser is, as Gson writes it ({@code $[0].tags.key}), with long names cut and the
   * middle of a deep path left out.
   */
  private static String path(JsonParser json) {
    List<String> steps = new ArrayList<>();
    for (JsonStreamContext context = json.getParsingContext(); context != null;
        context = context.getParent()) {
      if (context.inArray() && context.hasCurrentIndex()) {
        steps.add("[" + context.getCurrentIndex() + "]");
      } else if (context.inObject() && context.getCurrentName() != null) {
        steps.add("." + cut(context.getCurrentName()));
      }
    }
    Collections.reverse(steps);
    if (steps.size() > MAX_PATH_STEPS) {
      steps.subList(MAX_PATH_STEPS / 2, steps.size() - MAX_PATH_STEPS / 2).clear();
      steps.add(MAX_PATH_STEPS / 2, "…");
    }
    return "$" + String.join("", steps);
  }

  private static String cut(String text) {
    return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "…";
  }
}
