package dev.ariadne.model.otlp;

import static dev.ariadne.model.otlp.OtlpFixtures.SPAN_ID;
import static dev.ariadne.model.otlp.OtlpFixtures.TRACE_ID;
import static dev.ariadne.model.otlp.OtlpFixtures.array;
import static dev.ariadne.model.otlp.OtlpFixtures.bytes;
import static dev.ariadne.model.otlp.OtlpFixtures.integer;
import static dev.ariadne.model.otlp.OtlpFixtures.kv;
import static dev.ariadne.model.otlp.OtlpFixtures.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.Value;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OtlpProtobufDecoder} against {@link GeneratedClassesDecoder}, which parses with the
 * generated classes and converts: for random requests, rewritten ones (fields reordered, split,
 * retyped) and hostile ones (truncated, corrupted, lengths past the end, invalid UTF-8, deep
 * nesting), both give the same result or the same {@link MalformedException} message, and the
 * decoder never throws anything else. A few behaviours are also checked against expected values.
 */
class OtlpProtobufEquivalenceTest {

  @Test
  void decodesRandomRequestsAsTheGeneratedClassesDo() {
    Random random = new Random(1);
    RandomRequests requests = new RandomRequests(random);
    Outcomes outcomes = new Outcomes();
    for (int i = 0; i < 2000; i++) {
      byte[] body = requests.request().toByteArray();
      outcomes.count(assertSameOutcome(body));
      if (i % 10 == 0) {
        assertSameOutcomeFromByteBuffers(body);
      }
    }
    // The random requests reach every kind of outcome.
    assertThat(outcomes.spans).isGreaterThan(2000);
    assertThat(outcomes.rejections).isGreaterThan(300);
    assertThat(outcomes.droppedLinkWarnings).isGreaterThan(50);
    assertThat(outcomes.tooDeep).isGreaterThan(10);
    assertThat(outcomes.tooManyLevels).isGreaterThan(10);
  }

  @Test
  void decodesReorderedSplitAndRetypedFieldsAsTheGeneratedClassesDo() {
    Random random = new Random(2);
    RandomRequests requests = new RandomRequests(random);
    Outcomes outcomes = new Outcomes();
    for (int i = 0; i < 2000; i++) {
      byte[] body = WireEdits.shuffle(requests.request().toByteArray(), random);
      outcomes.count(assertSameOutcome(body));
    }
    assertThat(outcomes.spans).isGreaterThan(1000);
    assertThat(outcomes.tooDeep).isGreaterThan(10);
  }

  @Test
  void refusesEveryTruncationAsTheGeneratedClassesDo() {
    Random random = new Random(3);
    RandomRequests requests = new RandomRequests(random);
    int bodies = 0;
    while (bodies < 20) {
      byte[] body = requests.request().toByteArray();
      if (body.length < 100 || body.length > 2500) {
        continue;
      }
      if (bodies++ % 2 == 1) {
        body = WireEdits.shuffle(body, random);
      }
      for (int length = 0; length < body.length; length++) {
        assertSameOutcome(Arrays.copyOf(body, length));
      }
    }
  }

