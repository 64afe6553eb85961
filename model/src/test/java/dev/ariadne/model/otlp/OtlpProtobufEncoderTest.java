package dev.ariadne.model.otlp;

import static dev.ariadne.model.otlp.OtlpRoundTrip.assertRoundTrips;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ariadne.model.Attribute;
import dev.ariadne.model.DecodeResult;
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
import dev.ariadne.model.otlp.OtlpFixtures.JsonStyle;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OtlpProtobufEncoder}: what the published classes read from its requests, the grouping, and
 * the round trip through {@link OtlpProtobufDecoder} for fixture, random and extreme spans.
 */
class OtlpProtobufEncoderTest {
  private static final TraceId TRACE_ID = OtlpFixtures.TRACE_ID;

  @Test
  void encodesNoSpansAsTheEmptyRequest() throws Exception {
    byte[] body = OtlpProtobufEncoder.encode(List.of());

    assertThat(body).isEmpty();
    assertThat(ExportTraceServiceRequest.parseFrom(body).getResourceSpansCount()).isZero();
    assertThat(OtlpProtobufDecoder.decode(body).spans()).isEmpty();
  }

  @Test
  void encodesTheFixtureSpansBackToTheFixtureRequest() throws Exception {
    byte[] body = OtlpProtobufEncoder.encode(OtlpFixtures.fullRequestSpans());
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);

