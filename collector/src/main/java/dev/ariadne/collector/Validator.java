package dev.ariadne.collector;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.Ids;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Applies the collector's rules to decoded spans. A span that ends before it starts, or with a
 * time past the year 2262, is rejected (the decoders already reject missing, malformed and
 * all-zero IDs). Every attribute list (span, event, link, resource) keeps its first {@code
 * maxAttributes} attributes and adds the rest to its dropped count; string and byte values longer
 * than {@code maxAttributeValueLength} (characters or bytes, arrays and maps included) are cut to
 * it, and so is a status message. Names are cut to {@code maxNameLength}: the service's (with its
 * {@code service.name} attribute, so that the two agree), the span's, its events', its scope's name
 * and version, and attribute keys. Storage lists names and analytics keys its series by them, a
 * few copies of each for every service, which a name the size of a request would make a heap's
 * worth. Trace states, the span's and its links', are kept within W3C Trace Context's limits
 * ({@link TraceStateLimit}). A span keeps its first {@code maxEvents} events and {@code maxLinks}
 * links and adds the rest to its dropped counts, so that its size is bounded by more than the
 * request's. Thread-safe: each call has its own state.
 */
final class Validator {
  /**
   * The longest name kept, in UTF-16 characters: far past any span or service name meant to be
   * read, short enough that the 1,000 names a service may list stay a few megabytes.
   */
  static final int MAX_NAME_LENGTH = 1024;
  private static final String SERVICE_NAME = "service.name";
  /** How many of the validator's own problems an answer quotes; all are counted. */
  private static final int MAX_MESSAGES = 5;

  private final int maxAttributes;
  private final int maxAttributeValueLength;
  private final int maxNameLength;
  private final int maxEvents;
  private final int maxLinks;

  Validator(int maxAttributes, int maxAttributeValueLength, int maxNameLength, int maxEvents,
      int maxLinks) {
    this.maxAttributes = maxAttributes;
    this.maxAttributeValueLength = maxAttributeValueLength;
    this.maxNameLength = maxNameLength;
    this.maxEvents = maxEvents;
    this.maxLinks = maxLinks;
  }

  /** The spans to store, all rejections (the decoder's included) and what the limits changed. */
  record Checked(List<Span> spans, int rejected, String message, int droppedAttributes,
      int truncatedValues, int truncatedNames, int truncatedTraceStates, int droppedEvents,
      int droppedLinks) {}

  Checked check(DecodeResult decoded) {
    Pass pass = new Pass();
    List<Span> valid = new ArrayList<>(decoded.spans().size());
    for (Span span : decoded.spans()) {
      String wrongTime = wrongTime(span);
      if (wrongTime != null) {
        pass.reject("span " + span.traceId().toHex() + "/" + Ids.toHex(span.spanId()) + ": "
            + wrongTime);
      } else {
        valid.add(pass.limit(span));
      }
    }
    return new Checked(
        valid,
        decoded.rejectedCount() + pass.rejected,
        pass.message(decoded.errorMessage()),
        pass.droppedAttributes,
        pass.truncatedValues,
        pass.truncatedNames,
        pass.truncatedTraceStates,
        pass.droppedEvents,
        pass.droppedLinks);
  }

  /**
   * What is wrong with the span's times, or null. OTLP's times are unsigned, and a time from 2^63
   * nanoseconds on (past the year 2262) would read as negative everywhere else, as Zipkin's and
   * Jaeger's decoders already refuse it.
   */
  private static String wrongTime(Span span) {
    if (span.startEpochNanos() < 0) {
      return pastTheYear2262("startTimeUnixNano", span.startEpochNanos());
    }
    if (span.endEpochNanos() < 0) {
      return pastTheYear2262("endTimeUnixNano", span.endEpochNanos());
    }
    if (span.endEpochNanos() < span.startEpochNanos()) {
      return "endTimeUnixNano " + span.endEpochNanos() + " is before startTimeUnixNano "
          + span.startEpochNanos();
    }
    for (int i = 0; i < span.events().size(); i++) {
      long time = span.events().get(i).epochNanos();
      if (time < 0) {
        return pastTheYear2262("event " + i + "'s timeUnixNano", time);
      }
    }
    return null;
  }

  private static String pastTheYear2262(String field, long unsignedNanos) {
    return field + " " + Long.toUnsignedString(unsignedNanos)
        + " is past the year 2262 (expected: nanoseconds since 1970 below 2^63)";
  }

