package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ariadne.analytics.Analytics;
import dev.ariadne.analytics.CriticalPath;
import dev.ariadne.analytics.MissingMetrics;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.ValueJson;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.DroppedSpans;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Ariadne's own JSON API under {@code /api/v1/}, documented in {@code docs/api.md}. */
final class NativeApi {
  static final long DEFAULT_LOOKBACK_NANOS = 24 * 3_600_000_000_000L;
  static final int DEFAULT_NAME_LIMIT = 1_000;

  /** Earliest start first, then by span ID: the order a timeline draws. */
  static final Comparator<Span> TIMELINE = Comparator.comparingLong(Span::startEpochNanos)
      .thenComparing(Span::spanId, Long::compareUnsigned);

  private final Storage storage;
  private final TraceReader traces;
  private final Dependencies dependencies;
  /** The RED metrics, or null when analytics is off. */
  private final Analytics analytics;

  NativeApi(Storage storage, TraceReader traces, Dependencies dependencies, Analytics analytics) {
    this.storage = requireNonNull(storage, "storage");
    this.traces = requireNonNull(traces, "traces");
    this.dependencies = requireNonNull(dependencies, "dependencies");
    this.analytics = analytics;
  }

  Handler.Answer trace(Params params) throws IOException {
    TraceId traceId = params.traceId("traceId", params.path("traceId"));
    List<Span> spans = new ArrayList<>(traces.read(traceId));
    if (spans.isEmpty()) {
      throw new NotFoundException(traceId, storage.unreadableSpans(traceId));
    }
    spans.sort(TIMELINE);
    Completeness completeness = Completeness.of(spans, storage.droppedSpans(traceId),
        storage.unreadableSpans(traceId));
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeStringField("traceId", traceId.toHex());
      json.writeNumberField("spanCount", spans.size());
      writeCompleteness(completeness, json);
      json.writeArrayFieldStart("spans");
      for (Span span : spans) {
        writeSpan(span, json);
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  /**
   * The trace's critical path as {@link CriticalPath} finds it, each segment with its span's
   * service and name, and the trace's completeness, which says whether the root was there.
   */
  Handler.Answer criticalPath(Params params) throws IOException {
    TraceId traceId = params.traceId("traceId", params.path("traceId"));
    List<Span> spans = new ArrayList<>(traces.read(traceId));
    if (spans.isEmpty()) {
      throw new NotFoundException(traceId, storage.unreadableSpans(traceId));
    }
    spans.sort(TIMELINE);
    List<CriticalPath.Segment> segments = CriticalPath.of(spans);
    Map<Long, Span> spanById = CriticalPath.spansById(spans);
    Completeness completeness = Completeness.of(spans, storage.droppedSpans(traceId),
        storage.unreadableSpans(traceId));
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeStringField("traceId", traceId.toHex());
      writeCompleteness(completeness, json);
      json.writeArrayFieldStart("segments");
      for (CriticalPath.Segment segment : segments) {
        Span span = spanById.get(segment.spanId());
        json.writeStartObject();
        json.writeStringField("spanId", Json.hex(segment.spanId()));
        json.writeStringField("serviceName", span.serviceName());
        json.writeStringField("name", span.name());
        json.writeStringField("startEpochNanos", Long.toString(segment.startEpochNanos()));
        json.writeStringField("endEpochNanos", Long.toString(segment.endEpochNanos()));
        json.writeNumberField("durationNanos", segment.durationNanos());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  Handler.Answer search(Params params) throws IOException {
    TraceQuery.Builder query = TraceQuery.builder().cancellation(params.cancellation());
    params.optional("service").ifPresent(query::serviceName);
    params.optional("operation").ifPresent(query::spanName);
    params.kind("spanKind").ifPresent(query::kind);
    params.statusCode("status").ifPresent(query::statusCode);
    for (String attribute : params.all("attribute")) {
      int equals = attribute.indexOf('=');
      if (equals < 1) {
        throw new BadParameterException("attribute", "attribute: " + Params.quote(attribute)
            + " (expected: key=value, with a non-empty key)");
      }
      query.attribute(attribute.substring(0, equals), attribute.substring(equals + 1));
    }
    OptionalLong min = params.duration("minDuration");
    OptionalLong max = params.duration("maxDuration");
    if (min.isPresent() && max.isPresent() && max.getAsLong() < min.getAsLong()) {
      throw new BadParameterException("maxDuration", "maxDuration: " + max.getAsLong()
          + " ns (expected: >= minDuration " + min.getAsLong() + " ns)");
    }
    min.ifPresent(query::minDurationNanos);
    max.ifPresent(query::maxDurationNanos);
    long[] range = timeRange(params);
    query.startEpochNanos(range[0]).endEpochNanos(range[1]);
    query.limit(params.limit("limit", TraceQuery.DEFAULT_LIMIT));
    List<TraceSummary> summaries = storage.search(query.build());
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeArrayFieldStart("traces");
      for (TraceSummary summary : summaries) {
        writeSummary(summary, json);
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  Handler.Answer services(Params params) throws IOException {
    List<String> services = storage.services();
    if (analytics == null) {
      return body -> writeStrings("services", services, body.json());
    }
    Map<String, MissingMetrics> incomplete = analytics.untrackedServices();
    boolean more = analytics.moreUntrackedServices();
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeArrayFieldStart("services");
      for (String service : services) {
        json.writeString(service);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("redIncomplete");
      for (Map.Entry<String, MissingMetrics> entry : incomplete.entrySet()) {
        json.writeStartObject();
        json.writeStringField("service", entry.getKey());
        MetricsApi.writeMissingFields(entry.getValue(), "uncountedSpans", json);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeBooleanField("redIncompleteMore", more);
      json.writeEndObject();
    };
  }

  Handler.Answer operations(Params params) throws IOException {
    List<Operation> operations = storage.operations(params.path("service"));
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeArrayFieldStart("operations");
      for (Operation operation : operations) {
        json.writeStartObject();
        json.writeStringField("name", operation.spanName());
        json.writeStringField("spanKind", operation.kind().name());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  Handler.Answer attributeKeys(Params params) throws IOException {
    List<String> keys = storage.attributeKeys(
        params.optional("service"), params.limit("limit", DEFAULT_NAME_LIMIT));
    return body -> writeStrings("keys", keys, body.json());
  }

  Handler.Answer attributeValues(Params params) throws IOException {
    String key = params.required("key");
    List<String> values = storage.attributeValues(
        params.optional("service"), key, params.limit("limit", DEFAULT_NAME_LIMIT));
    return body -> writeStrings("values", values, body.json());
  }

  /**
   * The service map: its links with their counts and latencies, what it lacks, and its services
   * and peers.
   */
  Handler.Answer dependencies(Params params) throws IOException {
    long[] range = timeRange(params);
    ServiceMap map = dependencies.between(range[0], range[1], params.cancellation());
    List<ServiceMap.Node> nodes = map.nodes();
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeStringField("source", map.source().label);
      json.writeArrayFieldStart("links");
      for (ServiceMap.Link link : map.links()) {
        writeLink(link, json);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("missing");
      for (MissingMetrics missing : map.missing()) {
        json.writeStartObject();
        MetricsApi.writeMissingFields(missing, switch (missing.cause()) {
          case MAX_SERIES -> "uncountedCalls";
          case MAX_PENDING_CALLS -> "droppedSpans";
          default -> null;
        }, json);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("nodes");
      for (ServiceMap.Node node : nodes) {
        json.writeStartObject();
        json.writeStringField("name", node.name());
        json.writeStringField("kind", node.kind());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    };
  }

  /** A link; its connection type and latencies are null when the map comes from storage. */
  private static void writeLink(ServiceMap.Link link, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("parent", link.parent());
    json.writeStringField("child", link.child());
    json.writeStringField("connectionType", link.connectionType());
    json.writeNumberField("callCount", link.callCount());
    json.writeNumberField("errorCount", link.errorCount());
    for (int i = 0; i < ServiceMap.QUANTILE_NAMES.size(); i++) {
      String name = ServiceMap.QUANTILE_NAMES.get(i);
      double millis = i < link.latencyMillis().size() ? link.latencyMillis().get(i) : Double.NaN;
      if (Double.isNaN(millis)) {
        json.writeNullField(name);
      } else {
        json.writeNumberField(name, millis);
      }
    }
    json.writeEndObject();
  }

  /** {@code [start, end)}: end defaults to now, start to end minus the lookback (24h). */
  private static long[] timeRange(Params params) {
    long end = params.epochNanos("end").orElse(params.nowEpochNanos());
    OptionalLong start = params.epochNanos("start");
    long lookback = params.duration("lookback").orElse(DEFAULT_LOOKBACK_NANOS);
    long from = start.isPresent() ? start.getAsLong() : saturatedSubtract(end, lookback);
    if (end <= from) {
      // Named after a parameter that was sent and makes the range empty.
      String name;
      if (start.isEmpty()) {
        name = params.optional("lookback").isPresent() ? "lookback" : "end";
      } else {
        name = params.optional("end").isPresent() ? "end" : "start";
      }
      throw new BadParameterException(name, name + ": " + Params.quote(params.required(name))
          + " (expected: a time range with start before end; start " + from + ", end " + end
          + ")");
    }
    return new long[] {from, end};
  }

  static long saturatedSubtract(long a, long b) {
    long difference = a - b;
    return ((a ^ b) & (a ^ difference)) < 0 ? Long.MIN_VALUE : difference;
  }

  private static void writeStrings(String field, List<String> values, JsonGenerator json)
      throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart(field);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeSummary(TraceSummary summary, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("traceId", summary.traceId().toHex());
    json.writeBooleanField("rootPresent", summary.rootServiceName().isPresent());
    writeOptional("rootServiceName", summary.rootServiceName(), json);
    writeOptional("rootSpanName", summary.rootSpanName(), json);
    json.writeStringField("startEpochNanos", Long.toString(summary.startEpochNanos()));
    json.writeNumberField("durationNanos", summary.durationNanos());
    json.writeNumberField("spanCount", summary.spanCount());
    json.writeNumberField("errorCount", summary.errorCount());
    json.writeArrayFieldStart("services");
    for (TraceSummary.ServiceSpans service : summary.services()) {
      json.writeStartObject();
      json.writeStringField("serviceName", service.serviceName());
      json.writeNumberField("spanCount", service.spanCount());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeOptional(String field, Optional<String> value, JsonGenerator json)
      throws IOException {
    json.writeFieldName(field);
    if (value.isPresent()) {
      json.writeString(value.get());
    } else {
      json.writeNull();
    }
  }

  private static void writeCompleteness(Completeness completeness, JsonGenerator json)
      throws IOException {
    json.writeObjectFieldStart("completeness");
    json.writeBooleanField("complete", completeness.complete());
    json.writeBooleanField("rootPresent", completeness.rootPresent());
    json.writeArrayFieldStart("orphanSpanIds");
    for (long orphan : completeness.orphanSpanIds()) {
      json.writeString(Json.hex(orphan));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("cyclicSpanIds");
    for (long spanId : completeness.cyclicSpanIds()) {
      json.writeString(Json.hex(spanId));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("clockSkew");
    for (Completeness.Skew skew : completeness.skews()) {
      json.writeStartObject();
      json.writeStringField("spanId", Json.hex(skew.span().spanId()));
      json.writeStringField("parentSpanId", Json.hex(skew.parent().spanId()));
      json.writeNumberField("startsBeforeParentNanos", skew.startsBeforeParentNanos());
      json.writeNumberField("endsAfterParentNanos", skew.endsAfterParentNanos());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("duplicateSpanIds");
    for (long spanId : completeness.duplicateSpanIds()) {
      json.writeString(Json.hex(spanId));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("collidingSpanIds");
    for (long spanId : completeness.collidingSpanIds()) {
      json.writeString(Json.hex(spanId));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("droppedSpans");
    for (DroppedSpans dropped : completeness.droppedSpans()) {
      json.writeStartObject();
      json.writeStringField("serviceName", dropped.serviceName());
      json.writeStringField("spanName", dropped.spanName());
      json.writeNumberField("count", dropped.count());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeNumberField("unreadableSpans", completeness.unreadableSpans());
    json.writeEndObject();
  }

  private static void writeSpan(Span span, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("spanId", Json.hex(span.spanId()));
    if (span.parentSpanId() != 0) {
      json.writeStringField("parentSpanId", Json.hex(span.parentSpanId()));
    }
    json.writeStringField("name", span.name());
    json.writeStringField("kind", span.kind().name());
    json.writeStringField("serviceName", span.serviceName());
    json.writeStringField("startEpochNanos", Long.toString(span.startEpochNanos()));
    json.writeStringField("endEpochNanos", Long.toString(span.endEpochNanos()));
    json.writeNumberField("durationNanos", span.durationNanos());
    json.writeObjectFieldStart("status");
    json.writeStringField("code", span.statusCode().name());
    if (!span.statusMessage().isEmpty()) {
      json.writeStringField("message", span.statusMessage());
    }
    json.writeEndObject();
    writeAttributes(span.attributes(), span.droppedAttributesCount(), json);
    json.writeArrayFieldStart("events");
    for (Event event : span.events()) {
      json.writeStartObject();
      json.writeStringField("epochNanos", Long.toString(event.epochNanos()));
      json.writeStringField("name", event.name());
      writeAttributes(event.attributes(), event.droppedAttributesCount(), json);
      json.writeEndObject();
    }
    json.writeEndArray();
    if (span.droppedEventsCount() > 0) {
      json.writeNumberField("droppedEventsCount", span.droppedEventsCount());
    }
    json.writeArrayFieldStart("links");
    for (Link link : span.links()) {
      json.writeStartObject();
      json.writeStringField("traceId", link.traceId().toHex());
      json.writeStringField("spanId", Json.hex(link.spanId()));
      json.writeBooleanField("followsFrom", link.followsFrom());
      if (!link.traceState().isEmpty()) {
        json.writeStringField("traceState", link.traceState());
      }
      writeAttributes(link.attributes(), link.droppedAttributesCount(), json);
      json.writeEndObject();
    }
    json.writeEndArray();
    if (span.droppedLinksCount() > 0) {
      json.writeNumberField("droppedLinksCount", span.droppedLinksCount());
    }
    json.writeObjectFieldStart("resource");
    writeAttributes(span.resource().attributes(),
        span.resource().droppedAttributesCount(), json);
    json.writeEndObject();
    if (!span.scope().name().isEmpty() || !span.scope().version().isEmpty()
        || !span.scope().attributes().isEmpty()) {
      json.writeObjectFieldStart("scope");
      json.writeStringField("name", span.scope().name());
      json.writeStringField("version", span.scope().version());
      writeAttributes(span.scope().attributes(), 0, json);
      json.writeEndObject();
    }
    if (!span.traceState().isEmpty()) {
      json.writeStringField("traceState", span.traceState());
    }
    json.writeNumberField("flags", span.flags());
    json.writeEndObject();
  }

  /** Attributes as a list of typed values, and how many the client or the collector dropped when any. */
  private static void writeAttributes(List<Attribute> attributes, int droppedCount,
      JsonGenerator json) throws IOException {
    json.writeArrayFieldStart("attributes");
    for (Attribute attribute : attributes) {
      json.writeStartObject();
      json.writeStringField("key", attribute.key());
      writeTypedValue(attribute.value(), json);
      json.writeEndObject();
    }
    json.writeEndArray();
    if (droppedCount > 0) {
      json.writeNumberField("droppedAttributesCount", droppedCount);
    }
  }

  /** The {@code type} and {@code value} fields of a typed value. */
  private static void writeTypedValue(Value value, JsonGenerator json) throws IOException {
    if (value instanceof Value.Array array) {
      json.writeStringField("type", "array");
      json.writeArrayFieldStart("value");
      for (Value element : array.values()) {
        json.writeStartObject();
        writeTypedValue(element, json);
        json.writeEndObject();
      }
      json.writeEndArray();
      return;
    }
    if (value instanceof Value.KvList list) {
      json.writeStringField("type", "map");
      json.writeArrayFieldStart("value");
      for (Attribute attribute : list.attributes()) {
        json.writeStartObject();
        json.writeStringField("key", attribute.key());
        writeTypedValue(attribute.value(), json);
        json.writeEndObject();
      }
      json.writeEndArray();
      return;
    }
    json.writeStringField("type", typeName(value));
    json.writeFieldName("value");
    ValueJson.write(value, json);
  }

  private static String typeName(Value value) {
    if (value instanceof Value.Str) {
      return "string";
    } else if (value instanceof Value.Bool) {
      return "bool";
    } else if (value instanceof Value.Int) {
      return "int";
    } else if (value instanceof Value.Dbl) {
      return "double";
    }
    return "bytes";
  }
}
