package dev.ariadne.model.zipkin;

import static java.util.Objects.requireNonNull;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Ids;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.DecodeResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import zipkin2.Annotation;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesDecoder;

/**
 * The decoder as it was before it read the bytes itself: zipkin2's codec parses the body into
 * {@code zipkin2.Span}s, which are then mapped to the model. The reference the one-pass decoder is
 * compared with.
 */
enum ReferenceDecoder {
  JSON_V2(SpanBytesDecoder.JSON_V2, "Zipkin v2 JSON", false),
  PROTO3(SpanBytesDecoder.PROTO3, "Zipkin proto3", true);

  /** How many rejection messages a result quotes; all rejections are counted. */
  static final int MAX_MESSAGES = 5;

  /** Zipkin's messages quote request text, which may be huge. */
  private static final int MAX_MESSAGE_CHARS = 200;

  /** The latest time in microseconds whose nanoseconds still fit in a long (the year 2262). */
  private static final long MAX_MICROS = Long.MAX_VALUE / 1000;

  private final SpanBytesDecoder codec;
  private final String format;
  private final boolean emptyBodyIsEmptyList;

  ReferenceDecoder(SpanBytesDecoder codec, String format, boolean emptyBodyIsEmptyList) {
    this.codec = codec;
    this.format = format;
    this.emptyBodyIsEmptyList = emptyBodyIsEmptyList;
  }

  DecodeResult decode(byte[] body) throws MalformedException {
    requireNonNull(body, "body");
    if (body.length == 0 && !emptyBodyIsEmptyList) {
      throw new MalformedException(format + ": empty body (expected: a list of spans)");
    }
    List<zipkin2.Span> parsed;
    try {
      parsed = codec.decodeList(body);
    } catch (IllegalArgumentException e) {
      throw new MalformedException(format + ": " + cut(String.valueOf(e.getMessage())), e);
    }
    List<Span> spans = new ArrayList<>(parsed.size());
    List<String> messages = new ArrayList<>(MAX_MESSAGES);
    int rejected = 0;
    for (int i = 0; i < parsed.size(); i++) {
      zipkin2.Span zipkin = parsed.get(i);
      String problem = problem(zipkin);
      if (problem == null) {
        spans.add(toSpan(zipkin));
        continue;
      }
      rejected++;
      if (messages.size() < MAX_MESSAGES) {
        messages.add(
            "[" + i + "] span " + zipkin.id() + " of trace " + zipkin.traceId() + ": " + problem);
      }
    }
    String message = String.join("; ", messages);
    if (rejected > messages.size()) {
      message += " (and " + (rejected - messages.size()) + " more)";
    }
    return new DecodeResult(spans, rejected, message);
  }

  private static String cut(String message) {
    if (message.length() <= MAX_MESSAGE_CHARS) {
      return message;
    }
    int end = Character.isHighSurrogate(message.charAt(MAX_MESSAGE_CHARS - 1))
        ? MAX_MESSAGE_CHARS - 1
        : MAX_MESSAGE_CHARS;
    return message.substring(0, end) + "…";
  }

  /** Why a parsed span cannot be kept, or null if it can. */
  private static String problem(zipkin2.Span zipkin) {
    if (Ids.spanIdFromHex(zipkin.id()) == 0) {
      return "span ID is zero";
    }
    long timestamp = zipkin.timestampAsLong();
    if (timestamp == 0) {
      return "no timestamp (expected: microseconds since the epoch)";
    }
    long duration = zipkin.durationAsLong();
    if (timestamp > MAX_MICROS || duration > MAX_MICROS - timestamp) {
      return "timestamp + duration: "
          + timestamp + " + " + duration + " (expected: <= " + MAX_MICROS + " microseconds)";
    }
    for (Annotation annotation : zipkin.annotations()) {
      if (annotation.timestamp() < 0 || annotation.timestamp() > MAX_MICROS) {
        return "annotation timestamp: "
            + annotation.timestamp() + " (expected: 0 to " + MAX_MICROS + " microseconds)";
      }
    }
    return null;
  }

  private static Span toSpan(zipkin2.Span zipkin) {
    Map<String, String> tags = new LinkedHashMap<>(zipkin.tags());
    long start = zipkin.timestampAsLong() * 1000;
    Span.Builder span = Span.builder()
        .traceId(TraceId.fromHex(zipkin.traceId()))
        .spanId(Ids.spanIdFromHex(zipkin.id()))
        .parentSpanId(zipkin.parentId() == null ? 0 : Ids.spanIdFromHex(zipkin.parentId()))
        .name(Objects.requireNonNullElse(zipkin.name(), ""))
        .kind(kind(zipkin.kind()))
        .startEpochNanos(start)
        .endEpochNanos(start + zipkin.durationAsLong() * 1000)
        .resource(resource(zipkin.localEndpoint()))
        .events(events(zipkin.annotations()));
    status(tags, span);
    scope(tags, span);
    return span.attributes(attributes(zipkin, tags)).build();
  }

