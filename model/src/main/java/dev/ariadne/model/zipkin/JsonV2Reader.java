package dev.ariadne.model.zipkin;

import dev.ariadne.model.SpanKind;
import dev.ariadne.model.internal.LoneSurrogates;
import dev.ariadne.model.internal.SharedText;
import dev.ariadne.model.internal.Utf8Text;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a Zipkin v2 JSON list of spans in one pass over the body's bytes straight into {@link
 * SpanMapper}, following the rules of zipkin2's own reader ({@code V2SpanReader} on Gson): unknown
 * fields are skipped; {@code null} is an absent field, except for {@code traceId} and {@code id},
 * and for an annotation's fields or a tag's value, where it is an error; a string may be written
 * as a number and a number as a string; a whole number may be written with a fraction of zero or
 * an exponent; anything after the closing bracket is ignored. It accepts what strict JSON allows,
 * and inside strings also control characters and the escapes {@code \'} and backslash line break,
 * as Gson does. Unlike Gson's reader, it refuses a body that is not valid UTF-8, and the literals
 * {@code true}, {@code false} and {@code null} written in other cases.
 *
 * <p>Written by hand rather than on Jackson's streaming parser, which it replaced: field names are
 * matched as bytes, IDs and numbers read from the bytes, and texts shared from the bytes without
 * first decoding them to characters. Measured with {@code ZipkinDecodeBenchmark} and {@code
 * -prof perfnorm}, Jackson's tokens and its field-name table were half of the instructions the
 * decoder executed for each span (see {@code docs/benchmarks.md}, "Zipkin decoding").
 *
 * <p>Problems throw {@link IllegalArgumentException} with Zipkin's message where Zipkin's span
 * builder has one (the IDs, a missing field, the port), else a message with the JSON path. Values
 * that are skipped are checked as JSON, nested at most {@value #MAX_DEPTH} deep, without recursion.
 */
final class JsonV2Reader {
  /** Gson's default, which Zipkin's reader had. */
  private static final int MAX_DEPTH = 255;
  /** The longest number read, in characters, as Jackson's default limit. */
  private static final int MAX_NUMBER_LENGTH = 1000;
  /** How much of a name or value a message quotes. */
  private static final int MAX_QUOTED = 40;

  // What next() read.
  private static final int STRING = 0;
  private static final int INTEGER = 1;
  private static final int FRACTION = 2;
  private static final int TRUE = 3;
  private static final int FALSE = 4;
  private static final int NULL = 5;
  private static final int OBJECT = 6;
  private static final int LIST = 7;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final byte[] TRACE_ID = ascii("traceId");
  private static final byte[] ID = ascii("id");
  private static final byte[] PARENT_ID = ascii("parentId");
  private static final byte[] KIND = ascii("kind");
  private static final byte[] NAME = ascii("name");
  private static final byte[] TIMESTAMP = ascii("timestamp");
  private static final byte[] DURATION = ascii("duration");
  private static final byte[] LOCAL_ENDPOINT = ascii("localEndpoint");
  private static final byte[] REMOTE_ENDPOINT = ascii("remoteEndpoint");
  private static final byte[] ANNOTATIONS = ascii("annotations");
  private static final byte[] TAGS = ascii("tags");
  private static final byte[] DEBUG = ascii("debug");
  private static final byte[] SHARED = ascii("shared");
  private static final byte[] SERVICE_NAME = ascii("serviceName");
  private static final byte[] IPV4 = ascii("ipv4");
  private static final byte[] IPV6 = ascii("ipv6");
  private static final byte[] PORT = ascii("port");
  private static final byte[] VALUE = ascii("value");

  private final byte[] body;
  private final SpanMapper mapper;
  private final SharedText texts;
  private int position;
  private int depth;
  /** Whether each open container is an object, by depth; for skipping values. */
  private final boolean[] objects = new boolean[MAX_DEPTH + 1];

  // The token next() read: a string's characters or a number's, from start to end.
  private int start;
  private int end;
  /** Whether the string read has escapes, so that its bytes are not its text. */
  private boolean escaped;

  // The field name read last, as a string token: from nameStart to nameEnd.
  private int nameStart;
  private int nameEnd;
  private boolean nameEscaped;
  /** The bytes of an escaped name, unescaped, for matching. */
  private byte[] unescapedName;

  /** Characters of unescaped strings. */
  private char[] chars = new char[64];

  /**
   * Where the reader is, for messages: a step is a list index or a field name, here as {@code -1 -
   * index} or as where the name's characters start and end in the body. Only the steps into the
   * fields read are kept; a problem inside a skipped value names that value.
   */
  private final int[] stepStarts = new int[4];
  private final int[] stepEnds = new int[4];
  private int steps;

  private JsonV2Reader(byte[] body, SpanMapper mapper, SharedText texts) {
    this.body = body;
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
    new JsonV2Reader(body, mapper, texts).spans();
  }

  private void spans() {
    if (!skipSpace()) {
      throw problem("Expected a list of spans but was nothing");
    }
    int token = next();
    if (token != LIST) {
      throw expected(token, "a list of spans");
    }
    int index = 0;
    for (boolean more = firstElement(); more; more = nextElement(), index++) {
      index(0, index);
      token = next();
      if (token != OBJECT) {
        throw expected(token, "a span object");
      }
      span(mapper.span());
      steps = 1;
      mapper.add();
    }
  }

  private void span(ZipkinSpan span) {
    for (boolean more = firstField(); more; more = nextField()) {
      name(1);
      int token = next();
      if (isName(TRACE_ID)) {
        hex(token, span::traceIdHex);
      } else if (isName(ID)) {
        hex(token, span::idHex);
      } else if (token != NULL) {
        field(span, token);
      }
    }
  }

  /** A field other than the IDs, its value not null. */
  private void field(ZipkinSpan span, int token) {
    if (isName(PARENT_ID)) {
      hex(token, span::parentIdHex);
    } else if (isName(KIND)) {
      span.kind = kind(text(token));
    } else if (isName(NAME)) {
      span.name(text(token));
    } else if (isName(TIMESTAMP)) {
      span.timestamp(number(token));
    } else if (isName(DURATION)) {
      span.duration(number(token));
    } else if (isName(LOCAL_ENDPOINT)) {
      endpoint(token, span.localEndpoint);
    } else if (isName(REMOTE_ENDPOINT)) {
      endpoint(token, span.remoteEndpoint);
    } else if (isName(ANNOTATIONS)) {
      annotations(token, span);
    } else if (isName(TAGS)) {
      tags(token, span);
    } else if (isName(DEBUG)) {
      span.debug |= bool(token);
    } else if (isName(SHARED)) {
      span.shared |= bool(token);
    } else {
      skip(token);
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
  private void endpoint(int token, ZipkinEndpoint endpoint) {
    if (token != OBJECT) {
      throw expected(token, "an endpoint object");
    }
    endpoint.clear();
    for (boolean more = firstField(); more; more = nextField()) {
      name(2);
      int value = next();
      if (value == NULL) {
        continue;
      }
      if (isName(SERVICE_NAME)) {
        endpoint.serviceName(text(value));
      } else if (isName(IPV4) || isName(IPV6)) {
        endpoint.ip(text(value));
      } else if (isName(PORT)) {
        endpoint.port(port(value));
      } else {
        skip(value);
      }
    }
    steps = 2;
  }

  private void annotations(int token, ZipkinSpan span) {
    if (token != LIST) {
      throw expected(token, "a list of annotations");
    }
    int index = 0;
    for (boolean more = firstElement(); more; more = nextElement(), index++) {
      index(2, index);
      int element = next();
      if (element != OBJECT) {
        throw expected(element, "an annotation object");
      }
      boolean hasTimestamp = false;
      long timestamp = 0;
      String value = null;
      for (boolean field = firstField(); field; field = nextField()) {
        name(3);
        int fieldValue = next();
        if (isName(TIMESTAMP)) {
          timestamp = number(fieldValue);
          hasTimestamp = true;
        } else if (isName(VALUE)) {
          value = text(fieldValue);
        } else {
          skip(fieldValue);
        }
      }
      steps = 3;
      if (!hasTimestamp || value == null) {
        throw problem("Incomplete annotation");
      }
      span.addAnnotation(timestamp, value);
    }
    steps = 2;
  }

  /** Adds to the tags read so far, as Zipkin does when the field comes again. */
  private void tags(int token, ZipkinSpan span) {
    if (token != OBJECT) {
      throw expected(token, "a tags object");
    }
    for (boolean more = firstField(); more; more = nextField()) {
      name(2);
      String key = shared(nameStart, nameEnd, nameEscaped);
      int value = next();
      if (value == NULL) {
        throw problem("No value");
      }
      span.putTag(key, text(value));
    }
    steps = 2;
  }

  private void checkText(int token) {
    if (token != STRING && token != INTEGER && token != FRACTION) {
      throw expected(token, "a string");
    }
  }

  /** Where an ID's hex text goes. */
  private interface HexField {
    void read(byte[] text, int offset, int length);
  }

  /** Reads an ID written as a string (or a number) of hex digits into {@code field}. */
  private void hex(int token, HexField field) {
    checkText(token);
    if (escaped) {
      byte[] text = tokenText(token).getBytes(StandardCharsets.UTF_8);
      field.read(text, 0, text.length);
    } else {
      field.read(body, start, end - start);
    }
  }

  /** A string, shared; a number stands for its text, as Gson reads it. */
  private String text(int token) {
    checkText(token);
    return shared(start, end, escaped);
  }

  /** The text of the string from {@code from} to {@code to}, shared; unescaped if it has escapes. */
  private String shared(int from, int to, boolean hasEscapes) {
    if (!hasEscapes) {
      return texts.decode(from, to - from);
    }
    int length = unescape(from, to); // may replace chars
    return texts.text(chars, 0, length);
  }

  /** The token's text: a string's or a number's, or a literal's. */
  private String tokenText(int token) {
    return switch (token) {
      case STRING -> escaped
          ? unescaped(start, end)
          : new String(body, start, end - start, StandardCharsets.UTF_8);
      case INTEGER, FRACTION -> new String(body, start, end - start, StandardCharsets.ISO_8859_1);
      case TRUE -> "true";
      case FALSE -> "false";
      case NULL -> "null";
      default -> throw new IllegalStateException("no text for token " + token);
    };
  }

  /**
   * A whole number as Gson's {@code nextLong} reads it: a number, or a string of one, whose value
   * is whole (so {@code 1.0} and {@code "1e3"} pass); a string is read by {@code Long.parseLong},
   * else {@code Double.parseDouble}.
   */
  private long number(int token) {
    if (token == INTEGER && end - start - (body[start] == '-' ? 1 : 0) <= 18) {
      return wholeNumber();
    }
    if (token == INTEGER || token == STRING) {
      try {
        return Long.parseLong(tokenText(token));
      } catch (NumberFormatException e) {
        // Beyond 64 bits, or not an integer: Gson tries a double next.
      }
    } else if (token != FRACTION) {
      throw expected(token, "a number");
    }
    double value;
    try {
      value = Double.parseDouble(tokenText(token));
    } catch (NumberFormatException e) {
      throw expected(token, "a number");
    }
    long whole = (long) value;
    if (whole != value) {
      throw expected(token, "a whole number of at most 64 bits");
    }
    return whole;
  }

  /** The integer token of at most 18 digits, which cannot overflow. */
  private long wholeNumber() {
    boolean negative = body[start] == '-';
    long value = 0;
    for (int i = negative ? start + 1 : start; i < end; i++) {
      value = value * 10 + (body[i] - '0');
    }
    return negative ? -value : value;
  }

  /** A port as Gson's {@code nextInt} reads it, the rules of {@link #number} for 32 bits. */
  private int port(int token) {
    if (token == INTEGER && end - start <= 9) {
      return (int) wholeNumber();
    }
    if (token == STRING) {
      try {
        return Integer.parseInt(tokenText(token));
      } catch (NumberFormatException e) {
        // Gson tries a double next.
      }
    }
    double value = token == INTEGER || token == FRACTION || token == STRING
        ? parseDouble(tokenText(token))
        : Double.NaN;
    int whole = (int) value;
    if (whole != value) {
      throw expected(token, "a whole number of at most 32 bits");
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

  private boolean bool(int token) {
    if (token == TRUE) {
      return true;
    }
    if (token == FALSE) {
      return false;
    }
    throw expected(token, "a boolean");
  }

  // Tokens.

  /**
   * Reads a value: a string or number (its characters from {@link #start} to {@link #end}), a
   * literal, or the opening of an object or list, whose contents the caller reads with {@link
   * #firstField} or {@link #firstElement}.
   */
  private int next() {
    byte c = peek();
    switch (c) {
      case '"' -> {
        position++;
        string();
        return STRING;
      }
      case '{', '[' -> {
        if (depth == MAX_DEPTH) {
          throw problem("JSON nesting depth exceeds the maximum of " + MAX_DEPTH);
        }
        position++;
        objects[++depth] = c == '{';
        return c == '{' ? OBJECT : LIST;
      }
      case 't' -> {
        return literal("true", TRUE);
      }
      case 'f' -> {
        return literal("false", FALSE);
      }
      case 'n' -> {
        return literal("null", NULL);
      }
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw unexpected("a value");
      }
    }
  }

  /**
   * Reads a string's characters up to its closing quote, checking its escapes: {@link #start} and
   * {@link #end} bound them, and {@link #escaped} says whether there were any.
   */
  private void string() {
    byte[] bytes = body;
    int i = position;
    start = i;
    boolean anyEscape = false;
    while (true) {
      // Eight bytes at a time up to the first quote or backslash.
      while (i <= bytes.length - Long.BYTES) {
        long found = quoteOrBackslash((long) LONGS.get(bytes, i));
        if (found != 0) {
          i += Long.numberOfTrailingZeros(found) >>> 3;
          break;
        }
        i += Long.BYTES;
      }
      if (i >= bytes.length) {
        position = i;
        throw truncated();
      }
      byte c = bytes[i];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        anyEscape = true;
        i = escape(i + 1);
      } else {
        i++;
      }
    }
    end = i;
    escaped = anyEscape;
    position = i + 1;
  }

  /**
   * The high bit set in each byte of {@code word} that is a quote or a backslash; exact for the
   * lowest such byte, which is the one read.
   */
  private static long quoteOrBackslash(long word) {
    long quotes = word ^ 0x2222_2222_2222_2222L;
    long backslashes = word ^ 0x5c5c_5c5c_5c5c_5c5cL;
    return (((quotes - 0x0101_0101_0101_0101L) & ~quotes)
        | ((backslashes - 0x0101_0101_0101_0101L) & ~backslashes)) & 0x8080_8080_8080_8080L;
  }

  /** Checks the escape whose character is at {@code i}, and returns where the next one starts. */
  private int escape(int i) {
    if (i >= body.length) {
      position = i;
      throw truncated();
    }
    switch (body[i]) {
      case '"', '\\', '/', '\'', '\n', 'b', 'f', 'n', 'r', 't' -> {
        return i + 1;
      }
      case 'u' -> {
        // read below
      }
      default -> {
        position = i;
        throw unexpected("an escape (one of \"\\/'bfnrtu or a line break)");
      }
    }
    if (i + 4 >= body.length) {
      position = body.length;
      throw truncated();
    }
    for (int j = i + 1; j <= i + 4; j++) {
      if (Character.digit(body[j], 16) < 0) {
        position = j;
        throw unexpected("a hex digit of a \\u escape");
      }
    }
    return i + 5;
  }

  /** The text of the string from {@code from} to {@code to}, its escapes undone. */
  private String unescaped(int from, int to) {
    int length = unescape(from, to); // may replace chars
    return new String(chars, 0, length);
  }

  /**
   * Unescapes the string from {@code from} to {@code to} into {@link #chars}; its length. Half of
   * a surrogate pair alone (an escape such as {@code "\u005cud800"}) is read as U+FFFD.
   */
  private int unescape(int from, int to) {
    if (chars.length < to - from) {
      chars = new char[to - from];
    }
    int length = 0;
    boolean surrogates = false;
    int i = from;
    while (i < to) {
      int c = body[i] & 0xff;
      if (c == '\\') {
        int e = body[i + 1] & 0xff;
        switch (e) {
          case 'b' -> chars[length++] = '\b';
          case 'f' -> chars[length++] = '\f';
          case 'n' -> chars[length++] = '\n';
          case 'r' -> chars[length++] = '\r';
          case 't' -> chars[length++] = '\t';
          case 'u' -> {
            char unit = (char) Integer.parseInt(
                new String(body, i + 2, 4, StandardCharsets.ISO_8859_1), 16);
            surrogates |= Character.isSurrogate(unit);
            chars[length++] = unit;
            i += 6;
            continue;
          }
          default -> chars[length++] = (char) e; // " \\ / ' and a line break stand for themselves
        }
        i += 2;
      } else if (c < 0x80) {
        chars[length++] = (char) c;
        i++;
      } else {
        // Valid UTF-8: the whole body was checked.
        int count = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        String character = new String(body, i, count, StandardCharsets.UTF_8);
        character.getChars(0, character.length(), chars, length);
        length += character.length();
        i += count;
      }
    }
    if (surrogates) {
      LoneSurrogates.replace(chars, 0, length);
    }
    return length;
  }

  /**
   * Reads a number of JSON's grammar: INTEGER for digits alone, else FRACTION; {@link #start} and
   * {@link #end} bound its characters.
   */
  private int number() {
    byte[] bytes = body;
    int i = position;
    start = i;
    if (bytes[i] == '-') {
      i++;
    }
    i = digits(i, true);
    int token = INTEGER;
    if (i < bytes.length && bytes[i] == '.') {
      token = FRACTION;
      i = digits(i + 1, false);
    }
    if (i < bytes.length && (bytes[i] == 'e' || bytes[i] == 'E')) {
      token = FRACTION;
      i++;
      if (i < bytes.length && (bytes[i] == '+' || bytes[i] == '-')) {
        i++;
      }
      i = digits(i, false);
    }
    if (i - start > MAX_NUMBER_LENGTH) {
      throw problem("Number value length " + (i - start) + " exceeds the maximum of "
          + MAX_NUMBER_LENGTH);
    }
    end = i;
    escaped = false;
    position = i;
    return token;
  }

  /** Reads one or more digits from {@code i}, where an integer part has no leading zero. */
  private int digits(int i, boolean integerPart) {
    byte[] bytes = body;
    if (i >= bytes.length) {
      position = i;
      throw truncated();
    }
    if (bytes[i] < '0' || bytes[i] > '9') {
      position = i;
      throw unexpected("a digit");
    }
    if (integerPart && bytes[i] == '0') {
      return i + 1; // a digit after it is then refused where a comma or bracket should be
    }
    do {
      i++;
    } while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9');
    return i;
  }

  private int literal(String literal, int token) {
    for (int i = 0; i < literal.length(); i++) {
      if (position + i >= body.length) {
        position = body.length;
        throw truncated();
      }
      if (body[position + i] != literal.charAt(i)) {
        position += i;
        throw unexpected("the literal " + literal);
      }
    }
    position += literal.length();
    return token;
  }

  /** Skips white space; whether anything follows. */
  private boolean skipSpace() {
    byte[] bytes = body;
    int i = position;
    while (i < bytes.length) {
      byte c = bytes[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      i++;
    }
    position = i;
    return i < bytes.length;
  }

  /** Skips white space and returns the byte after it. */
  private byte peek() {
    if (!skipSpace()) {
      throw truncated();
    }
    return body[position];
  }

  /** Whether the object or list ends here with {@code bracket}, which is then read. */
  private boolean closes(char bracket) {
    if (peek() != bracket) {
      return false;
    }
    position++;
    depth--;
    return true;
  }

  /** Reads the comma between two members, where only it or {@code bracket} may come. */
  private void comma(char bracket) {
    if (body[position] != ',') {
      throw unexpected("',' or '" + bracket + "'");
    }
    position++;
  }

  /** After the opening of an object: whether a field follows, its name read; else the end. */
  private boolean firstField() {
    if (closes('}')) {
      return false;
    }
    fieldName();
    return true;
  }

  /** After a field's value: whether another field follows, its name read; else the end. */
  private boolean nextField() {
    if (closes('}')) {
      return false;
    }
    comma('}');
    peek();
    fieldName();
    return true;
  }

  /** Reads a field's name and the colon after it. */
  private void fieldName() {
    if (body[position] != '"') {
      throw unexpected("a field name");
    }
    position++;
    string();
    nameStart = start;
    nameEnd = end;
    nameEscaped = escaped;
    if (escaped) {
      unescapedName = unescaped(start, end).getBytes(StandardCharsets.UTF_8);
    }
    if (peek() != ':') {
      throw unexpected("':'");
    }
    position++;
  }

  /** After the opening of a list: whether an element follows; else the end. */
  private boolean firstElement() {
    return !closes(']');
  }

  /** After an element: whether another follows; else the end. */
  private boolean nextElement() {
    if (closes(']')) {
      return false;
    }
    comma(']');
    return true;
  }

  /** Whether the field name read last is {@code name}. */
  private boolean isName(byte[] name) {
    if (nameEscaped) {
      return Arrays.equals(unescapedName, name);
    }
    return nameEnd - nameStart == name.length
        && Arrays.equals(body, nameStart, nameEnd, name, 0, name.length);
  }

  /** Skips the value whose token {@link #next} read, checking that it is JSON. */
  private void skip(int token) {
    if (token != OBJECT && token != LIST) {
      return;
    }
    int bottom = depth;
    boolean more = token == OBJECT ? firstField() : firstElement();
    while (true) {
      if (more) {
        int value = next();
        if (value == OBJECT || value == LIST) {
          more = value == OBJECT ? firstField() : firstElement();
          continue;
        }
      } else if (depth < bottom) {
        return;
      }
      more = objects[depth] ? nextField() : nextElement();
    }
  }

  // Messages.

  private void index(int step, int index) {
    stepStarts[step] = -1 - index;
    steps = step + 1;
  }

  private void name(int step) {
    stepStarts[step] = nameStart;
    stepEnds[step] = nameEnd;
    steps = step + 1;
  }

  private IllegalArgumentException expected(int token, String what) {
    return problem("Expected " + what + " but was " + found(token));
  }

  /** The token, for a message: a value quoted and cut, or the kind of token. */
  private String found(int token) {
    return switch (token) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case STRING -> "\"" + cut(tokenText(token)) + "\"";
      default -> cut(tokenText(token));
    };
  }

  /** The character at the position, where {@code what} should be. */
  private IllegalArgumentException unexpected(String what) {
    int c = body[position] & 0xff;
    String found = c < 0x20 || c == 0x7f
        ? String.format("the character U+%04X", c)
        : c < 0x80 ? "'" + (char) c + "'" : "a non-ASCII character";
    return new IllegalArgumentException("Expected " + what + " but was " + found + " at byte "
        + position + " path " + path());
  }

  private IllegalArgumentException truncated() {
    return new IllegalArgumentException("Truncated: the body ends inside " + path());
  }

  private IllegalArgumentException problem(String message) {
    return new IllegalArgumentException(message + " at " + path());
  }

  /** Where the reader is, as Gson writes it ({@code $[0].tags.key}), with long names cut. */
  private String path() {
    List<String> path = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      int from = stepStarts[i];
      if (from < 0) {
        path.add("[" + (-1 - from) + "]");
      } else {
        path.add("." + cut(unescaped(from, stepEnds[i])));
      }
    }
    return "$" + String.join("", path);
  }

  private static String cut(String text) {
    return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "…";
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
