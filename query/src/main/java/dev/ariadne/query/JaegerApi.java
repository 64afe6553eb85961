package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.internal.Counted;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.DroppedSpans;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Jaeger query HTTP API ({@code /api/...} on 16686) as Jaeger UI and Grafana's Jaeger data
 * source call it, answering in the shape of Jaeger's {@code model/json} inside its envelope
 * {@code {"data", "total", "limit", "offset", "errors"}}. The mapping is listed in {@code
 * docs/api.md}.
 */
final class JaegerApi {
  /** As Jaeger's query service: a search without a start looks back two days. */
  static final long DEFAULT_SEARCH_LOOKBACK_NANOS = 2 * 24 * 3_600_000_000_000L;
  static final long DEFAULT_DEPENDENCIES_LOOKBACK_NANOS = 24 * 3_600_000_000_000L;
  static final int DEFAULT_LIMIT = 100;
  private static final long MICROS = 1_000L;
  private static final long MILLIS = 1_000_000L;
  private static final int MAX_IDS_IN_WARNING = 10;
  /** The kinds by the {@code span.kind} tag this API writes for them. */
  private static final Map<String, SpanKind> KINDS_BY_TAG = Arrays.stream(SpanKind.values())
      .filter(kind -> kind != SpanKind.UNSPECIFIED)
      .collect(Collectors.toUnmodifiableMap(JaegerApi::kindName, kind -> kind));

  private final Storage storage;
  private final TraceReader traces;
  private final Dependencies dependencies;

  JaegerApi(Storage storage, TraceReader traces, Dependencies dependencies) {
    this.storage = requireNonNull(storage, "storage");
    this.traces = requireNonNull(traces, "traces");
    this.dependencies = requireNonNull(dependencies, "dependencies");
  }

  /** Jaeger's error envelope; the bad parameter, when there is one, is named in the error. */
  static void writeProblem(Problem problem, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeNullField("data");
    json.writeNumberField("total", 0);
    json.writeNumberField("limit", 0);
    json.writeNumberField("offset", 0);
    json.writeArrayFieldStart("errors");
    json.writeStartObject();
    json.writeNumberField("code", problem.status().code());
    json.writeStringField("msg", problem.message());
    if (problem.parameter() != null) {
      json.writeStringField("parameter", problem.parameter());
    }
    if (problem.traceId() != null) {
      json.writeStringField("traceID", problem.traceId());
    }
    json.writeEndObject();
    json.writeEndArray();
    json.writeEndObject();
  }

  Handler.Answer services(Params params) throws IOException {
    List<String> services = storage.services();
    return body -> writeStrings(services, body.json());
  }

