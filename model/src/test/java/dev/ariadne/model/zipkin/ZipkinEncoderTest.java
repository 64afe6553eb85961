package dev.ariadne.model.zipkin;

import static dev.ariadne.model.zipkin.Fixtures.START_MICROS;
import static dev.ariadne.model.zipkin.Fixtures.TRACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

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
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.Annotation;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesDecoder;

class ZipkinEncoderTest {
  private static final long START = START_MICROS * 1000;

  @Test
  void encodesEveryFieldZipkinHas() {
    Span span = Span.builder()
        .traceId(TRACE)
        .spanId(0x5b4185666d50f68bL)
        .parentSpanId(0x6b221d5bc9e6496cL)
        .name("get /api")
        .kind(SpanKind.SERVER)
        .startEpochNanos(START)
        .endEpochNanos(START + 207_000_000L)
        .resource(new Resource("backend", List.of(
            Attribute.of("service.name", "backend"),
            new Attribute("host.ip", new Value.Array(
                List.of(Value.of("172.17.0.13"), Value.of("2001:db8::c001")))),
            Attribute.of("network.local.port", 9000L)), 0))
        .scope(new Scope("io.opentelemetry.armeria", "1.0", List.of()))
        .attributes(List.of(
            Attribute.of("http.request.method", "GET"),
            Attribute.of("peer.service", "frontend"),
            Attribute.of("network.peer.address", "192.168.99.1"),
            Attribute.of("network.peer.port", 51234L),
            Attribute.of("zipkin.debug", true),
            Attribute.of("zipkin.shared", true)))
        .events(List.of(new Event(START + 1_000_000L, "wr", List.of(), 0)))
        .status(StatusCode.ERROR, "out of memory")
        .build();

    assertThat(roundTripThroughZipkin(span)).isEqualTo(zipkin2.Span.newBuilder()
        .traceId(Fixtures.TRACE_ID)
        .id("5b4185666d50f68b")
        .parentId("6b221d5bc9e6496c")
        .name("get /api")
        .kind(zipkin2.Span.Kind.SERVER)
        .timestamp(START_MICROS)
        .duration(207_000L)
        .localEndpoint(Endpoint.newBuilder()
            .serviceName("backend").ip("172.17.0.13").ip("2001:db8::c001").port(9000).build())
        .remoteEndpoint(Endpoint.newBuilder()
            .serviceName("frontend").ip("192.168.99.1").port(51234).build())
        .addAnnotation(START_MICROS + 1_000, "wr")
        .putTag("http.request.method", "GET")
        .putTag("otel.scope.name", "io.opentelemetry.armeria")
        .putTag("otel.scope.version", "1.0")
        .putTag("error", "out of memory")
        .debug(true)
        .shared(true)
        .build());
  }

  @Test
  void writesA128BitTraceIdAs32Hex() {
    assertThat(json(span().build())).contains("\"traceId\":\"463ac35c9f6413ad48485a3953bb6124\"");
  }

  @Test
  void writesATraceIdWithZeroHighBitsAs16HexAsA64BitClientSentIt() {
    Span span = span().traceId(new TraceId(0, 0x48485a3953bb6124L)).build();

    assertThat(json(span)).contains("\"traceId\":\"48485a3953bb6124\"");
  }

  @Test
  void writesARootSpanWithoutParentId() {
    assertThat(json(span().parentSpanId(0).build())).doesNotContain("parentId");
  }

  @ParameterizedTest
  @EnumSource(value = SpanKind.class, names = {"CLIENT", "SERVER", "PRODUCER", "CONSUMER"})
  void remoteKindsKeepTheirName(SpanKind kind) {
    assertThat(roundTripThroughZipkin(span().kind(kind).build()).kind())
        .isEqualTo(zipkin2.Span.Kind.valueOf(kind.name()));
  }

  @ParameterizedTest
  @EnumSource(value = SpanKind.class, names = {"INTERNAL", "UNSPECIFIED"})
  void internalAndUnspecifiedSpansHaveNoKind(SpanKind kind) {
    assertThat(json(span().kind(kind).build())).doesNotContain("\"kind\"");
  }

  @Test
  void nonStringAttributesAreRenderedAsStrings() {
    Span span = span().attributes(List.of(
        Attribute.of("retry", true),
        Attribute.of("http.response.status_code", 503L),
        Attribute.of("ratio", 0.25),
        new Attribute("payload", new Value.Bytes(new byte[] {1, 2, 3})),
        new Attribute("tags", new Value.Array(
            List.of(Value.of("a"), Value.of("b\"c"), Value.of(7L)))),
        new Attribute("nested", new Value.KvList(List.of(
            Attribute.of("k", 1L),
            new Attribute("list", new Value.Array(List.of(Value.of(true), Value.of(2.5))))))),
        new Attribute("empty", new Value.Array(List.of())))).build();

    assertThat(roundTripThroughZipkin(span).tags()).containsOnly(
        entry("retry", "true"),
        entry("http.response.status_code", "503"),
        entry("ratio", "0.25"),
        entry("payload", "AQID"),
        entry("tags", "[\"a\",\"b\\\"c\",7]"),
        entry("nested", "{\"k\":1,\"list\":[true,2.5]}"),
        entry("empty", "[]"));
  }

