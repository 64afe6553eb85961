package dev.ariadne.model.otlp;

import dev.ariadne.model.DecodeResult;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Ids;
import dev.ariadne.model.Link;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.internal.LoneSurrogates;
import dev.ariadne.model.internal.Problems;
import dev.ariadne.model.internal.SharedText;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Decodes an OTLP/JSON {@code ExportTraceServiceRequest} (the body of OTLP/HTTP with {@code
 * application/json}) into spans, by the OTLP JSON rules: lowerCamelCase field names (the proto
 * field names are accepted too), hex trace and span IDs, 64-bit integers as numbers or decimal
 * strings, enums as numbers (names are accepted too), base64 bytes, unknown fields ignored, and
 * {@code null} the same as an absent field. A span with an invalid trace or span ID is rejected
 * and counted in the {@link DecodeResult}; a body that is not JSON, or has a value of the wrong
 * type anywhere, throws with the JSON path of the problem.
 *
 * <p>Reads the body once with Jackson's streaming parser, never building a tree; attribute values
 * nested deeper than 32 levels, and JSON nested deeper than 256, are refused, so hostile input
 * costs no more than its size. Thread-safe (each call has its own state); nothing of the input is
 * retained.
 */
public final class OtlpJsonDecoder {
  private static final int MAX_JSON_DEPTH = 256;
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(
          StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
      // Field names are untrusted: keep them out of the JVM's string table.
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build();

  /** Longer numeric text is refused before BigDecimal, whose parsing is not linear. */
  private static final int MAX_NUMBER_TEXT = 128;
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger UINT32_MAX = BigInteger.valueOf(0xffff_ffffL);
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final EnumDescriptor SPAN_KINDS =
      io.opentelemetry.proto.trace.v1.Span.SpanKind.getDescriptor();
  private static final EnumDescriptor STATUS_CODES = Status.StatusCode.getDescriptor();

  private final JsonParser parser;
  private final Path path = new Path();
  private final Problems problems = new Problems();
  private final List<Span> spans = new ArrayList<>();
  /** Keys, names and many values come again span after span; the spans share them. */
  private final SharedText texts;

  private OtlpJsonDecoder(JsonParser parser, SharedText texts) {
    this.parser = parser;
    this.texts = texts;
  }

  /**
   * Decodes a whole request body, UTF-8 (or UTF-16/32, detected). An empty or blank body is taken
   * as the empty request: no spans.
   *
   * @throws MalformedException if the body is not an OTLP/JSON {@code ExportTraceServiceRequest}
   */
  public static DecodeResult decode(byte[] body) throws MalformedException {
    requireNonNull(body, "body");
    try (JsonParser parser = JSON.createParser(body)) {
      try {
        return new OtlpJsonDecoder(parser, new SharedText(body)).request();
      } catch (JsonProcessingException e) {
        throw unreadable(parser, e, body.length);
      }
    } catch (IOException e) {
      // Reading from memory fails only as above; this is for the compiler.
      throw new MalformedException("OTLP/JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Jackson's own error, at the path Jackson was reading (it parses a field's value with its name,
   * so its path can be a step ahead of ours); a body that ends too soon has no path to name.
   */
  private static MalformedException unreadable(
      JsonParser parser, JsonProcessingException e, int bodyLength) {
    JsonLocation at = e.getLocation();
    String where =
        at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    if (e instanceof JsonEOFException || (at != null && at.getByteOffset() >= bodyLength)) {
      return new MalformedException("OTLP/JSON: unexpected end of the body" + where, e);
    }
    List<JsonStreamContext> contexts = new ArrayList<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
      contexts.add(c);
    }
    Path path = new Path();
    for (int i = contexts.size() - 1; i >= 0; i--) {
      JsonStreamContext context = contexts.get(i);
      if (context.inArray() && context.hasCurrentIndex()) {
        path.push(context.getCurrentIndex());
      } else if (context.inObject() && context.hasCurrentName()) {
        path.push(context.getCurrentName());
      }
    }
    return new MalformedException(prefix(path) + e.getOriginalMessage() + where, e);
  }

  private DecodeResult request() throws IOException, MalformedException {
    if (parser.nextToken() == null) {
      return problems.result(spans);
    }
    enterObject();
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "resourceSpans", "resource_spans" -> {
          enterArray();
          for (int i = 0; nextElement(i); i++) {
            resourceSpans();
            path.pop();
          }
        }
        default -> parser.skipChildren();
      }
      path.pop();
    }
    if (parser.nextToken() != null) {
      throw expected("the end of the body after the request object");
    }
    return problems.result(spans);
  }

