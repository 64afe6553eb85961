package dev.ariadne.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The collector's own meters, all named {@code ariadne.collector.*} (Prometheus: {@code
 * ariadne_collector_*}). Span counters are tagged by {@code protocol}, request timers by {@code
 * receiver} and {@code outcome}. Every meter registered here is removed by {@link #close()}.
 * Thread-safe.
 */
final class Meters implements AutoCloseable {
  static final String PREFIX = "ariadne.collector.";

  /** The span counters of one protocol. */
  static final class SpanCounters {
    /** Spans decoded from request bodies, valid or not. */
    final Counter received;
    /** Spans stored and acknowledged. */
    final Counter accepted;
    /** Valid spans refused because the ingest queue was full. */
    final Counter refused;
    /** Spans rejected as invalid: bad IDs, end before start. */
    final Counter invalid;
    /** Valid spans not stored because storage failed or the collector closed. */
    final Counter failed;
    /** Attributes dropped because a list had more than {@code maxAttributes}. */
    final Counter attributesDropped;
    /** Attribute values and status messages cut to {@code maxAttributeValueLength}. */
    final Counter attributesTruncated;
    /** Names cut to {@link Validator#MAX_NAME_LENGTH}. */
    final Counter namesTruncated;
    /** Trace states cut or dropped to keep them within {@link TraceStateLimit}. */
    final Counter traceStatesTruncated;
    /** Events dropped because a span had more than {@code maxEventsPerSpan}. */
    final Counter eventsDropped;
    /** Links dropped because a span had more than {@code maxLinksPerSpan}. */
    final Counter linksDropped;

    private SpanCounters(Meters meters, Protocol protocol) {
      received = meters.protocolCounter("spans.received", protocol, "Spans decoded, valid or not");
      accepted = meters.protocolCounter("spans.accepted", protocol, "Spans stored and acked");
      refused = meters.protocolCounter("spans.refused", protocol, "Spans refused: queue full");
      invalid = meters.protocolCounter("spans.invalid", protocol, "Spans rejected as invalid");
      failed = meters.protocolCounter("spans.failed", protocol, "Spans not stored: storage failed, or refused them as too large");
      attributesDropped = meters.protocolCounter("attributes.dropped", protocol,
          "Attributes dropped: past the collector's limit of attributes per list");
      attributesTruncated = meters.protocolCounter("attributes.truncated", protocol,
          "Attribute values and status messages cut to the collector's limit of length");
      namesTruncated = meters.protocolCounter("names.truncated", protocol,
          "Service, span, event and scope names and attribute keys cut to the limit of length");
      traceStatesTruncated = meters.protocolCounter("trace.states.truncated", protocol,
          "Trace states cut at list members, or dropped, to 32 members and 512 characters");
      eventsDropped = meters.protocolCounter("events.dropped", protocol,
          "Events dropped: past the collector's limit of events per span");
      linksDropped = meters.protocolCounter("links.dropped", protocol,
          "Links dropped: past the collector's limit of links per span");
    }
  }

  private final MeterRegistry registry;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();
  private final Map<Protocol, SpanCounters> spans = new EnumMap<>(Protocol.class);
  private final ConcurrentMap<String, Timer> requests = new ConcurrentHashMap<>();
  private final Timer writesSucceeded;
  private final Timer writesFailed;

  Meters(MeterRegistry registry) {
    this.registry = registry;
    for (Protocol protocol : Protocol.values()) {
      spans.put(protocol, new SpanCounters(this, protocol));
    }
    writesSucceeded = storageWriteTimer("success");
    writesFailed = storageWriteTimer("error");
  }

  SpanCounters spans(Protocol protocol) {
    return spans.get(protocol);
  }

  /** Records how long a request to {@code receiver} took, from its headers to the answer. */
  void request(String receiver, Outcome.Kind outcome, long nanos) {
    requests.computeIfAbsent(receiver + '/' + outcome.tag(), key -> register(
        Timer.builder(PREFIX + "requests")
            .description("Requests to a receiver, from their headers to the answer")
            .tag("receiver", receiver)
            .tag("outcome", outcome.tag())
            .register(registry)))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A counter of {@code protocol} and the other tags, {@code key, value, ...}; one a receiver
   * creates, not one every collector has.
   */
  Counter counter(String name, String description, Protocol protocol, String... tags) {
    return register(Counter.builder(PREFIX + name)
        .description(description)
        .tag("protocol", protocol.tag())
        .tags(tags)
        .register(registry));
  }

  /** Records one {@code Storage.write} call. */
  void storageWrite(boolean succeeded, long nanos) {
    (succeeded ? writesSucceeded : writesFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  <T> void gauge(String name, String description, T owner, ToDoubleFunction<T> value) {
    register(Gauge.builder(PREFIX + name, owner, value)
        .description(description)
        .strongReference(true)
        .register(registry));
  }

  @Override
  public void close() {
    for (Meter meter : registered) {
      registry.remove(meter);
    }
    registered.clear();
  }

  private Timer storageWriteTimer(String outcome) {
    return register(Timer.builder(PREFIX + "storage.writes")
        .description("Storage.write calls, each one batch of one or more requests")
        .tag("outcome", outcome)
        .register(registry));
  }

  private Counter protocolCounter(String name, Protocol protocol, String description) {
    return register(Counter.builder(PREFIX + name)
        .description(description)
        .tag("protocol", protocol.tag())
        .register(registry));
  }

  private <M extends Meter> M register(M meter) {
    registered.add(meter);
    return meter;
  }
}
