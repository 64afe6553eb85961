package dev.ariadne.model.jaeger;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tags that Jaeger clients (OpenTracing conventions) and OpenTelemetry's Jaeger exporters give
 * a meaning to, and how they become span fields. Each method takes the tags it understands out of a
 * span's tags, keyed by name, and leaves the rest to become attributes.
 */
final class SpanTags {
  static final String SERVICE_NAME = "service.name";
  static final String SPAN_KIND = "span.kind";
  static final String ERROR = "error";
  static final String OTEL_STATUS_CODE = "otel.status_code";
  static final String OTEL_STATUS_DESCRIPTION = "otel.status_description";
  static final String OTEL_SCOPE_NAME = "otel.scope.name";
  static final String OTEL_SCOPE_VERSION = "otel.scope.version";
  static final String OTEL_LIBRARY_NAME = "otel.library.name";
  static final String OTEL_LIBRARY_VERSION = "otel.library.version";
  static final String W3C_TRACESTATE = "w3c.tracestate";
  static final String JAEGER_DEBUG = "jaeger.debug";
  /** The log field that names an event. */
  static final String EVENT = "event";
  /** The link attribute that says which reference a link stands for, as OpenTelemetry names it. */
  static final String REF_TYPE = "opentracing.ref_type";

  private SpanTags() {}

  /**
   * The kind from a {@code span.kind} tag of {@code client}, {@code server}, {@code producer},
   * {@code consumer} or {@code internal}, which is taken out. Without the tag: {@code INTERNAL}, as
   * OpenTracing leaves it off in-process spans; any other value stays a tag: {@code UNSPECIFIED}.
   */
  static SpanKind takeKind(Map<String, Value> tags) {
    Value tag = tags.get(SPAN_KIND);
    if (tag == null) {
      return SpanKind.INTERNAL;
    }
    SpanKind kind = tag instanceof Value.Str name ? kind(name.value()) : SpanKind.UNSPECIFIED;
    if (kind != SpanKind.UNSPECIFIED) {
      tags.remove(SPAN_KIND);
    }
    return kind;
  }

  private static SpanKind kind(String name) {
    return switch (name) {
      case "client" -> SpanKind.CLIENT;
      case "server" -> SpanKind.SERVER;
      case "producer" -> SpanKind.PRODUCER;
      case "consumer" -> SpanKind.CONSUMER;
      case "internal" -> SpanKind.INTERNAL;
      default -> SpanKind.UNSPECIFIED;
    };
  }

  /**
   * The status from an {@code error} tag of {@code true} (boolean or string), and from {@code
   * otel.status_code} ({@code OK} or {@code ERROR}) with {@code otel.status_description}; the tags
   * that made the status are taken out. {@code error=true} wins over {@code otel.status_code=OK}.
   */
  static void takeStatus(Map<String, Value> tags, Span.Builder span) {
    Value error = tags.get(ERROR);
    boolean failed = (error instanceof Value.Bool flag && flag.value())
        || (error instanceof Value.Str text && text.value().equals("true"));
    if (failed) {
      tags.remove(ERROR);
    }
    String code = tags.get(OTEL_STATUS_CODE) instanceof Value.Str text ? text.value() : "";
    boolean otelStatus = code.equals("OK") || code.equals("ERROR");
    String description = "";
    if (otelStatus) {
      tags.remove(OTEL_STATUS_CODE);
      description = takeString(tags, OTEL_STATUS_DESCRIPTION, "");
    }
    if (failed) {
      span.status(StatusCode.ERROR, description);
    } else if (otelStatus) {
      StatusCode status = StatusCode.valueOf(code);
      span.status(status, status == StatusCode.ERROR ? description : "");
    }
  }

  /**
   * The instrumentation scope from {@code otel.scope.name} and {@code otel.scope.version}, or the
   * older {@code otel.library.name} and {@code otel.library.version}, which are taken out.
   */
  static void takeScope(Map<String, Value> tags, Span.Builder span) {
    String name = takeString(tags, OTEL_SCOPE_NAME, null);
    if (name != null) {
      span.scope(new Scope(name, takeString(tags, OTEL_SCOPE_VERSION, ""), List.of()));
      return;
    }
    name = takeString(tags, OTEL_LIBRARY_NAME, null);
    if (name != null) {
      span.scope(new Scope(name, takeString(tags, OTEL_LIBRARY_VERSION, ""), List.of()));
    }
  }

  /** The W3C trace state that OpenTelemetry's Jaeger exporters write as {@code w3c.tracestate}. */
  static void takeTraceState(Map<String, Value> tags, Span.Builder span) {
    span.traceState(takeString(tags, W3C_TRACESTATE, ""));
  }

  /** The tags as attributes, in the order of their first appearance. */
  static List<Attribute> attributes(Map<String, Value> tags) {
    List<Attribute> attributes = new ArrayList<>(tags.size());
    tags.forEach((key, value) -> attributes.add(new Attribute(key, value)));
    return attributes;
  }

  /** Takes out a string tag; a tag of another type stays, and {@code absent} is returned. */
  static String takeString(Map<String, Value> tags, String key, String absent) {
    if (tags.get(key) instanceof Value.Str text) {
      tags.remove(key);
      return text.value();
    }
    return absent;
  }
}
