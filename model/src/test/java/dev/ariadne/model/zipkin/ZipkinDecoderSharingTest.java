package dev.ariadne.model.zipkin;

import static dev.ariadne.model.zipkin.Fixtures.CLIENT_SPAN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Span;
import dev.ariadne.model.Value;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

/**
 * The spans of one request share what they have in common (the resource of a local endpoint, the
 * texts that come again), and nothing is shared from one request to the next.
 */
class ZipkinDecoderSharingTest {
  private static final Endpoint BACKEND =
      Endpoint.newBuilder().serviceName("backend").ip("10.0.0.2").build();
  private static final List<zipkin2.Span> SPANS = List.of(
      CLIENT_SPAN,
      CLIENT_SPAN.toBuilder().id(7).build(),
      CLIENT_SPAN.toBuilder().id(8).localEndpoint(BACKEND).build(),
      CLIENT_SPAN.toBuilder().id(9).build());

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void spansWithTheSameLocalEndpointShareOneResource(ZipkinDecoder decoder) throws Exception {
    List<Span> spans = decode(decoder);

    assertThat(spans.get(1).resource()).isSameAs(spans.get(0).resource());
    assertThat(spans.get(3).resource()).isSameAs(spans.get(0).resource());
    assertThat(spans.get(2).resource()).isNotEqualTo(spans.get(0).resource());
    assertThat(spans.get(2).resource().serviceName()).isEqualTo("backend");
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void textThatComesAgainIsOneString(ZipkinDecoder decoder) throws Exception {
    List<Span> spans = decode(decoder);

    Attribute first = attribute(spans.get(0), "http.method");
    Attribute again = attribute(spans.get(3), "http.method");
    assertThat(again.key()).isSameAs(first.key());
    assertThat(((Value.Str) again.value()).value()).isSameAs(((Value.Str) first.value()).value());
    assertThat(spans.get(3).name()).isSameAs(spans.get(0).name());
  }

  @ParameterizedTest
  @EnumSource(ZipkinDecoder.class)
  void requestsShareNoResourceOrAttributes(ZipkinDecoder decoder) throws Exception {
    Span first = decode(decoder).get(0);
    Span again = decode(decoder).get(0);

    assertThat(again).isEqualTo(first);
    assertThat(again.resource()).isNotSameAs(first.resource());
    assertThat(again.attributes()).isNotSameAs(first.attributes());
  }

  @Test
  void proto3RequestsShareTheirTexts() throws Exception {
    Span first = decode(ZipkinDecoder.PROTO3).get(0);
    Span again = decode(ZipkinDecoder.PROTO3).get(0);

    assertThat(((Value.Str) attribute(again, "http.method").value()).value())
        .isSameAs(((Value.Str) attribute(first, "http.method").value()).value());
    assertThat(again.name()).isSameAs(first.name());
  }

  private static List<Span> decode(ZipkinDecoder decoder) throws MalformedException {
    SpanBytesEncoder encoder =
        decoder == ZipkinDecoder.JSON_V2 ? SpanBytesEncoder.JSON_V2 : SpanBytesEncoder.PROTO3;
    return decoder.decode(encoder.encodeList(SPANS)).spans();
  }

  private static Attribute attribute(Span span, String key) {
    return span.attributes().stream()
        .filter(attribute -> attribute.key().equals(key))
        .findFirst()
        .orElseThrow();
  }
}