  private static SpanKind kind(zipkin2.Span.Kind kind) {
    if (kind == null) {
      return SpanKind.INTERNAL;
    }
    return switch (kind) {
      case CLIENT -> SpanKind.CLIENT;
      case SERVER -> SpanKind.SERVER;
      case PRODUCER -> SpanKind.PRODUCER;
      case CONSUMER -> SpanKind.CONSUMER;
    };
  }

  private static Resource resource(Endpoint local) {
    String serviceName = local == null || local.serviceName() == null
        ? Resource.UNKNOWN_SERVICE
        : local.serviceName();
    List<Attribute> attributes = new ArrayList<>(3);
    attributes.add(Attribute.of(Keys.SERVICE_NAME, serviceName));
    if (local != null) {
      List<Value> ips = new ArrayList<>(2);
      if (local.ipv4() != null) {
        ips.add(Value.of(local.ipv4()));
      }
      if (local.ipv6() != null) {
        ips.add(Value.of(local.ipv6()));
      }
      if (!ips.isEmpty()) {
        attributes.add(new Attribute(Keys.HOST_IP, new Value.Array(ips)));
      }
      if (local.portAsInt() != 0) {
        attributes.add(Attribute.of(Keys.NETWORK_LOCAL_PORT, (long) local.portAsInt()));
      }
    }
    return new Resource(serviceName, attributes, 0);
  }

  private static List<Event> events(List<Annotation> annotations) {
    List<Event> events = new ArrayList<>(annotations.size());
    for (Annotation annotation : annotations) {
      events.add(new Event(annotation.timestamp() * 1000, annotation.value(), List.of(), 0));
    }
    return events;
  }

  /** Takes the status from the {@code error} and {@code otel.status_*} tags, removing them. */
  private static void status(Map<String, String> tags, Span.Builder span) {
    String error = tags.remove(Keys.ERROR);
    String code = tags.get(Keys.OTEL_STATUS_CODE);
    String description = "";
    boolean otelStatus = "OK".equals(code) || "ERROR".equals(code);
    if (otelStatus) {
      tags.remove(Keys.OTEL_STATUS_CODE);
      description = Objects.requireNonNullElse(tags.remove(Keys.OTEL_STATUS_DESCRIPTION), "");
    }
    if (error != null) {
      boolean flagOnly = error.isEmpty() || error.equals("true");
      span.status(StatusCode.ERROR, flagOnly ? description : error);
    } else if (otelStatus) {
      span.status(StatusCode.valueOf(code), code.equals("ERROR") ? description : "");
    }
  }

  /** Takes the scope from the {@code otel.scope.*} tags, removing them. */
  private static void scope(Map<String, String> tags, Span.Builder span) {
    String name = tags.remove(Keys.OTEL_SCOPE_NAME);
    if (name != null) {
      String version = Objects.requireNonNullElse(tags.remove(Keys.OTEL_SCOPE_VERSION), "");
      span.scope(new Scope(name, version, List.of()));
    }
  }

  /** The remaining tags, then the remote endpoint and flags, which win over same-named tags. */
  private static List<Attribute> attributes(zipkin2.Span zipkin, Map<String, String> tags) {
    Map<String, Value> attributes = new LinkedHashMap<>();
    tags.forEach((key, value) -> attributes.put(key, Value.of(value)));
    Endpoint remote = zipkin.remoteEndpoint();
    if (remote != null) {
      if (remote.serviceName() != null) {
        attributes.put(Keys.PEER_SERVICE, Value.of(remote.serviceName()));
      }
      String ip = remote.ipv4() != null ? remote.ipv4() : remote.ipv6();
      if (ip != null) {
        attributes.put(Keys.NETWORK_PEER_ADDRESS, Value.of(ip));
      }
      if (remote.portAsInt() != 0) {
        attributes.put(Keys.NETWORK_PEER_PORT, Value.of((long) remote.portAsInt()));
      }
    }
    if (Boolean.TRUE.equals(zipkin.debug())) {
      attributes.put(Keys.ZIPKIN_DEBUG, Value.of(true));
    }
    if (Boolean.TRUE.equals(zipkin.shared())) {
      attributes.put(Keys.ZIPKIN_SHARED, Value.of(true));
    }
    List<Attribute> list = new ArrayList<>(attributes.size());
    attributes.forEach((key, value) -> list.add(new Attribute(key, value)));
    return list;
  }
}
