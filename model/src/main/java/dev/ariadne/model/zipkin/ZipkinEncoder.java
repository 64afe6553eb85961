package dev.ariadne.model.zipkin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.Value;
import dev.ariadne.model.ValueJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Encodes spans as Zipkin v2 JSON for the Zipkin-compatible query API. What Zipkin has no field for
 * is dropped or folded into tags, as the package documentation lists. Stateless and thread-safe.
 */
public final class ZipkinEncoder {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private ZipkinEncoder() {}

  /**
   * A JSON array of spans, as {@code GET /api/v2/trace/{traceId}} answers for one trace.
   *
   * @throws IllegalArgumentException if a span has a zero trace or span ID (no decoder accepts one)
   */
  public static byte[] encodeSpans(List<Span> spans) {
    requireNonNull(spans, "spans");
    List<zipkin2.Span> zipkin = new ArrayList<>(spans.size());
    for (Span span : spans) {
      zipkin.add(toZipkin(span));
    }
    return SpanBytesEncoder.JSON_V2.encodeList(zipkin);
  }

  /**
   * A JSON array of traces, each a JSON array of spans, as {@code GET /api/v2/traces} answers.
   *
   * @throws IllegalArgumentException if a span has a zero trace or span ID (no decoder accepts one)
   */
  public static byte[] encodeTraces(List<List<Span>> traces) {
    requireNonNull(traces, "traces");
    List<byte[]> encoded = new ArrayList<>(traces.size());
    int size = 2 + Math.max(0, traces.size() - 1);
    for (List<Span> trace : traces) {
      byte[] bytes = encodeSpans(trace);
      encoded.add(bytes);
      size += bytes.length;
    }
    byte[] out = new byte[size];
    int position = 0;
    out[position++] = '[';
    for (int i = 0; i < encoded.size(); i++) {
      if (i > 0) {
        out[position++] = ',';
      }
      byte[] bytes = encoded.get(i);
      System.arraycopy(bytes, 0, out, position, bytes.length);
      position += bytes.length;
    }
    out[position] = ']';
    return out;
  }

  static zipkin2.Span toZipkin(Span span) {
    requireNonNull(span, "span");
    zipkin2.Span.Builder zipkin = zipkin2.Span.newBuilder()
        .traceId(span.traceId().high(), span.traceId().low())
        .id(span.spanId())
        .parentId(span.parentSpanId())
        .name(span.name())
        .kind(kind(span));
    long timestamp = span.startEpochNanos() / 1000;
    if (timestamp > 0) {
      zipkin.timestamp(timestamp);
    }
    long durationNanos = span.endEpochNanos() - span.startEpochNanos();
    if (durationNanos > 0) {
      zipkin.duration(Math.max(1, durationNanos / 1000));
    }
    zipkin.localEndpoint(localEndpoint(span.resource(), zipkin));
    zipkin.remoteEndpoint(remoteEndpoint(span.attributes(), zipkin));
    for (Event event : span.events()) {
      zipkin.addAnnotation(event.epochNanos() / 1000, annotation(event));
    }
    Scope scope = span.scope();
    if (!scope.name().isEmpty()) {
      zipkin.putTag(Keys.OTEL_SCOPE_NAME, scope.name());
      if (!scope.version().isEmpty()) {
        zipkin.putTag(Keys.OTEL_SCOPE_VERSION, scope.version());
      }
    }
    switch (span.statusCode()) {
      case ERROR -> zipkin.putTag(
          Keys.ERROR, span.statusMessage().isEmpty() ? "true" : span.statusMessage());
      case OK -> zipkin.putTag(Keys.OTEL_STATUS_CODE, "OK");
      case UNSET -> {}
    }
    return zipkin.build();
  }

  private static zipkin2.Span.Kind kind(Span span) {
    return switch (span.kind()) {
      case CLIENT -> zipkin2.Span.Kind.CLIENT;
      case SERVER -> zipkin2.Span.Kind.SERVER;
      case PRODUCER -> zipkin2.Span.Kind.PRODUCER;
      case CONSUMER -> zipkin2.Span.Kind.CONSUMER;
      case INTERNAL, UNSPECIFIED -> null;
    };
  }

  /**
   * The service and its address; resource attributes that do not fit the endpoint become tags, and
   * are added before the span's attributes so those win when a key is in both.
   */
  private static Endpoint localEndpoint(Resource resource, zipkin2.Span.Builder zipkin) {
    Endpoint.Builder local = Endpoint.newBuilder().serviceName(resource.serviceName());
    for (Attribute attribute : resource.attributes()) {
      boolean mapped = switch (attribute.key()) {
        case Keys.SERVICE_NAME -> true;
        case Keys.HOST_IP -> ips(attribute.value(), local);
        case Keys.NETWORK_LOCAL_PORT -> port(attribute.value(), local);
        default -> false;
      };
      if (!mapped) {
        putTag(attribute, zipkin);
      }
    }
    return local.build();
  }

