package dev.ariadne.exporter.otlp;

import static dev.ariadne.exporter.otlp.TestObjects.LINKED;
import static dev.ariadne.exporter.otlp.TestObjects.LOCAL_PARENT;
import static dev.ariadne.exporter.otlp.TestObjects.OTHER_RESOURCE;
import static dev.ariadne.exporter.otlp.TestObjects.REMOTE_PARENT;
import static dev.ariadne.exporter.otlp.TestObjects.RESOURCE;
import static dev.ariadne.exporter.otlp.TestObjects.SCOPE;
import static dev.ariadne.exporter.otlp.TestObjects.SCOPE_WITHOUT_VERSION;
import static dev.ariadne.exporter.otlp.TestObjects.fullSpan;
import static dev.ariadne.exporter.otlp.TestObjects.rootSpan;
import static dev.ariadne.exporter.otlp.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ariadne.api.common.AttributeKey;
import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.common.AttributesBuilder;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.StatusCode;
import dev.ariadne.api.trace.TraceState;
import dev.ariadne.sdk.data.EventData;
import dev.ariadne.sdk.data.InstrumentationScope;
import dev.ariadne.sdk.data.Resource;
import dev.ariadne.sdk.data.SpanData;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Decodes what the hand-written marshaler writes with protobuf-java and the published OTLP classes,
 * and compares it with the request built by {@link ExpectedProto}, field by field and byte by byte.
 */
class TraceRequestMarshalerInteropTest {

  @Test
  void writesAFullSpanExactlyAsProtobufJavaDoes() throws IOException {
    List<SpanData> spans = List.of(fullSpan());
    ExportTraceServiceRequest expected = ExpectedProto.request(spans);

    byte[] encoded = TraceRequestMarshaler.encode(spans, false);

    assertThat(ExportTraceServiceRequest.parseFrom(encoded)).isEqualTo(expected);
    assertThat(encoded).isEqualTo(expected.toByteArray());
  }

