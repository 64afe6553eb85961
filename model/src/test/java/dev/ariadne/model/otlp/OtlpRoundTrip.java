package dev.ariadne.model.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.model.DecodeResult;
import dev.ariadne.model.MalformedException;
import dev.ariadne.model.Resource;
import dev.ariadne.model.Scope;
import dev.ariadne.model.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The round trip through OTLP/protobuf: spans that {@link OtlpProtobufEncoder} encodes come back
 * from {@link OtlpProtobufDecoder}, and from the generated classes ({@link
 * GeneratedClassesDecoder}), equal to what they were, grouped by resource and then scope. Shared by
 * the tests of every decoder whose spans the agent forwards.
 */
public final class OtlpRoundTrip {
  private OtlpRoundTrip() {}

  /** Encodes {@code spans}, decodes them both ways and checks they are what they were. */
  public static void assertRoundTrips(List<Span> spans) {
    byte[] body = OtlpProtobufEncoder.encode(spans);
    List<Span> expected = grouped(spans);
    for (DecodeResult result : List.of(decode(body), decodeWithGeneratedClasses(body))) {
      assertThat(result.rejectedCount()).isZero();
      assertThat(result.errorMessage()).isEmpty();
      assertThat(result.spans()).isEqualTo(expected);
    }
  }

  /** The spans in the order a request groups them: by resource, then scope, as first seen. */
  public static List<Span> grouped(List<Span> spans) {
    Map<Resource, Map<Scope, List<Span>>> groups = new LinkedHashMap<>();
    for (Span span : spans) {
      groups.computeIfAbsent(span.resource(), resource -> new LinkedHashMap<>())
          .computeIfAbsent(span.scope(), scope -> new ArrayList<>())
          .add(span);
    }
    List<Span> grouped = new ArrayList<>(spans.size());
    groups.values().forEach(byScope -> byScope.values().forEach(grouped::addAll));
    return grouped;
  }

  static DecodeResult decode(byte[] body) {
    try {
      return OtlpProtobufDecoder.decode(body);
    } catch (MalformedException e) {
      throw new AssertionError("the encoder wrote a malformed request", e);
    }
  }

  private static DecodeResult decodeWithGeneratedClasses(byte[] body) {
    try {
      return GeneratedClassesDecoder.decode(body);
    } catch (MalformedException e) {
      throw new AssertionError("the generated classes refuse the request", e);
    }
  }
}
