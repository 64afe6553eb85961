package dev.ariadne.sdk.propagation;

import dev.ariadne.api.context.Context;
import dev.ariadne.api.context.ContextKey;
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

/**
 * Zipkin's B3, injected either as the single {@code b3} header or as the {@code X-B3-*} headers,
 * and extracted from either form whichever is injected; the single header wins when both are
 * present, as the B3 specification says.
 *
 * <p>Trace IDs of 16 hex characters are left-padded to 128 bits; inject always writes 32. Debug
 * ({@code d}, {@code X-B3-Flags: 1}) implies sampled and is remembered in the context so that
 * inject passes it on. Our span context cannot say "defer", so a deferred decision extracts as not
 * sampled. A single header with only a sampling state ({@code b3: 0}) carries no IDs: the IDs are
 * then taken from the {@code X-B3-*} headers if present, with the single header's sampling state.
 * Repeated headers joined with commas are read by their first value. The parent span ID is checked
 * where it is part of the single header's layout and otherwise ignored: a span context has none.
 */
final class B3Propagator implements TextMapPropagator {
  static final B3Propagator SINGLE_HEADER = new B3Propagator(true);
  static final B3Propagator MULTIPLE_HEADERS = new B3Propagator(false);

  static final String B3 = "b3";
  static final String TRACE_ID = "X-B3-TraceId";
  static final String SPAN_ID = "X-B3-SpanId";
  static final String SAMPLED = "X-B3-Sampled";
  static final String FLAGS = "X-B3-Flags";

  /** Set on an extracted context whose B3 sampling state was debug. */
  static final ContextKey<Boolean> DEBUG = ContextKey.named("ariadne-b3-debug");

  private static final int DEFER = -1;
  private static final int DENY = 0;
  private static final int ACCEPT = 1;
  private static final int DEBUG_STATE = 2;
  private static final int INVALID = 3;

  private final boolean singleHeader;
  private final List<String> fields;

  private B3Propagator(boolean singleHeader) {
    this.singleHeader = singleHeader;
    this.fields = singleHeader ? List.of(B3) : List.of(TRACE_ID, SPAN_ID, SAMPLED, FLAGS);
  }

