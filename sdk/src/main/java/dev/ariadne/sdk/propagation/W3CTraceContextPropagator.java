package dev.ariadne.sdk.propagation;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.internal.Hex;
import dev.ariadne.api.propagation.TextMapGetter;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.propagation.TextMapSetter;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * W3C Trace Context Level 1: the {@code traceparent} and {@code tracestate} headers.
 *
 * <p>Extract follows the specification's parsing rules, including its forward compatibility rule
 * for versions above {@code 00}, tolerates white space around the value as HTTP does, and keeps
 * the flags byte as received. Inject writes version
 * {@code 00} with only the sampled flag, as Level 1 requires of senders. A {@code tracestate} with
 * any invalid member, a repeated key or more than 32 members is dropped whole, as OpenTelemetry
 * Java does; empty members are skipped, as the specification allows them.
 */
final class W3CTraceContextPropagator implements TextMapPropagator {
  static final W3CTraceContextPropagator INSTANCE = new W3CTraceContextPropagator();

  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  private static final List<String> FIELDS = List.of(TRACEPARENT, TRACESTATE);

  private static final int TRACE_ID_OFFSET = 3;
  private static final int SPAN_ID_OFFSET = 36;
  private static final int FLAGS_OFFSET = 53;
  private static final int TRACEPARENT_LENGTH = 55;

  /**
   * A per-thread buffer for rendering {@code traceparent}, so inject allocates only the string.
   * Fixed at 55 ASCII bytes and never handed out of {@link #inject}.
   */
  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(
          () -> "00-00000000000000000000000000000000-0000000000000000-00"
              .getBytes(StandardCharsets.ISO_8859_1));

  private W3CTraceContextPropagator() {}

