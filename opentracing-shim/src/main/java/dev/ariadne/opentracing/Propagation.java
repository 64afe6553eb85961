package dev.ariadne.opentracing;

import static java.util.Objects.requireNonNull;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapGetter;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.propagation.TextMapSetter;
import dev.ariadne.api.trace.Span;
import io.opentracing.SpanContext;
import io.opentracing.propagation.BinaryExtract;
import io.opentracing.propagation.BinaryInject;
import io.opentracing.propagation.Format;
import io.opentracing.propagation.TextMapExtract;
import io.opentracing.propagation.TextMapInject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Inject and Extract for OpenTracing's built-in formats: HTTP_HEADERS through one text-map
 * propagator; TEXT_MAP and BINARY through another, BINARY as the {@link BinaryFields} encoding of
 * its text fields. A carrier of the wrong type is an {@link IllegalArgumentException}, another
 * format an {@link UnsupportedOperationException}; malformed carrier data extracts as null.
 */
final class Propagation {
  private static final TextMapSetter<TextMapInject> SETTER = TextMapInject::put;

  private final TextMapPropagator textMap;
  private final TextMapPropagator httpHeaders;

  Propagation(TextMapPropagator textMap, TextMapPropagator httpHeaders) {
    this.textMap = textMap;
    this.httpHeaders = httpHeaders;
  }

  /** Writes the span context and its baggage into the carrier; a null context writes nothing. */
  <C> void inject(SpanContext spanContext, Format<C> format, C carrier) {
    requireNonNull(format, "format");
    requireNonNull(carrier, "carrier");
    if (spanContext == null) return;
    SpanContextShim shim = SpanContextShim.of(spanContext);
    Context context = Context.root().with(shim.span()).with(shim.baggage());
    if (format == Format.Builtin.HTTP_HEADERS) {
      httpHeaders.inject(context, carrier(carrier, TextMapInject.class, format), SETTER);
    } else if (format == Format.Builtin.TEXT_MAP || format == Format.Builtin.TEXT_MAP_INJECT) {
      textMap.inject(context, carrier(carrier, TextMapInject.class, format), SETTER);
    } else if (format == Format.Builtin.BINARY || format == Format.Builtin.BINARY_INJECT) {
      Map<String, String> fields = new LinkedHashMap<>();
      textMap.inject(context, fields, Carriers.mapSetter());
      BinaryFields.write(fields, carrier(carrier, BinaryInject.class, format));
    } else {
      throw new UnsupportedOperationException(
          "format: " + format + " (expected: HTTP_HEADERS, TEXT_MAP, TEXT_MAP_INJECT, BINARY or"
              + " BINARY_INJECT)");
    }
  }

  /**
   * Reads a span context and baggage from {@code carrier}; null if it holds neither a valid span
   * context nor baggage, or is malformed.
   */
  <C> SpanContext extract(Format<C> format, C carrier) {
    requireNonNull(format, "format");
    requireNonNull(carrier, "carrier");
    Map<String, String> fields;
    TextMapPropagator propagator = textMap;
    if (format == Format.Builtin.HTTP_HEADERS) {
      fields = copy(carrier(carrier, TextMapExtract.class, format));
      propagator = httpHeaders;
    } else if (format == Format.Builtin.TEXT_MAP || format == Format.Builtin.TEXT_MAP_EXTRACT) {
      fields = copy(carrier(carrier, TextMapExtract.class, format));
    } else if (format == Format.Builtin.BINARY || format == Format.Builtin.BINARY_EXTRACT) {
      fields = BinaryFields.read(carrier(carrier, BinaryExtract.class, format).extractionBuffer());
      if (fields == null) return null;
    } else {
      throw new UnsupportedOperationException(
          "format: " + format + " (expected: HTTP_HEADERS, TEXT_MAP, TEXT_MAP_EXTRACT, BINARY or"
              + " BINARY_EXTRACT)");
    }
    Context context = propagator.extract(Context.root(), fields, FieldGetter.INSTANCE);
    Span span = Span.fromContext(context);
    Baggage baggage = Baggage.fromContext(context);
    if (!span.getSpanContext().isValid() && baggage.isEmpty()) return null;
    return new SpanContextShim(span, baggage);
  }

  private static <T> T carrier(Object carrier, Class<T> type, Format<?> format) {
    if (!type.isInstance(carrier)) {
      throw new IllegalArgumentException(
          "carrier: " + carrier.getClass().getName() + " (expected: " + type.getName() + " for "
              + format + ")");
    }
    return type.cast(carrier);
  }

  private static Map<String, String> copy(TextMapExtract carrier) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : carrier) {
      if (entry.getKey() != null && entry.getValue() != null) {
        fields.put(entry.getKey(), entry.getValue());
      }
    }
    return fields;
  }

  @Override
  public String toString() {
    return "Propagation{textMap=" + textMap + ", httpHeaders=" + httpHeaders + '}';
  }

  /** Reads copied carrier fields, matching a name exactly or else ignoring case, as HTTP does. */
  private enum FieldGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      String value = carrier.get(key);
      if (value != null || key == null) return value;
      for (Map.Entry<String, String> entry : carrier.entrySet()) {
        if (key.equalsIgnoreCase(entry.getKey())) return entry.getValue();
      }
      return null;
    }
  }
}
