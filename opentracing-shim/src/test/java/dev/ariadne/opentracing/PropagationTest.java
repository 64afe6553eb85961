package dev.ariadne.opentracing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.ariadne.sdk.data.SpanData;
import dev.ariadne.sdk.propagation.Propagators;
import io.opentracing.Span;
import io.opentracing.SpanContext;
import io.opentracing.Tracer;
import io.opentracing.propagation.Binary;
import io.opentracing.propagation.BinaryAdapters;
import io.opentracing.propagation.BinaryExtract;
import io.opentracing.propagation.BinaryInject;
import io.opentracing.propagation.Format;
import io.opentracing.propagation.TextMapAdapter;
import io.opentracing.propagation.TextMapExtract;
import io.opentracing.propagation.TextMapInject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PropagationTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

  private final InMemoryExporter exported = new InMemoryExporter();
  private final Tracer tracer = OpenTracingShim.create(exported.provider(), InMemoryExporter.W3C);

  @Test
  void httpHeadersCarryTheIdsAndBaggageToAChildInAnotherProcess() {
    Span client = tracer.buildSpan("client").start().setBaggageItem("tenant", "acme");
    Map<String, String> headers = new HashMap<>();
    tracer.inject(client.context(), Format.Builtin.HTTP_HEADERS, new TextMapAdapter(headers));

    assertThat(headers)
        .containsEntry(
            "traceparent",
            "00-" + client.context().toTraceId() + "-" + client.context().toSpanId() + "-01")
        .containsEntry("baggage", "tenant=acme");

    SpanContext extracted =
        tracer.extract(Format.Builtin.HTTP_HEADERS, new TextMapAdapter(headers));
    Span server = tracer.buildSpan("server").asChildOf(extracted).start();
    server.finish();

    assertThat(extracted.toTraceId()).isEqualTo(client.context().toTraceId());
    assertThat(extracted.toSpanId()).isEqualTo(client.context().toSpanId());
    assertThat(server.getBaggageItem("tenant")).isEqualTo("acme");
    SpanData serverData = exported.span("server");
    assertThat(serverData.getParentSpanContext().getSpanId())
        .isEqualTo(client.context().toSpanId());
    assertThat(serverData.getParentSpanContext().isRemote()).isTrue();
  }

  @Test
  void httpHeaderNamesAreMatchedIgnoringCase() {
    Map<String, String> headers = Map.of("Traceparent", TRACEPARENT, "BAGGAGE", "k=v");

    SpanContext extracted =
        tracer.extract(Format.Builtin.HTTP_HEADERS, new TextMapAdapter(headers));

    assertThat(extracted.toSpanId()).isEqualTo(SPAN_ID);
    assertThat(SpanShimTest.items(extracted)).containsExactly(entry("k", "v"));
  }

  @Test
  void textMapRoundTripsTheContextAndBaggage() {
    Span span = tracer.buildSpan("producer").start().setBaggageItem("order", "17");
    Map<String, String> message = new HashMap<>();
    tracer.inject(span.context(), Format.Builtin.TEXT_MAP, new TextMapAdapter(message));

    SpanContext extracted = tracer.extract(Format.Builtin.TEXT_MAP, new TextMapAdapter(message));

    assertThat(extracted.toTraceId()).isEqualTo(span.context().toTraceId());
    assertThat(extracted.toSpanId()).isEqualTo(span.context().toSpanId());
    assertThat(SpanShimTest.items(extracted)).containsExactly(entry("order", "17"));
  }

  @Test
  void textMapInjectAndExtractFormatsTakeOneWayCarriers() {
    Span span = tracer.buildSpan("op").start();
    Map<String, String> fields = new LinkedHashMap<>();
    TextMapInject inject = fields::put;
    tracer.inject(span.context(), Format.Builtin.TEXT_MAP_INJECT, inject);
    TextMapExtract extract = () -> fields.entrySet().iterator();

    SpanContext extracted = tracer.extract(Format.Builtin.TEXT_MAP_EXTRACT, extract);

    assertThat(fields).containsKey("traceparent");
    assertThat(extracted.toSpanId()).isEqualTo(span.context().toSpanId());
  }

  @Test
  void httpHeadersAndTextMapCanUseDifferentPropagators() {
    Tracer mixed =
        OpenTracingShim.create(exported.provider(), InMemoryExporter.W3C, Propagators.jaeger());
    Span span = mixed.buildSpan("op").start().setBaggageItem("tenant", "acme");
    Map<String, String> headers = new HashMap<>();
    Map<String, String> textMap = new HashMap<>();

    mixed.inject(span.context(), Format.Builtin.HTTP_HEADERS, new TextMapAdapter(headers));
    mixed.inject(span.context(), Format.Builtin.TEXT_MAP, new TextMapAdapter(textMap));

    assertThat(headers)
        .containsKeys("uber-trace-id", "uberctx-tenant")
        .doesNotContainKey("traceparent");
    assertThat(textMap).containsKeys("traceparent", "baggage").doesNotContainKey("uber-trace-id");
    SpanContext fromHeaders =
        mixed.extract(Format.Builtin.HTTP_HEADERS, new TextMapAdapter(headers));
    assertThat(fromHeaders.toSpanId()).isEqualTo(span.context().toSpanId());
    assertThat(SpanShimTest.items(fromHeaders)).containsExactly(entry("tenant", "acme"));
  }

  @Test
  void binaryRoundTripsTheContextAndBaggage() {
    Span span = tracer.buildSpan("op").start().setBaggageItem("tenant", "acmé");
    ByteBuffer buffer = ByteBuffer.allocate(512);
    tracer.inject(span.context(), Format.Builtin.BINARY, new BufferCarrier(buffer));
    buffer.flip();

    SpanContext extracted = tracer.extract(Format.Builtin.BINARY, new BufferCarrier(buffer));

    assertThat(extracted.toTraceId()).isEqualTo(span.context().toTraceId());
    assertThat(extracted.toSpanId()).isEqualTo(span.context().toSpanId());
    assertThat(SpanShimTest.items(extracted)).containsExactly(entry("tenant", "acmé"));
    assertThat(buffer.hasRemaining()).isFalse();
  }

  @Test
  void binaryInjectWritesTheDocumentedLayout() {
    Map<String, String> fields = Map.of("traceparent", TRACEPARENT);
    SpanContext context = tracer.extract(Format.Builtin.TEXT_MAP, new TextMapAdapter(fields));
    ByteBuffer buffer = ByteBuffer.allocate(512);

    tracer.inject(context, Format.Builtin.BINARY_INJECT, BinaryAdapters.injectionCarrier(buffer));

    buffer.flip();
    byte[] written = new byte[buffer.remaining()];
    buffer.get(written);
    assertThat(written).isEqualTo(encode(1, "traceparent", TRACEPARENT));
  }

  @Test
  void binaryExtractReadsTheDocumentedLayoutAndLeavesWhatFollows() {
    byte[] encoded = encode(1, "traceparent", TRACEPARENT, "baggage", "k=v");
    ByteBuffer buffer = ByteBuffer.allocate(encoded.length + 4);
    buffer.put(encoded).put(new byte[] {9, 9, 9, 9}).flip();

    SpanContext extracted =
        tracer.extract(Format.Builtin.BINARY_EXTRACT, BinaryAdapters.extractionCarrier(buffer));

    assertThat(extracted.toTraceId()).isEqualTo(TRACE_ID);
    assertThat(extracted.toSpanId()).isEqualTo(SPAN_ID);
    assertThat(SpanShimTest.items(extracted)).containsExactly(entry("k", "v"));
    assertThat(buffer.position()).isEqualTo(encoded.length);
  }

  @Test
  void everyTruncationOfABinaryContextExtractsAsNull() {
    byte[] encoded = encode(1, "traceparent", TRACEPARENT, "baggage", "k=v");
    for (int length = 0; length < encoded.length; length++) {
      ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(encoded, length));

      assertThat(tracer.extract(Format.Builtin.BINARY, new BufferCarrier(truncated)))
          .as("first %d bytes", length)
          .isNull();
      assertThat(truncated.position()).isZero();
    }
  }

  static Stream<Arguments> malformedBinary() {
    byte[] valid = encode(1, "traceparent", TRACEPARENT);
    byte[] otherVersion = valid.clone();
    otherVersion[0] = 2;
    byte[] invalidUtf8 = encode(1, "traceparent", TRACEPARENT);
    invalidUtf8[5] = (byte) 0xc3;
    byte[] oversize = new byte[3 + 2 + 1 + 2 + 0xffff];
    oversize[0] = 1;
    oversize[2] = 1;
    oversize[4] = 1;
    oversize[5] = 'k';
    oversize[6] = (byte) 0xff;
    oversize[7] = (byte) 0xff;
    byte[] tooManyFields = valid.clone();
    tooManyFields[1] = 1;
    tooManyFields[2] = 1;
    return Stream.of(
        Arguments.of("empty", new byte[0]),
        Arguments.of("random bytes", new byte[] {0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0}),
        Arguments.of("text instead of binary", TRACEPARENT.getBytes(UTF_8)),
        Arguments.of("another version", otherVersion),
        Arguments.of("invalid UTF-8", invalidUtf8),
        Arguments.of("empty key", encode(1, "", "value")),
        Arguments.of("a field past the size limit", oversize),
        Arguments.of("more fields than the limit", tooManyFields),
        Arguments.of("a valid encoding of garbage fields", encode(1, "traceparent", "garbage")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedBinary")
  void malformedBinaryExtractsAsNull(String description, byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);

    assertThat(tracer.extract(Format.Builtin.BINARY, new BufferCarrier(buffer))).isNull();
  }

  @Test
  void aBinaryCarrierWithoutABufferExtractsAsNull() {
    BinaryExtract withoutBuffer = () -> null;

    assertThat(tracer.extract(Format.Builtin.BINARY_EXTRACT, withoutBuffer)).isNull();
  }

  @Test
  void aCarrierWithoutContextExtractsAsNull() {
    assertThat(tracer.extract(Format.Builtin.HTTP_HEADERS, new TextMapAdapter(Map.of()))).isNull();
    assertThat(
            tracer.extract(
                Format.Builtin.TEXT_MAP, new TextMapAdapter(Map.of("traceparent", "00-bad"))))
        .isNull();
  }

  @Test
  void aCarrierWithOnlyBaggageExtractsAContextWithBaggageThatTravelsOn() {
    SpanContext extracted =
        tracer.extract(Format.Builtin.HTTP_HEADERS, new TextMapAdapter(Map.of("baggage", "k=v")));
    Span child = tracer.buildSpan("child").asChildOf(extracted).start();
    child.finish();

    assertThat(extracted.toSpanId()).isEqualTo("0000000000000000");
    assertThat(child.getBaggageItem("k")).isEqualTo("v");
    assertThat(exported.span("child").getParentSpanContext().isValid()).isFalse();
    Map<String, String> reinjected = new HashMap<>();
    tracer.inject(extracted, Format.Builtin.TEXT_MAP, new TextMapAdapter(reinjected));
    assertThat(reinjected).containsOnly(entry("baggage", "k=v"));
  }

  @Test
  void injectingANullContextWritesNothing() {
    Map<String, String> headers = new HashMap<>();

    tracer.inject(null, Format.Builtin.HTTP_HEADERS, new TextMapAdapter(headers));

    assertThat(headers).isEmpty();
  }

  @Test
  void anUnsupportedFormatIsRefusedByName() {
    Format<Map<String, String>> custom =
        new Format<>() {
          @Override
          public String toString() {
            return "CUSTOM_FORMAT";
          }
        };
    SpanContext context = tracer.buildSpan("op").start().context();

    assertThatThrownBy(() -> tracer.inject(context, custom, new HashMap<>()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("CUSTOM_FORMAT");
    assertThatThrownBy(() -> tracer.extract(custom, new HashMap<>()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("CUSTOM_FORMAT");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aCarrierOfTheWrongTypeIsAnIllegalArgument() {
    SpanContext context = tracer.buildSpan("op").start().context();
    Format rawTextMap = Format.Builtin.TEXT_MAP;

    assertThatThrownBy(() -> tracer.inject(context, rawTextMap, new HashMap<>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TextMapInject");
    assertThatThrownBy(() -> tracer.extract(rawTextMap, "headers"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TextMapExtract");
  }

  @Test
  void aBinaryInjectionBufferWithTooLittleRoomIsAnIllegalArgument() {
    SpanContext context = tracer.buildSpan("op").start().context();
    BinaryInject tiny = length -> ByteBuffer.allocate(2);

    assertThatThrownBy(() -> tracer.inject(context, Format.Builtin.BINARY_INJECT, tiny))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 bytes remaining");
  }

  @Test
  void theApisOwnBinaryAdapterWithTooLittleRoomIsAnIllegalArgumentNotAnError() {
    SpanContext context = tracer.buildSpan("op").start().context();
    BinaryInject tiny = BinaryAdapters.injectionCarrier(ByteBuffer.allocate(4));

    assertThatThrownBy(() -> tracer.inject(context, Format.Builtin.BINARY_INJECT, tiny))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carrier buffer");
  }

  @Test
  void aReadOnlyBinaryInjectionBufferIsAnIllegalArgument() {
    SpanContext context = tracer.buildSpan("op").start().context();
    BinaryInject readOnly = BinaryAdapters.injectionCarrier(ByteBuffer.allocate(512).asReadOnlyBuffer());

    assertThatThrownBy(() -> tracer.inject(context, Format.Builtin.BINARY_INJECT, readOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void extractedContextsAreReadFromTheCarrierOnce() {
    Map<String, String> headers = Map.of("traceparent", TRACEPARENT);
    int[] iterations = {0};
    TextMapExtract counting =
        () -> {
          iterations[0]++;
          return headers.entrySet().iterator();
        };

    tracer.extract(Format.Builtin.TEXT_MAP_EXTRACT, counting);

    assertThat(iterations[0]).isEqualTo(1);
  }

  /** A two-way binary carrier over one buffer, as the BINARY format asks for. */
  private static final class BufferCarrier implements Binary {
    private final ByteBuffer buffer;

    BufferCarrier(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public ByteBuffer injectionBuffer(int length) {
      return buffer;
    }

    @Override
    public ByteBuffer extractionBuffer() {
      return buffer;
    }
  }

  /** The documented BINARY layout, written independently of the shim's encoder. */
  private static byte[] encode(int version, String... keysAndValues) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(version);
    int count = keysAndValues.length / 2;
    out.write(count >>> 8);
    out.write(count);
    for (String s : keysAndValues) {
      byte[] bytes = s.getBytes(UTF_8);
      out.write(bytes.length >>> 8);
      out.write(bytes.length);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
