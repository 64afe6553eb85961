package dev.ariadne.sdk.propagation;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.baggage.BaggageEntry;
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
import java.util.Locale;
import java.util.Map;

/**
 * Jaeger's {@code uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}} header and its
 * {@code uberctx-{key}} baggage headers.
 *
 * <p>IDs may be shorter than their full width and are left-padded; hex digits of either case are
 * read, as Jaeger clients do. A value without a colon is URL-decoded first, as Jaeger clients
 * write it URL-encoded. Only the sampled bit of the flags is kept. Baggage values are URL-decoded
 * ({@code +} is a space) on extract and percent-encoded on inject; baggage keys come back lower
 * case, as HTTP header names are case-insensitive. The W3C baggage limits apply. Inject writes
 * the full 32-character trace ID and the deprecated parent span ID as {@code 0}.
 */
final class JaegerPropagator implements TextMapPropagator {
  static final JaegerPropagator INSTANCE = new JaegerPropagator();

  static final String UBER_TRACE_ID = "uber-trace-id";
  static final String BAGGAGE_PREFIX = "uberctx-";
  private static final List<String> FIELDS = List.of(UBER_TRACE_ID);

  private JaegerPropagator() {}

  @Override
  public Collection<String> fields() {
    return FIELDS;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    if (context == null || setter == null) return;
    SpanContext spanContext = Span.fromContext(context).getSpanContext();
    if (spanContext.isValid()) {
      // The parent span ID, deprecated, is always 0.
      byte[] ascii = new byte[IdHeaders.IDS_LENGTH + 3];
      IdHeaders.writeIds(spanContext, ascii, 0, ':');
      ascii[IdHeaders.IDS_LENGTH] = '0';
      ascii[IdHeaders.IDS_LENGTH + 1] = ':';
      ascii[IdHeaders.IDS_LENGTH + 2] = (byte) (spanContext.isSampled() ? '1' : '0');
      setter.set(carrier, UBER_TRACE_ID, new String(ascii, StandardCharsets.ISO_8859_1));
    }
    injectBaggage(Baggage.fromContext(context), carrier, setter);
  }

  private static <C> void injectBaggage(Baggage baggage, C carrier, TextMapSetter<C> setter) {
    int entries = 0;
    int length = 0;
    for (Map.Entry<String, BaggageEntry> e : baggage.asMap().entrySet()) {
      String key = e.getKey();
      if (!W3CBaggagePropagator.isToken(key, 0, key.length())) continue;
      String value = PercentCodec.encode(e.getValue().getValue());
      length += key.length() + value.length();
      if (entries == W3CBaggagePropagator.MAX_MEMBERS
          || length > W3CBaggagePropagator.MAX_LENGTH) {
        return;
      }
      setter.set(carrier, BAGGAGE_PREFIX + key, value);
      entries++;
    }
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) context = Context.root();
    if (getter == null) return context;
    String header = getter.get(carrier, UBER_TRACE_ID);
    SpanContext spanContext = header == null ? null : parseUberTraceId(header);
    if (spanContext != null) context = context.with(Span.wrap(spanContext));
    return extractBaggage(context, carrier, getter);
  }

  /** Returns the span context in {@code value}, or null if it is malformed. */
  static SpanContext parseUberTraceId(String value) {
    if (value.indexOf(':') < 0) {
      value = PercentCodec.decode(value, true);
      if (value == null) return null;
    }
    int first = value.indexOf(':');
    int second = first < 0 ? -1 : value.indexOf(':', first + 1);
    int third = second < 0 ? -1 : value.indexOf(':', second + 1);
    if (third < 0 || value.indexOf(':', third + 1) >= 0) return null;
    if (!isHex(value, 0, first, 32)
        || !isHex(value, first + 1, second, 16)
        || !isHex(value, second + 1, third, 16)
        || !isHex(value, third + 1, value.length(), 2)) {
      return null;
    }
    long traceIdHigh = first > 16 ? Hex.parseLong(value, 0, first - 16) : 0;
    int lowStart = Math.max(0, first - 16);
    long traceIdLow = Hex.parseLong(value, lowStart, first - lowStart);
    long spanId = Hex.parseLong(value, first + 1, second - first - 1);
    if ((traceIdHigh == 0 && traceIdLow == 0) || spanId == 0) return null;
    long flags = Hex.parseLong(value, third + 1, value.length() - third - 1);
    return SpanContext.createFromRemoteParent(
        traceIdHigh,
        traceIdLow,
        spanId,
        (flags & SpanContext.FLAG_SAMPLED) != 0 ? SpanContext.FLAG_SAMPLED : 0,
        TraceState.empty());
  }

  private static <C> Context extractBaggage(Context context, C carrier, TextMapGetter<C> getter) {
    Iterable<String> keys = getter.keys(carrier);
    if (keys == null) return context;
    Baggage.Builder builder = null;
    int entries = 0;
    int length = 0;
    int prefixLength = BAGGAGE_PREFIX.length();
    for (String key : keys) {
      if (key == null
          || key.length() == prefixLength
          || !key.regionMatches(true, 0, BAGGAGE_PREFIX, 0, prefixLength)
          || !W3CBaggagePropagator.isToken(key, prefixLength, key.length())) {
        continue;
      }
      String raw = getter.get(carrier, key);
      String value = raw == null ? null : PercentCodec.decode(raw, true);
      if (value == null) continue;
      String baggageKey = key.substring(prefixLength).toLowerCase(Locale.ROOT);
      length += baggageKey.length() + raw.length();
      if (entries == W3CBaggagePropagator.MAX_MEMBERS
          || length > W3CBaggagePropagator.MAX_LENGTH) {
        break;
      }
      if (builder == null) builder = Baggage.fromContext(context).toBuilder();
      builder.put(baggageKey, value);
      entries++;
    }
    return builder == null ? context : context.with(builder.build());
  }

  /** True if {@code s[start, end)} is 1 to {@code maxLength} hex digits of either case. */
  private static boolean isHex(String s, int start, int end, int maxLength) {
    int length = end - start;
    if (length < 1 || length > maxLength) return false;
    for (int i = start; i < end; i++) {
      if (Hex.digit(s.charAt(i)) < 0) return false;
    }
    return true;
  }

  @Override
  public String toString() {
    return "JaegerPropagator";
  }
}
