package dev.ariadne.model.otlp;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random model spans built with {@link Span#builder()}, every field varied: IDs at their edges,
 * times over all 64 bits, every kind and status, text in every script, values of every type nested
 * up to the depth the decoders accept, counts up to {@code Integer.MAX_VALUE}, and follows-from
 * links. A few resources and scopes, each built anew (equal, not the same object), recur across a
 * list so that spans group. Every span is one the decoders can produce: valid IDs, a service name
 * that the resource's attributes give, and a link's {@code followsFrom} as its attributes say.
 */
final class RandomSpans {
  private static final String[] TEXTS = {
    "", "a", "GET /users/{id}", "é", "中文", "😀 emoji", "service.name", "follows_from",
    "x\"<script>\n\u0000\u2028", "x".repeat(300),
  };
  private static final String[] KEYS = {
    "", "k", "http.request.method", "service.name", "opentracing.ref_type", "ключ", "😀",
  };

  private final Random random;

  RandomSpans(long seed) {
    random = new Random(seed);
  }

  /** Up to {@code max} spans, under up to three resources and three scopes. */
  List<Span> spans(int max) {
    long resourceSeed = random.nextLong();
    long scopeSeed = random.nextLong();
    List<Span> spans = new ArrayList<>();
    for (int i = random.nextInt(max + 1); i > 0; i--) {
      spans.add(span(
          resource(new Random(resourceSeed + random.nextInt(3))),
          scope(new Random(scopeSeed + random.nextInt(3)))));
    }
    return spans;
  }

  Span span(Resource resource, Scope scope) {
    Span.Builder span = Span.builder()
        .traceId(traceId(false))
        .spanId(spanId(false))
        .parentSpanId(random.nextBoolean() ? 0 : spanId(false))
        .name(text())
        .kind(SpanKind.values()[random.nextInt(SpanKind.values().length)])
        .startEpochNanos(time())
        .endEpochNanos(time())
        .resource(resource)
        .scope(scope)
        .attributes(attributes(random, 6))
        .status(StatusCode.values()[random.nextInt(StatusCode.values().length)], text())
        .traceState(text())
        .flags(random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(2))
        .droppedAttributesCount(count())
        .droppedEventsCount(count())
        .droppedLinksCount(count());
    List<Event> events = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      events.add(new Event(time(), text(), attributes(random, 3), count()));
    }
    List<Link> links = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      links.add(link());
    }
    return span.events(events).links(links).build();
  }

  private Link link() {
    List<Attribute> attributes = new ArrayList<>(attributes(random, 3));
    if (random.nextBoolean()) {
      attributes.add(random.nextInt(attributes.size() + 1),
          Attribute.of(Otlp.REF_TYPE, random.nextBoolean() ? Otlp.FOLLOWS_FROM : "child_of"));
    }
    return new Link(traceId(true), spanId(true), text(), attributes, count(),
        Otlp.isFollowsFrom(attributes));
  }

  /** A resource as a decoder makes it: its service name is what its attributes say. */
  private Resource resource(Random random) {
    List<Attribute> attributes = new ArrayList<>(attributes(random, 4));
    if (random.nextInt(4) > 0) {
      attributes.add(random.nextInt(attributes.size() + 1),
          Attribute.of(Otlp.SERVICE_NAME, pick(random, TEXTS)));
    }
    return Otlp.resource(attributes, random.nextInt(3) == 0 ? Integer.MAX_VALUE : 0);
  }

  private Scope scope(Random random) {
    return random.nextInt(3) == 0
        ? Scope.UNKNOWN
        : new Scope(pick(random, TEXTS), pick(random, TEXTS), attributes(random, 3));
  }

  private List<Attribute> attributes(Random random, int max) {
    List<Attribute> attributes = new ArrayList<>();
    for (int i = random.nextInt(max + 1); i > 0; i--) {
      attributes.add(new Attribute(pick(random, KEYS), value(random, 1)));
    }
    return attributes;
  }

  /** A value at {@code depth}; now and then, one nested to the deepest level decoders accept. */
  private Value value(Random random, int depth) {
    int kinds = depth < 4 ? 9 : 6;
    return switch (random.nextInt(kinds)) {
      case 0 -> Value.of(pick(random, TEXTS));
      case 1 -> Value.of(random.nextBoolean());
      case 2 -> Value.of(random.nextInt(4) == 0 ? Long.MIN_VALUE : random.nextLong());
      case 3 -> Value.of(pick(random, new double[] {
          0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
          random.nextGaussian()}));
      case 4 -> {
        byte[] bytes = new byte[random.nextInt(5)];
        random.nextBytes(bytes);
        yield new Value.Bytes(bytes);
      }
      case 5 -> Value.of("");
      case 6 -> {
        List<Value> values = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          values.add(value(random, depth + 1));
        }
        yield new Value.Array(values);
      }
      case 7 -> new Value.KvList(attributesAt(random, depth + 1));
      default -> random.nextInt(10) == 0 ? deepest(random, depth) : Value.of(pick(random, TEXTS));
    };
  }

  private List<Attribute> attributesAt(Random random, int depth) {
    List<Attribute> attributes = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      attributes.add(new Attribute(pick(random, KEYS), value(random, depth)));
    }
    return attributes;
  }

  /** A value at {@code depth} holding values down to depth {@link Otlp#MAX_VALUE_DEPTH}. */
  private static Value deepest(Random random, int depth) {
    Value value = Value.of("leaf");
    for (int level = Otlp.MAX_VALUE_DEPTH; level > depth; level--) {
      value = random.nextBoolean()
          ? new Value.Array(List.of(value))
          : new Value.KvList(List.of(new Attribute("k" + level, value)));
    }
    return value;
  }

  /** A trace ID, not zero unless {@code zeroAllowed} (a link's may be); now and then 64-bit. */
  private TraceId traceId(boolean zeroAllowed) {
    if (zeroAllowed && random.nextInt(6) == 0) {
      return new TraceId(0, 0);
    }
    TraceId id = new TraceId(random.nextInt(4) == 0 ? 0 : random.nextLong(), random.nextLong());
    return id.isValid() ? id : new TraceId(0, 1);
  }

  private long spanId(boolean zeroAllowed) {
    if (zeroAllowed && random.nextInt(6) == 0) {
      return 0;
    }
    long id = random.nextInt(6) == 0 ? pick(random, new long[] {1, -1, Long.MIN_VALUE})
        : random.nextLong();
    return id == 0 ? 1 : id;
  }

  /** Any 64 bits: OTLP's times are unsigned, and the model keeps their bits. */
  private long time() {
    return switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> -1;
      default -> random.nextLong();
    };
  }

  private int count() {
    return switch (random.nextInt(6)) {
      case 0 -> Integer.MAX_VALUE;
      case 1 -> random.nextInt(Integer.MAX_VALUE);
      default -> random.nextInt(3);
    };
  }

  private String text() {
    return pick(random, TEXTS);
  }

  private static String pick(Random random, String[] texts) {
    return texts[random.nextInt(texts.length)];
  }

  private static double pick(Random random, double[] values) {
    return values[random.nextInt(values.length)];
  }

  private static long pick(Random random, long[] values) {
    return values[random.nextInt(values.length)];
  }
}