  @Override
  public Collection<String> fields() {
    return fields;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    if (context == null || setter == null) return;
    SpanContext spanContext = Span.fromContext(context).getSpanContext();
    if (!spanContext.isValid()) return;
    boolean sampled = spanContext.isSampled();
    boolean debug = sampled && Boolean.TRUE.equals(context.get(DEBUG));
    if (singleHeader) {
      byte[] ascii = new byte[IdHeaders.IDS_LENGTH + 1];
      IdHeaders.writeIds(spanContext, ascii, 0, '-');
      ascii[IdHeaders.IDS_LENGTH] = (byte) (debug ? 'd' : sampled ? '1' : '0');
      setter.set(carrier, B3, new String(ascii, StandardCharsets.ISO_8859_1));
      return;
    }
    setter.set(carrier, TRACE_ID, spanContext.getTraceId());
    setter.set(carrier, SPAN_ID, spanContext.getSpanId());
    if (debug) {
      setter.set(carrier, FLAGS, "1");
    } else {
      setter.set(carrier, SAMPLED, sampled ? "1" : "0");
    }
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) context = Context.root();
    if (getter == null) return context;
    int samplingOverride = DEFER;
    String single = firstValue(getter.get(carrier, B3));
    if (single != null) {
      if (single.length() == 1) {
        samplingOverride = samplingState(single.charAt(0));
        if (samplingOverride == INVALID) samplingOverride = DEFER;
      } else {
        Context extracted = extractSingle(context, single);
        if (extracted != null) return extracted;
      }
    }
    return extractMultiple(context, carrier, getter, samplingOverride);
  }

  /** Reads {@code {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]}, or returns null. */
  private static Context extractSingle(Context context, String value) {
    int traceIdLength = value.indexOf('-');
    if (traceIdLength != 16 && traceIdLength != 32) return null;
    int spanIdStart = traceIdLength + 1;
    int spanIdEnd = spanIdStart + 16;
    int length = value.length();
    if (length < spanIdEnd
        || !Hex.isLowerHex(value, 0, traceIdLength)
        || !Hex.isLowerHex(value, spanIdStart, 16)) {
      return null;
    }
    int sampling = DEFER;
    if (length > spanIdEnd) {
      if (value.charAt(spanIdEnd) != '-' || length < spanIdEnd + 2) return null;
      sampling = samplingState(value.charAt(spanIdEnd + 1));
      if (sampling == INVALID) return null;
      int parentStart = spanIdEnd + 3;
      if (length > spanIdEnd + 2
          && (value.charAt(spanIdEnd + 2) != '-'
              || length != parentStart + 16
              || !Hex.isLowerHex(value, parentStart, 16))) {
        return null;
      }
    }
    return withSpan(context, value, traceIdLength, value, spanIdStart, sampling);
  }

  private static <C> Context extractMultiple(
      Context context, C carrier, TextMapGetter<C> getter, int samplingOverride) {
    String traceId = firstValue(getter.get(carrier, TRACE_ID));
    String spanId = firstValue(getter.get(carrier, SPAN_ID));
    if (traceId == null || spanId == null) return context;
    int traceIdLength = traceId.length();
    if ((traceIdLength != 16 && traceIdLength != 32)
        || !Hex.isLowerHex(traceId, 0, traceIdLength)
        || spanId.length() != 16
        || !Hex.isLowerHex(spanId, 0, 16)) {
      return context;
    }
    int sampling = samplingOverride;
    if (sampling == DEFER) {
      if ("1".equals(firstValue(getter.get(carrier, FLAGS)))) {
        sampling = DEBUG_STATE;
      } else {
        String sampled = firstValue(getter.get(carrier, SAMPLED));
        if ("1".equals(sampled) || "true".equalsIgnoreCase(sampled)) {
          sampling = ACCEPT;
        } else if ("0".equals(sampled) || "false".equalsIgnoreCase(sampled)) {
          sampling = DENY;
        }
      }
    }
    Context extracted = withSpan(context, traceId, traceIdLength, spanId, 0, sampling);
    return extracted == null ? context : extracted;
  }

  /** Returns {@code context} with the remote span, or null if an ID is all zeros. */
  private static Context withSpan(
      Context context,
      String traceIdSource,
      int traceIdLength,
      String spanIdSource,
      int spanIdOffset,
      int sampling) {
    long traceIdHigh = traceIdLength == 32 ? Hex.parseLong(traceIdSource, 0, 16) : 0;
    long traceIdLow = Hex.parseLong(traceIdSource, traceIdLength - 16, 16);
    long spanId = Hex.parseLong(spanIdSource, spanIdOffset, 16);
    if ((traceIdHigh == 0 && traceIdLow == 0) || spanId == 0) return null;
    boolean sampled = sampling == ACCEPT || sampling == DEBUG_STATE;
    SpanContext spanContext =
        SpanContext.createFromRemoteParent(
            traceIdHigh,
            traceIdLow,
            spanId,
            sampled ? SpanContext.FLAG_SAMPLED : 0,
            TraceState.empty());
    Context result = context.with(Span.wrap(spanContext));
    if (sampling == DEBUG_STATE) return result.with(DEBUG, Boolean.TRUE);
    return result.get(DEBUG) == null ? result : result.with(DEBUG, null);
  }

  private static int samplingState(char c) {
    switch (c) {
      case '0':
        return DENY;
      case '1':
        return ACCEPT;
      case 'd':
        return DEBUG_STATE;
      default:
        return INVALID;
    }
  }

  /** The first of several comma-joined values, trimmed; B3 says the first value wins. */
  private static String firstValue(String value) {
    if (value == null) return null;
    int comma = value.indexOf(',');
    return comma < 0 ? value : value.substring(0, comma).trim();
  }

  @Override
  public String toString() {
    return singleHeader ? "B3Propagator{single header}" : "B3Propagator{multiple headers}";
  }
}
