package dev.ariadne.model.jaeger;

import static dev.ariadne.model.jaeger.JaegerFixtures.CAUSE_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.PARENT_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.SPAN_ID;
import static dev.ariadne.model.jaeger.JaegerFixtures.START_MICROS;
import static dev.ariadne.model.jaeger.JaegerFixtures.TRACE_ID_HIGH;
import static dev.ariadne.model.jaeger.JaegerFixtures.TRACE_ID_LOW;
import static dev.ariadne.model.jaeger.JaegerFixtures.batch;
import static dev.ariadne.model.jaeger.JaegerFixtures.emitBatch;
import static dev.ariadne.model.jaeger.JaegerFixtures.process;
import static dev.ariadne.model.jaeger.JaegerFixtures.serialize;
import static dev.ariadne.model.jaeger.JaegerFixtures.serverSpan;
import static dev.ariadne.model.jaeger.JaegerFixtures.span;
import static dev.ariadne.model.jaeger.JaegerFixtures.string;
import static dev.ariadne.model.jaeger.JaegerFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.Link;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Log;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.SpanRef;
import io.jaegertracing.thriftjava.SpanRefType;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class JaegerThriftDecoderTest {
  /** What decoding a hostile body of a few bytes may allocate, far below what its lengths claim. */
  private static final long MAX_ALLOCATED_BYTES = 1 << 20;

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void decodesEveryFieldOfAServerSpan(JaegerThriftDecoder decoder) throws Exception {
    DecodeResult result = decoder.decode(serialize(decoder, batch(serverSpan())));

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEmpty();
    assertThat(result.spans()).singleElement()
        .usingRecursiveComparison()
        .isEqualTo(JaegerFixtures.decodedServerSpan());
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void decodesTheSameSpanFromAnEmitBatchMessage(JaegerThriftDecoder decoder) throws Exception {
    DecodeResult result = decoder.decodeEmitBatch(emitBatch(decoder, batch(serverSpan())));

    assertThat(result.spans()).singleElement()
        .usingRecursiveComparison()
        .isEqualTo(JaegerFixtures.decodedServerSpan());
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void sharesOneResourceAmongTheSpansOfABatch(JaegerThriftDecoder decoder) throws Exception {
    List<Span> spans = decoder.decode(serialize(decoder, batch(span(1), span(2)))).spans();

    assertThat(spans).extracting(Span::spanId).containsExactly(1L, 2L);
    assertThat(spans.get(0).resource()).isSameAs(spans.get(1).resource());
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void keepsA128BitTraceId(JaegerThriftDecoder decoder) throws Exception {
    assertThat(only(decoder, span(1)).traceId())
        .isEqualTo(new TraceId(TRACE_ID_HIGH, TRACE_ID_LOW));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void leftPadsA64BitTraceId(JaegerThriftDecoder decoder) throws Exception {
    TraceId traceId = only(decoder, span(1).setTraceIdHigh(0)).traceId();

    assertThat(traceId).isEqualTo(new TraceId(0, TRACE_ID_LOW));
    assertThat(traceId.toHex()).isEqualTo("000000000000000048485a3953bb6124");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void keepsIdsWithTheHighBitSet(JaegerThriftDecoder decoder) throws Exception {
    Span span = only(decoder, span(-2).setTraceIdHigh(-1).setTraceIdLow(Long.MIN_VALUE));

    assertThat(span.traceId().toHex()).isEqualTo("ffffffffffffffff8000000000000000");
    assertThat(span.spanId()).isEqualTo(-2L);
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void takesTheParentFromTheFirstChildOfReferenceWhenParentSpanIdIsZero(
      JaegerThriftDecoder decoder) throws Exception {
    Span span = only(decoder, span(1).setReferences(references(
        ref(SpanRefType.FOLLOWS_FROM, CAUSE_ID),
        ref(SpanRefType.CHILD_OF, PARENT_ID),
        ref(SpanRefType.CHILD_OF, 77))));

    assertThat(span.parentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.links()).containsExactly(
        link(CAUSE_ID, "follows_from", true), link(77, "child_of", false));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void makesAFollowsFromTheParentAndAFollowsFromLinkWhenThereIsNoChildOf(
      JaegerThriftDecoder decoder) throws Exception {
    Span span = only(decoder, span(1).setReferences(references(
        ref(SpanRefType.FOLLOWS_FROM, CAUSE_ID), ref(SpanRefType.FOLLOWS_FROM, 77))));

    assertThat(span.parentSpanId()).isEqualTo(CAUSE_ID);
    assertThat(span.links()).containsExactly(
        link(CAUSE_ID, "follows_from", true), link(77, "follows_from", true));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void keepsAFollowsFromThatNamesTheParentSpanIdAsALink(JaegerThriftDecoder decoder)
      throws Exception {
    // jaeger-client writes a span started with only a FOLLOWS_FROM reference this way.
    Span span = only(decoder, span(1).setParentSpanId(CAUSE_ID)
        .setReferences(references(ref(SpanRefType.FOLLOWS_FROM, CAUSE_ID))));

    assertThat(span.parentSpanId()).isEqualTo(CAUSE_ID);
    assertThat(span.links()).containsExactly(link(CAUSE_ID, "follows_from", true));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void prefersParentSpanIdToReferencesAndKeepsTheOtherChildOfAsALink(JaegerThriftDecoder decoder)
      throws Exception {
    Span span = only(decoder, span(1).setParentSpanId(PARENT_ID)
        .setReferences(references(ref(SpanRefType.CHILD_OF, 77))));

    assertThat(span.parentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.links()).containsExactly(link(77, "child_of", false));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void takesNoParentFromAReferenceToAnotherTrace(JaegerThriftDecoder decoder) throws Exception {
    SpanRef elsewhere = new SpanRef(SpanRefType.CHILD_OF, 5, 6, PARENT_ID);

    Span span = only(decoder, span(1).setReferences(references(elsewhere)));

    assertThat(span.parentSpanId()).isZero();
    assertThat(span.links()).containsExactly(new Link(new TraceId(6, 5), PARENT_ID, "",
        List.of(Attribute.of("opentracing.ref_type", "child_of")), 0, false));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void dropsReferencesWithAZeroIdCountingThemAndWarning(JaegerThriftDecoder decoder)
      throws Exception {
    DecodeResult result = decoder.decode(serialize(decoder, batch(span(1).setReferences(references(
        ref(SpanRefType.CHILD_OF, 0),
        new SpanRef(SpanRefType.FOLLOWS_FROM, 0, 0, CAUSE_ID),
        ref(SpanRefType.FOLLOWS_FROM, 77))))));

    Span span = result.spans().get(0);
    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEqualTo(
        "[0] span 0000000000000001 of trace 463ac35c9f6413ad48485a3953bb6124:"
            + " 2 references with a zero ID dropped");
    assertThat(span.parentSpanId()).isEqualTo(77);
    assertThat(span.links()).containsExactly(link(77, "follows_from", true));
    assertThat(span.droppedLinksCount()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void readsAnUnsetTagValueAsTheZeroOfItsType(JaegerThriftDecoder decoder) throws Exception {
    Span span = only(decoder, span(1).setTags(tags(
        new Tag("s", TagType.STRING), new Tag("d", TagType.DOUBLE), new Tag("b", TagType.BOOL),
        new Tag("l", TagType.LONG), new Tag("x", TagType.BINARY))));

    assertThat(span.attributes()).containsExactly(
        Attribute.of("s", ""), Attribute.of("d", 0.0), Attribute.of("b", false),
        Attribute.of("l", 0L), new Attribute("x", new Value.Bytes(new byte[0])));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void keepsTheLastValueOfARepeatedTagInThePlaceOfTheFirst(JaegerThriftDecoder decoder)
      throws Exception {
    Span span = only(decoder, span(1).setTags(tags(
        string("a", "first"), string("b", "b"), new Tag("a", TagType.LONG).setVLong(2))));

    assertThat(span.attributes()).containsExactly(Attribute.of("a", 2L), Attribute.of("b", "b"));
  }

  @ParameterizedTest
  @CsvSource({"client, CLIENT", "server, SERVER", "producer, PRODUCER", "consumer, CONSUMER",
      "internal, INTERNAL"})
  void takesTheKindFromTheSpanKindTag(String tag, SpanKind kind) throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(string("span.kind", tag))));

    assertThat(span.kind()).isEqualTo(kind);
    assertThat(span.attributes()).isEmpty();
  }

  @Test
  void makesASpanWithoutSpanKindInternal() throws Exception {
    assertThat(only(JaegerThriftDecoder.BINARY, span(1)).kind()).isEqualTo(SpanKind.INTERNAL);
  }

  @Test
  void keepsAnUnknownSpanKindAsAnAttribute() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        string("span.kind", "rpc"))));

    assertThat(span.kind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(span.attributes()).containsExactly(Attribute.of("span.kind", "rpc"));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void makesErrorTrueAnErrorStatusAndDropsTheTag(JaegerThriftDecoder decoder) throws Exception {
    Span fromBool = only(decoder, span(1).setTags(tags(
        new Tag("error", TagType.BOOL).setVBool(true), string("http.method", "GET"))));
    Span fromString = only(decoder, span(1).setTags(tags(string("error", "true"))));

    assertThat(fromBool.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(fromBool.statusMessage()).isEmpty();
    assertThat(fromBool.attributes()).containsExactly(Attribute.of("http.method", "GET"));
    assertThat(fromString.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(fromString.attributes()).isEmpty();
  }

  @Test
  void keepsErrorFalseAsAnAttributeWithoutAStatus() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        new Tag("error", TagType.BOOL).setVBool(false))));

    assertThat(span.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.attributes()).containsExactly(Attribute.of("error", false));
  }

  @Test
  void takesAnErrorStatusAndItsMessageFromOtelStatusTags() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        new Tag("error", TagType.BOOL).setVBool(true),
        string("otel.status_code", "ERROR"),
        string("otel.status_description", "connection refused"))));

    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("connection refused");
    assertThat(span.attributes()).isEmpty();
  }

  @Test
  void takesAnOkStatusFromOtelStatusCode() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        string("otel.status_code", "OK"))));

    assertThat(span.statusCode()).isEqualTo(StatusCode.OK);
    assertThat(span.statusMessage()).isEmpty();
    assertThat(span.attributes()).isEmpty();
  }

  @Test
  void letsErrorTrueWinOverAnOkOtelStatus() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        string("otel.status_code", "OK"), new Tag("error", TagType.BOOL).setVBool(true))));

    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.attributes()).isEmpty();
  }

  @Test
  void keepsAnUnknownOtelStatusCodeAsAnAttribute() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        string("otel.status_code", "UNSET"))));

    assertThat(span.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.attributes()).containsExactly(Attribute.of("otel.status_code", "UNSET"));
  }

  @Test
  void takesTheScopeFromOtelScopeTags() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        string("otel.scope.name", "io.opentelemetry.okhttp"),
        string("otel.scope.version", "1.2.3"))));

    assertThat(span.scope()).isEqualTo(new Scope("io.opentelemetry.okhttp", "1.2.3", List.of()));
    assertThat(span.attributes()).isEmpty();
  }

  @Test
  void takesTheScopeFromTheOlderOtelLibraryTags() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        string("otel.library.name", "io.opentelemetry.jdbc"))));

    assertThat(span.scope()).isEqualTo(new Scope("io.opentelemetry.jdbc", "", List.of()));
    assertThat(span.attributes()).isEmpty();
  }

  @Test
  void takesTheTraceStateFromTheW3cTracestateTag() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setTags(tags(
        string("w3c.tracestate", "vendor=opaque"))));

    assertThat(span.traceState()).isEqualTo("vendor=opaque");
    assertThat(span.attributes()).isEmpty();
  }

  @Test
  void keepsAnEventFieldThatIsNotAStringAsAnAttribute() throws Exception {
    Tag event = new Tag("event", TagType.LONG).setVLong(3);
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setLogs(new ArrayList<>(List.of(
        new Log(START_MICROS, tags(event))))));

    assertThat(span.events()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("log");
      assertThat(e.attributes()).containsExactly(Attribute.of("event", 3L));
    });
  }

  @Test
  void keepsTheSampledFlagAndMarksADebugSpan() throws Exception {
    Span debug = only(JaegerThriftDecoder.BINARY, span(1).setFlags(0x1 | 0x2 | 0x8));
    Span unsampled = only(JaegerThriftDecoder.BINARY, span(1).setFlags(0));

    assertThat(debug.flags()).isEqualTo(1);
    assertThat(debug.attributes()).containsExactly(Attribute.of("jaeger.debug", true));
    assertThat(unsampled.flags()).isZero();
    assertThat(unsampled.attributes()).isEmpty();
  }

  @Test
  void letsTheProcessNameWinOverAServiceNameProcessTag() throws Exception {
    Batch batch = batch(span(1)).setProcess(
        new Process("cart").setTags(tags(string("service.name", "other"), string("k", "v"))));

    Resource resource = JaegerThriftDecoder.BINARY
        .decode(serialize(JaegerThriftDecoder.BINARY, batch)).spans().get(0).resource();

    assertThat(resource).isEqualTo(new Resource("cart",
        List.of(Attribute.of("service.name", "cart"), Attribute.of("k", "v")), 0));
  }

  @Test
  void namesAProcessWithoutANameUnknownService() throws Exception {
    Batch batch = batch(span(1)).setProcess(new Process(""));

    Resource resource = JaegerThriftDecoder.BINARY
        .decode(serialize(JaegerThriftDecoder.BINARY, batch)).spans().get(0).resource();

    assertThat(resource).isEqualTo(new Resource("unknown_service",
        List.of(Attribute.of("service.name", "unknown_service")), 0));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsSpansWithZeroIdsAndAcceptsTheOthers(JaegerThriftDecoder decoder) throws Exception {
    Batch batch = batch(span(0), span(1), span(2).setTraceIdHigh(0).setTraceIdLow(0));

    DecodeResult result = decoder.decode(serialize(decoder, batch));

    assertThat(result.spans()).extracting(Span::spanId).containsExactly(1L);
    assertThat(result.rejectedCount()).isEqualTo(2);
    assertThat(result.errorMessage()).isEqualTo(
        "[0] span 0000000000000000 of trace 463ac35c9f6413ad48485a3953bb6124: span ID is zero; "
            + "[2] span 0000000000000002 of trace 00000000000000000000000000000000:"
            + " trace ID is zero");
  }

  @Test
  void rejectsSpansWhoseTimesDoNotFitInNanoseconds() throws Exception {
    long max = Long.MAX_VALUE / 1000;
    Batch batch = batch(
        span(1).setStartTime(-1),
        span(2).setStartTime(max + 1),
        span(3).setStartTime(max).setDuration(1),
        span(4).setDuration(-START_MICROS - 1),
        span(5).setLogs(new ArrayList<>(List.of(new Log(-5, new ArrayList<>())))),
        span(6).setStartTime(max).setDuration(0));

    DecodeResult result = JaegerThriftDecoder.BINARY
        .decode(serialize(JaegerThriftDecoder.BINARY, batch));

    assertThat(result.spans()).extracting(Span::spanId).containsExactly(6L);
    assertThat(result.spans().get(0).endEpochNanos()).isEqualTo(max * 1000);
    assertThat(result.rejectedCount()).isEqualTo(5);
    assertThat(result.errorMessage())
        .contains("[0] span 0000000000000001", "startTime: -1 (expected: 0 to " + max)
        .contains("[2] span 0000000000000003", "startTime + duration: " + max + " + 1")
        .contains("[4] span 0000000000000005", "log timestamp: -5");
  }

  @Test
  void keepsANegativeDurationAsAnEndBeforeTheStart() throws Exception {
    Span span = only(JaegerThriftDecoder.BINARY, span(1).setDuration(-10));

    assertThat(span.durationNanos()).isEqualTo(-10_000);
  }

  @Test
  void quotesTheFirstFiveRejectionsAndCountsTheRest() throws Exception {
    io.jaegertracing.thriftjava.Span[] spans = new io.jaegertracing.thriftjava.Span[8];
    Arrays.setAll(spans, i -> span(0));

    DecodeResult result = JaegerThriftDecoder.COMPACT
        .decode(serialize(JaegerThriftDecoder.COMPACT, batch(spans)));

    assertThat(result.rejectedCount()).isEqualTo(8);
    assertThat(result.errorMessage().split("; ")).hasSize(5);
    assertThat(result.errorMessage()).startsWith("[0] ").endsWith(" (and 3 more)");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void acceptsABatchWithoutSpans(JaegerThriftDecoder decoder) throws Exception {
    DecodeResult result = decoder.decode(serialize(decoder, batch()));

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsAnEmptyBodyNamingTheProtocol(JaegerThriftDecoder decoder) {
    String protocol = decoder == JaegerThriftDecoder.BINARY ? "binary" : "compact";

    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Jaeger Thrift " + protocol + ": ");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsEveryTruncationOfABody(JaegerThriftDecoder decoder) throws Exception {
    byte[] body = serialize(decoder, batch(serverSpan()));

    for (int length = 0; length < body.length; length++) {
      byte[] truncated = Arrays.copyOf(body, length);
      assertThatThrownBy(() -> decoder.decode(truncated))
          .as("the first %d of %d bytes", length, body.length)
          .isInstanceOf(MalformedException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsBytesAfterTheBatch(JaegerThriftDecoder decoder) throws Exception {
    byte[] body = serialize(decoder, batch(span(1)));
    byte[] longer = Arrays.copyOf(body, body.length + 3);

    assertThatThrownBy(() -> decoder.decode(longer))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("3 bytes after the end of the batch");
  }

  @Test
  void rejectsABodyInTheOtherProtocol() throws Exception {
    byte[] binary = serialize(JaegerThriftDecoder.BINARY, batch(serverSpan()));
    byte[] compact = serialize(JaegerThriftDecoder.COMPACT, batch(serverSpan()));

    assertThatThrownBy(() -> JaegerThriftDecoder.COMPACT.decode(binary))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Jaeger Thrift compact: ");
    assertThatThrownBy(() -> JaegerThriftDecoder.BINARY.decode(compact))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Jaeger Thrift binary: ");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsABatchWithoutItsRequiredSpans(JaegerThriftDecoder decoder) throws Exception {
    byte[] body = write(decoder, protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
      process().write(protocol);
      protocol.writeFieldEnd();
      protocol.writeFieldStop();
      protocol.writeStructEnd();
    });

    assertThatThrownBy(() -> decoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("Required field 'spans'");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsATagOfAnUnknownType(JaegerThriftDecoder decoder) throws Exception {
    byte[] body = write(decoder, protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
      protocol.writeStructBegin(new TStruct("Process"));
      protocol.writeFieldBegin(new TField("serviceName", TType.STRING, (short) 1));
      protocol.writeString("cart");
      protocol.writeFieldEnd();
      protocol.writeFieldBegin(new TField("tags", TType.LIST, (short) 2));
      protocol.writeListBegin(new TList(TType.STRUCT, 1));
      protocol.writeStructBegin(new TStruct("Tag"));
      protocol.writeFieldBegin(new TField("key", TType.STRING, (short) 1));
      protocol.writeString("k");
      protocol.writeFieldEnd();
      protocol.writeFieldBegin(new TField("vType", TType.I32, (short) 2));
      protocol.writeI32(9);
      protocol.writeFieldEnd();
      protocol.writeFieldStop();
      protocol.writeStructEnd();
      protocol.writeListEnd();
      protocol.writeFieldEnd();
      protocol.writeFieldStop();
      protocol.writeStructEnd();
      protocol.writeFieldEnd();
      protocol.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
      protocol.writeListBegin(new TList(TType.STRUCT, 0));
      protocol.writeListEnd();
      protocol.writeFieldEnd();
      protocol.writeFieldStop();
      protocol.writeStructEnd();
    });

    assertThatThrownBy(() -> decoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("Required field 'vType'");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void skipsFieldsThisIdlDoesNotKnow(JaegerThriftDecoder decoder) throws Exception {
    byte[] body = write(decoder, protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("seqNo", TType.I64, (short) 3));
      protocol.writeI64(42);
      protocol.writeFieldEnd();
      batchFields(protocol, batch(span(1)));
    });

    assertThat(decoder.decode(body).spans()).extracting(Span::spanId).containsExactly(1L);
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsAMessageOtherThanEmitBatch(JaegerThriftDecoder decoder) throws Exception {
    byte[] message = write(decoder, protocol -> {
      protocol.writeMessageBegin(new TMessage("emitZipkinBatch", TMessageType.ONEWAY, 1));
      protocol.writeStructBegin(new TStruct("args"));
      protocol.writeFieldStop();
      protocol.writeStructEnd();
      protocol.writeMessageEnd();
    });

    assertThatThrownBy(() -> decoder.decodeEmitBatch(message))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining(
            "message \"emitZipkinBatch\" of type 4 (expected: a call of emitBatch)");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsAnEmitBatchWithoutABatch(JaegerThriftDecoder decoder) throws Exception {
    byte[] message = write(decoder, protocol -> {
      protocol.writeMessageBegin(new TMessage("emitBatch", TMessageType.ONEWAY, 1));
      protocol.writeStructBegin(new TStruct("args"));
      protocol.writeFieldStop();
      protocol.writeStructEnd();
      protocol.writeMessageEnd();
    });

    assertThatThrownBy(() -> decoder.decodeEmitBatch(message))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("emitBatch without a batch");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void rejectsABareBatchWhereAnEmitBatchMessageIsExpected(JaegerThriftDecoder decoder)
      throws Exception {
    byte[] body = serialize(decoder, batch(serverSpan()));

    assertThatThrownBy(() -> decoder.decodeEmitBatch(body))
        .isInstanceOf(MalformedException.class);
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  @Timeout(5)
  void refusesAListOfTwoBillionSpansWithoutAllocatingForIt(JaegerThriftDecoder decoder)
      throws Exception {
    byte[] body = write(decoder, protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
      process().write(protocol);
      protocol.writeFieldEnd();
      protocol.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
      protocol.writeListBegin(new TList(TType.STRUCT, Integer.MAX_VALUE));
      span(1).write(protocol);
    });

    assertThat(decodeHostile(decoder, body))
        .hasMessageContaining("list of " + Integer.MAX_VALUE + " elements");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  @Timeout(5)
  void refusesAHugeTagListInsideASpanWithoutAllocatingForIt(JaegerThriftDecoder decoder)
      throws Exception {
    byte[] body = write(decoder, protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
      process().write(protocol);
      protocol.writeFieldEnd();
      protocol.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
      protocol.writeListBegin(new TList(TType.STRUCT, 1));
      protocol.writeStructBegin(new TStruct("Span"));
      protocol.writeFieldBegin(new TField("tags", TType.LIST, (short) 10));
      protocol.writeListBegin(new TList(TType.STRUCT, 1 << 30));
    });

    assertThat(decodeHostile(decoder, body)).hasMessageContaining("list of " + (1 << 30));
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  @Timeout(5)
  void refusesAHugeMapInAnUnknownFieldWithoutAllocatingForIt(JaegerThriftDecoder decoder)
      throws Exception {
    byte[] body = write(decoder, protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("future", TType.MAP, (short) 99));
      protocol.writeMapBegin(new TMap(TType.I64, TType.STRUCT, Integer.MAX_VALUE));
      protocol.writeI64(1);
    });

    decodeHostile(decoder, body);
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  @Timeout(5)
  void refusesAStringLongerThanTheBodyWithoutAllocatingForIt(JaegerThriftDecoder decoder)
      throws Exception {
    byte[] body = write(decoder, protocol -> {
      protocol.writeStructBegin(new TStruct("Batch"));
      protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
      protocol.writeStructBegin(new TStruct("Process"));
      protocol.writeFieldBegin(new TField("serviceName", TType.STRING, (short) 1));
      byte[] length = decoder == JaegerThriftDecoder.BINARY
          ? new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xfe} // big-endian i32
          : new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}; // varint
      protocol.getTransport().write(length);
      protocol.getTransport().write(new byte[] {'c', 'a', 'r', 't'});
    });

    decodeHostile(decoder, body);
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  @Timeout(5)
  void refusesUnknownStructsNestedAHundredThousandDeepWithoutOverflowingTheStack(
      JaegerThriftDecoder decoder) throws Exception {
    byte[] body = write(decoder, protocol -> {
      for (int i = 0; i < 100_000; i++) {
        protocol.writeStructBegin(new TStruct("Deep"));
        protocol.writeFieldBegin(new TField("deeper", TType.STRUCT, (short) 99));
      }
    });

    assertThat(decodeHostile(decoder, body))
        .hasMessageContaining("nested deeper than " + BoundedProtocol.MAX_DEPTH + " levels");
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void answersEveryCorruptionOfABodyWithSpansOrMalformedException(JaegerThriftDecoder decoder)
      throws Exception {
    byte[] body = serialize(decoder, batch(serverSpan(), span(2)));
    Random random = new Random(6831);

    for (int i = 0; i < 3_000; i++) {
      byte[] corrupt = body.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
      }
      try {
        decoder.decode(corrupt);
      } catch (MalformedException expected) {
        // the other allowed answer
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        throw new AssertionError("corruption " + i + ": " + Arrays.toString(corrupt), e);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(JaegerThriftDecoder.class)
  void answersRandomBytesWithMalformedException(JaegerThriftDecoder decoder) {
    Random random = new Random(6832);

    for (int i = 0; i < 3_000; i++) {
      byte[] garbage = new byte[1 + random.nextInt(64)];
      random.nextBytes(garbage);
      assertThatThrownBy(() -> decoder.decode(garbage))
          .as("garbage %s", Arrays.toString(garbage))
          .isInstanceOf(MalformedException.class);
    }
  }

  private static Span only(JaegerThriftDecoder decoder, io.jaegertracing.thriftjava.Span span)
      throws Exception {
    DecodeResult result = decoder.decode(serialize(decoder, batch(span)));
    assertThat(result.rejectedCount()).as(result.errorMessage()).isZero();
    return result.spans().get(0);
  }

  private static SpanRef ref(SpanRefType type, long spanId) {
    return new SpanRef(type, TRACE_ID_LOW, TRACE_ID_HIGH, spanId);
  }

  private static List<SpanRef> references(SpanRef... references) {
    return new ArrayList<>(Arrays.asList(references));
  }

  private static List<Tag> tags(Tag... tags) {
    return new ArrayList<>(Arrays.asList(tags));
  }

  private static Link link(long spanId, String type, boolean followsFrom) {
    return new Link(new TraceId(TRACE_ID_HIGH, TRACE_ID_LOW), spanId, "",
        List.of(Attribute.of("opentracing.ref_type", type)), 0, followsFrom);
  }

  /** Writes a batch's fields and the end of its struct, after fields written by hand. */
  private static void batchFields(TProtocol protocol, Batch batch) throws TException {
    protocol.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
    batch.process.write(protocol);
    protocol.writeFieldEnd();
    protocol.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
    protocol.writeListBegin(new TList(TType.STRUCT, batch.spans.size()));
    for (io.jaegertracing.thriftjava.Span span : batch.spans) {
      span.write(protocol);
    }
    protocol.writeListEnd();
    protocol.writeFieldEnd();
    protocol.writeFieldStop();
    protocol.writeStructEnd();
  }

  /** Decodes a body that must be refused, checking that refusing it allocated little. */
  private static MalformedException decodeHostile(JaegerThriftDecoder decoder, byte[] body)
      throws Exception {
    decoder.decode(serialize(decoder, batch(serverSpan()))); // loads the classes first
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    try {
      decoder.decode(body);
    } catch (MalformedException e) {
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertThat(allocated).as("bytes allocated").isLessThan(MAX_ALLOCATED_BYTES);
      return e;
    }
    return fail("expected a MalformedException");
  }
}