    // The fixture request without what the model does not keep: schema URLs and link flags.
    ExportTraceServiceRequest.Builder expected = OtlpFixtures.fullRequest().toBuilder();
    expected.getResourceSpansBuilder(0).clearSchemaUrl();
    expected.getResourceSpansBuilder(0).getScopeSpansBuilder(0).getSpansBuilder(0)
        .getLinksBuilder(0).clearFlags();
    assertThat(request).isEqualTo(expected.build());
    assertRoundTrips(OtlpFixtures.fullRequestSpans());
  }

  @Test
  void groupsSpansByResourceThenScopeInTheOrderTheyFirstAppear() throws Exception {
    Resource users = resource("users");
    Resource orders = resource("orders");
    Scope http = new Scope("http", "1.0", List.of());
    Scope db = new Scope("db", "", List.of(Attribute.of("pool", 4L)));
    List<Span> spans = List.of(
        span(1, users, http),
        span(2, orders, http),
        span(3, resource("users"), db), // equal to users, not the same object
        span(4, users, new Scope("http", "1.0", List.of())),
        span(5, orders, Scope.UNKNOWN),
        span(6, users, db));

    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.parseFrom(OtlpProtobufEncoder.encode(spans));

    assertThat(request.getResourceSpansList()).hasSize(2);
    ResourceSpans first = request.getResourceSpans(0);
    assertThat(first.getResource().getAttributesList())
        .containsExactly(kv("service.name", "users"), kv("host.name", "users-1"));
    assertThat(first.getScopeSpansList()).extracting(scope -> scope.getScope().getName())
        .containsExactly("http", "db");
    assertThat(spanIds(first.getScopeSpans(0))).containsExactly(1L, 4L);
    assertThat(first.getScopeSpans(0).getScope().getVersion()).isEqualTo("1.0");
    assertThat(spanIds(first.getScopeSpans(1))).containsExactly(3L, 6L);
    assertThat(first.getScopeSpans(1).getScope().getAttributesList())
        .containsExactly(KeyValue.newBuilder()
            .setKey("pool").setValue(AnyValue.newBuilder().setIntValue(4)).build());
    ResourceSpans second = request.getResourceSpans(1);
    assertThat(second.getResource().getAttributesList())
        .containsExactly(kv("service.name", "orders"), kv("host.name", "orders-1"));
    assertThat(second.getScopeSpansList()).hasSize(2);
    assertThat(spanIds(second.getScopeSpans(0))).containsExactly(2L);
    assertThat(second.getScopeSpans(1).hasScope()).as("the unknown scope is left out").isFalse();
    assertThat(spanIds(second.getScopeSpans(1))).containsExactly(5L);
    assertRoundTrips(spans);
  }

  @Test
  void writesEverySpanFieldAsTheGeneratedClassesReadIt() throws Exception {
    Span span = Span.builder()
        .traceId(new TraceId(0x8899aabbccddeeffL, 0x0011223344556677L))
        .spanId(0x0102030405060708L)
        .parentSpanId(0xfffefdfcfbfaf9f8L)
        .name("GET /users")
        .kind(SpanKind.CONSUMER)
        .startEpochNanos(-2) // past 2^63 as OTLP's unsigned time
        .endEpochNanos(Long.MAX_VALUE)
        .resource(resource("users"))
        .status(StatusCode.OK, "fine")
        .traceState("a=1")
        .flags(0x8000_0301)
        .droppedAttributesCount(Integer.MAX_VALUE)
        .droppedEventsCount(7)
        .droppedLinksCount(8)
        .events(List.of(new Event(42, "e", List.of(Attribute.of("k", "v")), 9)))
        .links(List.of(new Link(new TraceId(0, 0), 0, "b=2", List.of(), 10, false)))
        .build();

    io.opentelemetry.proto.trace.v1.Span written = ExportTraceServiceRequest
        .parseFrom(OtlpProtobufEncoder.encode(List.of(span)))
        .getResourceSpans(0).getScopeSpans(0).getSpans(0);

    assertThat(written.getTraceId())
        .isEqualTo(ByteString.fromHex("8899aabbccddeeff0011223344556677"));
    assertThat(written.getSpanId()).isEqualTo(ByteString.fromHex("0102030405060708"));
    assertThat(written.getParentSpanId()).isEqualTo(ByteString.fromHex("fffefdfcfbfaf9f8"));
    assertThat(written.getName()).isEqualTo("GET /users");
    assertThat(written.getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CONSUMER);
    assertThat(written.getStartTimeUnixNano()).isEqualTo(-2);
    assertThat(written.getEndTimeUnixNano()).isEqualTo(Long.MAX_VALUE);
    assertThat(written.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_OK);
    assertThat(written.getStatus().getMessage()).isEqualTo("fine");
    assertThat(written.getTraceState()).isEqualTo("a=1");
    assertThat(written.getFlags()).isEqualTo(0x8000_0301);
    assertThat(written.getDroppedAttributesCount()).isEqualTo(Integer.MAX_VALUE);
    assertThat(written.getDroppedEventsCount()).isEqualTo(7);
    assertThat(written.getDroppedLinksCount()).isEqualTo(8);
    assertThat(written.getEvents(0).getTimeUnixNano()).isEqualTo(42);
    assertThat(written.getEvents(0).getDroppedAttributesCount()).isEqualTo(9);
    assertThat(written.getLinks(0).getTraceId()).isEqualTo(ByteString.copyFrom(new byte[16]));
    assertThat(written.getLinks(0).getSpanId()).isEqualTo(ByteString.copyFrom(new byte[8]));
    assertThat(written.getLinks(0).getTraceState()).isEqualTo("b=2");
    assertThat(written.getLinks(0).getDroppedAttributesCount()).isEqualTo(10);
    assertRoundTrips(List.of(span));
  }

  @Test
  void writesARootSpanWithoutAParentAndDefaultsNotAtAll() throws Exception {
    Span root = Span.builder().traceId(TRACE_ID).spanId(1).build();

    byte[] body = OtlpProtobufEncoder.encode(List.of(root));
    io.opentelemetry.proto.trace.v1.Span written = ExportTraceServiceRequest.parseFrom(body)
        .getResourceSpans(0).getScopeSpans(0).getSpans(0);

    assertThat(written.getParentSpanId()).isEmpty();
    assertThat(written.hasStatus()).isFalse();
    // The IDs and three message headers only: 2 + 2 + 2 + 18 + 10 bytes.
    assertThat(body).hasSize(34);
    assertRoundTrips(List.of(root));
  }

  @Test
  void writesValuesOfEveryTypeEmptyOrNot() {
    List<Attribute> attributes = new ArrayList<>(OtlpFixtures.everyValueTypeInModel());
    attributes.addAll(List.of(
        Attribute.of("empty", ""),
        Attribute.of("", "empty key"),
        Attribute.of("false", false),
        Attribute.of("zero", 0L),
        Attribute.of("negative zero", -0.0),
        Attribute.of("nan", Double.NaN),
        new Attribute("no bytes", new Value.Bytes(new byte[0])),
        new Attribute("empty array", new Value.Array(List.of())),
        new Attribute("empty list", new Value.KvList(List.of())),
        new Attribute("array of empties", new Value.Array(List.of(
            new Value.Array(List.of()), new Value.KvList(List.of()), Value.of(""))))));

    assertRoundTrips(List.of(Span.builder()
        .traceId(TRACE_ID).spanId(1).attributes(attributes).build()));
  }

  @Test
  void keepsEverySpanOfRandomRequestsThroughTheRoundTrip() throws Exception {
    RandomRequests requests = new RandomRequests(new Random(28));
    int spans = 0;
    for (int i = 0; i < 2000; i++) {
      DecodeResult decoded;
      try {
        decoded = OtlpProtobufDecoder.decode(requests.request().toByteArray());
      } catch (MalformedException e) {
        continue; // values nested too deeply: nothing decoded to forward
      }
      assertRoundTrips(decoded.spans());
      spans += decoded.spans().size();
    }
    assertThat(spans).isGreaterThan(2000);
  }

  @Test
  void keepsEverySpanOfRandomOtlpJsonRequestsThroughTheRoundTrip() throws Exception {
    RandomRequests requests = new RandomRequests(new Random(29));
    int spans = 0;
    for (int i = 0; i < 500; i++) {
      DecodeResult decoded;
      try {
        decoded = OtlpJsonDecoder.decode(
            OtlpFixtures.toOtlpJson(requests.request(), JsonStyle.OTLP));
      } catch (MalformedException e) {
        continue;
      }
      assertRoundTrips(decoded.spans());
      spans += decoded.spans().size();
    }
    assertThat(spans).isGreaterThan(500);
  }

  @Test
  void keepsEveryFieldOfRandomModelSpans() {
    for (int seed = 0; seed < 3000; seed++) {
      assertRoundTrips(new RandomSpans(seed).spans(8));
    }
  }

  @Test
  void keepsASpanWithTheLargestListsTheCollectorKeeps() {
    // The collector's limits: 1,024 attributes a list, 1,000 events and links, 65,536-char values.
    List<Attribute> attributes = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      attributes.add(new Attribute("key." + i, i % 2 == 0 ? Value.of("v".repeat(i)) : Value.of(i)));
    }
    attributes.set(0, Attribute.of("long", "é".repeat(65_536)));
    List<Event> events = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      events.add(new Event(i, "event " + i, attributes.subList(0, i % 8), i));
      links.add(new Link(new TraceId(i, i + 1), i + 2, "s=" + i, attributes.subList(1, i % 8 + 1),
          i, false));
    }
    Span span = Span.builder()
        .traceId(TRACE_ID).spanId(1)
        .resource(Otlp.resource(attributes, 0))
        .scope(new Scope("s", "v", attributes))
        .attributes(attributes)
        .events(events)
        .links(links)
        .build();

    assertRoundTrips(List.of(span, span));
  }

  @Test
  void keepsValuesNestedAsDeeplyAsDecodersAcceptAndRefusesDeeperOnes() {
    Value deepest = Value.of("leaf");
    for (int depth = 1; depth < Otlp.MAX_VALUE_DEPTH; depth++) {
      deepest = depth % 2 == 0
          ? new Value.Array(List.of(deepest))
          : new Value.KvList(List.of(new Attribute("k", deepest)));
    }
    Span.Builder span = Span.builder().traceId(TRACE_ID).spanId(1);
    assertRoundTrips(List.of(span.attributes(List.of(new Attribute("deep", deepest))).build()));

    Value tooDeep = new Value.Array(List.of(deepest));
    Span refused = span
        .events(List.of(new Event(1, "e", List.of(new Attribute("too deep", tooDeep)), 0)))
        .build();
    assertThatThrownBy(() -> OtlpProtobufEncoder.encode(List.of(refused)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attribute values nested deeper than 32 levels, which no decoder accepts");
  }

  @Test
  void writesHalfASurrogatePairAloneAsTheReplacementCharacter() {
    String lone = "a\ud800b\udc00c\ud83d";
    String read = "a\ufffdb\ufffdc\ufffd";
    Attribute loneAttribute = new Attribute(lone, new Value.Array(List.of(Value.of(lone))));
    Attribute readAttribute = new Attribute(read, new Value.Array(List.of(Value.of(read))));
    Span written = Span.builder()
        .traceId(TRACE_ID).spanId(1)
        .name(lone).traceState(lone).status(StatusCode.ERROR, lone)
        .resource(Otlp.resource(List.of(loneAttribute), 0))
        .scope(new Scope(lone, lone, List.of(loneAttribute)))
        .attributes(List.of(loneAttribute, Attribute.of("pair", "😀")))
        .events(List.of(new Event(1, lone, List.of(loneAttribute), 0)))
        .links(List.of(new Link(TRACE_ID, 2, lone, List.of(loneAttribute), 0, false)))
        .build();

    DecodeResult decoded = OtlpRoundTrip.decode(OtlpProtobufEncoder.encode(List.of(written)));

    assertThat(decoded.spans()).containsExactly(Span.builder()
        .traceId(TRACE_ID).spanId(1)
        .name(read).traceState(read).status(StatusCode.ERROR, read)
        .resource(Otlp.resource(List.of(readAttribute), 0))
        .scope(new Scope(read, read, List.of(readAttribute)))
        .attributes(List.of(readAttribute, Attribute.of("pair", "😀")))
        .events(List.of(new Event(1, read, List.of(readAttribute), 0)))
        .links(List.of(new Link(TRACE_ID, 2, read, List.of(readAttribute), 0, false)))
        .build());
  }

  @Test
  void namesTheServiceOfAResourceWhoseAttributesDoNot() throws Exception {
    Resource unnamed = new Resource("billing", List.of(Attribute.of("host.name", "h")), 3);
    Span span = Span.builder().traceId(TRACE_ID).spanId(1).resource(unnamed).build();

    byte[] body = OtlpProtobufEncoder.encode(List.of(span));

    assertThat(ExportTraceServiceRequest.parseFrom(body).getResourceSpans(0).getResource()
        .getAttributesList())
        .containsExactly(kv("service.name", "billing"), kv("host.name", "h"));
    assertThat(OtlpRoundTrip.decode(body).spans().get(0).resource()).isEqualTo(new Resource(
        "billing",
        List.of(Attribute.of("service.name", "billing"), Attribute.of("host.name", "h")),
        3));
  }

  @Test
  void marksAFollowsFromLinkWithoutItsAttribute() throws Exception {
    Link link = new Link(TRACE_ID, 2, "", List.of(Attribute.of("why", "batch")), 0, true);
    Span span = Span.builder().traceId(TRACE_ID).spanId(1).links(List.of(link)).build();

    byte[] body = OtlpProtobufEncoder.encode(List.of(span));

    assertThat(ExportTraceServiceRequest.parseFrom(body).getResourceSpans(0).getScopeSpans(0)
        .getSpans(0).getLinks(0).getAttributesList())
        .containsExactly(kv("opentracing.ref_type", "follows_from"), kv("why", "batch"));
    assertThat(OtlpRoundTrip.decode(body).spans().get(0).links()).containsExactly(new Link(
        TRACE_ID, 2, "",
        List.of(Attribute.of("opentracing.ref_type", "follows_from"), Attribute.of("why", "batch")),
        0, true));
  }

  private static Resource resource(String service) {
    return Otlp.resource(
        List.of(Attribute.of("service.name", service), Attribute.of("host.name", service + "-1")),
        0);
  }

  private static Span span(long spanId, Resource resource, Scope scope) {
    return Span.builder()
        .traceId(TRACE_ID)
        .spanId(spanId)
        .name("span " + spanId)
        .resource(resource)
        .scope(scope)
        .build();
  }

  private static List<Long> spanIds(ScopeSpans scopeSpans) {
    return scopeSpans.getSpansList().stream()
        .map(span -> span.getSpanId().asReadOnlyByteBuffer().getLong())
        .toList();
  }

  private static KeyValue kv(String key, String value) {
    return OtlpFixtures.kv(key, OtlpFixtures.str(value));
  }
}