  @Test
  void writesEverySpanFieldWhereTheSpecificationPutsIt() throws IOException {
    Span span = onlySpan(decode(List.of(fullSpan())));

    assertThat(span.getTraceId()).isEqualTo(ByteString.fromHex(TestObjects.TRACE_ID));
    assertThat(span.getSpanId()).isEqualTo(ByteString.fromHex("b7ad6b7169203331"));
    assertThat(span.getParentSpanId()).isEqualTo(ByteString.fromHex("00f067aa0ba902b7"));
    assertThat(span.getTraceState()).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    assertThat(span.getName()).isEqualTo("GET /cart");
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(TestObjects.START);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(TestObjects.START + 12_345_678);
    assertThat(span.getAttributesCount()).isEqualTo(TestObjects.ALL_TYPES.size());
    assertThat(span.getDroppedAttributesCount()).isEqualTo(3);
    assertThat(span.getEventsList())
        .extracting(Span.Event::getName, Span.Event::getTimeUnixNano, Span.Event::getDroppedAttributesCount)
        .containsExactly(
            tuple("cache.miss", TestObjects.START + 1_000_000, 1),
            tuple("exception", TestObjects.START + 2_000_000, 0));
    assertThat(span.getEvents(0).getAttributes(0).getValue().getStringValue()).isEqualTo("cart:7");
    assertThat(span.getDroppedEventsCount()).isEqualTo(4);
    assertThat(span.getLinksCount()).isEqualTo(2);
    assertThat(span.getDroppedLinksCount()).isEqualTo(6);
    assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.getStatus().getMessage()).isEqualTo("cart service unavailable");
    assertThat(span.getFlags()).isEqualTo(0x301);
  }

  @Test
  void writesEveryAttributeTypeWithDefaultValuesPresentInTheOneof() throws IOException {
    Map<String, AnyValue> values =
        onlySpan(decode(List.of(fullSpan()))).getAttributesList().stream()
            .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));

    assertThat(values.get("http.request.method").getStringValue()).isEqualTo("GET");
    assertThat(values.get("empty.string").getValueCase()).isEqualTo(AnyValue.ValueCase.STRING_VALUE);
    assertThat(values.get("empty.string").getStringValue()).isEmpty();
    assertThat(values.get("cache.hit").getBoolValue()).isTrue();
    assertThat(values.get("retried").getValueCase()).isEqualTo(AnyValue.ValueCase.BOOL_VALUE);
    assertThat(values.get("retried").getBoolValue()).isFalse();
    assertThat(values.get("http.response.status_code").getIntValue()).isEqualTo(200);
    assertThat(values.get("zero").getValueCase()).isEqualTo(AnyValue.ValueCase.INT_VALUE);
    assertThat(values.get("negative").getIntValue()).isEqualTo(-1);
    assertThat(values.get("min").getIntValue()).isEqualTo(Long.MIN_VALUE);
    assertThat(values.get("max").getIntValue()).isEqualTo(Long.MAX_VALUE);
    assertThat(values.get("ratio").getDoubleValue()).isEqualTo(0.25);
    assertThat(values.get("zero.double").getValueCase()).isEqualTo(AnyValue.ValueCase.DOUBLE_VALUE);
    assertThat(Double.doubleToRawLongBits(values.get("negative.zero").getDoubleValue()))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(values.get("nan").getDoubleValue()).isNaN();
    assertThat(values.get("infinity").getDoubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(values.get("tags").getArrayValue().getValuesList())
        .extracting(AnyValue::getStringValue)
        .containsExactly("a", "", "ünïcödé");
    assertThat(values.get("flags").getArrayValue().getValuesList())
        .extracting(AnyValue::getValueCase, AnyValue::getBoolValue)
        .containsExactly(
            tuple(AnyValue.ValueCase.BOOL_VALUE, true),
            tuple(AnyValue.ValueCase.BOOL_VALUE, false));
    assertThat(values.get("ports").getArrayValue().getValuesList())
        .extracting(AnyValue::getIntValue)
        .containsExactly(80L, 0L, -443L);
    assertThat(values.get("weights").getArrayValue().getValuesList())
        .extracting(AnyValue::getDoubleValue)
        .containsExactly(0.5, 0.0, -1.5e300);
    assertThat(values.get("no.strings").getValueCase()).isEqualTo(AnyValue.ValueCase.ARRAY_VALUE);
    assertThat(values.get("no.strings").getArrayValue().getValuesCount()).isZero();
  }

  @Test
  void leavesOutAbsentOptionalFields() throws IOException {
    List<SpanData> spans = List.of(rootSpan());
    byte[] encoded = TraceRequestMarshaler.encode(spans, false);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(encoded);
    Span span = onlySpan(request);

    assertThat(span.getParentSpanId()).isEmpty();
    assertThat(span.getTraceState()).isEmpty();
    assertThat(span.hasStatus()).isFalse();
    assertThat(span.getAttributesCount()).isZero();
    assertThat(span.getEventsCount()).isZero();
    assertThat(span.getLinksCount()).isZero();
    assertThat(span.getDroppedAttributesCount()).isZero();
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getScope().getVersion()).isEmpty();
    assertThat(encoded).isEqualTo(ExpectedProto.request(spans).toByteArray());
  }

  @Test
  void writesAStatusThatHasOnlyACodeOrOnlyADescription() throws IOException {
    List<SpanData> spans =
        List.of(
            rootSpan().toBuilder().status(StatusCode.OK, "").build(),
            rootSpan().toBuilder().status(StatusCode.UNSET, "odd but kept").build());

    ExportTraceServiceRequest request = decode(spans);

    List<Span> decoded = request.getResourceSpans(0).getScopeSpans(0).getSpansList();
    assertThat(decoded.get(0).getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_OK);
    assertThat(decoded.get(0).getStatus().getMessage()).isEmpty();
    assertThat(decoded.get(1).getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(decoded.get(1).getStatus().getMessage()).isEqualTo("odd but kept");
    assertThat(request).isEqualTo(ExpectedProto.request(spans));
  }

  @Test
  void setsFlagsFromTheTraceFlagsAndWhetherTheParentIsRemote() throws IOException {
    SpanContext unsampled =
        SpanContext.create(1, 2, 3, (byte) 0, TraceState.empty());
    List<SpanData> spans =
        List.of(
            rootSpan().toBuilder().parentSpanContext(REMOTE_PARENT).build(),
            rootSpan().toBuilder()
                .spanContext(TestObjects.CONTEXT)
                .parentSpanContext(LOCAL_PARENT)
                .build(),
            rootSpan().toBuilder().spanContext(unsampled).build());

    List<Span> decoded = decode(spans).getResourceSpans(0).getScopeSpans(0).getSpansList();

    // The root span's own context is unsampled; only the parent's remoteness differs.
    assertThat(decoded).extracting(Span::getFlags).containsExactly(0x300, 0x101, 0x100);
  }

  @Test
  void keepsAFollowsFromReferenceAsALinkWithItsReferenceType() throws IOException {
    Span span = onlySpan(decode(List.of(fullSpan())));

    Span.Link followsFrom = span.getLinks(0);
    assertThat(followsFrom.getTraceId()).isEqualTo(ExpectedProto.traceId(LINKED));
    assertThat(followsFrom.getSpanId()).isEqualTo(ByteString.fromHex("53995c3f42cd8ad8"));
    assertThat(followsFrom.getTraceState()).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    assertThat(followsFrom.getAttributesList())
        .extracting(KeyValue::getKey, kv -> kv.getValue().getStringValue())
        .contains(tuple("opentracing.ref_type", "follows_from"));
    assertThat(followsFrom.getDroppedAttributesCount()).isEqualTo(5);
    assertThat(followsFrom.getFlags()).isEqualTo(0x300); // unsampled, remote
    Span.Link plain = span.getLinks(1);
    assertThat(plain.getAttributesCount()).isZero();
    assertThat(plain.getTraceState()).isEmpty();
    assertThat(plain.getFlags()).isEqualTo(0x101); // sampled, local
  }

  @Test
  void groupsSpansByResourceThenScopeInTheOrderFirstSeen() throws IOException {
    Resource equalToResource = Resource.create(RESOURCE.getAttributes());
    InstrumentationScope equalToScope = InstrumentationScope.create(SCOPE.getName(), SCOPE.getVersion());
    List<SpanData> spans =
        List.of(
            span("a1", 1, RESOURCE, SCOPE),
            span("b1", 2, OTHER_RESOURCE, SCOPE),
            span("a2", 3, RESOURCE, SCOPE_WITHOUT_VERSION),
            span("a3", 4, equalToResource, equalToScope),
            span("b2", 5, OTHER_RESOURCE, SCOPE_WITHOUT_VERSION),
            span("a4", 6, RESOURCE, SCOPE));

    byte[] encoded = TraceRequestMarshaler.encode(spans, false);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(encoded);

    assertThat(request.getResourceSpansList())
        .extracting(r -> r.getResource().getAttributes(0).getValue().getStringValue())
        .containsExactly("checkout", "billing");
    assertThat(names(request.getResourceSpans(0)))
        .isEqualTo(Map.of("dev.ariadne.test", List.of("a1", "a3", "a4"), "io.example.jdbc", List.of("a2")));
    assertThat(request.getResourceSpans(0).getScopeSpansList())
        .extracting(s -> s.getScope().getName())
        .containsExactly("dev.ariadne.test", "io.example.jdbc");
    assertThat(names(request.getResourceSpans(1)))
        .isEqualTo(Map.of("dev.ariadne.test", List.of("b1"), "io.example.jdbc", List.of("b2")));
    assertThat(request.getResourceSpans(1).getResource().getAttributesCount()).isEqualTo(1);
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getScope().getVersion()).isEqualTo("1.2.3");
    assertThat(encoded).isEqualTo(ExpectedProto.request(spans).toByteArray());
  }

  @Test
  void writesAnEmptyResourceAsAnEmptyMessage() throws IOException {
    List<SpanData> spans = List.of(rootSpan().toBuilder().resource(Resource.empty()).build());

    ExportTraceServiceRequest request = decode(spans);

    assertThat(request.getResourceSpans(0).hasResource()).isTrue();
    assertThat(request.getResourceSpans(0).getResource().getAttributesCount()).isZero();
    assertThat(request).isEqualTo(ExpectedProto.request(spans));
  }

  @Test
  void encodesUnicodeStringsAsUtf8() throws IOException {
    String text = "résumé · 日本語 · 🧵 thread · Ω";
    List<SpanData> spans =
        List.of(
            fullSpan().toBuilder()
                .name(text)
                .attributes(Attributes.of(AttributeKey.stringKey("ключ 🔑"), text))
                .events(List.of(EventData.create("événement ✓", 1, Attributes.empty(), 0)))
                .status(StatusCode.ERROR, "échec: " + text)
                .instrumentationScope(InstrumentationScope.create("портал", "β-1"))
                .resource(Resource.create(Attributes.of(Resource.SERVICE_NAME, "服务")))
                .build());

    byte[] encoded = TraceRequestMarshaler.encode(spans, false);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(encoded);

    assertThat(request).isEqualTo(ExpectedProto.request(spans));
    assertThat(encoded).isEqualTo(ExpectedProto.request(spans).toByteArray());
    Span span = onlySpan(request);
    assertThat(span.getName()).isEqualTo(text);
    assertThat(span.getAttributes(0).getKey()).isEqualTo("ключ 🔑");
    assertThat(span.getEvents(0).getName()).isEqualTo("événement ✓");
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getScope().getName()).isEqualTo("портал");
  }

  @Test
  void replacesAnUnpairedSurrogateWithAQuestionMarkAsTheJdkAndProtobufDo() throws IOException {
    String broken = "a\uD83Eb\uDDF5";
    List<SpanData> spans = List.of(rootSpan().toBuilder().name(broken).build());

    byte[] encoded = TraceRequestMarshaler.encode(spans, false);

    assertThat(onlySpan(ExportTraceServiceRequest.parseFrom(encoded)).getName()).isEqualTo("a?b?");
    assertThat(encoded).isEqualTo(ExpectedProto.request(spans).toByteArray());
  }

  @Test
  void encodesBatchesLargerThanTheBuffersAThreadKeeps() throws IOException {
    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      AttributesBuilder attributes = Attributes.builder();
      for (int a = 0; a < 40; a++) attributes.put("attribute." + a, "value " + i + "/" + a);
      spans.add(
          span("span-" + i, i + 1, RESOURCE, SCOPE).toBuilder().attributes(attributes.build()).build());
    }
    ExportTraceServiceRequest expected = ExpectedProto.request(spans);

    byte[] plain = TraceRequestMarshaler.encode(spans, false);
    byte[] gzipped = TraceRequestMarshaler.encode(spans, true);

    assertThat(plain.length).isGreaterThan(1 << 20);
    assertThat(ExportTraceServiceRequest.parseFrom(plain)).isEqualTo(expected);
    assertThat(gunzip(gzipped)).isEqualTo(plain);
    // A small request after a large one on the same thread is still exact.
    List<SpanData> small = List.of(fullSpan());
    assertThat(gunzip(TraceRequestMarshaler.encode(small, true)))
        .isEqualTo(ExpectedProto.request(small).toByteArray());
  }

  @Test
  void gzipsToTheSamePlainBytes() throws IOException {
    List<SpanData> spans = List.of(fullSpan(), rootSpan());

    byte[] gzipped = TraceRequestMarshaler.encode(spans, true);

    assertThat(HexFormat.of().formatHex(gzipped, 0, 2)).isEqualTo("1f8b");
    assertThat(gunzip(gzipped)).isEqualTo(TraceRequestMarshaler.encode(spans, false));
  }

  @Test
  void encodesNoSpansAsAnEmptyRequest() throws IOException {
    assertThat(TraceRequestMarshaler.encode(List.of(), false)).isEmpty();
  }

  private static ExportTraceServiceRequest decode(List<SpanData> spans) throws IOException {
    try {
      return ExportTraceServiceRequest.parseFrom(TraceRequestMarshaler.encode(spans, false));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a valid ExportTraceServiceRequest", e);
    }
  }

  private static Span onlySpan(ExportTraceServiceRequest request) {
    assertThat(request.getResourceSpansCount()).isEqualTo(1);
    assertThat(request.getResourceSpans(0).getScopeSpansCount()).isEqualTo(1);
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(1);
    return request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  private static Map<String, List<String>> names(ResourceSpans resourceSpans) {
    return resourceSpans.getScopeSpansList().stream()
        .collect(
            Collectors.toMap(
                s -> s.getScope().getName(),
                s -> s.getSpansList().stream().map(Span::getName).collect(Collectors.toList())));
  }

  static byte[] gunzip(byte[] gzipped) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }
}
