package dev.ariadne.model.zipkin;

import static dev.ariadne.model.zipkin.Fixtures.CLIENT_SPAN;
import static dev.ariadne.model.zipkin.Fixtures.START_MICROS;
import static dev.ariadne.model.zipkin.Fixtures.TRACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Event;
import dev.ariadne.model.Link;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.model.DecodeResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.codec.SpanBytesDecoder;
import zipkin2.codec.SpanBytesEncoder;

/** Model to Zipkin JSON and back keeps what Zipkin can hold; these tests pin down the rest. */
class ZipkinRoundTripTest {
  private static final long START = START_MICROS * 1000;

  @ParameterizedTest
  @EnumSource(StatusCode.class)
  void aSpanOfMappableFieldsComesBackEqual(StatusCode status) throws Exception {
    Span span = mappable().status(status, status == StatusCode.ERROR ? "boom" : "").build();

    assertThat(roundTrip(span)).isEqualTo(span);
  }

  @Test
  void aZipkinSpanComesBackAsTheSameZipkinSpan() throws Exception {
    zipkin2.Span withError = CLIENT_SPAN.toBuilder()
        .putTag("error", "503")
        .putTag("otel.scope.name", "brave.okhttp3")
        .build();
    byte[] json = SpanBytesEncoder.JSON_V2.encodeList(List.of(CLIENT_SPAN, withError));

    byte[] again = ZipkinEncoder.encodeSpans(ZipkinDecoder.JSON_V2.decode(json).spans());

    assertThat(SpanBytesDecoder.JSON_V2.decodeList(again)).containsExactly(CLIENT_SPAN, withError);
  }

  @Test
  void aZipkinProto3SpanComesBackAsTheSameZipkinSpan() throws Exception {
    byte[] proto3 = SpanBytesEncoder.PROTO3.encodeList(List.of(CLIENT_SPAN));

    byte[] json = ZipkinEncoder.encodeSpans(ZipkinDecoder.PROTO3.decode(proto3).spans());

    assertThat(SpanBytesDecoder.JSON_V2.decodeList(json)).containsExactly(CLIENT_SPAN);
  }

  @Test
  void untrustedTextComesBackUnchanged() throws Exception {
    String hostile = "\"}],<script>alert(1)</script>\u0000\n\u2028\uD83D\uDE00";
    Span span = mappable()
        .name(hostile.toLowerCase(java.util.Locale.ROOT))
        .attributes(List.of(Attribute.of(hostile, hostile)))
        .events(List.of(new Event(START, hostile, List.of(), 0)))
        .status(StatusCode.ERROR, hostile)
        .build();

    assertThat(roundTrip(span)).isEqualTo(span);
  }

  @Test
  void linksAreLost() throws Exception {
    Link followsFrom = new Link(new TraceId(0, 0xfeedL), 0xbeefL, "",
        List.of(Attribute.of("opentracing.ref_type", "follows_from")), 0, true);
    Span span = mappable().links(List.of(followsFrom)).build();

    assertThat(roundTrip(span).links()).isEmpty();
  }

  @Test
  void traceStateFlagsScopeAttributesAndDroppedCountsAreLost() throws Exception {
    Span span = mappable()
        .traceState("vendor=opaque")
        .flags(1)
        .scope(new Scope("lib", "1.0", List.of(Attribute.of("lib.feature", "x"))))
        .droppedAttributesCount(1)
        .droppedEventsCount(2)
        .droppedLinksCount(3)
        .build();

    assertThat(roundTrip(span))
        .isEqualTo(mappable().scope(new Scope("lib", "1.0", List.of())).build());
  }

  @Test
  void nonStringAttributesComeBackAsStringsInKeyOrder() throws Exception {
    Span span = mappable().attributes(List.of(
        Attribute.of("http.response.status_code", 200L),
        Attribute.of("cache.hit", true),
        new Attribute("values", new Value.Array(List.of(Value.of(1L), Value.of("two")))))).build();

    assertThat(roundTrip(span).attributes()).containsExactly(
        Attribute.of("cache.hit", "true"),
        Attribute.of("http.response.status_code", "200"),
        Attribute.of("values", "[1,\"two\"]"));
  }

