package dev.ariadne.agent;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.Value;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's tags (as the Jaeger agent's {@code --agent.tags}): attributes added to the resource
 * of every span that passes, unless the resource has the key already; a {@code service.name} tag
 * also names the service of a resource that had none. Thread-safe.
 */
final class ResourceTags {
  private final List<Attribute> tags;

  ResourceTags(Map<String, String> tags) {
    List<Attribute> attributes = new ArrayList<>();
    tags.forEach((key, value) -> attributes.add(Attribute.of(key, value)));
    this.tags = List.copyOf(attributes);
  }

  /** The spans with the tags added; the same list when there are no tags. */
  @SuppressWarnings("ReferenceEquality") // the same object when nothing was added
  List<Span> apply(List<Span> spans) {
    if (tags.isEmpty()) {
      return spans;
    }
    // Decoders share one Resource among the spans under it: tag each once.
    IdentityHashMap<Resource, Resource> tagged = new IdentityHashMap<>();
    List<Span> result = new ArrayList<>(spans.size());
    for (Span span : spans) {
      Resource resource = tagged.computeIfAbsent(span.resource(), this::tag);
      result.add(resource == span.resource() ? span : withResource(span, resource));
    }
    return result;
  }

  private Resource tag(Resource resource) {
    List<Attribute> attributes = null;
    String serviceName = resource.serviceName();
    for (Attribute tag : tags) {
      if (has(resource.attributes(), tag.key())) {
        continue;
      }
      if (attributes == null) {
        attributes = new ArrayList<>(resource.attributes());
      }
      attributes.add(tag);
      if (tag.key().equals("service.name")) {
        serviceName = ((Value.Str) tag.value()).value();
      }
    }
    return attributes == null
        ? resource
        : new Resource(serviceName, attributes, resource.droppedAttributesCount());
  }

  private static boolean has(List<Attribute> attributes, String key) {
    for (Attribute attribute : attributes) {
      if (attribute.key().equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static Span withResource(Span span, Resource resource) {
    return new Span(span.traceId(), span.spanId(), span.parentSpanId(), span.name(), span.kind(),
        span.startEpochNanos(), span.endEpochNanos(), resource, span.scope(), span.attributes(),
        span.events(), span.links(), span.statusCode(), span.statusMessage(), span.traceState(),
        span.flags(), span.droppedAttributesCount(), span.droppedEventsCount(),
        span.droppedLinksCount());
  }
}