  @Test
  void refusesCorruptedBytesAsTheGeneratedClassesDo() {
    Random random = new Random(4);
    RandomRequests requests = new RandomRequests(random);
    int malformed = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] body = requests.request().toByteArray();
      if (body.length == 0) {
        continue;
      }
      for (int changes = 1 + random.nextInt(3); changes > 0 && body.length > 0; changes--) {
        int at = random.nextInt(body.length);
        body = switch (random.nextInt(4)) {
          case 0 -> WireEdits.replace(body, at, 0, new byte[] {(byte) random.nextInt()});
          case 1 -> WireEdits.replace(body, at, 1, new byte[0]);
          default -> WireEdits.replace(body, at, 1, new byte[] {(byte) random.nextInt()});
        };
      }
      if (assertSameOutcome(body) instanceof String) {
        malformed++;
      }
    }
    assertThat(malformed).isGreaterThan(700);
  }

  @Test
  void refusesInvalidUtf8InEveryStringFieldAsTheGeneratedClassesDo() {
    Random random = new Random(5);
    RandomRequests requests = new RandomRequests(random);
    int strings = 0;
    for (int i = 0; i < 100; i++) {
      byte[] body = requests.request().toByteArray();
      // Unless the body is refused for its nesting already, the string is what is wrong with it.
      boolean nestedTooDeeply = outcome(() -> OtlpProtobufDecoder.decode(body)).toString()
          .contains("too many levels of nesting");
      for (int[] string : WireEdits.strings(body)) {
        if (string[1] == 0) {
          continue;
        }
        int at = string[0] + random.nextInt(string[1]);
        Object outcome = assertSameOutcome(WireEdits.replace(body, at, 1, new byte[] {-1}));
        if (!nestedTooDeeply) {
          assertThat(outcome).isEqualTo("OTLP protobuf: Protocol message had invalid UTF-8.");
          strings++;
        }
      }
    }
    assertThat(strings).isGreaterThan(300);
  }

  @Test
  void refusesLengthsPastTheEndAndHugeLengthsAsTheGeneratedClassesDo() {
    Random random = new Random(6);
    RandomRequests requests = new RandomRequests(random);
    for (int i = 0; i < 30; i++) {
      byte[] body = requests.request().toByteArray();
      for (int[] length : WireEdits.lengths(body)) {
        for (byte[] replacement : List.of(
            varint(length[2] + 1),
            varint(length[2] + 1000),
            varint(Integer.MAX_VALUE),
            varint(0xffff_ffffL), // -1 as an int
            varint(-1L), // ten bytes
            varint(1L << 35), // too large for 32 bits: its low bits count
            new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // malformed
            overlong(length[2]))) {
          assertSameOutcome(WireEdits.replace(body, length[0], length[1], replacement));
        }
      }
    }
  }

  @Test
  void treatsDeepNestingAsTheGeneratedClassesDo() {
    Random random = new Random(7);
    RandomRequests requests = new RandomRequests(random);
    for (int levels = 28; levels <= 60; levels++) {
      for (int i = 0; i < 10; i++) {
        AnyValue deep = requests.deep(levels);
        for (ExportTraceServiceRequest request : List.of(
            spanWith(span().addAttributes(kv("deep", deep))),
            spanWith(span().clearSpanId().addAttributes(kv("deep", deep))),
            spanWith(span().addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                .addAttributes(kv("deep", deep)))),
            spanWith(span().addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                .addAttributes(kv("deep", deep)))),
            spanWith(span().addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                .setSpanId(ByteString.copyFrom(new byte[3]))
                .addAttributes(kv("deep", deep)))),
            ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                    .setResource(Resource.newBuilder().addAttributes(kv("deep", deep)))
                    .addScopeSpans(ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder()
                            .addAttributes(kv("deep", deep)))
                        .addSpans(span())))
                .build())) {
          byte[] body = request.toByteArray();
          assertSameOutcome(body);
          assertSameOutcome(WireEdits.shuffle(body, random));
        }
      }
    }
  }

  @Test
  void treatsNestedUnknownGroupsAsTheGeneratedClassesDo() {
    for (int levels = 90; levels <= 105; levels++) {
      UnknownFieldSet groups = nestedGroups(levels);
      for (ExportTraceServiceRequest request : List.of(
          ExportTraceServiceRequest.newBuilder().setUnknownFields(groups).build(),
          spanWith(span().setUnknownFields(groups)),
          spanWith(span().addAttributes(kv("deep", AnyValue.newBuilder()
              .setArrayValue(io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
                  .addValues(AnyValue.newBuilder().setUnknownFields(groups)))
              .build()))))) {
        byte[] body = request.toByteArray();
        assertSameOutcome(body);
        for (int cut = body.length - 3; cut < body.length; cut++) {
          assertSameOutcome(Arrays.copyOf(body, cut));
        }
      }
    }
  }

  @Test
  void givesSpansBeforeTheirResourceAndScopeTheWholeResourceAndScope() throws Exception {
    byte[] span = span().build().toByteArray();
    byte[] scopeSpans = concat(
        message(2, span), // spans first
        message(2, span),
        message(1, InstrumentationScope.newBuilder().setName("late").build().toByteArray()),
        message(1, InstrumentationScope.newBuilder().setVersion("1.0").build().toByteArray()));
    byte[] resourceSpans = concat(
        message(2, scopeSpans),
        message(1, Resource.newBuilder()
            .addAttributes(kv("service.name", str("late")))
            .build().toByteArray()),
        message(1, Resource.newBuilder()
            .addAttributes(kv("host.name", str("h1")))
            .setDroppedAttributesCount(3)
            .build().toByteArray()));
    byte[] body = message(1, resourceSpans);

    DecodeResult result = assertDecodesAsTheGeneratedClassesDo(body);

    assertThat(result.spans()).hasSize(2);
    Span first = result.spans().get(0);
    assertThat(first.resource()).isEqualTo(new dev.ariadne.model.Resource("late",
        List.of(Attribute.of("service.name", "late"), Attribute.of("host.name", "h1")), 3));
    assertThat(first.scope()).isEqualTo(new dev.ariadne.model.Scope("late", "1.0", List.of()));
    assertThat(result.spans().get(1).resource()).isSameAs(first.resource());
    assertThat(result.spans().get(1).scope()).isSameAs(first.scope());
  }

  @Test
  void sharesOneResourceAndOneScopeAmongTheirSpans() throws Exception {
    DecodeResult result =
        OtlpProtobufDecoder.decode(OtlpFixtures.fullRequest().toByteArray());

    Span full = result.spans().get(0);
    Span minimal = result.spans().get(1);
    assertThat(minimal.resource()).isSameAs(full.resource());
    assertThat(minimal.scope()).isNotSameAs(full.scope()); // another ScopeSpans
    byte[] twoSpans = spanWith(span(), span()).toByteArray();
    List<Span> spans = OtlpProtobufDecoder.decode(twoSpans).spans();
    assertThat(spans.get(1).resource()).isSameAs(spans.get(0).resource());
    assertThat(spans.get(1).scope()).isSameAs(spans.get(0).scope());
  }

  @Test
  void mergesAnAttributeValueGivenMoreThanOnce() throws Exception {
    byte[] keyValue = concat(
        kv("list", array(str("a"), integer(1))).toByteArray(),
        message(2, array(str("b")).toByteArray()), // more elements: they add up
        message(2, AnyValue.getDefaultInstance().toByteArray())); // nothing: changes nothing
    byte[] replaced = concat(
        kv("replaced", array(str("a"))).toByteArray(),
        message(2, str("last").toByteArray())); // another kind of value: replaces the array
    // The generated builder keeps an array's elements when another kind of value comes between.
    byte[] resumed = concat(
        kv("resumed", array(str("a"))).toByteArray(),
        message(2, AnyValue.newBuilder().setBoolValue(true).build().toByteArray()),
        message(2, array(str("b")).toByteArray()));
    byte[] span = concat(
        fixedSpanFields(), message(9, keyValue), message(9, replaced), message(9, resumed));

    DecodeResult result =
        assertDecodesAsTheGeneratedClassesDo(message(1, message(2, message(2, span))));

    assertThat(result.spans().get(0).attributes()).containsExactly(
        new Attribute("list", new Value.Array(List.of(Value.of("a"), Value.of(1), Value.of("b")))),
        Attribute.of("replaced", "last"),
        new Attribute("resumed", new Value.Array(List.of(Value.of("a"), Value.of("b")))));
  }

  @Test
  void ignoresValuesNestedTooDeeplyInARejectedSpanOrADroppedLink() throws Exception {
    AnyValue deep = nestedArrays(34);
    ExportTraceServiceRequest request = spanWith(
        span().clearTraceId().addAttributes(kv("deep", deep)),
        span().addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(ByteString.copyFrom(new byte[15]))
            .addAttributes(kv("deep", deep))));

    DecodeResult result = assertDecodesAsTheGeneratedClassesDo(request.toByteArray());

    assertThat(result.rejectedCount()).isEqualTo(1);
    assertThat(result.spans()).hasSize(1);
    assertThat(result.spans().get(0).droppedLinksCount()).isEqualTo(1);
  }

  @Test
  void reportsAValueNestedTooDeeplyByTheMappingsOrderNotTheBodys() {
    AnyValue deep = nestedArrays(34);
    // On the wire the event comes first; the mapping reads a span's attributes first.
    byte[] span = concat(
        fixedSpanFields(),
        message(11, io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
            .addAttributes(kv("deep", deep))
            .build().toByteArray()),
        message(9, KeyValue.newBuilder().setKey("x").build().toByteArray()),
        message(9, kv("deep", deep).toByteArray()));
    byte[] body = message(1, message(2, message(2, span)));

    assertSameOutcome(body);
    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("OTLP protobuf: resourceSpans[0].scopeSpans[0].spans[0]"
            + ".attributes[1].value.");
  }

  @Test
  void reportsAProtobufErrorAfterAValueNestedTooDeeplyFirst() {
    byte[] deepValue = spanWith(span().addAttributes(kv("deep", nestedArrays(34)))).toByteArray();
    byte[] body = concat(deepValue, new byte[] {0x0a, 0x05, 0x01}); // a field cut short at the end

    assertSameOutcome(body);
    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith(
            "OTLP protobuf: While parsing a protocol message, the input ended unexpectedly");
  }

  @Test
  void readsAKnownFieldWithAnotherWireTypeAsAnUnknownField() throws Exception {
    // name (5) as a varint, trace_id (1) as a fixed64: ignored, the earlier values stay.
    byte[] span = concat(fixedSpanFields(), write(out -> {
      out.writeString(5, "kept");
      out.writeUInt64(5, 7);
      out.writeFixed64(1, 0);
    }));

    DecodeResult result =
        assertDecodesAsTheGeneratedClassesDo(message(1, message(2, message(2, span))));

    assertThat(result.spans().get(0).name()).isEqualTo("kept");
    assertThat(result.spans().get(0).traceId()).isEqualTo(TRACE_ID);
  }

  /** Asserts both decoders agree; returns the result, or the exception's message. */
  private static Object assertSameOutcome(byte[] body) {
    Object expected = outcome(() -> GeneratedClassesDecoder.decode(body));
    Object actual = outcome(() -> OtlpProtobufDecoder.decode(body));
    assertThat(actual).as(() -> "body " + HexFormat.of().formatHex(body)).isEqualTo(expected);
    return actual;
  }

  private static DecodeResult assertDecodesAsTheGeneratedClassesDo(byte[] body) {
    Object outcome = assertSameOutcome(body);
    assertThat(outcome).isInstanceOf(DecodeResult.class);
    return (DecodeResult) outcome;
  }

  private static void assertSameOutcomeFromByteBuffers(byte[] body) {
    Object expected = outcome(() -> OtlpProtobufDecoder.decode(body));
    ByteBuffer direct = ByteBuffer.allocateDirect(body.length + 2).put((byte) 7).put(body);
    direct.flip().position(1);
    ByteBuffer heap = ByteBuffer.wrap(concat(new byte[] {9, 9}, body)).position(2).slice();
    assertThat(outcome(() -> OtlpProtobufDecoder.decode(direct))).isEqualTo(expected);
    assertThat(outcome(() -> OtlpProtobufDecoder.decode(heap))).isEqualTo(expected);
  }

  private interface Decode {
    DecodeResult decode() throws MalformedException;
  }

  /** The result, or the message of the MalformedException. */
  private static Object outcome(Decode decode) {
    try {
      return decode.decode();
    } catch (MalformedException e) {
      return e.getMessage();
    }
  }

  /** Counts what the decoded bodies gave, to show that the random bodies reach every case. */
  private static final class Outcomes {
    int spans;
    int rejections;
    int droppedLinkWarnings;
    int tooDeep;
    int tooManyLevels;

    void count(Object outcome) {
      if (outcome instanceof DecodeResult result) {
        spans += result.spans().size();
        rejections += result.rejectedCount();
        if (result.errorMessage().contains("link dropped")) {
          droppedLinkWarnings++;
        }
      } else if (outcome.toString().endsWith(Otlp.TOO_DEEP)) {
        tooDeep++;
      } else if (outcome.toString().contains("too many levels of nesting")) {
        tooManyLevels++;
      }
    }
  }

  /** A valid span named "s". */
  private static io.opentelemetry.proto.trace.v1.Span.Builder span() {
    return io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(bytes(TRACE_ID))
        .setSpanId(bytes(SPAN_ID))
        .setName("s");
  }

  /** The fields of {@link #span()}, as bytes to add others to. */
  private static byte[] fixedSpanFields() {
    return span().build().toByteArray();
  }

  private static ExportTraceServiceRequest spanWith(
      io.opentelemetry.proto.trace.v1.Span.Builder... spans) {
    ScopeSpans.Builder scopeSpans = ScopeSpans.newBuilder();
    for (io.opentelemetry.proto.trace.v1.Span.Builder span : spans) {
      scopeSpans.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scopeSpans))
        .build();
  }

  private static AnyValue nestedArrays(int levels) {
    AnyValue value = str("leaf");
    for (int i = 1; i < levels; i++) {
      value = array(value);
    }
    return value;
  }

  private static UnknownFieldSet nestedGroups(int levels) {
    UnknownFieldSet group =
        UnknownFieldSet.newBuilder().addField(1, field().addVarint(1).build()).build();
    for (int i = 1; i < levels; i++) {
      group = UnknownFieldSet.newBuilder().addField(200, field().addGroup(group).build()).build();
    }
    return group;
  }

  private static UnknownFieldSet.Field.Builder field() {
    return UnknownFieldSet.Field.newBuilder();
  }

  /** A length-delimited field: a message field's one occurrence. */
  private static byte[] message(int number, byte[] payload) {
    return write(out -> out.writeByteArray(number, payload));
  }

  private static byte[] varint(long value) {
    return write(out -> out.writeUInt64NoTag(value));
  }

  /** {@code value} in ten bytes instead of the fewest. */
  private static byte[] overlong(int value) {
    byte[] bytes = new byte[10];
    long rest = value & 0xffff_ffffL;
    for (int i = 0; i < 9; i++) {
      bytes[i] = (byte) (rest & 0x7f | 0x80);
      rest >>>= 7;
    }
    bytes[9] = 0;
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writer.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