  @Override
  public Collection<String> fields() {
    return FIELDS;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    if (context == null || setter == null) return;
    SpanContext spanContext = Span.fromContext(context).getSpanContext();
    if (!spanContext.isValid()) return;
    // The version and the flags' first digit never change; the IDs and the last digit do.
    byte[] ascii = SCRATCH.get();
    IdHeaders.writeIds(spanContext, ascii, TRACE_ID_OFFSET, '-');
    ascii[FLAGS_OFFSET + 1] = (byte) (spanContext.isSampled() ? '1' : '0');
    setter.set(carrier, TRACEPARENT,
        new String(ascii, 0, TRACEPARENT_LENGTH, StandardCharsets.ISO_8859_1));

    TraceState traceState = spanContext.getTraceState();
    if (!traceState.isEmpty()) setter.set(carrier, TRACESTATE, encodeTraceState(traceState));
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) context = Context.root();
    if (getter == null) return context;
    String traceparent = getter.get(carrier, TRACEPARENT);
    if (traceparent == null) return context;
    traceparent = trimOws(traceparent);
    if (!hasTraceparentLayout(traceparent)) return context;
    // One bulk copy, then each 8-digit group parses to 0..2^32-1, or -1 if it holds anything but
    // lower-case hex (characters outside ISO-8859-1 become '?', which is not hex).
    byte[] ascii = traceparent.getBytes(StandardCharsets.ISO_8859_1);
    long t0 = Hex.parseLowerHex32(ascii, TRACE_ID_OFFSET);
    long t1 = Hex.parseLowerHex32(ascii, TRACE_ID_OFFSET + 8);
    long t2 = Hex.parseLowerHex32(ascii, TRACE_ID_OFFSET + 16);
    long t3 = Hex.parseLowerHex32(ascii, TRACE_ID_OFFSET + 24);
    long s0 = Hex.parseLowerHex32(ascii, SPAN_ID_OFFSET);
    long s1 = Hex.parseLowerHex32(ascii, SPAN_ID_OFFSET + 8);
    if ((t0 | t1 | t2 | t3 | s0 | s1) < 0 || !Hex.isLowerHex(traceparent, FLAGS_OFFSET, 2)) {
      return context;
    }
    long traceIdHigh = t0 << 32 | t1;
    long traceIdLow = t2 << 32 | t3;
    long spanId = s0 << 32 | s1;
    if ((traceIdHigh == 0 && traceIdLow == 0) || spanId == 0) return context;
    byte flags = Hex.parseByte(traceparent, FLAGS_OFFSET);
    TraceState traceState = decodeTraceState(getter.get(carrier, TRACESTATE));
    return context.with(
        Span.wrap(
            SpanContext.createFromRemoteParent(
                traceIdHigh, traceIdLow, spanId, flags, traceState)));
  }

  /**
   * Checks the version and the dashes; the hex fields are checked while they are parsed. Version
   * 00 must be exactly 55 characters. A higher version may be longer, and is read by its first four
   * fields if they are followed by the end of the value or a dash.
   */
  private static boolean hasTraceparentLayout(String value) {
    int length = value.length();
    if (length < TRACEPARENT_LENGTH || !Hex.isLowerHex(value, 0, 2)) return false;
    char v0 = value.charAt(0);
    char v1 = value.charAt(1);
    if (v0 == 'f' && v1 == 'f') return false;
    if (v0 == '0' && v1 == '0') {
      if (length != TRACEPARENT_LENGTH) return false;
    } else if (length > TRACEPARENT_LENGTH && value.charAt(TRACEPARENT_LENGTH) != '-') {
      return false;
    }
    return value.charAt(TRACE_ID_OFFSET - 1) == '-'
        && value.charAt(SPAN_ID_OFFSET - 1) == '-'
        && value.charAt(FLAGS_OFFSET - 1) == '-';
  }

  static String encodeTraceState(TraceState traceState) {
    StringBuilder result = new StringBuilder(traceState.size() * 32);
    for (Map.Entry<String, String> entry : traceState.asMap().entrySet()) {
      if (result.length() > 0) result.append(',');
      result.append(entry.getKey()).append('=').append(entry.getValue());
    }
    return result.toString();
  }

  /** Parses a {@code tracestate} header; returns empty if it is absent or not valid as a whole. */
  static TraceState decodeTraceState(String header) {
    if (header == null || header.isEmpty()) return TraceState.empty();
    int[] bounds = new int[TraceState.MAX_ENTRIES * 2];
    int members = 0;
    int length = header.length();
    for (int from = 0; from <= length; ) {
      int comma = header.indexOf(',', from);
      int end = comma < 0 ? length : comma;
      int start = from;
      while (start < end && isOws(header.charAt(start))) start++;
      while (end > start && isOws(header.charAt(end - 1))) end--;
      if (start < end) {
        if (members == TraceState.MAX_ENTRIES) return TraceState.empty();
        bounds[members * 2] = start;
        bounds[members * 2 + 1] = end;
        members++;
      }
      if (comma < 0) break;
      from = comma + 1;
    }
    String[] keys = new String[members];
    TraceState.Builder builder = TraceState.builder();
    // The builder puts each entry first, so the last member goes in first.
    for (int m = members - 1; m >= 0; m--) {
      int start = bounds[m * 2];
      int end = bounds[m * 2 + 1];
      int equals = header.indexOf('=', start);
      if (equals < 0 || equals >= end) return TraceState.empty();
      String key = header.substring(start, equals);
      String value = header.substring(equals + 1, end);
      if (!TraceState.isValidKey(key) || !TraceState.isValidValue(value)) {
        return TraceState.empty();
      }
      for (int k = m + 1; k < members; k++) {
        if (keys[k].equals(key)) return TraceState.empty();
      }
      keys[m] = key;
      builder.put(key, value);
    }
    return builder.build();
  }

  private static String trimOws(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isOws(value.charAt(start))) start++;
    while (end > start && isOws(value.charAt(end - 1))) end--;
    return value.substring(start, end);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  @Override
  public String toString() {
    return "W3CTraceContextPropagator";
  }
}
