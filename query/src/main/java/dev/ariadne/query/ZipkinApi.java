package dev.ariadne.query;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The Zipkin API v2 read endpoints ({@code GET /api/v2/...} on 9411) as Zipkin Lens and Grafana's
 * Zipkin data source call them. Spans are written by {@link ZipkinEncoder}; {@code POST
 * /api/v2/spans} belongs to the collector. Names are lower-case, as Zipkin's are, whatever case
 * they are stored in (see {@link #combinations}).
 */
final class ZipkinApi {
  /** Zipkin's default {@code zipkin.query.lookback}: one day. */
  static final long DEFAULT_LOOKBACK_NANOS = 24 * 3_600_000_000_000L;
  static final int DEFAULT_LIMIT = 10;
  /** How many of the newest candidate traces a search checking spans examines at most. */
  static final int MAX_SCANNED_TRACES = 1_000;
  static final String PEER_SERVICE = "peer.service";
  /** The most combinations of stored names a search of traces searches; {@link #combinations}. */
  static final int MAX_COMBINATIONS = 64;
  private static final List<Optional<String>> ANY = List.of(Optional.empty());
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
    List<String> services = lowerCased(storage.services());
    return body -> writeStrings(services, body.json());
  }

  Handler.Answer spanNames(Params params) throws IOException {
    List<String> names = new ArrayList<>();
    for (String service : matching(params.required("serviceName"), storage.services())) {
      names.addAll(storedSpanNames(service));
    }
    List<String> sorted = lowerCased(names);
    return body -> writeStrings(sorted, body.json());
  }

  /** Zipkin's remote service names: the {@code peer.service} values of the service's spans. */
  Handler.Answer remoteServices(Params params) throws IOException {
    List<String> names = new ArrayList<>();
    for (String service : matching(params.required("serviceName"), storage.services())) {
      names.addAll(storedRemoteServices(Optional.of(service)));
    }
    List<String> sorted = lowerCased(names);
    return body -> writeStrings(sorted, body.json());
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
      throw new NotFoundException(traceId, storage.unreadableSpans(traceId));
    }
    Completeness completeness = Completeness.of(spans, storage.droppedSpans(traceId),
        storage.unreadableSpans(traceId));
    return body -> {
      body.header("ariadne-trace-complete", Boolean.toString(completeness.complete()));
      body.header("ariadne-root-present", Boolean.toString(completeness.rootPresent()));
      body.header("ariadne-orphan-spans", Integer.toString(completeness.orphanSpanIds().size()));
      body.header("ariadne-cyclic-spans", Integer.toString(completeness.cyclicSpanIds().size()));
      body.header("ariadne-clock-skew-spans", Integer.toString(completeness.skews().size()));
      body.header("ariadne-colliding-span-ids",
          Integer.toString(completeness.collidingSpanIds().size()));
      body.header("ariadne-dropped-spans", Long.toString(completeness.droppedSpanCount()));
      body.header("ariadne-unreadable-spans", Integer.toString(completeness.unreadableSpans()));
      writeSpans(spans, body);
    };
  }

  /** As Zipkin, refuses an ID given twice, in another case or left-padded to 32 digits. */
  Handler.Answer traceMany(Params params) throws IOException {
    Set<TraceId> traceIds = new LinkedHashSet<>();
    for (String id : params.required("traceIds").split(",", -1)) {
      String trimmed = id.trim();
      if (!traceIds.add(params.traceId("traceIds", trimmed))) {
        throw new BadParameterException("traceIds", "traceIds: redundant traceId "
            + Params.quote(trimmed) + " (expected: each trace once)");
      }
    }
    List<TraceId> unique = List.copyOf(traceIds);
    return body -> writeLazily(unique, body);
  }

  /**
   * One storage search per {@linkplain #combinations combination of stored names}, merged newest
   * first. Terms of the annotation query that storage cannot search for are checked on the spans
   * read by {@link #searchCheckingSpans}.
   */
  Handler.Answer traces(Params params) throws IOException {
    AnnotationQuery terms = AnnotationQuery.parse(params.optional("annotationQuery").orElse(""));
    int limit = params.limit("limit", DEFAULT_LIMIT);
    List<TraceQuery.Builder> queries = queries(params, terms);
    if (!terms.checksSpans()) {
      List<TraceSummary> found = new ArrayList<>();
      for (TraceQuery.Builder query : queries) {
        found.addAll(storage.search(query.limit(limit).build()));
      }
      List<TraceId> traceIds = new ArrayList<>();
      for (TraceSummary summary :
          newest(found, TraceSummary::traceId, TraceSummary::startEpochNanos, limit)) {
        traceIds.add(summary.traceId());
      }
      return body -> writeLazily(traceIds, body);
    }
    List<List<Span>> found = new ArrayList<>();
    for (TraceQuery.Builder query : queries) {
      found.addAll(searchCheckingSpans(query, limit, terms));
      if (terms.searchesErrors()) {
        found.addAll(searchCheckingSpans(query.statusCode(StatusCode.ERROR), limit, terms));
      }
    }
    List<List<Span>> traces =
        newest(found, spans -> spans.get(0).traceId(), ZipkinApi::startEpochNanos, limit);
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
    long endTs = params.nanosFromUnits("endTs", MILLIS, "epoch milliseconds").orElseThrow(
        () -> new BadParameterException("endTs", "endTs: missing (expected: epoch milliseconds)"));
    Window window = Window.of(endTs, params);
    List<DependencyLink> links = lowerCasedLinks(dependencies
        .between(window.startEpochNanos(), window.endEpochNanos(), params.cancellation())
        .pairs());
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

  /** The links with their services' names lower-cased, those that become one link summed. */
  private static List<DependencyLink> lowerCasedLinks(List<DependencyLink> links) {
    Map<List<String>, DependencyLink> merged = new TreeMap<>(
        Comparator.<List<String>, String>comparing(pair -> pair.get(0))
            .thenComparing(pair -> pair.get(1)));
    for (DependencyLink link : links) {
      List<String> pair = List.of(lower(link.parent()), lower(link.child()));
      merged.merge(pair, new DependencyLink(pair.get(0), pair.get(1), link.callCount(),
          link.errorCount()), (a, b) -> new DependencyLink(a.parent(), a.child(),
              a.callCount() + b.callCount(), a.errorCount() + b.errorCount()));
    }
    return List.copyOf(merged.values());
  }

  /** The storage searches for the parameters of {@link #traces}, less the limit. */
  private List<TraceQuery.Builder> queries(Params params, AnnotationQuery terms)
      throws IOException {
    OptionalLong min = params.nanosFromUnits("minDuration", MICROS, "microseconds");
    OptionalLong max = params.nanosFromUnits("maxDuration", MICROS, "microseconds");
    if (min.isPresent() && max.isPresent() && max.getAsLong() < min.getAsLong()) {
      throw new BadParameterException("maxDuration", "maxDuration: "
          + max.getAsLong() / MICROS + " (expected: >= minDuration " + min.getAsLong() / MICROS
          + ")");
    }
    long endTs = params.nanosFromUnits("endTs", MILLIS, "epoch milliseconds")
        .orElse(params.nowEpochNanos());
    Window window = Window.of(endTs, params);
    List<TraceQuery.Builder> queries = new ArrayList<>();
    for (Names names : combinations(params)) {
      TraceQuery.Builder query = TraceQuery.builder()
          .cancellation(params.cancellation())
          .startEpochNanos(window.startEpochNanos())
          .endEpochNanos(window.endEpochNanos());
      names.service().ifPresent(query::serviceName);
      names.spanName().ifPresent(query::spanName);
      min.ifPresent(nanos -> query.minDurationNanos(shownFrom(nanos)));
      max.ifPresent(nanos -> query.maxDurationNanos(shownUpTo(nanos)));
      terms.addTo(query);
      names.remoteService().ifPresent(remote -> query.attribute(PEER_SERVICE, remote));
      queries.add(query);
    }
    return queries;
  }

  /**
   * The shortest span whose duration, as this API shows it, is at least {@code nanos} (whole
   * microseconds): a span shorter than a microsecond shows 1, as Zipkin rounds it up.
   */
  private static long shownFrom(long nanos) {
    return nanos == MICROS ? 1 : nanos;
  }

  /**
   * The longest span whose duration, as this API shows it, is at most {@code nanos} (whole
   * microseconds): all of the last microsecond, or only spans of no length for 0, as any longer
   * span shows at least 1.
   */
  private static long shownUpTo(long nanos) {
    return nanos == 0 ? 0 : Durations.lastNanoOfMicrosecond(nanos);
  }

  /**
   * Zipkin's names are lower-case, those of spans from OTLP and Jaeger are stored as sent: the
   * {@code serviceName}, {@code spanName} and {@code remoteServiceName} of a search stand for the
   * stored names equal to them ignoring case, and storage is searched once for each combination,
   * the first {@value #MAX_COMBINATIONS} of them. A span name without a service is searched as
   * given and lower-cased, rather than looked up among every service's names.
   */
  private List<Names> combinations(Params params) throws IOException {
    Optional<String> service = params.optional("serviceName");
    Optional<String> spanName = params.optional("spanName").filter(name -> !name.equals("all"));
    Optional<String> remoteService = params.optional("remoteServiceName");
    List<Optional<String>> services =
        service.isEmpty() ? ANY : each(matching(service.get(), storage.services()));
    List<Names> combinations = new ArrayList<>();
    for (Optional<String> stored : services) {
      List<Optional<String>> spanNames = ANY;
      if (spanName.isPresent() && stored.isPresent()) {
        spanNames = each(matching(spanName.get(), storedSpanNames(stored.get())));
      } else if (spanName.isPresent()) {
        spanNames = each(Stream.of(spanName.get(), lower(spanName.get())).distinct().toList());
      }
      List<Optional<String>> remoteServices = remoteService.isEmpty()
          ? ANY : each(matching(remoteService.get(), storedRemoteServices(stored)));
      for (Optional<String> name : spanNames) {
        for (Optional<String> remote : remoteServices) {
          if (combinations.size() == MAX_COMBINATIONS) {
            return combinations;
          }
          combinations.add(new Names(stored, name, remote));
        }
      }
    }
    return combinations;
  }

  /** The stored names of one search; empty for a criterion not asked for. */
  private record Names(
      Optional<String> service, Optional<String> spanName, Optional<String> remoteService) {}

  /**
   * Zipkin's window, {@code [start, end)} in epoch nanoseconds: the spans whose microsecond
   * timestamp is from {@code (endTs - lookback) * 1000} to {@code endTs * 1000}, both included.
   */
  private record Window(long startEpochNanos, long endEpochNanos) {
    static Window of(long endTsNanos, Params params) {
      long lookback = params.positiveNanosFromUnits("lookback", MILLIS, "milliseconds")
          .orElse(DEFAULT_LOOKBACK_NANOS);
      long end = endTsNanos > Long.MAX_VALUE - MICROS ? Long.MAX_VALUE : endTsNanos + MICROS;
      return new Window(NativeApi.saturatedSubtract(endTsNanos, lookback), end);
    }
  }

  private List<String> storedSpanNames(String service) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    for (Operation operation : storage.operations(service)) {
      names.add(operation.spanName());
    }
    return List.copyOf(names);
  }

  /** The {@code peer.service} values of a service's spans, or of every span. */
  private List<String> storedRemoteServices(Optional<String> service) throws IOException {
    return storage.attributeValues(service, PEER_SERVICE, Params.MAX_LIMIT);
  }

  /**
   * The stored names equal to {@code name} ignoring case; the name as given when none is, as
   * listings are capped and search finds what they leave out.
   */
  private static List<String> matching(String name, List<String> stored) {
    String wanted = lower(name);
    List<String> found = new ArrayList<>();
    for (String candidate : stored) {
      if (lower(candidate).equals(wanted)) {
        found.add(candidate);
      }
    }
    return found.isEmpty() ? List.of(name) : found;
  }

  private static List<Optional<String>> each(List<String> names) {
    List<Optional<String>> each = new ArrayList<>(names.size());
    names.forEach(name -> each.add(Optional.of(name)));
    return each;
  }

  /** Names as Zipkin lists them: lower-cased, each once, sorted. */
  private static List<String> lowerCased(List<String> names) {
    TreeSet<String> lowerCased = new TreeSet<>();
    names.forEach(name -> lowerCased.add(lower(name)));
    return List.copyOf(lowerCased);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * Storage cannot search for a key alone nor for a status message, so the newest candidates
   * matching everything else are read and checked here, examining more of them until {@code
   * limit} traces are found, the candidates run out, or {@value #MAX_SCANNED_TRACES} were
   * examined. For the bare key {@code error}, {@link #traces} also searches the spans of status
   * ERROR, which storage finds however old, and takes the newest of both.
   */
  private List<List<Span>> searchCheckingSpans(TraceQuery.Builder builder, int limit,
      AnnotationQuery terms) throws IOException {
    Map<TraceId, List<Span>> read = new HashMap<>();
    int scan = limit;
    while (true) {
      TraceQuery query = builder.limit(scan).build();
      List<TraceSummary> candidates = storage.search(query);
      List<List<Span>> found = new ArrayList<>();
      for (TraceSummary candidate : candidates) {
        query.cancellation().check();
        List<Span> spans = read.get(candidate.traceId());
        if (spans == null) {
          spans = readUnlessTooLarge(candidate.traceId());
          read.put(candidate.traceId(), spans);
        }
        if (anySpanMatches(spans, query, terms)) {
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

  /** The {@code limit} traces found that start last, each once, newest first. */
  private static <T> List<T> newest(List<T> found, Function<T, TraceId> traceId,
      ToLongFunction<T> startEpochNanos, int limit) {
    Map<TraceId, T> byId = new LinkedHashMap<>();
    found.forEach(trace -> byId.putIfAbsent(traceId.apply(trace), trace));
    List<T> traces = new ArrayList<>(byId.values());
    traces.sort(Comparator.comparingLong(startEpochNanos).reversed());
    return traces.subList(0, Math.min(limit, traces.size()));
  }

  private static long startEpochNanos(List<Span> spans) {
    long start = Long.MAX_VALUE;
    for (Span span : spans) {
      start = Math.min(start, span.startEpochNanos());
    }
    return start;
  }

  private static boolean anySpanMatches(List<Span> spans, TraceQuery query,
      AnnotationQuery terms) {
    for (Span span : spans) {
      if (query.matches(span) && terms.matches(span)) {
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