  Handler.Answer serviceOperations(Params params) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (Operation operation : storage.operations(params.path("service"))) {
      names.add(operation.spanName());
    }
    List<String> sorted = List.copyOf(names);
    return body -> writeStrings(sorted, body.json());
  }

  Handler.Answer operations(Params params) throws IOException {
    String service = params.required("service");
    Optional<SpanKind> kind = params.kind("spanKind");
    List<Operation> operations = new ArrayList<>();
    for (Operation operation : storage.operations(service)) {
      if (kind.isEmpty() || kind.get() == operation.kind()) {
        operations.add(operation);
      }
    }
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeArrayFieldStart("data");
      for (Operation operation : operations) {
        json.writeStartObject();
        json.writeStringField("name", operation.spanName());
        json.writeStringField("spanKind", kindName(operation.kind()));
        json.writeEndObject();
      }
      json.writeEndArray();
      endEnvelope(operations.size(), json);
    };
  }

  Handler.Answer trace(Params params) throws IOException {
    TraceId traceId = params.traceId("traceID", params.path("traceID"));
    List<Span> spans = traces.read(traceId);
    if (spans.isEmpty()) {
      throw new NotFoundException(traceId, storage.unreadableSpans(traceId));
    }
    List<DroppedSpans> dropped = storage.droppedSpans(traceId);
    int unreadable = storage.unreadableSpans(traceId);
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeArrayFieldStart("data");
      writeTrace(traceId, spans, dropped, unreadable, json);
      json.writeEndArray();
      endEnvelope(1, json);
    };
  }

  Handler.Answer search(Params params) throws IOException {
    List<String> ids = params.all("traceID");
    if (!ids.isEmpty()) {
      List<TraceId> traceIds = new ArrayList<>();
      for (String id : ids) {
        traceIds.add(params.traceId("traceID", id));
      }
      return body -> writeTraces(traceIds, body.json());
    }
    TraceQuery query = query(params);
    List<TraceSummary> summaries = storage.search(query);
    List<TraceId> traceIds = new ArrayList<>();
    for (TraceSummary summary : summaries) {
      traceIds.add(summary.traceId());
    }
    return body -> writeTraces(traceIds, body.json());
  }

  Handler.Answer dependencies(Params params) throws IOException {
    long end = params.nanosFromUnits("endTs", MILLIS, "epoch milliseconds")
        .orElse(params.nowEpochNanos());
    long lookback = params.positiveNanosFromUnits("lookback", MILLIS, "milliseconds")
        .orElse(DEFAULT_DEPENDENCIES_LOOKBACK_NANOS);
    Optional<String> service = params.optional("service");
    List<DependencyLink> links = new ArrayList<>();
    long endExclusive = end > Long.MAX_VALUE - MILLIS ? Long.MAX_VALUE : end + MILLIS;
    for (DependencyLink link : dependencies
        .between(NativeApi.saturatedSubtract(endExclusive, lookback), endExclusive,
            params.cancellation()).pairs()) {
      if (service.isEmpty() || service.get().equals(link.parent())
          || service.get().equals(link.child())) {
        links.add(link);
      }
    }
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartObject();
      json.writeArrayFieldStart("data");
      for (DependencyLink link : links) {
        json.writeStartObject();
        json.writeStringField("parent", link.parent());
        json.writeStringField("child", link.child());
        json.writeNumberField("callCount", link.callCount());
        json.writeEndObject();
      }
      json.writeEndArray();
      endEnvelope(links.size(), json);
    };
  }

  private static TraceQuery query(Params params) {
    TraceQuery.Builder query = TraceQuery.builder().cancellation(params.cancellation());
    query.serviceName(params.required("service"));
    params.optional("operation").ifPresent(query::spanName);
    tags(params).forEach((key, value) -> tag(key, value, query));
    OptionalLong min = params.duration("minDuration");
    OptionalLong max = params.duration("maxDuration");
    if (min.isPresent() && max.isPresent() && max.getAsLong() < min.getAsLong()) {
      throw new BadParameterException("maxDuration", "maxDuration: "
          + params.required("maxDuration") + " (expected: >= minDuration "
          + params.required("minDuration") + ")");
    }
    // Jaeger keeps and shows durations in whole microseconds: a span is found by the one shown.
    min.ifPresent(nanos -> query.minDurationNanos(Durations.firstNanoOfMicrosecondFrom(nanos)));
    max.ifPresent(nanos -> query.maxDurationNanos(Durations.lastNanoOfMicrosecond(nanos)));
    long end = params.nanosFromUnits("end", MICROS, "epoch microseconds")
        .orElse(params.nowEpochNanos());
    OptionalLong start = params.nanosFromUnits("start", MICROS, "epoch microseconds");
    long from = start.isPresent() ? start.getAsLong() : NativeApi.saturatedSubtract(end,
        lookback(params).orElse(DEFAULT_SEARCH_LOOKBACK_NANOS));
    if (end < from) {
      String name = params.optional("end").isPresent() ? "end" : "start";
      throw new BadParameterException(name, name + ": " + params.required(name)
          + " (expected: start <= end; start " + from / MICROS + ", end " + end / MICROS + ")");
    }
    // Jaeger's end is inclusive to the microsecond, as its startTime shows a span's start; the
    // storage range is half-open.
    long last = Durations.lastNanoOfMicrosecond(end);
    query.startEpochNanos(from).endEpochNanos(last == Long.MAX_VALUE ? last : last + 1);
    query.limit(params.limit("limit", DEFAULT_LIMIT));
    return query.build();
  }

  /** Jaeger UI sends {@code 1h}, {@code 2d} or {@code custom} (the range is in start and end). */
  private static OptionalLong lookback(Params params) {
    Optional<String> text = params.optional("lookback");
    if (text.isEmpty() || text.get().equals("custom")) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Durations.parseNanos("lookback", text.get()));
  }

  /**
   * A tag criterion. The tags this API shows for a span's status ({@code error=true}, {@code
   * otel.status_code=ERROR} or {@code OK}) search by the status, where the decoders put what
   * Jaeger's and Zipkin's clients send as an {@code error} tag, and {@code span.kind} by the
   * kind; any other tag is an attribute.
   */
  private static void tag(String key, String value, TraceQuery.Builder query) {
    if (key.equals("error") && value.equals("true")) {
      query.statusCode(StatusCode.ERROR);
    } else if (key.equals("otel.status_code") && (value.equals("ERROR") || value.equals("OK"))) {
      query.statusCode(StatusCode.valueOf(value));
    } else if (key.equals("span.kind") && KINDS_BY_TAG.containsKey(value)) {
      query.kind(KINDS_BY_TAG.get(value));
    } else {
      query.attribute(key, value);
    }
  }

  /** {@code tags={"k":"v"}} (JSON; numbers and booleans as written) and {@code tag=k:v}. */
  private static Map<String, String> tags(Params params) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String tag : params.all("tag")) {
      int colon = tag.indexOf(':');
      if (colon < 1) {
        throw new BadParameterException("tag",
            "tag: " + Params.quote(tag) + " (expected: key:value, with a non-empty key)");
      }
      tags.put(tag.substring(0, colon), tag.substring(colon + 1));
    }
    for (String object : params.all("tags")) {
      try (JsonParser parser = Json.FACTORY.createParser(object)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw badTags(object);
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          JsonToken value = parser.nextToken();
          if (key.isEmpty() || value == null || !value.isScalarValue()
              || value == JsonToken.VALUE_NULL) {
            throw badTags(object);
          }
          tags.put(key, parser.getText());
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
          throw badTags(object);
        }
      } catch (JsonProcessingException e) {
        throw badTags(object);
      } catch (IOException e) {
        throw new IllegalStateException("reading a string cannot fail", e);
      }
    }
    return tags;
  }

  private static BadParameterException badTags(String text) {
    return new BadParameterException("tags", "tags: " + Params.quote(text)
        + " (expected: a JSON object of keys to strings, such as {\"error\":\"true\"})");
  }

  /** The traces that are still stored, each read only when it is its turn to be written. */
  private void writeTraces(List<TraceId> traceIds, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("data");
    List<TraceId> missing = new ArrayList<>();
    List<TraceReader.TooLargeException> tooLarge = new ArrayList<>();
    int found = 0;
    for (TraceId traceId : traceIds) {
      List<Span> spans;
      try {
        spans = traces.read(traceId);
      } catch (TraceReader.TooLargeException e) {
        tooLarge.add(e);
        continue;
      }
      if (spans.isEmpty()) {
        missing.add(traceId);
      } else {
        writeTrace(traceId, spans, storage.droppedSpans(traceId),
            storage.unreadableSpans(traceId), json);
        found++;
      }
    }
    json.writeEndArray();
    json.writeNumberField("total", found);
    json.writeNumberField("limit", 0);
    json.writeNumberField("offset", 0);
    json.writeFieldName("errors");
    if (missing.isEmpty() && tooLarge.isEmpty()) {
      json.writeNull();
    } else {
      json.writeStartArray();
      for (TraceId traceId : missing) {
        writeError(404, "trace not found", traceId(traceId), json);
      }
      for (TraceReader.TooLargeException e : tooLarge) {
        writeError(422, e.getMessage(), e.traceId(), json);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void writeError(int code, String message, String traceId, JsonGenerator json)
      throws IOException {
    json.writeStartObject();
    json.writeNumberField("code", code);
    json.writeStringField("msg", message);
    json.writeStringField("traceID", traceId);
    json.writeEndObject();
  }

  private static void writeStrings(List<String> values, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("data");
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
    endEnvelope(values.size(), json);
  }

  private static void endEnvelope(int total, JsonGenerator json) throws IOException {
    json.writeNumberField("total", total);
    json.writeNumberField("limit", 0);
    json.writeNumberField("offset", 0);
    json.writeNullField("errors");
    json.writeEndObject();
  }

  /** One trace: spans in timeline order, processes p1, p2, ... and the completeness warnings. */
  static void writeTrace(TraceId traceId, List<Span> stored, List<DroppedSpans> dropped,
      int unreadable, JsonGenerator json) throws IOException {
    List<Span> spans = new ArrayList<>(stored);
    spans.sort(NativeApi.TIMELINE);
    Completeness completeness = Completeness.of(spans, dropped, unreadable);
    Map<Resource, String> processes = new LinkedHashMap<>();
    for (Span span : spans) {
      processes.computeIfAbsent(span.resource(), resource -> "p" + (processes.size() + 1));
    }
    String traceIdText = traceId(traceId);
    json.writeStartObject();
    json.writeStringField("traceID", traceIdText);
    json.writeArrayFieldStart("spans");
    for (Span span : spans) {
      writeSpan(traceIdText, span, processes.get(span.resource()), completeness, json);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("processes");
    for (Map.Entry<Resource, String> process : processes.entrySet()) {
      json.writeObjectFieldStart(process.getValue());
      json.writeStringField("serviceName", process.getKey().serviceName());
      json.writeArrayFieldStart("tags");
      for (Attribute attribute : process.getKey().attributes()) {
        if (!attribute.key().equals("service.name")) {
          writeTag(attribute.key(), attribute.value(), json);
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndObject();
    List<String> warnings = traceWarnings(completeness);
    if (!warnings.isEmpty()) {
      json.writeArrayFieldStart("warnings");
      for (String warning : warnings) {
        json.writeString(warning);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static List<String> traceWarnings(Completeness completeness) {
    List<String> warnings = new ArrayList<>();
    if (!completeness.droppedSpans().isEmpty()) {
      List<String> counts = new ArrayList<>();
      for (DroppedSpans dropped : completeness.droppedSpans()) {
        counts.add(dropped.serviceName() + " " + dropped.spanName() + ": " + dropped.count());
      }
      warnings.add(Counted.of(completeness.droppedSpanCount(), "span") + " not stored: the trace"
          + " reached the storage's per-trace span limit (" + String.join(", ", counts) + ")");
    }
    if (completeness.unreadableSpans() > 0) {
      warnings.add(Counted.of(completeness.unreadableSpans(), "span") + " stored but unreadable:"
          + " the storage found the part holding them damaged");
    }
    if (!completeness.rootPresent()) {
      warnings.add("root span missing: no span without a parent was received");
    }
    List<Long> orphans = completeness.orphanSpanIds();
    if (!orphans.isEmpty()) {
      warnings.add((orphans.size() == 1 ? "1 orphan span, whose parent was"
          : orphans.size() + " orphan spans, whose parents were") + " never received: "
          + idList(orphans));
    }
    List<Long> cyclic = completeness.cyclicSpanIds();
    if (!cyclic.isEmpty()) {
      warnings.add((cyclic.size() == 1 ? "1 span whose parents form" : cyclic.size()
          + " spans whose parents form") + " a cycle, hanging from no root: " + idList(cyclic));
    }
    if (!completeness.skews().isEmpty()) {
      List<Long> ids = new ArrayList<>();
      for (Completeness.Skew skew : completeness.skews()) {
        ids.add(skew.span().spanId());
      }
      warnings.add((ids.size() == 1 ? "1 span starts before or ends after its parent"
          : ids.size() + " spans start before or end after their parents")
          + " (possible clock skew; times are shown as received): " + idList(ids));
    }
    if (!completeness.duplicateSpanIds().isEmpty()) {
      List<Long> ids = completeness.duplicateSpanIds();
      warnings.add(Counted.of(ids.size(), "span ID") + " received more than once: " + idList(ids));
    }
    if (!completeness.collidingSpanIds().isEmpty()) {
      List<Long> ids = completeness.collidingSpanIds();
      warnings.add(Counted.of(ids.size(), "span ID") + " given to different spans: " + idList(ids));
    }
    return warnings;
  }

  /** {@code count} and {@code noun}, with an "s" unless the count is one: "1 span", "3 spans". */
  private static String idList(List<Long> ids) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < ids.size() && i < MAX_IDS_IN_WARNING; i++) {
      text.append(i == 0 ? "" : ", ").append(Json.hex(ids.get(i)));
    }
    if (ids.size() > MAX_IDS_IN_WARNING) {
      text.append(" and ").append(ids.size() - MAX_IDS_IN_WARNING).append(" more");
    }
    return text.toString();
  }

  /**
   * Jaeger's flags: sampled (1) from the W3C sampled bit, debug (2) from a debug mark that Zipkin or
   * Jaeger clients sent. The rest of the stored flags word (W3C's random-trace-ID bit, OTLP's
   * remote-parent bits) means something else in Jaeger, so it is not passed on.
   */
  private static int jaegerFlags(Span span) {
    int flags = span.flags() & 1;
    for (Attribute attribute : span.attributes()) {
      if ((attribute.key().equals("zipkin.debug") || attribute.key().equals("jaeger.debug"))
          && attribute.value() instanceof Value.Bool debug
          && debug.value()) {
        flags |= 2;
      }
    }
    return flags;
  }

  private static void writeSpan(String traceId, Span span, String processId,
      Completeness completeness, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("traceID", traceId);
    json.writeStringField("spanID", Json.hex(span.spanId()));
    json.writeNumberField("flags", jaegerFlags(span));
    json.writeStringField("operationName", span.name());
    json.writeArrayFieldStart("references");
    // A span whose parent is the span it follows from (the seed's FollowsFrom alone) has that
    // one reference, FOLLOWS_FROM, as Jaeger itself shows a span its client sent so.
    int followedParent = Completeness.followsFromLinkToParent(span);
    if (followedParent >= 0) {
      writeReference("FOLLOWS_FROM", traceId, span.parentSpanId(), json);
    } else if (span.parentSpanId() != 0) {
      writeReference("CHILD_OF", traceId, span.parentSpanId(), json);
    }
    List<Link> links = span.links();
    for (int i = 0; i < links.size(); i++) {
      if (i != followedParent) {
        Link link = links.get(i);
        writeReference("FOLLOWS_FROM", traceId(link.traceId()), link.spanId(), json);
      }
    }
    json.writeEndArray();
    json.writeNumberField("startTime", Math.floorDiv(span.startEpochNanos(), MICROS));
    json.writeNumberField("duration", Math.max(0, span.durationNanos() / MICROS));
    json.writeArrayFieldStart("tags");
    for (Attribute attribute : span.attributes()) {
      writeTag(attribute.key(), attribute.value(), json);
    }
    if (span.kind() != SpanKind.UNSPECIFIED) {
      writeTag("span.kind", Value.of(kindName(span.kind())), json);
    }
    if (!span.scope().name().isEmpty()) {
      writeTag("otel.scope.name", Value.of(span.scope().name()), json);
    }
    if (!span.scope().version().isEmpty()) {
      writeTag("otel.scope.version", Value.of(span.scope().version()), json);
    }
    switch (span.statusCode()) {
      case ERROR -> {
        writeTag("error", Value.of(true), json);
        writeTag("otel.status_code", Value.of("ERROR"), json);
      }
      case OK -> writeTag("otel.status_code", Value.of("OK"), json);
      case UNSET -> {}
    }
    if (!span.statusMessage().isEmpty()) {
      writeTag("otel.status_description", Value.of(span.statusMessage()), json);
    }
    if (!span.traceState().isEmpty()) {
      writeTag("w3c.tracestate", Value.of(span.traceState()), json);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("logs");
    for (Event event : span.events()) {
      json.writeStartObject();
      json.writeNumberField("timestamp", Math.floorDiv(event.epochNanos(), MICROS));
      json.writeArrayFieldStart("fields");
      Value name = Value.of(event.name());
      writeTag("event", name, json);
      for (Attribute attribute : event.attributes()) {
        // An OpenTracing log's "event" field is both the name and an attribute: said once.
        if (attribute.key().equals("event") && attribute.value().equals(name)) continue;
        writeTag(attribute.key(), attribute.value(), json);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeStringField("processID", processId);
    List<String> warnings = spanWarnings(span, completeness);
    if (!warnings.isEmpty()) {
      json.writeArrayFieldStart("warnings");
      for (String warning : warnings) {
        json.writeString(warning);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static List<String> spanWarnings(Span span, Completeness completeness) {
    List<String> warnings = new ArrayList<>();
    if (completeness.isOrphan(span)) {
      warnings.add("parent span " + Json.hex(span.parentSpanId()) + " was never received");
    }
    if (completeness.isCyclic(span)) {
      warnings.add(span.parentSpanId() == span.spanId() ? "its own parent"
          : "its parents form a cycle");
    }
    Completeness.Skew skew = completeness.skewOf(span);
    if (skew != null) {
      String parent = Json.hex(skew.parent().spanId());
      if (skew.startsBeforeParentNanos() > 0) {
        warnings.add("starts " + Durations.format(skew.startsBeforeParentNanos())
            + " before its parent " + parent + " (possible clock skew; times are shown as received)");
      }
      if (skew.endsAfterParentNanos() > 0) {
        warnings.add("ends " + Durations.format(skew.endsAfterParentNanos())
            + " after its parent " + parent + " (possible clock skew; times are shown as received)");
      }
    }
    if (span.durationNanos() < 0) {
      warnings.add("ends " + Durations.format(-span.durationNanos())
          + " before it starts; duration shown as 0");
    }
    if (completeness.isDuplicate(span.spanId())) {
      warnings.add("span received more than once");
    }
    if (completeness.isColliding(span.spanId())) {
      warnings.add("another span of this trace has the same span ID");
    }
    addDropped(span.droppedAttributesCount(), "attribute", warnings);
    addDropped(span.droppedEventsCount(), "event", warnings);
    addDropped(span.droppedLinksCount(), "link", warnings);
    return warnings;
  }

  /**
   * "3 events dropped by the client or the collector" when any were: the collector adds what its
   * limits drop to the counts the client sent.
   */
  private static void addDropped(int count, String noun, List<String> warnings) {
    if (count > 0) {
      warnings.add(Counted.of(count, noun) + " dropped by the client or the collector");
    }
  }

  private static void writeReference(String type, String traceId, long spanId,
      JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("refType", type);
    json.writeStringField("traceID", traceId);
    json.writeStringField("spanID", Json.hex(spanId));
    json.writeEndObject();
  }

  /** A typed tag; arrays and maps become strings holding their JSON, as Jaeger has no such type. */
  private static void writeTag(String key, Value value, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("key", key);
    if (value instanceof Value.Str str) {
      json.writeStringField("type", "string");
      json.writeStringField("value", str.value());
    } else if (value instanceof Value.Bool bool) {
      json.writeStringField("type", "bool");
      json.writeBooleanField("value", bool.value());
    } else if (value instanceof Value.Int number) {
      json.writeStringField("type", "int64");
      json.writeNumberField("value", number.value());
    } else if (value instanceof Value.Dbl number) {
      json.writeStringField("type", "float64");
      json.writeNumberField("value", number.value());
    } else if (value instanceof Value.Bytes bytes) {
      json.writeStringField("type", "binary");
      json.writeStringField("value", Json.base64(bytes));
    } else {
      json.writeStringField("type", "string");
      json.writeStringField("value", Json.text(value));
    }
    json.writeEndObject();
  }

  /** Jaeger's trace ID text: 16 hex digits when the high half is zero, else 32. */
  static String traceId(TraceId traceId) {
    return traceId.high() == 0 ? Json.hex(traceId.low()) : traceId.toHex();
  }

  /** Jaeger's span kind text; empty for an unspecified kind. */
  static String kindName(SpanKind kind) {
    return kind == SpanKind.UNSPECIFIED ? "" : Json.lowerCase(kind);
  }
}