  /** The state of one call. */
  private final class Pass {
    private final IdentityHashMap<Resource, Limited> resources = new IdentityHashMap<>();
    private final List<String> messages = new ArrayList<>(MAX_MESSAGES);
    private int rejected;
    private int droppedAttributes;
    private int truncatedValues;
    private int truncatedNames;
    private int truncatedTraceStates;
    private int droppedEvents;
    private int droppedLinks;

    void reject(String message) {
      if (rejected++ < MAX_MESSAGES) {
        messages.add(message);
      }
    }

    String message(String decoderMessage) {
      if (messages.isEmpty()) {
        return decoderMessage;
      }
      String own = String.join("; ", messages);
      if (rejected > messages.size()) {
        own += " (and " + (rejected - messages.size()) + " more)";
      }
      return decoderMessage.isEmpty() ? own : decoderMessage + "; " + own;
    }

    /** The span within the limits; the same instance when it already was. */
    Span limit(Span span) {
      Limited resource = resources.computeIfAbsent(span.resource(), this::limit);
      boolean scopeFits = fits(span.scope());
      if (!resource.changed() && scopeFits && fits(span)) {
        return span;
      }
      List<Event> events = new ArrayList<>(Math.min(span.events().size(), maxEvents));
      for (Event event : span.events().subList(0, Math.min(span.events().size(), maxEvents))) {
        events.add(fits(event) ? event : new Event(event.epochNanos(), name(event.name()),
            attributes(event.attributes()),
            dropped(event.droppedAttributesCount(), event.attributes())));
      }
      List<Link> links = new ArrayList<>(Math.min(span.links().size(), maxLinks));
      for (Link link : span.links().subList(0, Math.min(span.links().size(), maxLinks))) {
        links.add(fits(link) ? link : new Link(link.traceId(), link.spanId(),
            traceState(link.traceState()), attributes(link.attributes()),
            dropped(link.droppedAttributesCount(), link.attributes()), link.followsFrom()));
      }
      int eventsDropped = span.events().size() - events.size();
      int linksDropped = span.links().size() - links.size();
      droppedEvents += eventsDropped;
      droppedLinks += linksDropped;
      boolean attributesFit = fits(span.attributes());
      return new Span(
          span.traceId(), span.spanId(), span.parentSpanId(), name(span.name()), span.kind(),
          span.startEpochNanos(), span.endEpochNanos(), resource.resource(),
          scopeFits ? span.scope() : limit(span.scope()),
          attributesFit ? span.attributes() : attributes(span.attributes()), events, links,
          span.statusCode(), cut(span.statusMessage()), traceState(span.traceState()),
          span.flags(),
          dropped(span.droppedAttributesCount(), span.attributes()),
          add(span.droppedEventsCount(), eventsDropped),
          add(span.droppedLinksCount(), linksDropped));
    }

    /**
     * The resource within the limits. Its service name is cut as a name, and so is the value of
     * the {@code service.name} attribute it was taken from, so that the two still agree; the cut
     * is counted once.
     */
    private Limited limit(Resource resource) {
      String serviceName = resource.serviceName();
      if (serviceName.length() <= maxNameLength && fits(resource.attributes())) {
        return new Limited(resource, false);
      }
      String name = name(serviceName);
      List<Attribute> attributes = resource.attributes();
      int fromAttribute = name.equals(serviceName)
          ? -1
          : attributes.indexOf(Attribute.of(SERVICE_NAME, serviceName));
      if (fromAttribute >= 0) {
        attributes = new ArrayList<>(attributes);
        attributes.set(fromAttribute, Attribute.of(SERVICE_NAME, name));
      }
      return new Limited(new Resource(name, attributes(attributes),
          dropped(resource.droppedAttributesCount(), attributes)), true);
    }

    private boolean fits(Scope scope) {
      return scope.name().length() <= maxNameLength && scope.version().length() <= maxNameLength
          && fits(scope.attributes());
    }

    /** The scope with its name and version cut as names and its attributes limited. */
    private Scope limit(Scope scope) {
      return new Scope(name(scope.name()), name(scope.version()), attributes(scope.attributes()));
    }

