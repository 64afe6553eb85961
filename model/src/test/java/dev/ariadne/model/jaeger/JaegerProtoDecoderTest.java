package dev.ariadne.model.jaeger;

import static dev.ariadne.model.jaeger.JaegerFixtures.CAUSE_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.PARENT_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.START_MICROS;
import static dev.ariadne.model.jaeger.JaegerFixtures.TRACE_ID_HIGH;
import static dev.ariadne.model.jaeger.JaegerFixtures.TRACE_ID_LOW;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.BINARY;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.BOOL;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.CHILD_OF;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.FLOAT64;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.FOLLOWS_FROM;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.INT64;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.STRING;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.batch;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.bool;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.int64;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.log;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.process;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.ref;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.request;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.serverSpan;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.span;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.spanId;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.string;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.time;
import static dev.ariadne.model.jaeger.JaegerProtoFixtures.traceId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.jaeger.JaegerProtoFixtures.Message;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JaegerProtoDecoderTest {
  /** What decoding a hostile body of a few bytes may allocate, far below what its lengths claim. */
  private static final long MAX_ALLOCATED_BYTES = 1 << 20;
  private static final TraceId TRACE_ID = new TraceId(TRACE_ID_HIGH, TRACE_ID_LOW);
  private static final long START_NANOS = START_MICROS * 1000;

  @Test
  void decodesEveryFieldOfAServerSpan() throws Exception {
    DecodeResult result = JaegerProtoDecoder.decode(request(batch(process(), serverSpan())));

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEmpty();
    assertThat(result.spans()).singleElement()
        .usingRecursiveComparison()
        .isEqualTo(JaegerFixtures.decodedServerSpan());
  }

  @Test
  void givesTheSameModelAsTheThriftDecoderForTheSameSpan() throws Exception {
    Span thrift = JaegerThriftDecoder.BINARY.decode(JaegerFixtures.serialize(
        JaegerThriftDecoder.BINARY, JaegerFixtures.batch(JaegerFixtures.serverSpan())))
        .spans().get(0);

    Span proto = only(batch(process(), serverSpan()));

    assertThat(proto).usingRecursiveComparison().isEqualTo(thrift);
  }

  @Test
  void keepsTimesToTheNanosecond() throws Exception {
    Span span = only(batch(process(), span(TRACE_ID_HIGH, TRACE_ID_LOW, 1, "op")
        .message(6, time(1_700_000_000, 123_456_789))
        .message(7, time(2, 5))
        .message(9, log(0, string("event", "tick")).message(1, time(1_700_000_001, 7)))));

    assertThat(span.startEpochNanos()).isEqualTo(1_700_000_000_123_456_789L);
    assertThat(span.endEpochNanos()).isEqualTo(1_700_000_002_123_456_794L);
    assertThat(span.events()).containsExactly(
        new Event(1_700_000_001_000_000_007L, "tick", List.of(), 0));
  }

  @Test
  void readsAnAbsentStartTimeAndDurationAsZero() throws Exception {
    Span span = only(batch(process(), span(TRACE_ID_HIGH, TRACE_ID_LOW, 1, "op")));

    assertThat(span.startEpochNanos()).isZero();
    assertThat(span.endEpochNanos()).isZero();
  }

  @Test
  void keepsANegativeDurationAsAnEndBeforeTheStart() throws Exception {
    Span span = only(batch(process(), span(1).message(7, time(0, -10_000))));

    assertThat(span.durationNanos()).isEqualTo(-10_000);
  }

  @Test
  void keepsA128BitTraceIdAndIdsWithTheHighBitSet() throws Exception {
    Span span = only(batch(process(), span(-1L, -2L, -3L, "op")));

    assertThat(span.traceId()).isEqualTo(new TraceId(-1L, -2L));
    assertThat(span.spanId()).isEqualTo(-3L);
  }

  @Test
  void readsA64BitTraceIdInSixteenBytesOrLeftPadsItInEight() throws Exception {
    Span sixteen = only(batch(process(), span(0, 0x42, 1, "op")));
    Span eight = only(batch(process(), new Message()
        .bytes(1, spanId(0x42)).bytes(2, spanId(1)).string(3, "op")));

    assertThat(sixteen.traceId()).isEqualTo(new TraceId(0, 0x42));
    assertThat(eight).usingRecursiveComparison().isEqualTo(sixteen);
  }

  @Test
  void sharesTheBatchProcessAmongItsSpansAndReadsItAfterThem() throws Exception {
    byte[] body = request(new Message()
        .message(1, span(1))
        .message(1, span(2))
        .message(2, process()));

    DecodeResult result = JaegerProtoDecoder.decode(body);

    assertThat(result.spans()).extracting(Span::resource).containsOnly(
        JaegerFixtures.decodedServerSpan().resource());
    assertThat(result.spans().get(0).resource()).isSameAs(result.spans().get(1).resource());
  }

  @Test
  void letsASpansOwnProcessWinOverTheBatchProcess() throws Exception {
    DecodeResult result = JaegerProtoDecoder.decode(request(batch(process(),
        span(1).message(10, process("cart", int64("pid", 7))),
        span(2))));

    assertThat(result.spans().get(0).resource()).isEqualTo(new Resource("cart",
        List.of(Attribute.of("service.name", "cart"), Attribute.of("pid", 7L)), 0));
    assertThat(result.spans().get(1).serviceName()).isEqualTo("checkout");
  }

  @Test
  void namesASpanWithoutAnyProcessUnknownService() throws Exception {
    Span span = only(batch(null, span(1)));

    assertThat(span.resource()).isEqualTo(new Resource("unknown_service",
        List.of(Attribute.of("service.name", "unknown_service")), 0));
  }

  @Test
  void letsTheProcessNameWinOverAServiceNameProcessTag() throws Exception {
    Span span = only(batch(process("cart", string("service.name", "other"), string("a", "b")),
        span(1)));

    assertThat(span.resource().attributes()).containsExactly(
        Attribute.of("service.name", "cart"), Attribute.of("a", "b"));
  }

  @Test
  void takesTheParentFromTheFirstChildOfReference() throws Exception {
    Span span = only(batch(process(), span(1)
        .message(4, ref(FOLLOWS_FROM, CAUSE_ID))
        .message(4, ref(CHILD_OF, PARENT_ID))
        .message(4, ref(CHILD_OF, 0x99))));

    assertThat(span.parentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.links()).containsExactly(
        link(CAUSE_ID, "follows_from", true), link(0x99, "child_of", false));
  }

  @Test
  void makesAFollowsFromTheParentAndKeepsItAsALinkWhenThereIsNoChildOf() throws Exception {
    Span span = only(batch(process(), span(1).message(4, ref(FOLLOWS_FROM, CAUSE_ID))));

    assertThat(span.parentSpanId()).isEqualTo(CAUSE_ID);
    assertThat(span.links()).containsExactly(link(CAUSE_ID, "follows_from", true));
  }

  @Test
  void takesNoParentFromAReferenceToAnotherTrace() throws Exception {
    Message other = new Message()
        .bytes(1, traceId(7, 8)).bytes(2, spanId(PARENT_ID)).varint(3, CHILD_OF);

    Span span = only(batch(process(), span(1).message(4, other)));

    assertThat(span.parentSpanId()).isZero();
    assertThat(span.links()).containsExactly(new Link(new TraceId(7, 8), PARENT_ID, "",
        List.of(Attribute.of("opentracing.ref_type", "child_of")), 0, false));
  }

  @Test
  void dropsReferencesWithAZeroOrWrongLengthIdCountingThemAndWarning() throws Exception {
    DecodeResult result = JaegerProtoDecoder.decode(request(batch(process(), span(1)
        .message(4, new Message().bytes(1, traceId(0, 0)).bytes(2, spanId(5)))
        .message(4, new Message().bytes(1, traceId(1, 2)))
        .message(4, new Message().bytes(1, new byte[3]).bytes(2, spanId(5)))
        .message(4, ref(CHILD_OF, PARENT_ID)))));

    Span span = result.spans().get(0);
    assertThat(result.rejectedCount()).isZero();
    assertThat(span.parentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.links()).isEmpty();
    assertThat(span.droppedLinksCount()).isEqualTo(3);
    String where = "[0] span 0000000000000001 of trace " + TRACE_ID.toHex();
    assertThat(result.errorMessage()).isEqualTo(
        where + ": 2 references with a zero ID dropped; "
            + where + ": 1 reference with an ID of the wrong length dropped");
  }

  @Test
  void decodesEveryValueTypeAndReadsAnUnsetValueAsTheZeroOfItsType() throws Exception {
    Span span = only(batch(process(), span(1)
        .message(8, new Message().string(1, "untyped").string(3, "a string"))
        .message(8, new Message().string(1, "s").varint(2, STRING))
        .message(8, new Message().string(1, "b").varint(2, BOOL))
        .message(8, new Message().string(1, "i").varint(2, INT64))
        .message(8, new Message().string(1, "d").varint(2, FLOAT64))
        .message(8, new Message().string(1, "x").varint(2, BINARY))
        .message(8, new Message().string(1, "negative").varint(2, INT64).varint(5, -5))
        .message(8, new Message().string(1, "other field").varint(2, BOOL).string(3, "no"))));

    assertThat(span.attributes()).containsExactly(
        Attribute.of("untyped", "a string"),
        Attribute.of("s", ""),
        Attribute.of("b", false),
        Attribute.of("i", 0L),
        Attribute.of("d", 0.0),
        new Attribute("x", new Value.Bytes(new byte[0])),
        Attribute.of("negative", -5L),
        Attribute.of("other field", false));
  }

  @Test
  void keepsTheLastValueOfARepeatedTagInThePlaceOfTheFirst() throws Exception {
    Span span = only(batch(process(), span(1)
        .message(8, string("a", "1")).message(8, string("b", "2")).message(8, int64("a", 3))));

    assertThat(span.attributes()).containsExactly(
        Attribute.of("a", 3L), Attribute.of("b", "2"));
  }

  @Test
  void takesKindStatusAndDebugFromTagsAndFlagsAsTheThriftDecoderDoes() throws Exception {
    Span span = only(batch(process(), span(1)
        .varint(5, 3)
        .message(8, string("span.kind", "client"))
        .message(8, bool("error", true))
        .message(8, string("otel.status_code", "ERROR"))
        .message(8, string("otel.status_description", "boom"))
        .message(8, string("otel.scope.name", "lib"))
        .message(8, string("w3c.tracestate", "a=1"))));

    assertThat(span.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("boom");
    assertThat(span.scope().name()).isEqualTo("lib");
    assertThat(span.traceState()).isEqualTo("a=1");
    assertThat(span.flags()).isEqualTo(1);
    assertThat(span.attributes()).containsExactly(Attribute.of("jaeger.debug", true));
  }

  @Test
  void namesALogWithoutAnEventFieldLog() throws Exception {
    Span span = only(batch(process(), span(1).message(9, log(START_MICROS, int64("n", 1)))));

    assertThat(span.events()).containsExactly(
        new Event(START_NANOS, "log", List.of(Attribute.of("n", 1L)), 0));
  }

  @Test
  void replacesInvalidUtf8AsJaegerAcceptsIt() throws Exception {
    Span span = only(batch(process(), span(1).bytes(3, new byte[] {'a', (byte) 0xff, 'b'})));

    assertThat(span.name()).isEqualTo("a\uFFFDb");
  }

  @Test
  void skipsUnknownFieldsProcessIdWarningsAndKnownNumbersOfAnotherWireType() throws Exception {
    Message span = span(1)
        .string(11, "p1")
        .string(12, "a warning")
        .varint(99, 5)
        .float64(98, 1.5)
        .raw(0x1b, 0x08, 0x01, 0x1c) // group 3 holding field 1 = 1
        .varint(3, 42) // operation_name as a varint
        .message(8, new Message().string(1, "k").string(3, "v").varint(55, 1));
    Span plain = only(batch(process(), span(1).message(8, string("k", "v"))));

    Span decoded = only(new Message().message(1, span).message(2, process()).varint(7, 1));

    assertThat(decoded).usingRecursiveComparison().isEqualTo(plain);
  }

  @Test
  void mergesARepeatedBatchAndProcessAsProtobufDoes() throws Exception {
    byte[] body = new Message()
        .message(1, batch(process("first", string("a", "1")), span(1)))
        .message(1, batch(process("cart", string("b", "2")), span(2)))
        .toByteArray();

    DecodeResult result = JaegerProtoDecoder.decode(body);

    assertThat(result.spans()).extracting(Span::spanId).containsExactly(1L, 2L);
    assertThat(result.spans().get(0).resource().attributes()).containsExactly(
        Attribute.of("service.name", "cart"), Attribute.of("a", "1"), Attribute.of("b", "2"));
  }

  @Test
  void rejectsSpansWhoseIdsAreZeroOrOfTheWrongLengthAndAcceptsTheOthers() throws Exception {
    DecodeResult result = JaegerProtoDecoder.decode(request(batch(process(),
        span(1),
        span(0, 0, 2, "zero trace"),
        span(TRACE_ID_HIGH, TRACE_ID_LOW, 0, "zero span"),
        new Message().bytes(1, new byte[12]).bytes(2, spanId(4)),
        new Message().bytes(1, traceId(1, 2)).bytes(2, new byte[16]),
        new Message().string(3, "no IDs"))));

    assertThat(result.spans()).extracting(Span::spanId).containsExactly(1L);
    assertThat(result.rejectedCount()).isEqualTo(5);
    assertThat(result.errorMessage().split("; ")).containsExactly(
        "[1] span 0000000000000002 of trace 00000000000000000000000000000000: trace ID is zero",
        "[2] span 0000000000000000 of trace " + TRACE_ID.toHex() + ": span ID is zero",
        "[3] span: trace_id: 12 bytes (expected: 16, or 8 for a 64-bit ID)",
        "[4] span: span_id: 16 bytes (expected: 8)",
        "[5] span 0000000000000000 of trace 00000000000000000000000000000000: trace ID is zero");
  }

  @Test
  void rejectsSpansWhoseTimesDoNotFitInNanosecondsSince1970() throws Exception {
    DecodeResult result = JaegerProtoDecoder.decode(request(batch(process(),
        span(1).message(6, time(-1, 0)),
        span(2).message(6, time(5, 1_000_000_000)),
        span(3).message(6, time(9_223_372_037L, 0)),
        span(4).message(7, time(1, -5)),
        span(5).message(7, time(Long.MAX_VALUE / 2, 0)),
        span(6).message(6, time(0, 5)).message(7, time(0, -6)),
        span(7).message(9, log(START_MICROS)).message(9, new Message().message(1, time(-3, 0))),
        span(8).message(6, time(9_223_372_036L, 854_775_807)).message(7, time(0, 0)))));

    assertThat(result.spans()).extracting(Span::spanId).containsExactly(8L);
    assertThat(result.spans().get(0).startEpochNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(result.rejectedCount()).isEqualTo(7);
    assertThat(result.errorMessage())
        .contains("0000000000000001 of trace " + TRACE_ID.toHex() + ": start_time: -1s 0ns "
            + "(expected: from 1970 to the year 2262, nanos from 0 to 999999999)")
        .contains("0000000000000002 of trace " + TRACE_ID.toHex() + ": start_time: 5s "
            + "1000000000ns")
        .contains("0000000000000003 of trace " + TRACE_ID.toHex() + ": start_time: 9223372037s")
        .contains("0000000000000004 of trace " + TRACE_ID.toHex() + ": duration: 1s -5ns "
            + "(expected: seconds and nanos of one sign, nanos from -999999999 to 999999999)")
        .contains("0000000000000005 of trace " + TRACE_ID.toHex() + ": duration: ")
        .endsWith(" (and 2 more)");
  }

  @Test
  void namesAStartPlusDurationBefore1970AndALogTimestampOutOfRange() throws Exception {
    DecodeResult result = JaegerProtoDecoder.decode(request(batch(process(),
        span(6).message(6, time(0, 5)).message(7, time(0, -6)),
        span(7).message(9, log(START_MICROS)).message(9, new Message().message(1, time(-3, 0))))));

    assertThat(result.rejectedCount()).isEqualTo(2);
    assertThat(result.errorMessage().split("; ")).containsExactly(
        "[0] span 0000000000000006 of trace " + TRACE_ID.toHex()
            + ": start_time + duration: 5 + -6 nanoseconds (expected: from 1970 to the year 2262)",
        "[1] span 0000000000000007 of trace " + TRACE_ID.toHex()
            + ": logs[1].timestamp: -3s 0ns (expected: from 1970 to the year 2262, nanos from 0 "
            + "to 999999999)");
  }

  @Test
  void acceptsAnEmptyRequestAndABatchWithoutSpans() throws Exception {
    DecodeResult empty = JaegerProtoDecoder.decode(new byte[0]);
    DecodeResult noSpans = JaegerProtoDecoder.decode(request(batch(process())));

    assertThat(empty).isEqualTo(new DecodeResult(List.of(), 0, ""));
    assertThat(noSpans).isEqualTo(new DecodeResult(List.of(), 0, ""));
  }

  @Test
  void rejectsGarbageNamingTheFormatAndTheByte() {
    assertThatThrownBy(() -> JaegerProtoDecoder.decode("not protobuf".getBytes(UTF_8)))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Jaeger protobuf: ")
        .hasMessageContaining("(at byte ");
  }

  @Test
  void rejectsEveryTruncationOfARequest() {
    byte[] body = request(batch(process(), serverSpan(), span(2)));

    for (int length = 1; length < body.length; length++) {
      byte[] truncated = Arrays.copyOf(body, length);
      assertThatThrownBy(() -> JaegerProtoDecoder.decode(truncated))
          .as("the first %d of %d bytes", length, body.length)
          .isInstanceOf(MalformedException.class)
          .hasMessageStartingWith("Jaeger protobuf: ");
    }
  }

  @Test
  void rejectsAValueTypeJaegerDoesNotHave() {
    byte[] body = request(batch(process(),
        span(1).message(8, new Message().string(1, "http.status").varint(2, 9))));

    assertThatThrownBy(() -> JaegerProtoDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Jaeger protobuf: v_type 9 of the key-value \"http.status\" "
            + "(expected: STRING, BOOL, INT64, FLOAT64 or BINARY, 0 to 4) (at byte ");
  }

  @Test
  void rejectsAReferenceTypeJaegerDoesNotHave() {
    byte[] body = request(batch(process(), span(1).message(4, ref(2, PARENT_ID))));

    assertThatThrownBy(() -> JaegerProtoDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Jaeger protobuf: ref_type 2 of a span reference "
            + "(expected: CHILD_OF or FOLLOWS_FROM, 0 or 1)");
  }

  @Test
  void rejectsAnEndGroupTagWithoutItsGroup() {
    byte[] body = request(batch(process(), span(1).raw(0x1c)));

    assertThatThrownBy(() -> JaegerProtoDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Jaeger protobuf: ")
        .hasMessageContaining("end-group tag");
  }

  @Test
  void refusesAMessageLengthOfTwoGigabytesWithoutAllocatingForIt() throws Exception {
    byte[] body = new Message().raw(0x0a, 0xfe, 0xff, 0xff, 0xff, 0x07, 0x0a, 0x00).toByteArray();

    assertThat(decodeHostile(body)).hasMessageContaining("too large");
  }

  @Test
  void refusesAStringOrIdLongerThanTheBodyWithoutAllocatingForIt() throws Exception {
    byte[] name = request(batch(process(),
        new Message().raw(0x1a, 0xff, 0xff, 0xff, 0xff, 0x07, 'a')));
    byte[] id = request(batch(process(),
        new Message().raw(0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 'a')));
    byte[] binary = request(batch(process(), span(1).message(8,
        new Message().string(1, "k").varint(2, BINARY).raw(0x3a, 0xff, 0xff, 0xff, 0x7f))));

    assertThat(decodeHostile(name)).hasMessageContaining("truncated");
    assertThat(decodeHostile(id)).hasMessageContaining("truncated");
    assertThat(decodeHostile(binary)).hasMessageContaining("truncated");
  }

  @Test
  void refusesANegativeLength() {
    byte[] body = request(batch(process(),
        new Message().raw(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f)));

    assertThatThrownBy(() -> JaegerProtoDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("negative size");
  }

  @Test
  void refusesUnknownGroupsNestedAHundredThousandDeepWithoutOverflowingTheStack()
      throws Exception {
    byte[] open = new byte[100_000];
    Arrays.fill(open, (byte) 0x1b); // start of group 3, unknown in a Span
    byte[] body = request(batch(process(), span(1).raw(open)));

    assertThat(decodeHostile(body)).hasMessageStartingWith("Jaeger protobuf: ");
  }

  @Test
  void answersEveryCorruptionOfARequestWithSpansOrMalformedException() {
    byte[] body = request(batch(process(), serverSpan(), span(2)));
    Random random = new Random(14250);

    for (int i = 0; i < 3_000; i++) {
      byte[] corrupt = body.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
      }
      try {
        JaegerProtoDecoder.decode(corrupt);
      } catch (MalformedException expected) {
        // the other allowed answer
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        throw new AssertionError("corruption " + i + ": " + Arrays.toString(corrupt), e);
      }
    }
  }

  @Test
  void answersRandomBytesWithSpansOrMalformedException() {
    Random random = new Random(14251);

    for (int i = 0; i < 3_000; i++) {
      byte[] garbage = new byte[1 + random.nextInt(64)];
      random.nextBytes(garbage);
      try {
        JaegerProtoDecoder.decode(garbage);
      } catch (MalformedException expected) {
        // the other allowed answer
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("garbage " + Arrays.toString(garbage), e);
      }
    }
  }

  private static Span only(Message batch) throws Exception {
    DecodeResult result = JaegerProtoDecoder.decode(request(batch));
    assertThat(result.rejectedCount()).as(result.errorMessage()).isZero();
    assertThat(result.spans()).hasSize(1);
    return result.spans().get(0);
  }

  private static Link link(long spanId, String type, boolean followsFrom) {
    return new Link(TRACE_ID, spanId, "",
        List.of(Attribute.of("opentracing.ref_type", type)), 0, followsFrom);
  }

  /** Decodes a body that must be refused, checking that refusing it allocated little. */
  private static MalformedException decodeHostile(byte[] body) throws Exception {
    JaegerProtoDecoder.decode(request(batch(process(), serverSpan()))); // loads the classes
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    try {
      JaegerProtoDecoder.decode(body);
    } catch (MalformedException e) {
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertThat(allocated).as("bytes allocated").isLessThan(MAX_ALLOCATED_BYTES);
      return e;
    }
    return fail("expected a MalformedException");
  }
}