  @Test
  void anErrorAttributeOfFalseIsLeftOut() {
    Span span = span().attributes(List.of(Attribute.of("error", false))).build();

    assertThat(roundTripThroughZipkin(span).tags()).doesNotContainKey("error");
  }

  @Test
  void theErrorStatusBecomesTheErrorTagWithItsMessage() {
    Span span = span().status(StatusCode.ERROR, "timeout").build();

    assertThat(roundTripThroughZipkin(span).tags()).containsEntry("error", "timeout");
  }

  @Test
  void anErrorStatusWithoutMessageBecomesErrorTrue() {
    Span span = span().status(StatusCode.ERROR, "").build();

    assertThat(roundTripThroughZipkin(span).tags()).containsEntry("error", "true");
  }

  @Test
  void theErrorStatusWinsOverAnAttributeNamedError() {
    Span span = span()
        .attributes(List.of(Attribute.of("error", "from an attribute")))
        .status(StatusCode.ERROR, "from the status")
        .build();

    assertThat(roundTripThroughZipkin(span).tags()).containsEntry("error", "from the status");
  }

  @Test
  void theOkStatusBecomesTheOtelStatusCodeTag() {
    Span span = span().status(StatusCode.OK, "").build();

    assertThat(roundTripThroughZipkin(span).tags()).containsOnly(entry("otel.status_code", "OK"));
  }

  @Test
  void anUnsetStatusWritesNoTag() {
    assertThat(roundTripThroughZipkin(span().build()).tags()).isEmpty();
  }

  @Test
  void eventsBecomeAnnotationsAndTheirAttributesAreFoldedIntoTheValue() {
    Span span = span().events(List.of(
        new Event(START + 5_000, "cache miss", List.of(), 0),
        new Event(START + 9_999, "exception", List.of(
            Attribute.of("exception.type", "java.io.IOException"),
            Attribute.of("exception.escaped", false)), 0))).build();

    assertThat(roundTripThroughZipkin(span).annotations()).containsExactly(
        Annotation.create(START_MICROS + 5, "cache miss"),
        Annotation.create(START_MICROS + 9, "\"exception\":"
            + "{\"exception.type\":\"java.io.IOException\",\"exception.escaped\":false}"));
  }

  @Test
  void linksTraceStateFlagsAndDroppedCountsAreDropped() {
    Span span = span()
        .links(List.of(new Link(new TraceId(0, 0xfeedL), 0xbeefL, "k=v",
            List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true)))
        .traceState("vendor=opaque")
        .flags(1)
        .droppedAttributesCount(3)
        .droppedEventsCount(4)
        .droppedLinksCount(5)
        .build();

    assertThat(json(span)).isEqualTo(json(span().build()));
  }

  @Test
  void resourceAttributesBecomeTagsAndSpanAttributesWinOverThem() {
    Span span = span()
        .resource(new Resource("checkout", List.of(
            Attribute.of("service.name", "checkout"),
            Attribute.of("host.name", "box-1"),
            Attribute.of("deployment.environment", "prod")), 0))
        .attributes(List.of(Attribute.of("deployment.environment", "canary")))
        .build();

    zipkin2.Span zipkin = roundTripThroughZipkin(span);

    assertThat(zipkin.localServiceName()).isEqualTo("checkout");
    assertThat(zipkin.tags()).containsOnly(
        entry("host.name", "box-1"), entry("deployment.environment", "canary"));
  }

  @Test
  void attributesThatDoNotFitAnEndpointStayTags() {
    Span span = span()
        .resource(new Resource("checkout", List.of(
            new Attribute("host.ip", new Value.Array(
                List.of(Value.of("10.0.0.1"), Value.of("10.0.0.2")))),
            Attribute.of("network.local.port", 70_000L)), 0))
        .attributes(List.of(
            Attribute.of("peer.service", 42L),
            Attribute.of("network.peer.address", "db.example.com"),
            Attribute.of("network.peer.port", "5432"),
            Attribute.of("zipkin.debug", "yes")))
        .build();

    zipkin2.Span zipkin = roundTripThroughZipkin(span);

    assertThat(zipkin.localEndpoint())
        .isEqualTo(Endpoint.newBuilder().serviceName("checkout").build());
    assertThat(zipkin.remoteEndpoint()).isNull();
    assertThat(zipkin.debug()).isNull();
    assertThat(zipkin.tags()).containsOnly(
        entry("host.ip", "[\"10.0.0.1\",\"10.0.0.2\"]"),
        entry("network.local.port", "70000"),
        entry("peer.service", "42"),
        entry("network.peer.address", "db.example.com"),
        entry("network.peer.port", "5432"),
        entry("zipkin.debug", "yes"));
  }

