package dev.ariadne.model.otlp;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Resource;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.Value;
import java.util.List;

/**
 * The mapping rules both OTLP decoders share, so protobuf and JSON give the same spans, and the
 * encoder writes back.
 */
final class Otlp {
  /** An attribute's value is at depth 1; each array or key-value list adds one. */
  static final int MAX_VALUE_DEPTH = 32;
  static final String TOO_DEEP =
      "attribute values nested deeper than " + MAX_VALUE_DEPTH + " levels";

  static final String SERVICE_NAME = "service.name";
  static final String REF_TYPE = "opentracing.ref_type";
  static final String FOLLOWS_FROM = "follows_from";

  /** The resource of spans whose {@code ResourceSpans} has none. */
  static final Resource NO_RESOURCE = new Resource(Resource.UNKNOWN_SERVICE, List.of(), 0);

  private static final SpanKind[] KINDS = SpanKind.values();
  private static final StatusCode[] CODES = StatusCode.values();

  private Otlp() {}

  /**
   * A resource whose service name is its {@code service.name} string attribute, or {@link
   * Resource#UNKNOWN_SERVICE} when that is missing, empty or not a string.
   */
  static Resource resource(List<Attribute> attributes, int droppedAttributesCount) {
    String serviceName = Resource.UNKNOWN_SERVICE;
    for (Attribute attribute : attributes) {
      if (attribute.key().equals(SERVICE_NAME)
          && attribute.value() instanceof Value.Str name
          && !name.value().isEmpty()) {
        serviceName = name.value();
        break;
      }
    }
    return new Resource(serviceName, attributes, droppedAttributesCount);
  }

  /** True if a link carries {@code opentracing.ref_type=follows_from}. */
  static boolean isFollowsFrom(List<Attribute> attributes) {
    for (Attribute attribute : attributes) {
      if (attribute.key().equals(REF_TYPE)) {
        return attribute.value() instanceof Value.Str type && type.value().equals(FOLLOWS_FROM);
      }
    }
    return false;
  }

  /** The kind with this OTLP number; numbers from a newer OTLP become {@code UNSPECIFIED}. */
  static SpanKind kind(int number) {
    return number >= 0 && number < KINDS.length ? KINDS[number] : SpanKind.UNSPECIFIED;
  }

  /** The status with this OTLP number; numbers from a newer OTLP become {@code UNSET}. */
  static StatusCode statusCode(int number) {
    return number >= 0 && number < CODES.length ? CODES[number] : StatusCode.UNSET;
  }

  /** The OTLP number of a kind. */
  static int number(SpanKind kind) {
    return switch (kind) {
      case UNSPECIFIED -> 0;
      case INTERNAL -> 1;
      case SERVER -> 2;
      case CLIENT -> 3;
      case PRODUCER -> 4;
      case CONSUMER -> 5;
    };
  }

  /** The OTLP number of a status code. */
  static int number(StatusCode code) {
    return switch (code) {
      case UNSET -> 0;
      case OK -> 1;
      case ERROR -> 2;
    };
  }

  /** An OTLP uint32 count as an int, saturating at {@link Integer#MAX_VALUE}. */
  static int count(long unsigned) {
    return (int) Math.min(unsigned, Integer.MAX_VALUE);
  }

  /** {@code count + more}, saturating at {@link Integer#MAX_VALUE}. */
  static int add(int count, int more) {
    return count((long) count + more);
  }
}