    private boolean fits(Span span) {
      if (span.name().length() > maxNameLength
          || span.statusMessage().length() > maxAttributeValueLength
          || !TraceStateLimit.fits(span.traceState())
          || span.events().size() > maxEvents
          || span.links().size() > maxLinks
          || !fits(span.attributes())) {
        return false;
      }
      for (Event event : span.events()) {
        if (!fits(event)) {
          return false;
        }
      }
      for (Link link : span.links()) {
        if (!fits(link)) {
          return false;
        }
      }
      return true;
    }

    private boolean fits(Link link) {
      return TraceStateLimit.fits(link.traceState()) && fits(link.attributes());
    }

    private boolean fits(Event event) {
      return event.name().length() <= maxNameLength && fits(event.attributes());
    }

    private boolean fits(List<Attribute> attributes) {
      if (attributes.size() > maxAttributes) {
        return false;
      }
      for (Attribute attribute : attributes) {
        if (!fits(attribute)) {
          return false;
        }
      }
      return true;
    }

    private boolean fits(Attribute attribute) {
      return attribute.key().length() <= maxNameLength && fits(attribute.value());
    }

    private boolean fits(Value value) {
      if (value instanceof Value.Str str) {
        return str.value().length() <= maxAttributeValueLength;
      }
      if (value instanceof Value.Bytes bytes) {
        return bytes.value().length <= maxAttributeValueLength;
      }
      if (value instanceof Value.Array array) {
        for (Value element : array.values()) {
          if (!fits(element)) {
            return false;
          }
        }
      } else if (value instanceof Value.KvList map) {
        for (Attribute entry : map.attributes()) {
          if (!fits(entry)) {
            return false;
          }
        }
      }
      return true;
    }

    /** The owner's dropped count plus what {@link #attributes} drops of its list. */
    private int dropped(int droppedCount, List<Attribute> attributes) {
      return add(droppedCount, Math.max(0, attributes.size() - maxAttributes));
    }

    /** The list cut to the attribute limit, names and values cut to length; counted. */
    private List<Attribute> attributes(List<Attribute> attributes) {
      int keep = Math.min(attributes.size(), maxAttributes);
      droppedAttributes += attributes.size() - keep;
      List<Attribute> result = new ArrayList<>(keep);
      for (int i = 0; i < keep; i++) {
        result.add(attribute(attributes.get(i)));
      }
      return result;
    }

    /** Names and values cut, at any depth; no count limit inside a value. */
    private Attribute attribute(Attribute attribute) {
      return fits(attribute)
          ? attribute
          : new Attribute(name(attribute.key()), value(attribute.value()));
    }

    private Value value(Value value) {
      if (fits(value)) {
        return value;
      }
      if (value instanceof Value.Str str) {
        return new Value.Str(cut(str.value()));
      }
      if (value instanceof Value.Bytes bytes) {
        truncatedValues++;
        return new Value.Bytes(Arrays.copyOf(bytes.value(), maxAttributeValueLength));
      }
      if (value instanceof Value.Array array) {
        List<Value> values = new ArrayList<>(array.values().size());
        for (Value element : array.values()) {
          values.add(value(element));
        }
        return new Value.Array(values);
      }
      Value.KvList map = (Value.KvList) value;
      List<Attribute> entries = new ArrayList<>(map.attributes().size());
      for (Attribute entry : map.attributes()) {
        entries.add(attribute(entry));
      }
      return new Value.KvList(entries);
    }

    /** The text cut to the value limit, counted. */
    private String cut(String text) {
      if (text.length() <= maxAttributeValueLength) {
        return text;
      }
      truncatedValues++;
      return prefix(text, maxAttributeValueLength);
    }

    /** The trace state within W3C's limits, counted when it is cut or dropped. */
    private String traceState(String traceState) {
      if (TraceStateLimit.fits(traceState)) {
        return traceState;
      }
      truncatedTraceStates++;
      return TraceStateLimit.cut(traceState);
    }

    /** The name cut to the name limit, counted. */
    private String name(String name) {
      if (name.length() <= maxNameLength) {
        return name;
      }
      truncatedNames++;
      return prefix(name, maxNameLength);
    }
  }

  /** The text's first {@code length} chars, never cut between the two halves of a surrogate pair. */
  private static String prefix(String text, int length) {
    int end = length;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  /** A resource within the limits, and whether making it so changed it. */
  private record Limited(Resource resource, boolean changed) {}

  private static int add(int count, int more) {
    long sum = (long) count + more;
    return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
  }
}
