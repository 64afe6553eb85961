package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.zipkin.ZipkinEncoder;
import dev.ariadne.storage.DependencyLink;
import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import dev.ariadne.storage.TraceSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The Zipkin API v2 read endpoints ({@code GET /api/v2/...} on 9411) as Zipkin Lens and Grafana's
 * Zipkin data source call them. Spans are written by {@link ZipkinEncoder}; {@code POST
 * /api/v2/spans} belongs to the collector.
 */
final class ZipkinApi {
  /** Zipkin's default {@code zipkin.query.lookback}: one day. */
  static final long DEFAULT_LOOKBACK_NANOS = 24 * 3_600_000_000_000L;
  static final int DEFAULT_LIMIT = 10;
  /** How many of the newest candidate traces a search with key-only terms examines at most. */
  static final int MAX_SCANNED_TRACES = 1_000;
  static final String PEER_SERVICE = "peer.service";
  /** The bare key that a status of ERROR also matches: where decoders put Zipkin's error tag. */
  private static final String ERROR = "error";
  private static final int SPANS_PER_BATCH = 256;
  private static final long MICROS = 1_000L;
  private static final long MILLIS = 1_000_000L;

  private final Storage storage;
  private final TraceReader traces;
  private final Dependencies dependencies;

  ZipkinApi(Storage storage, TraceReader traces, Dependencies dependencies) {
    this.storage = requireNonNull(storage, "storage");
    this.traces = requireNonNull(traces, "traces");
    this.dependencies = requireNonNull(dependencies, "dependencies");
  }

  Handler.Answer services(Params params) throws IOException {
    List<String> services = storage.services();
    return body -> writeStrings(services, body.json());
  }

