package dev.ariadne.storage;

import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where spans are kept: the one interface the collector writes through and the query APIs read
 * through. Every backend passes the shared {@code StorageContract} test suite.
 *
 * <p>Calls block until done and may come from many threads at once: implementations are
 * thread-safe. A write is visible to every read that starts after it returns. Returned lists are
 * unmodifiable snapshots. Spans are stored as given: a span written twice is held twice.
 *
 * <p>The reads that may take long, {@link #search} and {@link #dependencies(long, long,
 * Cancellation)}, ask a {@link Cancellation} between their units of work and stop once it is
 * cancelled. The listings are not cancelled: they read what a backend keeps of its names.
 */
public interface Storage extends SpanWriter, Closeable {
  /**
   * The most values a backend keeps per service and attribute key for {@link #attributeValues},
   * preferring those that sort first, so that a high-cardinality attribute (a request ID) cannot
   * grow what it keeps without bound.
   */
  int MAX_VALUES_PER_KEY = 1000;

  /**
   * The longest value, in chars, a backend keeps for {@link #attributeValues}, as Elasticsearch's
   * {@code ignore_above} keeps long texts out of a keyword index: a SQL statement or a URL with its
   * query is no word to complete, and {@link #MAX_VALUES_PER_KEY} of them would cost megabytes.
   * Search finds spans by longer values all the same.
   */
  int MAX_LISTED_VALUE_LENGTH = 256;

  /**
   * The most span names, and the most attribute keys, a backend keeps per service for {@link
   * #operations} and {@link #attributeKeys}, preferring those that sort first, so that names made
   * from IDs (a span named after its URL, a key per user) cannot grow what it keeps without bound.
   */
  int MAX_NAMES_PER_SERVICE = 1000;

  /**
   * The most services a backend keeps for {@link #services}, preferring those that sort first, so
   * that service names made from IDs (a pod name, a request ID) cannot grow what it keeps without
   * bound. Of a service past them nothing is listed, neither its span names nor its keys and
   * values; search finds its spans all the same.
   */
  int MAX_SERVICES = 10_000;

  /**
   * Stores a batch of spans of any traces. Returns once the batch is stored (by a durable backend,
   * durably); if it throws, the caller must treat the whole batch as not stored.
   */
  @Override
  void write(List<Span> spans) throws IOException;

  /**
   * Every span of the trace as stored, in no particular order; empty if the trace is unknown. All
   * spans come back, orphans included, so the caller can tell whether the root is present, which
   * parents are missing and which spans fall outside their parent's time.
   */
  List<Span> trace(TraceId traceId) throws IOException;

  /**
   * How many spans of the trace are stored; 0 if the trace is unknown. Ariadne's backends count
   * without reading the spans (this default reads them), so that a reader can tell a trace too
   * large to read at once (a runaway loop's million spans) before it reads it.
   */
  default int spanCount(TraceId traceId) throws IOException {
    return trace(traceId).size();
  }

  /**
   * What was not stored of the trace because it reached the backend's per-trace span limit, sorted
   * by service then span name; empty when nothing was dropped or the backend has no such limit.
   */
  default List<DroppedSpans> droppedSpans(TraceId traceId) throws IOException {
    return List.of();
  }

  /**
   * How many spans of the trace are stored but could not be read, because the part of storage
   * holding them was found damaged (a block's page that fails its checksum) by the reads so far:
   * asked after the trace is read, it counts what that read could not; 0 when none, or when the
   * backend cannot lose part of a trace.
   */
  default int unreadableSpans(TraceId traceId) throws IOException {
    return 0;
  }

  /**
   * Summaries of the traces that {@linkplain TraceQuery#matches(Span) one span matches}, newest
   * trace start first, at most {@link TraceQuery#limit()} of them. A summary describes the whole
   * trace as stored, not only the matching span. Stops with a {@link CancelledException} once
   * the query's {@link TraceQuery#cancellation() cancellation} says so.
   */
  List<TraceSummary> search(TraceQuery query) throws IOException;

  /**
   * The names of the services that have spans stored, sorted; of more than {@link #MAX_SERVICES},
   * only that many.
   */
  List<String> services() throws IOException;

  /**
   * The span names of a service, once per kind they were seen with; sorted by name, then kind. Of
   * a service with more than {@link #MAX_NAMES_PER_SERVICE} span names, only that many are kept.
   */
  List<Operation> operations(String serviceName) throws IOException;

  /**
   * Searchable attribute keys (span and resource attributes, see {@link
   * TraceQuery#searchableText}) of one service, or of all services when {@code serviceName} is
   * empty; sorted, the first {@code limit}. Of a service with more than {@link
   * #MAX_NAMES_PER_SERVICE} keys, only that many are kept.
   *
   * @throws IllegalArgumentException if {@code limit} is less than 1
   */
  List<String> attributeKeys(Optional<String> serviceName, int limit) throws IOException;

  /**
   * The {@linkplain TraceQuery#searchableText text forms} of the values seen for an attribute key
   * in one service, or in all services when {@code serviceName} is empty; sorted, the first {@code
   * limit}. Of a key with more than {@link #MAX_VALUES_PER_KEY} values in a service, only that many
   * are kept, and none longer than {@link #MAX_LISTED_VALUE_LENGTH}.
   *
   * @throws IllegalArgumentException if {@code limit} is less than 1
   */
  List<String> attributeValues(Optional<String> serviceName, String key, int limit)
      throws IOException;

  /**
   * The calls between services in a time range, sorted by parent then child. Each span whose start
   * is in {@code [startEpochNanos, endEpochNanos)} and whose parent span is stored with another
   * service counts one call from the parent's service to the span's. The call is an error if the
   * span's status is ERROR, or if the parent is a CLIENT or PRODUCER span (the caller's side of
   * that same call) with status ERROR. When a span ID is shared by a CLIENT and a SERVER span (as
   * Zipkin clients do), children of that ID belong to the SERVER span.
   *
   * @throws IllegalArgumentException if {@code endEpochNanos} is not after {@code startEpochNanos}
   */
  default List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos)
      throws IOException {
    return dependencies(startEpochNanos, endEpochNanos, Cancellation.NEVER);
  }

  /**
   * {@link #dependencies(long, long)}, stopped with a {@link CancelledException} once {@code
   * cancellation} says so.
   */
  List<DependencyLink> dependencies(long startEpochNanos, long endEpochNanos,
      Cancellation cancellation) throws IOException;

  /**
   * Why the backend has stopped storing spans until it is restarted, or empty while it stores
   * them. Only a failure that no retry mends counts, such as the embedded engine's WAL after a
   * failed fsync; one that may pass by itself (a full disk, an unreachable database) is not a
   * stop: the writes it fails report it.
   */
  default Optional<String> stopped() {
    return Optional.empty();
  }

  /** Releases the backend's resources; no other call may follow. */
  @Override
  void close() throws IOException;
}