  private void resourceSpans() throws IOException, MalformedException {
    enterObject();
    Resource resource = Otlp.NO_RESOURCE;
    List<Span.Builder> pending = new ArrayList<>();
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "resource" -> resource = resource();
        case "scopeSpans", "scope_spans" -> {
          enterArray();
          for (int i = 0; nextElement(i); i++) {
            scopeSpans(pending);
            path.pop();
          }
        }
        default -> parser.skipChildren();
      }
      path.pop();
    }
    for (Span.Builder span : pending) {
      spans.add(span.resource(resource).build());
    }
  }

  private Resource resource() throws IOException, MalformedException {
    enterObject();
    List<Attribute> attributes = new ArrayList<>();
    int empty = 0;
    long dropped = 0;
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "attributes" -> empty += keyValues(attributes, 1);
        case "droppedAttributesCount", "dropped_attributes_count" -> dropped = uint32();
        default -> parser.skipChildren();
      }
      path.pop();
    }
    return Otlp.resource(attributes, Otlp.add(Otlp.count(dropped), empty));
  }

  /** Adds the spans of one {@code ScopeSpans} to {@code into}, each with its scope set. */
  private void scopeSpans(List<Span.Builder> into) throws IOException, MalformedException {
    enterObject();
    Scope scope = Scope.UNKNOWN;
    int first = into.size();
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "scope" -> scope = scope();
        case "spans" -> {
          enterArray();
          for (int i = 0; nextElement(i); i++) {
            Span.Builder span = span();
            if (span != null) {
              into.add(span);
            }
            path.pop();
          }
        }
        default -> parser.skipChildren();
      }
      path.pop();
    }
    for (int i = first; i < into.size(); i++) {
      into.get(i).scope(scope);
    }
  }

  private Scope scope() throws IOException, MalformedException {
    enterObject();
    String name = "";
    String version = "";
    List<Attribute> attributes = new ArrayList<>();
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "name" -> name = text();
        case "version" -> version = text();
        case "attributes" -> keyValues(attributes, 1);
        default -> parser.skipChildren();
      }
      path.pop();
    }
    return new Scope(name, version, attributes);
  }

  /** The span without its resource and scope, or null if it is rejected. */
  private Span.Builder span() throws IOException, MalformedException {
    enterObject();
    Span.Builder span = Span.builder();
    String traceId = "";
    String spanId = "";
    String parentSpanId = "";
    List<Attribute> attributes = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    int emptyAttributes = 0;
    int invalidLinks = 0;
    long droppedAttributes = 0;
    long droppedEvents = 0;
    long droppedLinks = 0;
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "traceId", "trace_id" -> traceId = string();
        case "spanId", "span_id" -> spanId = string();
        case "parentSpanId", "parent_span_id" -> parentSpanId = string();
        case "traceState", "trace_state" -> span.traceState(text());
        case "flags" -> span.flags((int) uint32());
        case "name" -> span.name(text());
        case "kind" -> span.kind(Otlp.kind(enumNumber(SPAN_KINDS)));
        case "startTimeUnixNano", "start_time_unix_nano" -> span.startEpochNanos(uint64());
        case "endTimeUnixNano", "end_time_unix_nano" -> span.endEpochNanos(uint64());
        case "attributes" -> emptyAttributes += keyValues(attributes, 1);
        case "droppedAttributesCount", "dropped_attributes_count" -> droppedAttributes = uint32();
        case "events" -> {
          enterArray();
          for (int i = 0; nextElement(i); i++) {
            events.add(event());
            path.pop();
          }
        }
        case "droppedEventsCount", "dropped_events_count" -> droppedEvents = uint32();
        case "links" -> {
          enterArray();
          for (int i = 0; nextElement(i); i++) {
            Link link = link();
            if (link == null) {
              invalidLinks++;
            } else {
              links.add(link);
            }
            path.pop();
          }
        }
        case "droppedLinksCount", "dropped_links_count" -> droppedLinks = uint32();
        case "status" -> status(span);
        default -> parser.skipChildren();
      }
      path.pop();
    }
    String problem = idProblem("traceId", traceId, 32, false);
    if (problem == null) {
      problem = idProblem("spanId", spanId, 16, false);
    }
    if (problem == null && !parentSpanId.isEmpty()) {
      problem = idProblem("parentSpanId", parentSpanId, 16, true);
    }
    if (problem != null) {
      problems.reject(problem);
      return null;
    }
    return span
        .traceId(TraceId.fromHex(traceId))
        .spanId(Ids.spanIdFromHex(spanId))
        .parentSpanId(parentSpanId.isEmpty() ? 0 : Ids.spanIdFromHex(parentSpanId))
        .attributes(attributes)
        .droppedAttributesCount(Otlp.add(Otlp.count(droppedAttributes), emptyAttributes))
        .events(events)
        .droppedEventsCount(Otlp.count(droppedEvents))
        .links(links)
        .droppedLinksCount(Otlp.add(Otlp.count(droppedLinks), invalidLinks));
  }

  private void status(Span.Builder span) throws IOException, MalformedException {
    enterObject();
    int code = 0;
    String message = "";
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "code" -> code = enumNumber(STATUS_CODES);
        case "message" -> message = text();
        default -> parser.skipChildren();
      }
      path.pop();
    }
    span.status(Otlp.statusCode(code), message);
  }

  private Event event() throws IOException, MalformedException {
    enterObject();
    long time = 0;
    String name = "";
    List<Attribute> attributes = new ArrayList<>();
    int empty = 0;
    long dropped = 0;
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "timeUnixNano", "time_unix_nano" -> time = uint64();
        case "name" -> name = text();
        case "attributes" -> empty += keyValues(attributes, 1);
        case "droppedAttributesCount", "dropped_attributes_count" -> dropped = uint32();
        default -> parser.skipChildren();
      }
      path.pop();
    }
    return new Event(time, name, attributes, Otlp.add(Otlp.count(dropped), empty));
  }

  /** The link, or null, with a warning, if one of its IDs is not valid hex of the right length. */
  private Link link() throws IOException, MalformedException {
    enterObject();
    String traceId = "";
    String spanId = "";
    String traceState = "";
    List<Attribute> attributes = new ArrayList<>();
    int empty = 0;
    long dropped = 0;
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "traceId", "trace_id" -> traceId = string();
        case "spanId", "span_id" -> spanId = string();
        case "traceState", "trace_state" -> traceState = text();
        case "attributes" -> empty += keyValues(attributes, 1);
        case "droppedAttributesCount", "dropped_attributes_count" -> dropped = uint32();
        default -> parser.skipChildren();
      }
      path.pop();
    }
    String problem = traceId.isEmpty() ? null : idProblem("traceId", traceId, 32, true);
    if (problem == null && !spanId.isEmpty()) {
      problem = idProblem("spanId", spanId, 16, true);
    }
    if (problem != null) {
      problems.warn(problem + "; link dropped");
      return null;
    }
    return new Link(
        traceId.isEmpty() ? new TraceId(0, 0) : TraceId.fromHex(traceId),
        spanId.isEmpty() ? 0 : Ids.spanIdFromHex(spanId),
        traceState,
        attributes,
        Otlp.add(Otlp.count(dropped), empty),
        Otlp.isFollowsFrom(attributes));
  }

  /**
   * Reads an array of {@code KeyValue}s, adds those with a value to {@code into}, and returns how
   * many had none.
   */
  private int keyValues(List<Attribute> into, int depth) throws IOException, MalformedException {
    enterArray();
    int empty = 0;
    for (int i = 0; nextElement(i); i++) {
      Attribute attribute = keyValue(depth);
      if (attribute == null) {
        empty++;
      } else {
        into.add(attribute);
      }
      path.pop();
    }
    return empty;
  }

  /** The attribute, or null if its value is empty or absent. */
  private Attribute keyValue(int depth) throws IOException, MalformedException {
    enterObject();
    String key = "";
    Value value = null;
    for (String field = nextField(); field != null; field = nextField()) {
      switch (field) {
        case "key" -> key = text();
        case "value" -> value = anyValue(depth);
        default -> parser.skipChildren();
      }
      path.pop();
    }
    return value == null ? null : new Attribute(key, value);
  }

  /** The value, or null if the AnyValue is empty. */
  private Value anyValue(int depth) throws IOException, MalformedException {
    if (depth > Otlp.MAX_VALUE_DEPTH) {
      throw malformed(Otlp.TOO_DEEP);
    }
    enterObject();
    Value value = null;
    for (String field = nextField(); field != null; field = nextField()) {
      Value read = switch (field) {
        case "stringValue", "string_value" -> new Value.Str(text());
        case "boolValue", "bool_value" -> new Value.Bool(bool());
        case "intValue", "int_value" -> new Value.Int(int64());
        case "doubleValue", "double_value" -> new Value.Dbl(dbl());
        case "bytesValue", "bytes_value" -> new Value.Bytes(bytes());
        case "arrayValue", "array_value" -> arrayValue(depth);
        case "kvlistValue", "kvlist_value" -> kvlistValue(depth);
        default -> {
          // Also stringValueStrindex: a profiles-only reference, to be treated as absent.
          parser.skipChildren();
          yield null;
        }
      };
      if (read != null) {
        if (value != null) {
          throw malformed("a second value in one AnyValue (expected: at most one)");
        }
        value = read;
      }
      path.pop();
    }
    return value;
  }

  private Value arrayValue(int depth) throws IOException, MalformedException {
    enterObject();
    List<Value> values = new ArrayList<>();
    for (String field = nextField(); field != null; field = nextField()) {
      if (field.equals("values")) {
        enterArray();
        for (int i = 0; nextElement(i); i++) {
          Value value = anyValue(depth + 1);
          if (value != null) {
            values.add(value);
          }
          path.pop();
        }
      } else {
        parser.skipChildren();
      }
      path.pop();
    }
    return new Value.Array(values);
  }

  private Value kvlistValue(int depth) throws IOException, MalformedException {
    enterObject();
    List<Attribute> attributes = new ArrayList<>();
    for (String field = nextField(); field != null; field = nextField()) {
      if (field.equals("values")) {
        keyValues(attributes, depth + 1);
      } else {
        parser.skipChildren();
      }
      path.pop();
    }
    return new Value.KvList(attributes);
  }

  /**
   * Moves to the value of the object's next field and pushes the field's name, skipping fields
   * whose value is {@code null}; returns the name, or null at the end of the object.
   */
  private String nextField() throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      path.push(name);
      if (parser.nextToken() != JsonToken.VALUE_NULL) {
        return name;
      }
      path.pop();
    }
    return null;
  }

  /** Moves to the array's next element and pushes its index; false at the end of the array. */
  private boolean nextElement(int index) throws IOException {
    if (parser.nextToken() == JsonToken.END_ARRAY) {
      return false;
    }
    path.push(index);
    return true;
  }

  private void enterObject() throws IOException, MalformedException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw expected("an object");
    }
  }

  private void enterArray() throws IOException, MalformedException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw expected("an array");
    }
  }

  private String string() throws IOException, MalformedException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw expected("a string");
    }
    return parser.getText();
  }

  /**
   * A string the model keeps: a text seen before in the request is the same {@code String}. Half
   * of a surrogate pair alone (an escape such as {@code "\u005cud800"}) is read as U+FFFD.
   */
  private String text() throws IOException, MalformedException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw expected("a string");
    }
    char[] chars = parser.getTextCharacters();
    int offset = parser.getTextOffset();
    int length = parser.getTextLength();
    if (LoneSurrogates.anySurrogate(chars, offset, length)) {
      chars = Arrays.copyOfRange(chars, offset, offset + length);
      offset = 0;
      LoneSurrogates.replace(chars, 0, length);
    }
    return texts.text(chars, offset, length);
  }

  private boolean bool() throws IOException, MalformedException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    if (token == JsonToken.VALUE_STRING && parser.getText().equals("true")) {
      return true;
    }
    if (token == JsonToken.VALUE_STRING && parser.getText().equals("false")) {
      return false;
    }
    throw expected("a boolean");
  }

  private byte[] bytes() throws IOException, MalformedException {
    String text = string();
    boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
    try {
      return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(Problems.quote(text) + " is not base64");
    }
  }

  private double dbl() throws IOException, MalformedException {
    if (parser.currentToken() == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      if (text.equals("NaN")) {
        return Double.NaN;
      }
      if (text.equals("Infinity")) {
        return Double.POSITIVE_INFINITY;
      }
      if (text.equals("-Infinity")) {
        return Double.NEGATIVE_INFINITY;
      }
    }
    String text = numericText();
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw malformed(Problems.cut(text) + " is out of range (expected: a double)");
    }
    return value;
  }

  private long int64() throws IOException, MalformedException {
    String text = numericText();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return exactInteger(text, INT64_MIN, INT64_MAX).longValue();
    }
  }

  /** An OTLP fixed64 (a time): 0 to 2^64 - 1, its bits kept as they are in a long. */
  private long uint64() throws IOException, MalformedException {
    String text = numericText();
    if (text.charAt(0) != '-') {
      try {
        return Long.parseUnsignedLong(text);
      } catch (NumberFormatException e) {
        // Not a plain integer, or out of range: the exact path below says which.
      }
    }
    return exactInteger(text, BigInteger.ZERO, UINT64_MAX).longValue();
  }

  /** An OTLP uint32 or fixed32: 0 to 2^32 - 1. */
  private long uint32() throws IOException, MalformedException {
    String text = numericText();
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 0 || value > 0xffff_ffffL) {
      value = exactInteger(text, BigInteger.ZERO, UINT32_MAX).longValue();
    }
    return value;
  }

  /** An enum as its number (any int32, so that newer values pass) or its name. */
  private int enumNumber(EnumDescriptor type) throws IOException, MalformedException {
    if (parser.currentToken() == JsonToken.VALUE_STRING) {
      EnumValueDescriptor named = type.findValueByName(parser.getText());
      if (named != null) {
        return named.getNumber();
      }
      if (!isDecimal(parser.getText())) {
        throw expected("a " + type.getName() + " number or name");
      }
    }
    String text = numericText();
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return exactInteger(text, INT32_MIN, INT32_MAX).intValue();
    }
  }

  /** The text of a JSON number, or of a string that holds a decimal number. */
  private String numericText() throws IOException, MalformedException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return parser.getText();
    }
    if (token == JsonToken.VALUE_STRING && isDecimal(parser.getText())) {
      return parser.getText();
    }
    throw expected("a number or a numeric string");
  }

  /**
   * The integer that decimal {@code text} denotes ({@code 1e3} and {@code 2.0} included), checked
   * to lie in [min, max]. Never materializes a huge number: {@code 1e999999999} is refused as
   * out of range before it is computed.
   */
  private BigInteger exactInteger(String text, BigInteger min, BigInteger max)
      throws MalformedException {
    String range = " (expected: " + min + " to " + max + ")";
    if (text.length() > MAX_NUMBER_TEXT) {
      throw malformed(Problems.cut(text) + " is out of range" + range);
    }
    BigDecimal decimal;
    try {
      decimal = new BigDecimal(text).stripTrailingZeros();
    } catch (NumberFormatException e) {
      // Only an exponent beyond the int range gets here: the syntax was checked.
      throw malformed(text + " is out of range" + range);
    }
    if (decimal.scale() > 0) {
      throw malformed(text + " is not an integer" + range);
    }
    // With scale <= 0, precision - scale is the number of digits; 2^64 has 20.
    if (decimal.precision() - decimal.scale() > 20) {
      throw malformed(text + " is out of range" + range);
    }
    BigInteger value = decimal.toBigInteger();
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw malformed(text + " is out of range" + range);
    }
    return value;
  }

  /**
   * Null if {@code hex} is {@code length} hex characters and, unless {@code zeroAllowed}, not all
   * zeros; otherwise a message naming the field.
   */
  private String idProblem(String field, String hex, int length, boolean zeroAllowed) {
    String where = path.with(field) + ": ";
    if (hex.isEmpty()) {
      return where + "missing (expected: " + length + " hex characters)";
    }
    boolean zero = true;
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!isDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F')) {
        return where + Problems.quote(hex) + " is not hex (expected: " + length
            + " hex characters; OTLP/JSON IDs are hex, not base64)";
      }
      zero &= c == '0';
    }
    if (hex.length() != length) {
      return where + Problems.quote(hex) + " has " + hex.length() + " hex characters (expected: "
          + length + ")";
    }
    if (zero && !zeroAllowed) {
      return where + "all zeros (expected: at least one non-zero byte)";
    }
    return null;
  }

  /** ASCII decimal number syntax, as JSON writes numbers: {@code -?d+(.d*)?([eE][+-]?d+)?}. */
  private static boolean isDecimal(String text) {
    int i = 0;
    int n = text.length();
    if (i < n && text.charAt(i) == '-') {
      i++;
    }
    int digits = i;
    while (i < n && isDigit(text.charAt(i))) {
      i++;
    }
    if (i == digits) {
      return false;
    }
    if (i < n && text.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(text.charAt(i))) {
        i++;
      }
    }
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponent = i;
      while (i < n && isDigit(text.charAt(i))) {
        i++;
      }
      if (i == exponent) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private MalformedException expected(String what) throws IOException {
    return malformed("expected " + what + ", got " + describe());
  }

  private String describe() throws IOException {
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> Problems.quote(parser.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Problems.cut(parser.getText());
      default -> token.asString() == null ? token.toString() : token.asString();
    };
  }

  private MalformedException malformed(String message) {
    return new MalformedException(prefix(path) + message);
  }

  private static String prefix(Path path) {
    return path.isEmpty() ? "OTLP/JSON: " : "OTLP/JSON: " + path + ": ";
  }
}
