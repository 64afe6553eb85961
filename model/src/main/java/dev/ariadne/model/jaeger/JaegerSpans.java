package dev.ariadne.model.jaeger;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Ids;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a Jaeger span becomes a model span, whichever IDL it came in: Thrift and protobuf differ in
 * how IDs, times and values are written, not in what they mean. Each decoder reads its IDL into
 * {@link Parts} and leaves the rest here, so the same span gives the same model either way.
 */
final class JaegerSpans {
  /** Jaeger's sampled flag, the same bit as W3C's. */
  static final int SAMPLED = 0x01;
  static final int DEBUG = 0x02;

  private static final List<Attribute> CHILD_OF =
      List.of(Attribute.of(SpanTags.REF_TYPE, "child_of"));
  private static final List<Attribute> FOLLOWS_FROM =
      List.of(Attribute.of(SpanTags.REF_TYPE, "follows_from"));

  private JaegerSpans() {}

  /** A reference to another span, with valid IDs. */
  record Reference(boolean followsFrom, TraceId traceId, long spanId) {}

  /**
   * A span's fields as both IDLs have them, decoded. {@code parentSpanId} is 0 when the span does
   * not name one (protobuf never does); {@code references} hold only valid ones, and {@code
   * droppedReferences} counts the others; {@code tags} is taken apart by {@link #toSpan}.
   */
  record Parts(
      TraceId traceId,
      long spanId,
      long parentSpanId,
      String operationName,
      long startEpochNanos,
      long endEpochNanos,
      int flags,
      Resource resource,
      List<Reference> references,
      int droppedReferences,
      Map<String, Value> tags,
      List<Event> events) {}

  static Span toSpan(Parts parts) {
    Span.Builder span = Span.builder()
        .traceId(parts.traceId())
        .spanId(parts.spanId())
        .name(parts.operationName())
        .startEpochNanos(parts.startEpochNanos())
        .endEpochNanos(parts.endEpochNanos())
        .resource(parts.resource())
        .flags(parts.flags() & SAMPLED)
        .events(parts.events());
    references(parts, span);
    Map<String, Value> tags = parts.tags();
    span.kind(SpanTags.takeKind(tags));
    SpanTags.takeStatus(tags, span);
    SpanTags.takeScope(tags, span);
    SpanTags.takeTraceState(tags, span);
    if ((parts.flags() & DEBUG) != 0) {
      tags.put(SpanTags.JAEGER_DEBUG, Value.of(true));
    }
    return span.attributes(SpanTags.attributes(tags)).build();
  }

  /**
   * The parent and the links, as Ariadne's SDK makes them from references: the parent is {@code
   * parentSpanId}, else the first CHILD_OF reference in the span's trace, else the first such
   * FOLLOWS_FROM. Every reference becomes a link, except the CHILD_OF that names the parent; a
   * FOLLOWS_FROM stays a link even when it gives the parent.
   */
  private static void references(Parts parts, Span.Builder span) {
    List<Reference> references = parts.references();
    long parent = parts.parentSpanId();
    if (parent == 0) {
      parent = firstInTrace(references, false, parts.traceId());
    }
    if (parent == 0) {
      parent = firstInTrace(references, true, parts.traceId());
    }
    List<Link> links = new ArrayList<>(references.size());
    boolean parentSeen = false;
    for (Reference reference : references) {
      boolean followsFrom = reference.followsFrom();
      if (!followsFrom && !parentSeen && reference.spanId() == parent
          && reference.traceId().equals(parts.traceId())) {
        parentSeen = true;
        continue;
      }
      links.add(new Link(reference.traceId(), reference.spanId(), "",
          followsFrom ? FOLLOWS_FROM : CHILD_OF, 0, followsFrom));
    }
    span.parentSpanId(parent).links(links).droppedLinksCount(parts.droppedReferences());
  }

  private static long firstInTrace(List<Reference> references, boolean followsFrom, TraceId trace) {
    for (Reference reference : references) {
      if (reference.followsFrom() == followsFrom && reference.traceId().equals(trace)) {
        return reference.spanId();
      }
    }
    return 0;
  }

  /** The process's name, and its tags after {@code service.name}, which the name wins over. */
  static Resource resource(String serviceName, Map<String, Value> tags) {
    String name = serviceName.isEmpty() ? Resource.UNKNOWN_SERVICE : serviceName;
    tags.remove(SpanTags.SERVICE_NAME);
    List<Attribute> attributes = new ArrayList<>(tags.size() + 1);
    attributes.add(Attribute.of(SpanTags.SERVICE_NAME, name));
    attributes.addAll(SpanTags.attributes(tags));
    return new Resource(name, attributes, 0);
  }

  /** A log as an event named by its {@code event} field (else {@code "log"}). */
  static Event event(long epochNanos, Map<String, Value> fields) {
    String name = SpanTags.takeString(fields, SpanTags.EVENT, "log");
    return new Event(epochNanos, name, SpanTags.attributes(fields), 0);
  }

  /** The place of a span in its batch, for messages. */
  static String where(int index, long spanId, TraceId traceId) {
    return "[" + index + "] span " + Ids.toHex(spanId) + " of trace " + traceId.toHex();
  }
}