  /**
   * The peer the span talked to (Zipkin leaves an empty endpoint out); span attributes that fit
   * neither it nor Zipkin's flags become tags. Jaeger's debug mark is Zipkin's debug flag too.
   */
  private static Endpoint remoteEndpoint(List<Attribute> attributes, zipkin2.Span.Builder zipkin) {
    Endpoint.Builder remote = Endpoint.newBuilder();
    for (Attribute attribute : attributes) {
      Value value = attribute.value();
      boolean mapped = switch (attribute.key()) {
        case Keys.PEER_SERVICE -> serviceName(value, remote);
        case Keys.NETWORK_PEER_ADDRESS -> value instanceof Value.Str && ips(value, remote);
        case Keys.NETWORK_PEER_PORT -> port(value, remote);
        case Keys.ZIPKIN_DEBUG -> flag(value, zipkin::debug);
        case Keys.ZIPKIN_SHARED -> flag(value, zipkin::shared);
        case Keys.JAEGER_DEBUG -> flag(value, debug -> {
          if (debug) {
            zipkin.debug(true);
          }
        });
        default -> false;
      };
      if (!mapped) {
        putTag(attribute, zipkin);
      }
    }
    return remote.build();
  }

  private static boolean flag(Value value, Consumer<Boolean> set) {
    if (value instanceof Value.Bool flag) {
      set.accept(flag.value());
      return true;
    }
    return false;
  }

  private static boolean serviceName(Value value, Endpoint.Builder endpoint) {
    if (value instanceof Value.Str name && !name.value().isEmpty()) {
      endpoint.serviceName(name.value());
      return true;
    }
    return false;
  }

  /**
   * Sets the addresses of a string or an array of strings holding at most one IPv4 and one IPv6
   * address; false, setting nothing, for any other value.
   */
  private static boolean ips(Value value, Endpoint.Builder endpoint) {
    List<Value> values = value instanceof Value.Array array ? array.values() : List.of(value);
    String ipv4 = null;
    String ipv6 = null;
    for (Value element : values) {
      Endpoint.Builder one = Endpoint.newBuilder();
      if (!(element instanceof Value.Str text) || !one.parseIp(text.value())) {
        return false;
      }
      Endpoint parsed = one.build();
      if (parsed.ipv4() != null && ipv4 == null) {
        ipv4 = parsed.ipv4();
      } else if (parsed.ipv6() != null && ipv6 == null) {
        ipv6 = parsed.ipv6();
      } else {
        return false;
      }
    }
    if (ipv4 == null && ipv6 == null) {
      return false;
    }
    if (ipv4 != null) {
      endpoint.parseIp(ipv4);
    }
    if (ipv6 != null) {
      endpoint.parseIp(ipv6);
    }
    return true;
  }

  private static boolean port(Value value, Endpoint.Builder endpoint) {
    if (value instanceof Value.Int port && port.value() > 0 && port.value() <= 0xffff) {
      endpoint.port((int) port.value());
      return true;
    }
    return false;
  }

  /** Adds an attribute as a tag; an {@code error} attribute of {@code false} is left out. */
  private static void putTag(Attribute attribute, zipkin2.Span.Builder zipkin) {
    if (attribute.key().equals(Keys.ERROR)
        && attribute.value() instanceof Value.Bool error
        && !error.value()) {
      return;
    }
    zipkin.putTag(attribute.key(), tagValue(attribute.value()));
  }

  /**
   * A value as Zipkin's string tag: strings as they are, numbers and booleans as Java prints them,
   * bytes as base64, arrays and key-value lists as JSON.
   */
  static String tagValue(Value value) {
    if (value instanceof Value.Str str) {
      return str.value();
    } else if (value instanceof Value.Bool bool) {
      return Boolean.toString(bool.value());
    } else if (value instanceof Value.Int number) {
      return Long.toString(number.value());
    } else if (value instanceof Value.Dbl number) {
      return Double.toString(number.value());
    } else if (value instanceof Value.Bytes bytes) {
      return Base64.getEncoder().encodeToString(bytes.value());
    }
    return json(value);
  }

  /** The event name, or {@code "name":{attributes as JSON}} as OpenTelemetry's exporter writes. */
  private static String annotation(Event event) {
    if (event.attributes().isEmpty()) {
      return event.name();
    }
    return json(Value.of(event.name())) + ":" + json(new Value.KvList(event.attributes()));
  }

  private static String json(Value value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      ValueJson.write(value, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
