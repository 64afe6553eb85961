package dev.ariadne.query;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.storage.TraceQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zipkin's {@code annotationQuery}, parsed as Zipkin parses it: terms joined by {@code " and "},
 * each {@code key=value} (key and value trimmed apart) or a bare {@code key}, which {@code key=}
 * also is. The Zipkin API shows a span's status as tags ({@code error}, {@code otel.status_code}),
 * so those tags search by the status. Storage searches the attributes and the status; the bare keys
 * and the error message are {@linkplain #matches checked} on the spans read.
 */
final class AnnotationQuery {
  /** The tag that {@code ZipkinEncoder} writes for status ERROR, its message or {@code true}. */
  private static final String ERROR = "error";
  /** The tag that {@code ZipkinEncoder} writes for status OK. */
  private static final String STATUS_CODE = "otel.status_code";
  private static final String NO_MESSAGE = "true";

  private final Map<String, String> attributes = new LinkedHashMap<>();
  private final List<String> keys = new ArrayList<>();
  private StatusCode statusCode;
  private String errorMessage;

  private AnnotationQuery() {}

  /** {@code text} may be empty: a query of no terms. */
  static AnnotationQuery parse(String text) {
    AnnotationQuery query = new AnnotationQuery();
    for (String term : text.split(" and ", -1)) {
      int equals = term.indexOf('=');
      String key = (equals < 0 ? term : term.substring(0, equals)).trim();
      String value = equals < 0 ? "" : term.substring(equals + 1).trim();
      if (key.isEmpty()) {
        if (equals >= 0) {
          throw new BadParameterException("annotationQuery", "annotationQuery: "
              + Params.quote(text) + " (expected: terms key or key=value joined by \" and \")");
        }
      } else if (value.isEmpty()) {
        query.keys.add(key);
      } else if (key.equals(ERROR)) {
        query.errorMessage = value;
      } else if (key.equals(STATUS_CODE) && (value.equals("OK") || value.equals("ERROR"))) {
        query.statusCode = StatusCode.valueOf(value);
      } else {
        query.attributes.put(key, value);
      }
    }
    return query;
  }

  /**
   * Adds what storage searches: the attributes and the status, which {@code error=<message>}
   * makes ERROR unless {@code otel.status_code} says otherwise (then no span matches both).
   */
  void addTo(TraceQuery.Builder query) {
    attributes.forEach(query::attribute);
    if (statusCode != null) {
      query.statusCode(statusCode);
    } else if (errorMessage != null) {
      query.statusCode(StatusCode.ERROR);
    }
  }

  /** True when storage cannot search for every term: the spans it finds must be checked. */
  boolean checksSpans() {
    return !keys.isEmpty() || errorMessage != null;
  }

  /**
   * True when the bare key {@code error} is the only status term: it matches status ERROR too,
   * which storage finds however old, so the spans of status ERROR are searched as well.
   */
  boolean searchesErrors() {
    return keys.contains(ERROR) && statusCode == null && errorMessage == null;
  }

  /** True when the span meets the terms that storage cannot search for. */
  boolean matches(Span span) {
    if (errorMessage != null && !failedWithErrorMessage(span)) {
      return false;
    }
    for (String key : keys) {
      if (!hasKey(span, key)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Status ERROR with the message of {@code error=<message>}, or with none for {@code error=true},
   * as {@code ZipkinEncoder} writes the tag.
   */
  private boolean failedWithErrorMessage(Span span) {
    String message = span.statusMessage();
    return span.statusCode() == StatusCode.ERROR
        && (message.equals(errorMessage) || (message.isEmpty() && errorMessage.equals(NO_MESSAGE)));
  }

  /**
   * A bare key matches, as in Zipkin, an annotation (event) of that name or a tag (span or
   * resource attribute) of that key; {@code error} also matches status ERROR, which is where the
   * decoders put Zipkin's {@code error} tag.
   */
  private static boolean hasKey(Span span, String key) {
    if (key.equals(ERROR) && span.statusCode() == StatusCode.ERROR) {
      return true;
    }
    for (Event event : span.events()) {
      if (event.name().equals(key)) {
        return true;
      }
    }
    return hasAttribute(span.attributes(), key) || hasAttribute(span.resource().attributes(), key);
  }

  private static boolean hasAttribute(List<Attribute> attributes, String key) {
    for (Attribute attribute : attributes) {
      if (attribute.key().equals(key)) {
        return true;
      }
    }
    return false;
  }
}
