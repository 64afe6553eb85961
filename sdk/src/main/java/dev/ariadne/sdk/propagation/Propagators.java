package dev.ariadne.sdk.propagation;

import static java.util.Objects.requireNonNull;

import dev.ariadne.api.propagation.TextMapPropagator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The propagators the SDK ships, for carrying a span context and baggage across process
 * boundaries in the formats other tracers speak: W3C Trace Context, W3C Baggage, B3 and Jaeger.
 * Every propagator returned is stateless and thread-safe, and never throws on malformed input:
 * extract returns the given context unchanged instead.
 */
public final class Propagators {
  private static final Map<String, TextMapPropagator> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("tracecontext", W3CTraceContextPropagator.INSTANCE);
    BY_NAME.put("baggage", W3CBaggagePropagator.INSTANCE);
    BY_NAME.put("b3", B3Propagator.SINGLE_HEADER);
    BY_NAME.put("b3multi", B3Propagator.MULTIPLE_HEADERS);
    BY_NAME.put("jaeger", JaegerPropagator.INSTANCE);
    BY_NAME.put("none", TextMapPropagator.noop());
  }

  private Propagators() {}

  /** W3C Trace Context: the {@code traceparent} and {@code tracestate} headers. */
  public static TextMapPropagator w3cTraceContext() {
    return W3CTraceContextPropagator.INSTANCE;
  }

  /** W3C Baggage: the {@code baggage} header. */
  public static TextMapPropagator w3cBaggage() {
    return W3CBaggagePropagator.INSTANCE;
  }

  /** B3 injected as the single {@code b3} header; extracts both B3 forms. */
  public static TextMapPropagator b3Single() {
    return B3Propagator.SINGLE_HEADER;
  }

  /** B3 injected as the {@code X-B3-*} headers; extracts both B3 forms. */
  public static TextMapPropagator b3Multi() {
    return B3Propagator.MULTIPLE_HEADERS;
  }

  /** Jaeger: the {@code uber-trace-id} header and {@code uberctx-*} baggage headers. */
  public static TextMapPropagator jaeger() {
    return JaegerPropagator.INSTANCE;
  }

  /**
   * The composite of the propagators named as in {@code OTEL_PROPAGATORS}: {@code tracecontext},
   * {@code baggage}, {@code b3} (single header), {@code b3multi}, {@code jaeger}, or {@code none}
   * alone. Names are trimmed and compared ignoring case; blank names and repeats are ignored, and
   * no names at all means the default, {@code tracecontext,baggage}.
   *
   * @throws IllegalArgumentException if a name is unknown, or {@code none} comes with others
   */
  public static TextMapPropagator fromNames(List<String> names) {
    requireNonNull(names, "names");
    Set<String> selected = new LinkedHashSet<>();
    for (String name : names) {
      if (name == null || name.isBlank()) continue;
      String key = name.trim().toLowerCase(Locale.ROOT);
      if (!BY_NAME.containsKey(key)) {
        throw new IllegalArgumentException(
            "\"" + name.trim() + "\" is invalid (expected: one of "
                + String.join(", ", BY_NAME.keySet()) + ")");
      }
      selected.add(key);
    }
    if (selected.isEmpty()) {
      return TextMapPropagator.composite(w3cTraceContext(), w3cBaggage());
    }
    if (selected.contains("none") && selected.size() > 1) {
      throw new IllegalArgumentException(
          "\"none\" is invalid with other propagators (got: " + String.join(", ", selected) + ")");
    }
    List<TextMapPropagator> propagators = new ArrayList<>(selected.size());
    for (String key : selected) propagators.add(BY_NAME.get(key));
    return TextMapPropagator.composite(propagators);
  }
}