  @Test
  void anEmptyHostIpStaysATag() {
    Span span = span()
        .resource(new Resource(
            "svc", List.of(new Attribute("host.ip", new Value.Array(List.of()))), 0))
        .build();

    assertThat(roundTripThroughZipkin(span).tags()).containsOnly(entry("host.ip", "[]"));
  }

  @Test
  void timesAreTruncatedToMicrosecondsAndAShortSpanLastsOneMicrosecond() {
    Span span = span().startEpochNanos(START + 999).endEpochNanos(START + 1_500).build();

    zipkin2.Span zipkin = roundTripThroughZipkin(span);

    assertThat(zipkin.timestampAsLong()).isEqualTo(START_MICROS);
    assertThat(zipkin.durationAsLong()).isEqualTo(1);
  }

  @Test
  void aSpanThatEndsWhereItStartsHasNoDuration() {
    assertThat(roundTripThroughZipkin(span().endEpochNanos(START).build()).duration()).isNull();
  }

  @Test
  void namesAndServicesAreLowerCasedAsZipkinDoes() {
    Span span = span()
        .name("GET /Users")
        .resource(new Resource("Checkout", List.of(), 0))
        .build();

    zipkin2.Span zipkin = roundTripThroughZipkin(span);

    assertThat(zipkin.name()).isEqualTo("get /users");
    assertThat(zipkin.localServiceName()).isEqualTo("checkout");
  }

  @Test
  void aListOfSpansIsAJsonArray() {
    Span other = span().spanId(0x77).build();

    byte[] json = ZipkinEncoder.encodeSpans(List.of(span().build(), other));

    List<zipkin2.Span> decoded = SpanBytesDecoder.JSON_V2.decodeList(json);

    assertThat(decoded).extracting(zipkin2.Span::id)
        .containsExactly("5b4185666d50f68b", "0000000000000077");
  }

  @Test
  void noSpansIsAnEmptyJsonArray() {
    assertThat(ZipkinEncoder.encodeSpans(List.of()))
        .asString(StandardCharsets.UTF_8).isEqualTo("[]");
  }

  @Test
  void tracesAreAJsonArrayOfSpanArrays() {
    List<Span> first = List.of(span().build());
    List<Span> second =
        List.of(span().traceId(new TraceId(0, 9)).build(), span().spanId(0x77).build());

    byte[] traces = ZipkinEncoder.encodeTraces(List.of(first, second, List.of()));

    assertThat(new String(traces, StandardCharsets.UTF_8)).isEqualTo("["
        + new String(ZipkinEncoder.encodeSpans(first), StandardCharsets.UTF_8) + ","
        + new String(ZipkinEncoder.encodeSpans(second), StandardCharsets.UTF_8) + ",[]]");
  }

  @Test
  void noTracesIsAnEmptyJsonArray() {
    assertThat(ZipkinEncoder.encodeTraces(List.of()))
        .asString(StandardCharsets.UTF_8).isEqualTo("[]");
  }

  @Test
  void aSpanWithAZeroSpanIdIsRefused() {
    Span invalid = span().spanId(0).build();

    assertThatThrownBy(() -> ZipkinEncoder.encodeSpans(List.of(invalid)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A minimal valid span: no attributes, events or status. */
  private static Span.Builder span() {
    return Span.builder()
        .traceId(TRACE)
        .spanId(0x5b4185666d50f68bL)
        .parentSpanId(0x6b221d5bc9e6496cL)
        .name("op")
        .startEpochNanos(START)
        .endEpochNanos(START + 1_000_000L)
        .resource(new Resource("svc", List.of(Attribute.of("service.name", "svc")), 0));
  }

  private static String json(Span span) {
    return new String(ZipkinEncoder.encodeSpans(List.of(span)), StandardCharsets.UTF_8);
  }

  /** Encodes with ours, parses with Zipkin's own decoder. */
  private static zipkin2.Span roundTripThroughZipkin(Span span) {
    List<zipkin2.Span> decoded =
        SpanBytesDecoder.JSON_V2.decodeList(ZipkinEncoder.encodeSpans(List.of(span)));
    assertThat(decoded).hasSize(1);
    return decoded.get(0);
  }
}
