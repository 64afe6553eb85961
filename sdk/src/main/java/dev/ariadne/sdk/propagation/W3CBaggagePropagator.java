package dev.ariadne.sdk.propagation;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.baggage.BaggageEntry;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.TextMapGetter;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.propagation.TextMapSetter;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * W3C Baggage: the {@code baggage} header, {@code key=value;properties} list members.
 *
 * <p>Values are percent-decoded on extract and percent-encoded on inject; keys must be HTTP tokens
 * and are taken literally (OpenTelemetry Java decodes values only, too). Properties are kept, as
 * written, as the entry's metadata. An invalid member is skipped and the rest kept. Extract ignores
 * a header over {@value #MAX_LENGTH} characters and keeps at most {@value #MAX_MEMBERS} members;
 * inject stops before the member that would pass {@value #MAX_MEMBERS} members or {@value
 * #MAX_LENGTH} bytes, the W3C limits, so a header extracted is passed on whole. Extracted entries
 * are added to the context's baggage.
 */
final class W3CBaggagePropagator implements TextMapPropagator {
  static final W3CBaggagePropagator INSTANCE = new W3CBaggagePropagator();

  static final String FIELD = "baggage";
  static final int MAX_MEMBERS = 180;
  static final int MAX_LENGTH = 8192;
  private static final List<String> FIELDS = List.of(FIELD);

  /** RFC 7230 tchar, the characters of a token. */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) TOKEN[c] = true;
    for (char c = 'a'; c <= 'z'; c++) TOKEN[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) TOKEN[c] = true;
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TOKEN[c] = true;
  }

  private W3CBaggagePropagator() {}

  @Override
  public Collection<String> fields() {
    return FIELDS;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    if (context == null || setter == null) return;
    Baggage baggage = Baggage.fromContext(context);
    if (baggage.isEmpty()) return;
    StringBuilder header = new StringBuilder();
    int members = 0;
    for (Map.Entry<String, BaggageEntry> e : baggage.asMap().entrySet()) {
      String key = e.getKey();
      String metadata = trimOws(e.getValue().getMetadata());
      if (!isToken(key, 0, key.length()) || !isValidProperties(metadata)) continue;
      String value = PercentCodec.encode(e.getValue().getValue());
      int separator = members == 0 ? 0 : 1;
      int memberLength =
          key.length() + 1 + value.length() + (metadata.isEmpty() ? 0 : 1 + metadata.length());
      if (members == MAX_MEMBERS
          || header.length() + separator + memberLength > MAX_LENGTH) {
        break;
      }
      if (separator == 1) header.append(',');
      header.append(key).append('=').append(value);
      if (!metadata.isEmpty()) header.append(';').append(metadata);
      members++;
    }
    if (members > 0) setter.set(carrier, FIELD, header.toString());
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) context = Context.root();
    if (getter == null) return context;
    String header = getter.get(carrier, FIELD);
    if (header == null || header.isEmpty() || header.length() > MAX_LENGTH) {
      return context;
    }
    Baggage.Builder builder = null;
    int members = 0;
    int length = header.length();
    for (int from = 0; from <= length && members < MAX_MEMBERS; ) {
      int comma = header.indexOf(',', from);
      int end = comma < 0 ? length : comma;
      int start = skipOws(header, from, end);
      end = trimOws(header, start, end);
      if (start < end) {
        if (builder == null) builder = Baggage.fromContext(context).toBuilder();
        if (putMember(header, start, end, builder)) members++;
      }
      if (comma < 0) break;
      from = comma + 1;
    }
    return members == 0 ? context : context.with(builder.build());
  }

  /** Parses one trimmed, non-empty list member into {@code builder}; false if it is invalid. */
  private static boolean putMember(String header, int start, int end, Baggage.Builder builder) {
    int semicolon = indexOf(header, ';', start, end);
    int pairEnd = semicolon < 0 ? end : semicolon;
    int equals = indexOf(header, '=', start, pairEnd);
    if (equals < 0) return false;
    int keyEnd = trimOws(header, start, equals);
    if (keyEnd == start || !isToken(header, start, keyEnd)) return false;
    int valueStart = skipOws(header, equals + 1, pairEnd);
    int valueEnd = trimOws(header, valueStart, pairEnd);
    for (int i = valueStart; i < valueEnd; i++) {
      if (!isBaggageOctet(header.charAt(i))) return false;
    }
    String value = PercentCodec.decode(header.substring(valueStart, valueEnd), false);
    if (value == null) return false;
    String metadata =
        semicolon < 0 ? "" : header.substring(skipOws(header, semicolon + 1, end), end);
    if (!isValidProperties(metadata)) return false;
    builder.put(header.substring(start, keyEnd), value, metadata);
    return true;
  }

  /**
   * True if {@code properties} is empty or a {@code ;}-separated list of {@code key} or {@code
   * key=value} properties, with optional white space around the separators.
   */
  static boolean isValidProperties(String properties) {
    int length = properties.length();
    if (length == 0) return true;
    for (int from = 0; from <= length; ) {
      int semicolon = properties.indexOf(';', from);
      int end = semicolon < 0 ? length : semicolon;
      int start = skipOws(properties, from, end);
      end = trimOws(properties, start, end);
      int equals = indexOf(properties, '=', start, end);
      int keyEnd = equals < 0 ? end : trimOws(properties, start, equals);
      if (keyEnd == start || !isToken(properties, start, keyEnd)) return false;
      if (equals >= 0) {
        for (int i = skipOws(properties, equals + 1, end); i < end; i++) {
          if (!isBaggageOctet(properties.charAt(i))) return false;
        }
      }
      if (semicolon < 0) break;
      from = semicolon + 1;
    }
    return true;
  }

  /** True if {@code s[start, end)} is a non-empty RFC 7230 token. */
  static boolean isToken(String s, int start, int end) {
    if (start >= end) return false;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c >= 128 || !TOKEN[c]) return false;
    }
    return true;
  }

  /** US-ASCII except controls, white space, DQUOTE, comma, semicolon and backslash. */
  private static boolean isBaggageOctet(char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
  }

  private static int indexOf(String s, char c, int start, int end) {
    int i = s.indexOf(c, start);
    return i < end ? i : -1;
  }

  private static String trimOws(String s) {
    int start = skipOws(s, 0, s.length());
    return s.substring(start, trimOws(s, start, s.length()));
  }

  private static int skipOws(String s, int start, int end) {
    while (start < end && isOws(s.charAt(start))) start++;
    return start;
  }

  private static int trimOws(String s, int start, int end) {
    while (end > start && isOws(s.charAt(end - 1))) end--;
    return end;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  @Override
  public String toString() {
    return "W3CBaggagePropagator";
  }
}
