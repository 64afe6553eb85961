package dev.ariadne.model.zipkin;

import static dev.ariadne.model.otlp.OtlpRoundTrip.assertRoundTrips;
import static dev.ariadne.model.zipkin.Fixtures.CLIENT_SPAN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Span;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.codec.SpanBytesEncoder;

/** Spans a Zipkin decoder gives come back equal through OTLP/protobuf, as an agent forwards. */
class ZipkinOtlpRoundTripTest {

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void keepsTheFixtureSpanAndOneWithoutALocalEndpoint(ZipkinDecoder decoder) throws Exception {
    zipkin2.Span anonymous = CLIENT_SPAN.toBuilder()
        .id("5b4185666d50f68c")
        .localEndpoint(null)
        .putTag("error", "503")
        .putTag("otel.scope.name", "brave.okhttp3")
        .build();

    List<Span> spans = decoder.decode(encoder(decoder).encodeList(List.of(CLIENT_SPAN, anonymous)))
        .spans();

    assertThat(spans).containsExactly(Fixtures.clientSpan(), spans.get(1));
    assertThat(spans.get(1).resource().serviceName()).isEqualTo(Resource.UNKNOWN_SERVICE);
    assertRoundTrips(spans);
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void keepsEverySpanOfRandomZipkinBodies(ZipkinDecoder decoder) {
    int spans = 0;
    for (int seed = 0; seed < 500; seed++) {
      DecodeResult decoded;
      try {
        decoded = decoder.decode(encoder(decoder).encodeList(new RandomZipkin(seed).spans(6)));
      } catch (MalformedException e) {
        continue; // refused whole, as Zipkin refuses it: nothing to forward
      }
      assertRoundTrips(decoded.spans());
      spans += decoded.spans().size();
    }
    assertThat(spans).isGreaterThan(500);
  }

  private static SpanBytesEncoder encoder(ZipkinDecoder decoder) {
    return decoder == ZipkinDecoder.JSON_V2 ? SpanBytesEncoder.JSON_V2 : SpanBytesEncoder.PROTO3;
  }
}
