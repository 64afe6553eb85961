package dev.ariadne.model.otlp;

import dev.ariadne.model.DecodeResult;
import static dev.ariadne.model.otlp.OtlpFixtures.LINKED_SPAN_ID;
import static dev.ariadne.model.otlp.OtlpFixtures.LINKED_TRACE_ID;
import static dev.ariadne.model.otlp.OtlpFixtures.PARENT_SPAN_ID;
import static dev.ariadne.model.otlp.OtlpFixtures.SPAN_ID;
import static dev.ariadne.model.otlp.OtlpFixtures.TRACE_ID;
import static dev.ariadne.model.otlp.OtlpFixtures.array;
import static dev.ariadne.model.otlp.OtlpFixtures.bytes;
import static dev.ariadne.model.otlp.OtlpFixtures.kv;
import static dev.ariadne.model.otlp.OtlpFixtures.kvlist;
import static dev.ariadne.model.otlp.OtlpFixtures.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
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
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OtlpProtobufDecoderTest {

  @Test
  void decodesEveryFieldOfASpan() throws Exception {
    DecodeResult result = OtlpProtobufDecoder.decode(OtlpFixtures.fullRequest().toByteArray());

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEmpty();
    Span span = result.spans().get(0);
    assertThat(span.traceId()).isEqualTo(TRACE_ID);
    assertThat(span.spanId()).isEqualTo(SPAN_ID);
    assertThat(span.parentSpanId()).isEqualTo(PARENT_SPAN_ID);
    assertThat(span.traceState()).isEqualTo("vendor=x");
    assertThat(span.flags()).isEqualTo(0x301);
    assertThat(span.name()).isEqualTo("GET /users");
    assertThat(span.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.startEpochNanos()).isEqualTo(OtlpFixtures.START);
    assertThat(span.endEpochNanos()).isEqualTo(OtlpFixtures.END);
    assertThat(span.serviceName()).isEqualTo("users");
    assertThat(span.resource().attributes())
        .containsExactly(Attribute.of("service.name", "users"), Attribute.of("host.name", "h1"));
    assertThat(span.resource().droppedAttributesCount()).isEqualTo(2);
    assertThat(span.scope()).isEqualTo(
        new Scope("io.ariadne.http", "1.2.3", List.of(Attribute.of("scope.attr", 1))));
    assertThat(span.attributes()).isEqualTo(OtlpFixtures.everyValueTypeInModel());
    assertThat(span.droppedAttributesCount()).isEqualTo(3);
    assertThat(span.events()).containsExactly(
        new Event(OtlpFixtures.START + 10, "cache miss", List.of(Attribute.of("key", "user:1")), 1),
        new Event(OtlpFixtures.START + 20, "retry", List.of(), 0));
    assertThat(span.droppedEventsCount()).isEqualTo(4);
    Link followsFrom = span.links().get(0);
    assertThat(followsFrom.traceId()).isEqualTo(LINKED_TRACE_ID);
    assertThat(followsFrom.spanId()).isEqualTo(LINKED_SPAN_ID);
    assertThat(followsFrom.traceState()).isEqualTo("l=1");
    assertThat(followsFrom.attributes())
        .containsExactly(
            Attribute.of("opentracing.ref_type", "follows_from"), Attribute.of("why", "batch"));
    assertThat(followsFrom.droppedAttributesCount()).isEqualTo(5);
    assertThat(followsFrom.followsFrom()).isTrue();
    assertThat(span.links().get(1).followsFrom()).isFalse();
    assertThat(span.droppedLinksCount()).isEqualTo(6);
    assertThat(span.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.statusMessage()).isEqualTo("boom");
  }

  @Test
  void decodesEverySpanOfEveryResourceAndScope() throws Exception {
    DecodeResult result = OtlpProtobufDecoder.decode(OtlpFixtures.fullRequest().toByteArray());

    assertThat(result.spans()).isEqualTo(OtlpFixtures.fullRequestSpans());
  }

  @Test
  void givesSpansWithoutAResourceTheUnknownService() throws Exception {
    byte[] body = OtlpFixtures.fullRequest().toByteArray();

    Span orphan = OtlpProtobufDecoder.decode(body).spans().get(2);

    assertThat(orphan.resource()).isEqualTo(new Resource(Resource.UNKNOWN_SERVICE, List.of(), 0));
    assertThat(orphan.scope()).isEqualTo(Scope.UNKNOWN);
  }

  @Test
  void givesAResourceWithoutAStringServiceNameTheUnknownService() throws Exception {
    ExportTraceServiceRequest request =
        request(resourceWith(kv("service.name", OtlpFixtures.integer(3))), span().build());

    Span span = OtlpProtobufDecoder.decode(request.toByteArray()).spans().get(0);

    assertThat(span.serviceName()).isEqualTo(Resource.UNKNOWN_SERVICE);
    assertThat(span.resource().attributes()).containsExactly(Attribute.of("service.name", 3));
  }

  @Test
  void readsAnEmptyBodyAsAnEmptyRequest() throws Exception {
    DecodeResult result = OtlpProtobufDecoder.decode(new byte[0]);

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage()).isEmpty();
  }

  @Test
  void givesTheSpansOfARequestOneStringForEachTextThatComesAgain() throws Exception {
    byte[] body = request(
        span().setName("GET /cart").addAttributes(kv("http.route", str("/cart"))).build(),
        span().setName("GET /cart").addAttributes(kv("http.route", str("/cart"))).build())
        .toByteArray();
    ByteBuffer heap = ByteBuffer.allocate(body.length + 3).put(new byte[] {1, 2, 3}).put(body);
    heap.position(3);

    for (DecodeResult result :
        List.of(OtlpProtobufDecoder.decode(body), OtlpProtobufDecoder.decode(heap))) {
      Span first = result.spans().get(0);
      Span second = result.spans().get(1);
      assertThat(second.name()).isEqualTo("GET /cart").isSameAs(first.name());
      Attribute firstRoute = first.attributes().get(0);
      Attribute secondRoute = second.attributes().get(0);
      assertThat(secondRoute.key()).isEqualTo("http.route").isSameAs(firstRoute.key());
      assertThat(((Value.Str) secondRoute.value()).value())
          .isEqualTo("/cart")
          .isSameAs(((Value.Str) firstRoute.value()).value());
    }
  }

  @Test
  void decodesADirectByteBufferWithoutMovingIt() throws Exception {
    byte[] body = OtlpFixtures.fullRequest().toByteArray();
    ByteBuffer buffer = ByteBuffer.allocateDirect(body.length + 3);
    buffer.put(new byte[] {9, 9, 9}).put(body).position(3);

    DecodeResult result = OtlpProtobufDecoder.decode(buffer);

    assertThat(result.spans()).isEqualTo(OtlpFixtures.fullRequestSpans());
    assertThat(buffer.position()).isEqualTo(3);
  }

  @Test
  void leavesOutAttributesWithAnEmptyValueAndCountsThemAsDropped() throws Exception {
    io.opentelemetry.proto.trace.v1.Span span = span()
        .addAttributes(KeyValue.newBuilder().setKey("no value"))
        .addAttributes(kv("empty value", AnyValue.getDefaultInstance()))
        .addAttributes(kv("profiles only", AnyValue.newBuilder().setStringValueStrindex(4).build()))
        .addAttributes(kv("kept", array(str("a"), AnyValue.getDefaultInstance())))
        .setDroppedAttributesCount(1)
        .build();

    Span decoded = OtlpProtobufDecoder.decode(request(span).toByteArray()).spans().get(0);

    assertThat(decoded.attributes())
        .containsExactly(new Attribute("kept", new Value.Array(List.of(Value.of("a")))));
    assertThat(decoded.droppedAttributesCount()).isEqualTo(4);
  }

  @Test
  void rejectsOnlyTheSpanWithAWrongLengthTraceId() throws Exception {
    ExportTraceServiceRequest request = request(
        span().build(),
        span().setTraceId(ByteString.copyFrom(new byte[5])).build(),
        span().setName("kept too").build());

    DecodeResult result = OtlpProtobufDecoder.decode(request.toByteArray());

    assertThat(result.spans()).extracting(Span::name).containsExactly("s", "kept too");
    assertThat(result.rejectedCount()).isEqualTo(1);
    assertThat(result.errorMessage())
        .isEqualTo("resourceSpans[0].scopeSpans[0].spans[1].traceId: 5 bytes (expected: 16 bytes)");
  }

  @Test
  void rejectsSpansWithMissingOrZeroOrWrongLengthIds() throws Exception {
    ExportTraceServiceRequest request = request(
        span().setTraceId(bytes(new TraceId(0, 0))).build(),
        span().clearSpanId().build(),
        span().setSpanId(bytes(0)).build(),
        span().setParentSpanId(ByteString.copyFrom(new byte[4])).build());

    DecodeResult result = OtlpProtobufDecoder.decode(request.toByteArray());

    assertThat(result.spans()).isEmpty();
    assertThat(result.rejectedCount()).isEqualTo(4);
    String spans = "resourceSpans[0].scopeSpans[0].spans";
    assertThat(result.errorMessage()).isEqualTo(String.join("; ",
        spans + "[0].traceId: all zeros (expected: at least one non-zero byte)",
        spans + "[1].spanId: missing (expected: 8 bytes)",
        spans + "[2].spanId: all zeros (expected: at least one non-zero byte)",
        spans + "[3].parentSpanId: 4 bytes (expected: 8 bytes)"));
  }

  @Test
  void takesAParentSpanIdOfZerosAsARootSpan() throws Exception {
    ExportTraceServiceRequest request = request(span().setParentSpanId(bytes(0)).build());

    Span span = OtlpProtobufDecoder.decode(request.toByteArray()).spans().get(0);

    assertThat(span.parentSpanId()).isZero();
  }

  @Test
  void quotesTheFirstFiveRejectionsAndCountsTheRest() throws Exception {
    io.opentelemetry.proto.trace.v1.Span bad = span().clearTraceId().build();
    ExportTraceServiceRequest request = request(bad, bad, bad, bad, bad, bad, bad, span().build());

    DecodeResult result = OtlpProtobufDecoder.decode(request.toByteArray());

    assertThat(result.spans()).hasSize(1);
    assertThat(result.rejectedCount()).isEqualTo(7);
    assertThat(result.errorMessage().split("; ")).hasSize(5);
    assertThat(result.errorMessage())
        .endsWith("spans[4].traceId: missing (expected: 16 bytes) (and 2 more)");
  }

  @Test
  void dropsALinkWithAWrongLengthIdAndWarns() throws Exception {
    io.opentelemetry.proto.trace.v1.Span span = span()
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(bytes(TRACE_ID))
            .setSpanId(ByteString.copyFrom(new byte[3])))
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceState("no ids"))
        .setDroppedLinksCount(2)
        .build();

    DecodeResult result = OtlpProtobufDecoder.decode(request(span).toByteArray());

    assertThat(result.rejectedCount()).isZero();
    assertThat(result.errorMessage())
        .isEqualTo("resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId: 3 bytes "
            + "(expected: 8 bytes); link dropped");
    Span decoded = result.spans().get(0);
    assertThat(decoded.links())
        .containsExactly(new Link(new TraceId(0, 0), 0, "no ids", List.of(), 0, false));
    assertThat(decoded.droppedLinksCount()).isEqualTo(3);
  }

  @Test
  void mapsUnknownKindAndStatusNumbersToTheirDefaults() throws Exception {
    io.opentelemetry.proto.trace.v1.Span span = span()
        .setKindValue(9)
        .setStatus(Status.newBuilder().setCodeValue(7).setMessage("from a newer OTLP"))
        .build();

    Span decoded = OtlpProtobufDecoder.decode(request(span).toByteArray()).spans().get(0);

    assertThat(decoded.kind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(decoded.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(decoded.statusMessage()).isEqualTo("from a newer OTLP");
  }

  @Test
  void keepsTimesBeyondTheSignedRangeAsTheirBitsAndSaturatesHugeCounts() throws Exception {
    io.opentelemetry.proto.trace.v1.Span span = span()
        .setStartTimeUnixNano(-2)
        .setEndTimeUnixNano(-1)
        .setDroppedEventsCount(-1)
        .setFlags(-1)
        .build();

    Span decoded = OtlpProtobufDecoder.decode(request(span).toByteArray()).spans().get(0);

    assertThat(Long.toUnsignedString(decoded.endEpochNanos())).isEqualTo("18446744073709551615");
    assertThat(decoded.durationNanos()).isEqualTo(1);
    assertThat(decoded.droppedEventsCount()).isEqualTo(Integer.MAX_VALUE);
    assertThat(decoded.flags()).isEqualTo(0xffffffff);
  }

  @Test
  void acceptsValuesNestedThirtyTwoLevelsDeep() throws Exception {
    ExportTraceServiceRequest request =
        request(span().addAttributes(kv("deep", nestedArrays(32))).build());

    Span span = OtlpProtobufDecoder.decode(request.toByteArray()).spans().get(0);

    Value value = span.attributes().get(0).value();

    int depth = 1;
    while (value instanceof Value.Array array && !array.values().isEmpty()) {
      value = array.values().get(0);
      depth++;
    }
    assertThat(depth).isEqualTo(32);
    assertThat(value).isEqualTo(Value.of("leaf"));
  }

  @Test
  void refusesValuesNestedDeeperThanThirtyTwoLevels() {
    AnyValue deep = kvlist(kv("a", nestedArrays(32)));
    ExportTraceServiceRequest request = request(span().addAttributes(kv("deep", deep)).build());

    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(request.toByteArray()))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("OTLP protobuf: resourceSpans[0].scopeSpans[0].spans[0]"
            + ".attributes[0].value.kvlistValue")
        .hasMessageEndingWith("values[0]: attribute values nested deeper than 32 levels");
  }

  @Test
  void refusesNestingBeyondTheProtobufRecursionLimit() {
    ExportTraceServiceRequest request =
        request(span().addAttributes(kv("deep", nestedArrays(200))).build());

    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(request.toByteArray()))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("OTLP protobuf: Protocol message had too many levels of nesting");
  }

  @Test
  void refusesATruncatedBody() {
    byte[] body = OtlpFixtures.fullRequest().toByteArray();
    byte[] truncated = Arrays.copyOf(body, body.length - 7);

    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(truncated))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith(
            "OTLP protobuf: While parsing a protocol message, the input ended unexpectedly");
  }

  @Test
  void refusesAnEndGroupTagThatWouldHideTheRestOfTheBody() {
    byte[] spanAfterEndGroup = request(span().build()).toByteArray();
    byte[] body = new byte[spanAfterEndGroup.length + 1];
    body[0] = 0x0c; // field 1, wire type 4: end group
    System.arraycopy(spanAfterEndGroup, 0, body, 1, spanAfterEndGroup.length);

    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageStartingWith("OTLP protobuf: Protocol message end-group tag did not match");
  }

  @Test
  void refusesInvalidUtf8InAString() {
    byte[] body = request(span().setName("é").build()).toByteArray();
    int at = indexOf(body, (byte) 0xc3);
    body[at] = (byte) 0xff;

    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(body))
        .isInstanceOf(MalformedException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void neverFailsOnRandomBytesWithAnythingButMalformedException() {
    Random random = new Random(42);
    int malformed = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] body = new byte[random.nextInt(200)];
      random.nextBytes(body);
      try {
        OtlpProtobufDecoder.decode(body);
      } catch (MalformedException e) {
        assertThat(e).hasMessageStartingWith("OTLP protobuf: ");
        malformed++;
      }
    }
    assertThat(malformed).isGreaterThan(1000);
  }

  private static AnyValue nestedArrays(int depth) {
    AnyValue value = str("leaf");
    for (int i = 1; i < depth; i++) {
      value = array(value);
    }
    return value;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new AssertionError("not found: " + b);
  }

  /** A valid span named "s". */
  private static io.opentelemetry.proto.trace.v1.Span.Builder span() {
    return io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(bytes(TRACE_ID))
        .setSpanId(bytes(SPAN_ID))
        .setName("s");
  }

  private static io.opentelemetry.proto.resource.v1.Resource resourceWith(KeyValue attribute) {
    return io.opentelemetry.proto.resource.v1.Resource.newBuilder()
        .addAttributes(attribute)
        .build();
  }

  private static ExportTraceServiceRequest request(io.opentelemetry.proto.trace.v1.Span... spans) {
    return request(io.opentelemetry.proto.resource.v1.Resource.getDefaultInstance(), spans);
  }

  private static ExportTraceServiceRequest request(
      io.opentelemetry.proto.resource.v1.Resource resource,
      io.opentelemetry.proto.trace.v1.Span... spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(resource)
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
        .build();
  }
}
