package dev.ariadne.storage.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
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
import dev.ariadne.model.internal.SharedText;
import dev.ariadne.model.otlp.OtlpJsonDecoder;
import dev.ariadne.storage.embedded.RealisticSpans;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanCodecTest {
  private static final TraceId TRACE = new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L);
  private static final TraceId OTHER_TRACE = new TraceId(0, 42);
  private static final long START = 1_717_171_717_123_456_789L;

  @Test
  void everyFieldSurvivesARoundTrip() throws Exception {
    Span full = Span.builder()
        .traceId(TRACE)
        .spanId(0x1122334455667788L)
        .parentSpanId(0x0102030405060708L)
        .name("GET /api/users/{id}")
        .kind(SpanKind.SERVER)
        .startEpochNanos(START)
        .endEpochNanos(START + 12_345_678)
        .resource(new Resource("checkout", List.of(
            Attribute.of("service.name", "checkout"),
            Attribute.of("host.name", "node-1")), 3))
        .scope(new Scope("io.opentelemetry.armeria", "1.2.3",
            List.of(Attribute.of("scope.attr", true))))
        .attributes(List.of(
            Attribute.of("http.request.method", "GET"),
            Attribute.of("http.response.status_code", 200L),
            Attribute.of("ratio", 0.25)))
        .events(List.of(
            new Event(START + 5, "exception",
                List.of(Attribute.of("exception.type", "IOException")), 2),
            new Event(START - 7, "before the span", List.of(), 0)))
        .links(List.of(
            new Link(OTHER_TRACE, 99, "vendor=1", List.of(Attribute.of("link.attr", 1L)), 4,
                true),
            new Link(TRACE, 0x1122334455667788L, "", List.of(), 0, false)))
        .status(StatusCode.ERROR, "upstream timed out")
        .traceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        .flags(0x301)
        .droppedAttributesCount(5)
        .droppedEventsCount(6)
        .droppedLinksCount(7)
        .build();
    Span bare = Span.builder().traceId(OTHER_TRACE).spanId(1).build();

    assertRoundTrip(List.of(full, bare));
  }

  @Test
  void everyValueTypeSurvivesARoundTrip() throws Exception {
    List<Attribute> attributes = List.of(
        Attribute.of("str", "text"),
        Attribute.of("empty", ""),
        Attribute.of("true", true),
        Attribute.of("false", false),
        Attribute.of("int", 42L),
        Attribute.of("min", Long.MIN_VALUE),
        Attribute.of("max", Long.MAX_VALUE),
        Attribute.of("negative", -1L),
        Attribute.of("double", 3.25),
        new Attribute("bytes", new Value.Bytes(new byte[] {0, -1, 127, -128})),
        new Attribute("no bytes", new Value.Bytes(new byte[0])),
        new Attribute("array", new Value.Array(List.of(
            Value.of("a"), Value.of(7L), Value.of(false), Value.of(1.5),
            new Value.Bytes(new byte[] {9}), new Value.Array(List.of())))),
        new Attribute("empty array", new Value.Array(List.of())),
        new Attribute("kvlist", new Value.KvList(List.of(
            Attribute.of("inner", "x"),
            new Attribute("nested", new Value.KvList(List.of(Attribute.of("str", 1L)))),
            new Attribute("list", new Value.Array(List.of(Value.of("str"))))))),
        new Attribute("empty kvlist", new Value.KvList(List.of())),
        Attribute.of("str", "the same key twice"));
    Span span = Span.builder()
        .traceId(TRACE)
        .spanId(1)
        .attributes(attributes)
        .events(List.of(new Event(0, "event", attributes, 0)))
        .links(List.of(new Link(TRACE, 2, "", attributes, 0, false)))
        .resource(new Resource("svc", attributes, 0))
        .scope(new Scope("scope", "", attributes))
        .build();

    assertRoundTrip(List.of(span));
  }

  @Test
  void doublesKeepTheirBits() throws Exception {
    long[] bits = {
      Double.doubleToRawLongBits(Double.NaN),
      0x7ff0000000000001L, // signalling NaN
      0xfff8000000000123L, // negative quiet NaN with a payload
      Double.doubleToRawLongBits(-0.0),
      Double.doubleToRawLongBits(0.0),
      Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
      Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
      Double.doubleToRawLongBits(Double.MIN_VALUE),
      Double.doubleToRawLongBits(Double.MAX_VALUE),
      Double.doubleToRawLongBits(0.1),
      Double.doubleToRawLongBits(0.1 + 0.2),
      Double.doubleToRawLongBits(12.99),
      Double.doubleToRawLongBits(-3.5),
      Double.doubleToRawLongBits(1e-7),
      Double.doubleToRawLongBits(123456.789),
      Double.doubleToRawLongBits(0x1p53),
      Double.doubleToRawLongBits(0x1p53 + 2),
      Double.doubleToRawLongBits(-0x1p60),
      Double.doubleToRawLongBits(Math.PI),
      Double.doubleToRawLongBits(1e300),
    };
    List<Attribute> attributes = new ArrayList<>();
    for (long raw : bits) {
      attributes.add(Attribute.of("d", Double.longBitsToDouble(raw)));
    }
    List<Span> spans = List.of(Span.builder().traceId(TRACE).attributes(attributes).build());

    List<Attribute> decoded = roundTrip(spans).get(0).attributes();

    assertThat(decoded).hasSize(bits.length);
    for (int i = 0; i < bits.length; i++) {
      double value = ((Value.Dbl) decoded.get(i).value()).value();
      assertThat(Double.doubleToRawLongBits(value)).as("double %d", i).isEqualTo(bits[i]);
    }
  }

  @Test
  void stringsKeepEveryCharacter() throws Exception {
    List<String> strings = List.of(
        "", "plain", "héllo wörld", "中文字符", "emoji 😀 pair", "\uD800 lone high",
        "lone low \uDC00", "\uDC00\uD800 reversed", "ends high \uD83D", "a real ? mark",
        "? \uDC00 ?", "x".repeat(100_000));
    List<Span> spans = new ArrayList<>();
    for (String string : strings) {
      spans.add(Span.builder()
          .traceId(TRACE)
          .name(string)
          .attributes(List.of(Attribute.of(string, string)))
          .status(StatusCode.OK, string)
          .traceState(string)
          .build());
    }

    assertRoundTrip(spans);
  }

  @Test
  void aStringThatRecentRequestsBroughtDecodesAsTheirInstance() throws Exception {
    byte[] request = "codec.recent.value codec.recent.value".getBytes(UTF_8);
    SharedText requestTexts = new SharedText(request);
    String recent = requestTexts.decode(0, 18);
    requestTexts.decode(19, 18);
    String unseen = new String("codec.unseen.value".getBytes(UTF_8), UTF_8);
    Span span = Span.builder().traceId(TRACE).name(unseen)
        .attributes(List.of(Attribute.of("key", new String(recent.getBytes(UTF_8), UTF_8))))
        .build();

    Span decoded = roundTrip(List.of(span)).get(0);

    assertThat(decoded).isEqualTo(span);
    assertThat(((Value.Str) decoded.attributes().get(0).value()).value()).isSameAs(recent);
  }

  @Test
  void everyKindAndStatusSurvives() throws Exception {
    List<Span> spans = new ArrayList<>();
    for (SpanKind kind : SpanKind.values()) {
      for (StatusCode status : StatusCode.values()) {
        spans.add(Span.builder().traceId(TRACE).spanId(spans.size()).kind(kind)
            .status(status, "").build());
      }
    }

    assertRoundTrip(spans);
  }

  @Test
  void timesSurviveAtEveryPrecisionAndExtreme() throws Exception {
    long[][] startsAndEnds = {
      {START, START + 1},
      {1_717_171_717_123_456_000L, 1_717_171_717_123_999_000L},
      {1_717_171_717_123_000_000L, 1_717_171_718_000_000_000L},
      {0, 0},
      {-5_000_000, 3_000_000},
      {Long.MIN_VALUE, Long.MAX_VALUE},
      {Long.MAX_VALUE, Long.MIN_VALUE},
      {START, START - 1_000},
    };
    for (long[] times : startsAndEnds) {
      List<Span> spans = List.of(
          Span.builder().traceId(TRACE).spanId(1).startEpochNanos(times[0])
              .endEpochNanos(times[1])
              .events(List.of(new Event(times[1], "end", List.of(), 0),
                  new Event(Long.MIN_VALUE, "long ago", List.of(), 0)))
              .build(),
          Span.builder().traceId(OTHER_TRACE).spanId(2).startEpochNanos(times[1])
              .endEpochNanos(times[0]).build(),
          Span.builder().traceId(TRACE).spanId(3).startEpochNanos(times[1])
              .endEpochNanos(times[1]).build());

      assertRoundTrip(spans);
    }
  }

  @Test
  void microsecondTimesTakeFewerBytes() {
    Span.Builder span = Span.builder().traceId(TRACE).spanId(1);
    byte[] nanos = SpanCodec.encode(
        List.of(span.startEpochNanos(START).endEpochNanos(START + 5_000_001).build()));
    byte[] micros = SpanCodec.encode(List.of(
        span.startEpochNanos(START / 1000 * 1000).endEpochNanos(START / 1000 * 1000 + 5_000_000)
            .build()));

    assertThat(micros.length).isLessThan(nanos.length);
  }

  @Test
  void parentsInAndOutOfTheCallSurvive() throws Exception {
    List<Span> spans = List.of(
        Span.builder().traceId(TRACE).spanId(10).parentSpanId(30).build(), // parent comes later
        Span.builder().traceId(TRACE).spanId(20).parentSpanId(0).build(), // a root
        Span.builder().traceId(TRACE).spanId(30).parentSpanId(20).build(), // parent came earlier
        Span.builder().traceId(TRACE).spanId(40).parentSpanId(999).build(), // parent elsewhere
        Span.builder().traceId(TRACE).spanId(50).parentSpanId(50).build(), // its own parent
        Span.builder().traceId(OTHER_TRACE).spanId(10).parentSpanId(10).build(), // repeated ID
        Span.builder().traceId(OTHER_TRACE).spanId(0).parentSpanId(-1).build());

    assertRoundTrip(spans);
  }

  @Test
  void interleavedTracesSurvive() throws Exception {
    List<Span> spans = new ArrayList<>();
    TraceId[] traces = {TRACE, OTHER_TRACE, new TraceId(-1, -1)};
    for (int i = 0; i < 12; i++) {
      TraceId trace = traces[i % 3];
      spans.add(Span.builder()
          .traceId(trace)
          .spanId(i + 1)
          .parentSpanId(i < 3 ? 0 : i - 2)
          .startEpochNanos(START + (i % 3) * 1_000_000_000L - i)
          .endEpochNanos(START + 2_000_000_000L)
          .links(List.of(new Link(traces[(i + 1) % 3], i, "", List.of(), 0, false),
              new Link(new TraceId(i, i), i, "", List.of(), 0, true)))
          .build());
    }

    assertRoundTrip(spans);
  }

  @Test
  void equalResourcesAndScopesAreStoredOnceAndComeBackShared() throws Exception {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      spans.add(Span.builder()
          .traceId(TRACE)
          .spanId(i)
          .resource(new Resource("svc", List.of(Attribute.of("host.name", "node-" + i % 2)), 0))
          .scope(new Scope("lib", "1.0", List.of()))
          .build());
    }
    byte[] encoding = SpanCodec.encode(spans);

    List<Span> decoded = SpanCodec.decode(new ByteSource(encoding, "test"));

    assertThat(decoded).isEqualTo(spans);
    assertThat(decoded.get(2).resource()).isSameAs(decoded.get(0).resource());
    assertThat(decoded.get(3).resource()).isSameAs(decoded.get(1).resource())
        .isNotSameAs(decoded.get(0).resource());
    assertThat(decoded.get(19).scope()).isSameAs(decoded.get(0).scope());
    EncodedSpans parsed = EncodedSpans.parse(encoding);
    assertThat(parsed.stream(SpanCodec.RESOURCES)).containsExactly(
        0, 0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2);
  }

  @Test
  void resourcesThatDifferOnlyInTheBitsOfADoubleStayApart() throws Exception {
    Resource nan = new Resource("svc", List.of(Attribute.of("d", Double.NaN)), 0);
    Resource otherNan = new Resource("svc",
        List.of(Attribute.of("d", Double.longBitsToDouble(0x7ff8000000000001L))), 0);
    Resource zero = new Resource("svc", List.of(Attribute.of("d", 0.0)), 0);
    Resource negativeZero = new Resource("svc", List.of(Attribute.of("d", -0.0)), 0);
    List<Span> spans = new ArrayList<>();
    for (Resource resource : List.of(nan, otherNan, zero, negativeZero)) {
      spans.add(Span.builder().traceId(TRACE).resource(resource).build());
    }

    List<Span> decoded = roundTrip(spans);

    assertThat(decoded).extracting(span -> Double.doubleToRawLongBits(
            ((Value.Dbl) span.resource().attributes().get(0).value()).value()))
        .containsExactly(Double.doubleToRawLongBits(Double.NaN), 0x7ff8000000000001L, 0L,
            Long.MIN_VALUE);
  }

  @Test
  void anEmptyListRoundTrips() throws Exception {
    assertRoundTrip(List.of());
  }

  @Test
  void encodeAppendsAndDecodeReadsOneEncodingAndStopsAfterIt() throws Exception {
    List<Span> first = List.of(Span.builder().traceId(TRACE).spanId(1).name("first").build());
    List<Span> second = List.of(Span.builder().traceId(TRACE).spanId(2).name("second").build());
    ByteSink sink = new ByteSink(16);
    sink.writeByte(0xAB);
    SpanCodec.encode(first, sink);
    SpanCodec.encode(second, sink);
    sink.writeByte(0xCD);

    ByteSource source = new ByteSource(sink.toByteArray(), "test");
    assertThat(source.readByte()).isEqualTo(0xAB);
    assertThat(SpanCodec.decode(source)).isEqualTo(first);
    assertThat(SpanCodec.decode(source)).isEqualTo(second);
    assertThat(source.readByte()).isEqualTo(0xCD);
    assertThat(source.hasRemaining()).isFalse();
  }

  @Test
  void valuesNestedToTheLimitRoundTrip() throws Exception {
    List<Span> spans = List.of(Span.builder()
        .traceId(TRACE)
        .attributes(List.of(
            new Attribute("arrays", nestedArrays(SpanCodec.MAX_VALUE_DEPTH)),
            new Attribute("kvlists", nestedKvLists(SpanCodec.MAX_VALUE_DEPTH))))
        .build());

    assertRoundTrip(spans);
  }

  @Test
  void deeperValuesAreRefusedWhenEncoded() {
    for (Value deep : List.of(nestedArrays(SpanCodec.MAX_VALUE_DEPTH + 1),
        nestedKvLists(SpanCodec.MAX_VALUE_DEPTH + 1))) {
      Span span = Span.builder()
          .traceId(TRACE)
          .events(List.of(new Event(0, "e", List.of(new Attribute("deep", deep)), 0)))
          .build();

      assertThatThrownBy(() -> SpanCodec.encode(List.of(span)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("attribute value nested deeper than 64 levels");
    }
  }

  @Test
  void everyValueTheOtlpDecodersAcceptCanBeEncoded() throws Exception {
    // OTLP allows 32 levels, the deepest of the protocols; Zipkin and Jaeger values are flat
    // but for Zipkin's array of IPs.
    StringBuilder value = new StringBuilder();
    for (int i = 1; i < 32; i++) {
      value.append(i % 2 == 0
          ? "{\"kvlistValue\": {\"values\": [{\"key\": \"k\", \"value\": "
          : "{\"arrayValue\": {\"values\": [");
    }
    value.append("{\"doubleValue\": 1.5}");
    for (int i = 31; i >= 1; i--) {
      value.append(i % 2 == 0 ? "}]}}" : "]}}");
    }
    String request = """
        {"resourceSpans": [{"scopeSpans": [{"spans": [{
          "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
          "attributes": [{"key": "deep", "value": %s}]
        }]}]}]}
        """.formatted(value);
    List<Span> spans = OtlpJsonDecoder.decode(request.getBytes(UTF_8)).spans();
    assertThat(spans).hasSize(1);

    assertRoundTrip(spans);
  }

  @Test
  void realisticSpansCompressToAboutFortyBytesEach() throws Exception {
    List<Span> spans = new ArrayList<>(new RealisticSpans(7).traces(475));
    spans.sort(Comparator.comparing((Span span) -> span.traceId().high())
        .thenComparing(span -> span.traceId().low()));

    byte[] page = SpanCodec.encode(spans);
    double compressed = Zstd.compress(page, 3).length / (double) spans.size();

    assertThat(SpanCodec.decode(new ByteSource(page, "test"))).isEqualTo(spans);
    assertThat(page.length / (double) spans.size()).isLessThan(110);
    assertThat(compressed).isLessThan(42);
  }

  private static Value nestedArrays(int depth) {
    Value value = Value.of(depth);
    for (int i = 1; i < depth; i++) {
      value = new Value.Array(List.of(value));
    }
    return value;
  }

  private static Value nestedKvLists(int depth) {
    Value value = Value.of("leaf");
    for (int i = 1; i < depth; i++) {
      value = new Value.KvList(List.of(new Attribute("k" + i, value)));
    }
    return value;
  }

  private static List<Span> roundTrip(List<Span> spans) throws CorruptDataException {
    byte[] encoding = SpanCodec.encode(spans);
    ByteSource source = new ByteSource(encoding, "test");
    List<Span> decoded = SpanCodec.decode(source);
    assertThat(source.hasRemaining()).isFalse();
    return decoded;
  }

  private static void assertRoundTrip(List<Span> spans) throws CorruptDataException {
    assertThat(roundTrip(spans)).isEqualTo(spans);
  }
}
