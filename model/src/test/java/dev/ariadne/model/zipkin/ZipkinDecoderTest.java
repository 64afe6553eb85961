package dev.ariadne.model.zipkin;

import static dev.ariadne.model.zipkin.Fixtures.CLIENT_SPAN;
import static dev.ariadne.model.zipkin.Fixtures.START_MICROS;
import static dev.ariadne.model.zipkin.Fixtures.TRACE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.internal.Problems;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

class ZipkinDecoderTest {

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void decodesEveryFieldOfAClientSpan(ZipkinDecoder decoder) throws Exception {
    DecodeResult result = decode(decoder, CLIENT_SPAN);

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEmpty();
    assertThat(result.spans()).singleElement()
        .usingRecursiveComparison()
        .isEqualTo(Fixtures.clientSpan());
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void keepsA128BitTraceId(ZipkinDecoder decoder) throws Exception {
    assertThat(only(decoder, CLIENT_SPAN).traceId())
        .isEqualTo(new TraceId(0x463ac35c9f6413adL, 0x48485a3953bb6124L));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void leftPadsA64BitTraceId(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span span = CLIENT_SPAN.toBuilder().traceId("48485a3953bb6124").build();

    TraceId traceId = only(decoder, span).traceId();

    assertThat(traceId).isEqualTo(new TraceId(0, 0x48485a3953bb6124L));
    assertThat(traceId.toHex()).isEqualTo("000000000000000048485a3953bb6124");
  }

  @Test
  void leftPadsShortHexIdsInJson() throws Exception {
    Span span = onlyJson("[{\"traceId\":\"abc\",\"id\":\"d\",\"parentId\":\"e\",\"timestamp\":1}]");

    assertThat(span.traceId()).isEqualTo(new TraceId(0, 0xabc));
    assertThat(span.spanId()).isEqualTo(0xd);
    assertThat(span.parentSpanId()).isEqualTo(0xe);
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aRootSpanHasNoParent(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span root = CLIENT_SPAN.toBuilder().parentId(0L).build();

    assertThat(only(decoder, root).parentSpanId()).isZero();
  }

  @ParameterizedTest
  @EnumSource(zipkin2.Span.Kind.class)
  void eachZipkinKindBecomesTheSameKind(zipkin2.Span.Kind kind) throws Exception {
    zipkin2.Span span = CLIENT_SPAN.toBuilder().kind(kind).build();

    assertThat(only(ZipkinDecoder.JSON_V2, span).kind()).isEqualTo(SpanKind.valueOf(kind.name()));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aSpanWithoutKindIsInternal(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span local = CLIENT_SPAN.toBuilder().kind(null).build();

    assertThat(only(decoder, local).kind()).isEqualTo(SpanKind.INTERNAL);
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aSpanWithoutLocalEndpointHasTheUnknownService(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span span = CLIENT_SPAN.toBuilder().localEndpoint(null).build();

    assertThat(only(decoder, span).resource()).isEqualTo(new Resource(
        Resource.UNKNOWN_SERVICE, List.of(Attribute.of("service.name", "unknown_service")), 0));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aLocalEndpointWithOnlyAnIpv6AddressGivesAOneElementHostIp(ZipkinDecoder decoder)
      throws Exception {
    zipkin2.Span span = CLIENT_SPAN.toBuilder()
        .localEndpoint(Endpoint.newBuilder().serviceName("frontend").ip("2001:db8::1").build())
        .build();

    assertThat(only(decoder, span).resource().attributes()).containsExactly(
        Attribute.of("service.name", "frontend"),
        new Attribute("host.ip", new dev.ariadne.model.Value.Array(
            List.of(dev.ariadne.model.Value.of("2001:db8::1")))));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aRemoteIpv6AddressIsThePeerAddressWhenThereIsNoIpv4(ZipkinDecoder decoder)
      throws Exception {
    zipkin2.Span span = CLIENT_SPAN.toBuilder()
        .remoteEndpoint(Endpoint.newBuilder().ip("2001:db8::2").build())
        .build();

    assertThat(only(decoder, span).attributes())
        .contains(Attribute.of("network.peer.address", "2001:db8::2"))
        .extracting(Attribute::key)
        .doesNotContain("peer.service", "network.peer.port");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aRemoteIpv6AddressIsDroppedWhenThereIsAnIpv4(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span span = CLIENT_SPAN.toBuilder()
        .remoteEndpoint(Endpoint.newBuilder().ip("10.0.0.2").ip("2001:db8::2").build())
        .build();

    List<Attribute> attributes = only(decoder, span).attributes();

    assertThat(attributes).contains(Attribute.of("network.peer.address", "10.0.0.2"));
    assertThat(attributes.toString()).doesNotContain("2001:db8::2");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void theRemoteEndpointWinsOverTagsOfTheSameName(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span span = CLIENT_SPAN.toBuilder().putTag("peer.service", "from-a-tag").build();

    assertThat(only(decoder, span).attributes())
        .filteredOn(attribute -> attribute.key().equals("peer.service"))
        .containsExactly(Attribute.of("peer.service", "backend"));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void theErrorTagBecomesTheErrorStatusWithItsValueAsMessage(ZipkinDecoder decoder)
      throws Exception {
    zipkin2.Span failed = CLIENT_SPAN.toBuilder().putTag("error", "connection refused").build();

    Span span = only(decoder, failed);

    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("connection refused");
    assertThat(span.attributes()).extracting(Attribute::key).doesNotContain("error");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", ""})
  void anErrorTagThatIsOnlyAFlagGivesAnErrorWithoutMessage(String value) throws Exception {
    Span span = onlyJson(CLIENT_SPAN.toBuilder().putTag("error", value).build());

    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEmpty();
  }

  @Test
  void anErrorTagOfFalseStillMeansAnErrorAsInZipkin() throws Exception {
    Span span = onlyJson(CLIENT_SPAN.toBuilder().putTag("error", "false").build());

    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("false");
  }

  @Test
  void aSpanWithoutErrorTagHasAnUnsetStatus() throws Exception {
    Span span = onlyJson(CLIENT_SPAN);

    assertThat(span.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.statusMessage()).isEmpty();
  }

  @Test
  void theOtelStatusCodeOkTagBecomesTheOkStatus() throws Exception {
    Span span = onlyJson(CLIENT_SPAN.toBuilder().putTag("otel.status_code", "OK").build());

    assertThat(span.statusCode()).isEqualTo(StatusCode.OK);
    assertThat(span.attributes()).extracting(Attribute::key).doesNotContain("otel.status_code");
  }

  @Test
  void theOtelStatusCodeErrorTagTakesItsMessageFromTheDescription() throws Exception {
    Span span = onlyJson(CLIENT_SPAN.toBuilder()
        .putTag("otel.status_code", "ERROR")
        .putTag("otel.status_description", "deadline exceeded")
        .putTag("error", "")
        .build());

    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("deadline exceeded");
    assertThat(span.attributes()).extracting(Attribute::key)
        .doesNotContain("otel.status_code", "otel.status_description", "error");
  }

  @Test
  void anUnknownOtelStatusCodeStaysATag() throws Exception {
    Span span = onlyJson(CLIENT_SPAN.toBuilder().putTag("otel.status_code", "MAYBE").build());

    assertThat(span.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.attributes()).contains(Attribute.of("otel.status_code", "MAYBE"));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void theOtelScopeTagsBecomeTheScope(ZipkinDecoder decoder) throws Exception {
    Span span = only(decoder, CLIENT_SPAN.toBuilder()
        .putTag("otel.scope.name", "io.opentelemetry.okhttp")
        .putTag("otel.scope.version", "1.2.3")
        .build());

    assertThat(span.scope()).isEqualTo(new Scope("io.opentelemetry.okhttp", "1.2.3", List.of()));
    assertThat(span.attributes()).extracting(Attribute::key).doesNotContain("otel.scope.name");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void theSharedFlagOfAServerSpanBecomesAnAttribute(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span server = CLIENT_SPAN.toBuilder()
        .kind(zipkin2.Span.Kind.SERVER).shared(true).debug(false).build();

    assertThat(only(decoder, server).attributes())
        .contains(Attribute.of("zipkin.shared", true))
        .extracting(Attribute::key).doesNotContain("zipkin.debug");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aSpanWithoutDurationEndsWhereItStarts(ZipkinDecoder decoder) throws Exception {
    Span span = only(decoder, CLIENT_SPAN.toBuilder().duration(null).build());

    assertThat(span.startEpochNanos()).isEqualTo(START_MICROS * 1000);
    assertThat(span.endEpochNanos()).isEqualTo(START_MICROS * 1000);
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aSpanWithoutTimestampIsRejectedAndCountedWhileTheOthersAreAccepted(ZipkinDecoder decoder)
      throws Exception {
    zipkin2.Span untimed = CLIENT_SPAN.toBuilder().id("00000000000000aa").timestamp(null).build();

    DecodeResult result = decode(decoder, CLIENT_SPAN, untimed);

    assertThat(result.spans()).extracting(Span::spanId).containsExactly(0x5b4185666d50f68bL);
    assertThat(result.rejectedCount()).isOne();
    assertThat(result.errorMessage())
        .isEqualTo("[1] span 00000000000000aa of trace " + TRACE_ID
            + ": no timestamp (expected: microseconds since the epoch)");
  }

  @Test
  void aJsonSpanWithAShortZeroSpanIdIsRejected() throws Exception {
    DecodeResult result =
        ZipkinDecoder.JSON_V2.decode(utf8("[{\"traceId\":\"1\",\"id\":\"0\",\"timestamp\":1}]"));

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isOne();
    assertThat(result.errorMessage()).endsWith(": span ID is zero");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aFullLengthZeroSpanIdMakesTheBodyMalformedAsInZipkin(ZipkinDecoder decoder) {
    zipkin2.Span zero = CLIENT_SPAN.toBuilder().id("0").build();

    assertThatThrownBy(() -> decode(decoder, zero))
        .isInstanceOf(MalformedException.class)
        .hasMessageEndingWith(": id is all zeros reading List<Span> from "
            + (decoder == ZipkinDecoder.JSON_V2 ? "json" : "proto3"));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void aSpanEndingPastTheYear2262IsRejected(ZipkinDecoder decoder) throws Exception {
    long lastMicros = Long.MAX_VALUE / 1000;
    zipkin2.Span lastPossible = CLIENT_SPAN.toBuilder()
        .timestamp(lastMicros - 10).duration(10L).clearAnnotations().build();
    zipkin2.Span tooLate = lastPossible.toBuilder().id("00000000000000aa").duration(11L).build();

    DecodeResult result = decode(decoder, lastPossible, tooLate);

    assertThat(result.spans()).singleElement()
        .extracting(Span::endEpochNanos).isEqualTo(lastMicros * 1000);
    assertThat(result.rejectedCount()).isOne();
    assertThat(result.errorMessage()).contains("timestamp + duration");
  }

  @Test
  void aSpanWithAnAnnotationBefore1970IsRejected() throws Exception {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":5,"
        + "\"annotations\":[{\"timestamp\":-1,\"value\":\"cs\"}]}]";

    DecodeResult result = ZipkinDecoder.JSON_V2.decode(utf8(json));

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isOne();
    assertThat(result.errorMessage()).contains("annotation timestamp: -1");
  }

  @Test
  void rejectionsAreAllCountedButOnlyTheFirstFewQuoted() throws Exception {
    List<zipkin2.Span> untimed = new ArrayList<>();
    for (int i = 1; i <= Problems.MAX_MESSAGES + 2; i++) {
      untimed.add(CLIENT_SPAN.toBuilder().id(i).timestamp(null).build());
    }

    DecodeResult result =
        ZipkinDecoder.JSON_V2.decode(SpanBytesEncoder.JSON_V2.encodeList(untimed));

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isEqualTo(Problems.MAX_MESSAGES + 2);
    assertThat(result.errorMessage().split("; ")).hasSize(Problems.MAX_MESSAGES);
    assertThat(result.errorMessage()).endsWith(" (and 2 more)");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void hugeTagValuesPassThroughUnchanged(ZipkinDecoder decoder) throws Exception {
    String huge = "x\"<script>\n".repeat(100_000);

    Span span = only(decoder, CLIENT_SPAN.toBuilder().putTag("big", huge).build());

    assertThat(span.attributes()).contains(Attribute.of("big", huge));
  }

  @Test
  void anEmptyJsonArrayHasNoSpans() throws Exception {
    DecodeResult result = ZipkinDecoder.JSON_V2.decode(utf8("[]"));

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isZero();
  }

  @Test
  void anEmptyProto3BodyIsAnEmptyList() throws Exception {
    DecodeResult result = ZipkinDecoder.PROTO3.decode(new byte[0]);

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isZero();
  }

  @Test
  void anEmptyJsonBodyIsMalformed() {
    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(new byte[0]))
        .isInstanceOf(MalformedException.class)
        .hasMessage("Zipkin v2 JSON: empty body (expected: a list of spans)");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void garbageBytesAreMalformedAndTheMessageNamesTheFormat(ZipkinDecoder decoder) {
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 'g', 'a', 'r', 'b', 'a', 'g', 'e', 0};

    assertThatThrownBy(() -> decoder.decode(garbage))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith(
            decoder == ZipkinDecoder.JSON_V2 ? "Zipkin v2 JSON: " : "Zipkin proto3: ")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncatedProto3IsMalformed() {
    byte[] proto3 = SpanBytesEncoder.PROTO3.encodeList(List.of(CLIENT_SPAN));
    byte[] truncated = Arrays.copyOf(proto3, proto3.length - 7);

    assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(truncated))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Zipkin proto3: Truncated");
  }

  @Test
  void truncatedJsonIsMalformed() {
    byte[] json = SpanBytesEncoder.JSON_V2.encodeList(List.of(CLIENT_SPAN));
    byte[] truncated = Arrays.copyOf(json, json.length - 20);

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(truncated))
        .isInstanceOf(MalformedException.class);
  }

  @Test
  void aJsonBodySentAsProto3IsMalformed() {
    byte[] json = SpanBytesEncoder.JSON_V2.encodeList(List.of(CLIENT_SPAN));

    assertThatThrownBy(() -> ZipkinDecoder.PROTO3.decode(json))
        .isInstanceOf(MalformedException.class);
  }

  @Test
  void aProto3BodySentAsJsonIsMalformed() {
    byte[] proto3 = SpanBytesEncoder.PROTO3.encodeList(List.of(CLIENT_SPAN));

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(proto3))
        .isInstanceOf(MalformedException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{}",
      "null",
      "[null]",
      "[{}]",
      "[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":\"yesterday\"}]",
      "[{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{\"retry\":true}}]",
      "[{\"traceId\":\"1\",\"id\":\"2\",\"kind\":\"SIDEWAYS\"}]",
      "[{\"traceId\":\"1\",\"id\":\"2\",\"annotations\":[{\"value\":\"cs\"}]}]",
      "[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":99999999999999999999}]"
  })
  void jsonOfTheWrongShapeOrTypesIsMalformed(String json) {
    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("Zipkin v2 JSON: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "zz",
      "0x463ac35c9f6413ad",
      "463ac35c9f6413ad48485a3953bb6124ab",
      "00000000000000000000000000000000"
  })
  void anInvalidTraceIdIsMalformed(String traceId) {
    String json = "[{\"traceId\":\"" + traceId + "\",\"id\":\"2\",\"timestamp\":1}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"xyz", "12345678901234567", ""})
  void anInvalidSpanIdIsMalformed(String spanId) {
    String json = "[{\"traceId\":\"1\",\"id\":\"" + spanId + "\",\"timestamp\":1}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class);
  }

  @Test
  void deeplyNestedJsonIsMalformedNotAStackOverflow() {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"unknown\":"
        + "[".repeat(100_000) + "]".repeat(100_000) + "}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class);
  }

  @Test
  void aHugeBadValueIsNotQuotedInFull() {
    String json = "[{\"traceId\":\"1\",\"id\":\"2\",\"kind\":\"" + "X".repeat(10_000) + "\"}]";

    assertThatThrownBy(() -> ZipkinDecoder.JSON_V2.decode(utf8(json)))
        .isInstanceOf(MalformedException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).endsWith("…"));
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void mutatedBodiesEitherDecodeOrAreMalformed(ZipkinDecoder decoder) {
    SpanBytesEncoder encoder = encoder(decoder);
    byte[] valid = encoder.encodeList(List.of(CLIENT_SPAN, CLIENT_SPAN.toBuilder().id(7).build()));
    Random random = new Random(42);
    int decoded = 0;
    int malformed = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] body = valid.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
      }
      if (random.nextBoolean()) {
        body = Arrays.copyOf(body, random.nextInt(body.length));
      }
      try {
        decoder.decode(body);
        decoded++;
      } catch (MalformedException expected) {
        malformed++;
      }
    }
    assertThat(decoded).isPositive();
    assertThat(malformed).isPositive();
  }

  private static DecodeResult decode(ZipkinDecoder decoder, zipkin2.Span... spans)
      throws MalformedException {
    return decoder.decode(encoder(decoder).encodeList(List.of(spans)));
  }

  private static Span only(ZipkinDecoder decoder, zipkin2.Span span) throws MalformedException {
    DecodeResult result = decode(decoder, span);
    assertThat(result.rejectedCount()).isZero();
    return result.spans().get(0);
  }

  private static Span onlyJson(zipkin2.Span span) throws MalformedException {
    return only(ZipkinDecoder.JSON_V2, span);
  }

  private static Span onlyJson(String json) throws MalformedException {
    DecodeResult result = ZipkinDecoder.JSON_V2.decode(utf8(json));
    assertThat(result.rejectedCount()).isZero();
    return result.spans().get(0);
  }

  private static SpanBytesEncoder encoder(ZipkinDecoder decoder) {
    return decoder == ZipkinDecoder.JSON_V2 ? SpanBytesEncoder.JSON_V2 : SpanBytesEncoder.PROTO3;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