  Handler.Answer spanNames(Params params) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (Operation operation : storage.operations(params.required("serviceName"))) {
      names.add(operation.spanName());
    }
    List<String> sorted = List.copyOf(names);
    return body -> writeStrings(sorted, body.json());
  }

  /** Zipkin's remote service names: the {@code peer.service} values of the service's spans. */
  Handler.Answer remoteServices(Params params) throws IOException {
    List<String> names = storage.attributeValues(
        Optional.of(params.required("serviceName")), PEER_SERVICE, Params.MAX_LIMIT);
    return body -> writeStrings(names, body.json());
  }

  Handler.Answer autocompleteKeys(Params params) throws IOException {
    List<String> keys = storage.attributeKeys(Optional.empty(), Params.MAX_LIMIT);
    return body -> writeStrings(keys, body.json());
  }

  Handler.Answer autocompleteValues(Params params) throws IOException {
    List<String> values =
        storage.attributeValues(Optional.empty(), params.required("key"), Params.MAX_LIMIT);
    return body -> writeStrings(values, body.json());
  }

  Handler.Answer trace(Params params) throws IOException {
    TraceId traceId = params.traceId("traceId", params.path("traceId"));
    List<Span> spans = traces.read(traceId);
    if (spans.isEmpty()) {
      throw new NotFoundException(traceId);
    }
    Completeness completeness = Completeness.of(spans, storage.droppedSpans(traceId));
    return body -> {
      body.header("ariadne-trace-complete", Boolean.toString(completeness.complete()));
      body.header("ariadne-root-present", Boolean.toString(completeness.rootPresent()));
      body.header("ariadne-orphan-spans", Integer.toString(completeness.orphans().size()));
      body.header("ariadne-clock-skew-spans", Integer.toString(completeness.skews().size()));
      body.header("ariadne-dropped-spans", Long.toString(completeness.droppedSpanCount()));
      writeSpans(spans, body);
    };
  }

  Handler.Answer traceMany(Params params) throws IOException {
    List<TraceId> traceIds = new ArrayList<>();
    for (String id : params.required("traceIds").split(",", -1)) {
      traceIds.add(params.traceId("traceIds", id.trim()));
    }
    return body -> writeLazily(traceIds, body);
  }

  Handler.Answer traces(Params params) throws IOException {
    TraceQuery.Builder query = TraceQuery.builder();
    params.optional("serviceName").ifPresent(query::serviceName);
    params.optional("spanName").filter(name -> !name.equals("all")).ifPresent(query::spanName);
    List<String> keyOnly = new ArrayList<>();
    params.optional("annotationQuery").ifPresent(text -> annotationQuery(text, query, keyOnly));
    OptionalLong min = params.nanosFromUnits("minDuration", MICROS, "microseconds");
    OptionalLong max = params.nanosFromUnits("maxDuration", MICROS, "microseconds");
    if (min.isPresent() && max.isPresent() && max.getAsLong() < min.getAsLong()) {
      throw new BadParameterException("maxDuration", "maxDuration: "
          + max.getAsLong() / MICROS + " (expected: >= minDuration " + min.getAsLong() / MICROS
          + ")");
    }
    min.ifPresent(query::minDurationNanos);
    max.ifPresent(query::maxDurationNanos);
    long end = params.nanosFromUnits("endTs", MILLIS, "epoch milliseconds")
        .orElse(params.nowEpochNanos());
    long lookback = params.nanosFromUnits("lookback", MILLIS, "milliseconds")
        .orElse(DEFAULT_LOOKBACK_NANOS);
    if (lookback == 0) {
      throw new BadParameterException("lookback", "lookback: 0 (expected: >= 1)");
    }
    long endExclusive = end > Long.MAX_VALUE - MILLIS ? Long.MAX_VALUE : end + MILLIS;
    query.startEpochNanos(NativeApi.saturatedSubtract(endExclusive, lookback))
        .endEpochNanos(endExclusive);
    int limit = params.limit("limit", DEFAULT_LIMIT);
    if (keyOnly.isEmpty()) {
      List<TraceId> traceIds = new ArrayList<>();
      for (TraceSummary summary : storage.search(query.limit(limit).build())) {
        traceIds.add(summary.traceId());
      }
      return body -> writeLazily(traceIds, body);
    }
    List<List<Span>> traces = keyOnly.contains(ERROR)
        ? newest(searchWithKeyOnlyTerms(query, limit, keyOnly),
            searchWithKeyOnlyTerms(query.statusCode(StatusCode.ERROR), limit, keyOnly), limit)
        : searchWithKeyOnlyTerms(query, limit, keyOnly);
    return body -> {
      body.write('[');
      for (int i = 0; i < traces.size(); i++) {
        if (i > 0) {
          body.write(',');
        }
        writeSpans(traces.get(i), body);
      }
      body.write(']');
    };
  }

  Handler.Answer dependencies(Params params) throws IOException {
    long end = params.nanosFromUnits("endTs", MILLIS, "epoch milliseconds").orElseThrow(
        () -> new BadParameterException("endTs", "endTs: missing (expected: epoch milliseconds)"));
    long lookback = params.nanosFromUnits("lookback", MILLIS, "milliseconds")
        .orElse(DEFAULT_LOOKBACK_NANOS);
    if (lookback == 0) {
      throw new BadParameterException("lookback", "lookback: 0 (expected: >= 1)");
    }
    long endExclusive = end > Long.MAX_VALUE - MILLIS ? Long.MAX_VALUE : end + MILLIS;
    List<DependencyLink> links = dependencies
        .between(NativeApi.saturatedSubtract(endExclusive, lookback), endExclusive).pairs();
    return body -> {
      JsonGenerator json = body.json();
      json.writeStartArray();
      for (DependencyLink link : links) {
        json.writeStartObject();
        json.writeStringField("parent", link.parent());
        json.writeStringField("child", link.child());
        json.writeNumberField("callCount", link.callCount());
        if (link.errorCount() > 0) {
          json.writeNumberField("errorCount", link.errorCount());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    };
  }

  /**
   * Zipkin's {@code annotationQuery}: terms joined by {@code and}; {@code key=value} is an
   * attribute criterion, a bare {@code key} is kept aside for {@link #hasKey}.
   */
  private static void annotationQuery(String text, TraceQuery.Builder query,
      List<String> keyOnly) {
    for (String term : text.split(" and ", -1)) {
      String trimmed = term.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int equals = trimmed.indexOf('=');
      if (equals == 0) {
        throw new BadParameterException("annotationQuery", "annotationQuery: "
            + Params.quote(text) + " (expected: terms key or key=value joined by \" and \")");
      } else if (equals > 0) {
        query.attribute(trimmed.substring(0, equals), trimmed.substring(equals + 1));
      } else {
        keyOnly.add(trimmed);
      }
    }
  }

  /**
   * Storage cannot search for a key alone, so the newest candidates matching everything else are
   * read and filtered here, examining more of them until {@code limit} traces are found, the
   * candidates run out, or {@value #MAX_SCANNED_TRACES} were examined. For the key {@code error},
   * {@link #traces} also searches the spans of status ERROR, which storage finds however old, and
   * takes the newest of both.
   */
  private List<List<Span>> searchWithKeyOnlyTerms(TraceQuery.Builder builder, int limit,
      List<String> keys) throws IOException {
    Map<TraceId, List<Span>> read = new HashMap<>();
    int scan = limit;
    while (true) {
      TraceQuery query = builder.limit(scan).build();
      List<TraceSummary> candidates = storage.search(query);
      List<List<Span>> found = new ArrayList<>();
      for (TraceSummary candidate : candidates) {
        List<Span> spans = read.get(candidate.traceId());
        if (spans == null) {
          spans = readUnlessTooLarge(candidate.traceId());
          read.put(candidate.traceId(), spans);
        }
        if (anySpanMatches(spans, query, keys)) {
          found.add(spans);
          if (found.size() == limit) {
            return found;
          }
        }
      }
      if (candidates.size() < scan || scan >= MAX_SCANNED_TRACES) {
        return found;
      }
      scan = Math.min(scan * 4, MAX_SCANNED_TRACES);
    }
  }

  /** The {@code limit} traces of both lists that start last, each once, newest first. */
  private static List<List<Span>> newest(List<List<Span>> some, List<List<Span>> more,
      int limit) {
    Map<TraceId, List<Span>> byId = new LinkedHashMap<>();
    for (List<List<Span>> list : List.of(some, more)) {
      list.forEach(spans -> byId.putIfAbsent(spans.get(0).traceId(), spans));
    }
    List<List<Span>> traces = new ArrayList<>(byId.values());
    traces.sort(Comparator.comparingLong(ZipkinApi::startEpochNanos).reversed());
    return traces.subList(0, Math.min(limit, traces.size()));
  }

  private static long startEpochNanos(List<Span> spans) {
    long start = Long.MAX_VALUE;
    for (Span span : spans) {
      start = Math.min(start, span.startEpochNanos());
    }
    return start;
  }

  private static boolean anySpanMatches(List<Span> spans, TraceQuery query, List<String> keys) {
    for (Span span : spans) {
      if (query.matches(span) && keys.stream().allMatch(key -> hasKey(span, key))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A bare key matches, as in Zipkin, an annotation (event) of that name or a tag (span or
   * resource attribute) of that key; {@code error} also matches status ERROR, which is where the
   * decoders put Zipkin's {@code error} tag.
   */
  static boolean hasKey(Span span, String key) {
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

  /**
   * The trace's spans, or none if it has more than an answer reads: Zipkin's lists of traces have
   * no place to say why one is missing, so it is left out as an unknown trace is.
   */
  private List<Span> readUnlessTooLarge(TraceId traceId) throws IOException {
    try {
      return traces.read(traceId);
    } catch (TraceReader.TooLargeException e) {
      return List.of();
    }
  }

  /** A JSON array of traces, each read from storage only when it is its turn to be written. */
  private void writeLazily(List<TraceId> traceIds, ResponseBody body) throws IOException {
    body.write('[');
    boolean first = true;
    for (TraceId traceId : traceIds) {
      List<Span> spans = readUnlessTooLarge(traceId);
      if (spans.isEmpty()) {
        continue;
      }
      if (!first) {
        body.write(',');
      }
      first = false;
      writeSpans(spans, body);
    }
    body.write(']');
  }

  /**
   * One trace as a JSON array, encoded {@value #SPANS_PER_BATCH} spans at a time. Spans with a zero
   * span ID, which no Zipkin reader accepts, are left out.
   */
  private static void writeSpans(List<Span> spans, ResponseBody body) throws IOException {
    body.write('[');
    boolean first = true;
    List<Span> batch = new ArrayList<>(Math.min(spans.size(), SPANS_PER_BATCH));
    for (int i = 0; i <= spans.size(); i++) {
      if (i < spans.size() && spans.get(i).spanId() != 0) {
        batch.add(spans.get(i));
      }
      if (batch.size() == SPANS_PER_BATCH || (i == spans.size() && !batch.isEmpty())) {
        byte[] array = ZipkinEncoder.encodeSpans(batch);
        if (!first) {
          body.write(',');
        }
        first = false;
        body.write(array, 1, array.length - 2);
        batch.clear();
      }
    }
    body.write(']');
  }

  private static void writeStrings(List<String> values, JsonGenerator json) throws IOException {
    json.writeStartArray();
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }
}