  @Test
  void resourceAttributesBesidesTheEndpointComeBackAsSpanAttributes() throws Exception {
    Span span = mappable()
        .resource(new Resource("svc", List.of(
            Attribute.of("service.name", "svc"),
            Attribute.of("host.name", "box-1")), 0))
        .attributes(List.of())
        .build();

    Span back = roundTrip(span);

    assertThat(back.resource().attributes()).containsExactly(Attribute.of("service.name", "svc"));
    assertThat(back.attributes()).containsExactly(Attribute.of("host.name", "box-1"));
  }

  @Test
  void anUnspecifiedKindComesBackInternal() throws Exception {
    assertThat(roundTrip(mappable().kind(SpanKind.UNSPECIFIED).build()).kind())
        .isEqualTo(SpanKind.INTERNAL);
  }

  @Test
  void eventAttributesComeBackAsPartOfTheEventName() throws Exception {
    Span span = mappable()
        .events(List.of(new Event(START, "retry", List.of(Attribute.of("attempt", 2L)), 0)))
        .build();

    assertThat(roundTrip(span).events())
        .containsExactly(new Event(START, "\"retry\":{\"attempt\":2}", List.of(), 0));
  }

  @Test
  void timeBelowAMicrosecondAndTheCaseOfNamesAreLost() throws Exception {
    Span span = mappable()
        .name("GET /Users")
        .startEpochNanos(START + 123)
        .endEpochNanos(START + 2_456)
        .build();

    Span back = roundTrip(span);

    assertThat(back.name()).isEqualTo("get /users");
    assertThat(back.startEpochNanos()).isEqualTo(START);
    assertThat(back.endEpochNanos()).isEqualTo(START + 2_000);
  }

  @Test
  void theIpv6AddressOfAPeerWithBothIsLost() throws Exception {
    Span span = mappable().attributes(List.of(
        Attribute.of("network.peer.address", "10.0.0.2"))).build();
    Span withBoth = mappable().attributes(List.of(
        new Attribute("network.peer.address", new Value.Array(
            List.of(Value.of("10.0.0.2"), Value.of("2001:db8::2")))))).build();

    assertThat(roundTrip(span)).isEqualTo(span);
    assertThat(roundTrip(withBoth).attributes())
        .containsExactly(Attribute.of("network.peer.address", "[\"10.0.0.2\",\"2001:db8::2\"]"));
  }

  /** A span using only what Zipkin can hold, in the order and form the decoder produces. */
  private static Span.Builder mappable() {
    return Span.builder()
        .traceId(TRACE)
        .spanId(0x5b4185666d50f68bL)
        .parentSpanId(0x6b221d5bc9e6496cL)
        .name("get /api")
        .kind(SpanKind.CONSUMER)
        .startEpochNanos(START)
        .endEpochNanos(START + 42_000L)
        .resource(new Resource("worker", List.of(
            Attribute.of("service.name", "worker"),
            new Attribute("host.ip", new Value.Array(List.of(Value.of("10.0.0.1")))),
            Attribute.of("network.local.port", 8080L)), 0))
        .scope(new Scope("io.opentelemetry.kafka", "2.1", List.of()))
        .attributes(List.of(
            Attribute.of("messaging.system", "kafka"),
            Attribute.of("peer.service", "kafka"),
            Attribute.of("network.peer.address", "10.0.0.9"),
            Attribute.of("network.peer.port", 9092L),
            Attribute.of("zipkin.debug", true)))
        .events(List.of(new Event(START + 1_000, "received", List.of(), 0)));
  }

  private static Span roundTrip(Span span) throws MalformedException {
    DecodeResult result = ZipkinDecoder.JSON_V2.decode(ZipkinEncoder.encodeSpans(List.of(span)));
    assertThat(result.rejectedCount()).isZero();
    assertThat(result.spans()).hasSize(1);
    return result.spans().get(0);
  }
}
