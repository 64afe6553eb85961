package dev.ariadne.sdk.propagation;

import static dev.ariadne.sdk.propagation.TestContexts.SPAN_ID;
import static dev.ariadne.sdk.propagation.TestContexts.TRACE_ID;
import static dev.ariadne.sdk.propagation.TestContexts.carrier;
import static dev.ariadne.sdk.propagation.TestContexts.extract;
import static dev.ariadne.sdk.propagation.TestContexts.inject;
import static dev.ariadne.sdk.propagation.TestContexts.spanContext;
import static dev.ariadne.sdk.propagation.TestContexts.withBaggage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.SpanContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JaegerPropagatorTest {
  final TextMapPropagator propagator = Propagators.jaeger();

  @Test
  void namesItsField() {
    assertThat(propagator.fields()).containsExactly("uber-trace-id");
  }

  @Test
  void injectsUberTraceId() {
    assertThat(inject(propagator, TestContexts.sampled()))
        .containsExactly(Map.entry("uber-trace-id", TRACE_ID + ":" + SPAN_ID + ":0:1"));
    assertThat(inject(propagator, TestContexts.notSampled()))
        .containsExactly(Map.entry("uber-trace-id", TRACE_ID + ":" + SPAN_ID + ":0:0"));
  }

  @Test
  void injectsBaggageAsPercentEncodedUberctxHeaders() {
    Context context =
        TestContexts.sampled()
            .with(Baggage.builder().put("user", "alice").put("note", "a b+c%").build());

    assertThat(inject(propagator, context))
        .containsEntry("uberctx-user", "alice")
        .containsEntry("uberctx-note", "a%20b%2Bc%25");
  }

  @Test
  void injectsBaggageWithoutASpanContext() {
    assertThat(inject(propagator, withBaggage(Baggage.builder().put("k", "v").build())))
        .containsExactly(Map.entry("uberctx-k", "v"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a:b", "ключ", "a\nb", "(a)"})
  void skipsBaggageKeysThatCannotBeHeaderNames(String key) {
    Baggage baggage = Baggage.builder().put(key, "v").put("ok", "v").build();

    assertThat(inject(propagator, withBaggage(baggage))).containsOnlyKeys("uberctx-ok");
  }

  @Test
  void stopsInjectingBaggageAtTheLimits() {
    Baggage.Builder many = Baggage.builder();
    for (int i = 0; i < 200; i++) many.put("k" + i, "v");
    Baggage large =
        Baggage.builder()
            .put("a", "x".repeat(8000))
            .put("b", "x".repeat(200))
            .put("c", "1")
            .build();

    assertThat(inject(propagator, withBaggage(many.build()))).hasSize(180);
    assertThat(inject(propagator, withBaggage(large))).containsOnlyKeys("uberctx-a");
  }

  static Stream<Arguments> validHeaders() {
    String padded16 = "0".repeat(16);
    return Stream.of(
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":0:1", TRACE_ID, SPAN_ID, true),
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":0:0", TRACE_ID, SPAN_ID, false),
        Arguments.of(
            "a3ce929d0e0e4736:" + SPAN_ID + ":0:1", padded16 + "a3ce929d0e0e4736", SPAN_ID, true),
        Arguments.of("1:2:0:1", "0".repeat(31) + "1", "0".repeat(15) + "2", true),
        Arguments.of("abc:def:0:1", "0".repeat(29) + "abc", "0".repeat(13) + "def", true),
        Arguments.of(
            "1a3ce929d0e0e4736:" + SPAN_ID + ":0:1",
            "000000000000000" + "1a3ce929d0e0e4736",
            SPAN_ID,
            true),
        Arguments.of(
            TRACE_ID.toUpperCase() + ":" + SPAN_ID.toUpperCase() + ":0:1", TRACE_ID, SPAN_ID, true),
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":05e3ac9a4f6e3b90:1", TRACE_ID, SPAN_ID, true),
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":0:01", TRACE_ID, SPAN_ID, true),
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":0:3", TRACE_ID, SPAN_ID, true),
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":0:2", TRACE_ID, SPAN_ID, false),
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":0:ff", TRACE_ID, SPAN_ID, true),
        Arguments.of(TRACE_ID + ":" + SPAN_ID + ":0:a", TRACE_ID, SPAN_ID, false),
        Arguments.of(TRACE_ID + "%3A" + SPAN_ID + "%3A0%3A1", TRACE_ID, SPAN_ID, true),
        Arguments.of(TRACE_ID + "%3a" + SPAN_ID + "%3a0%3a0", TRACE_ID, SPAN_ID, false),
        Arguments.of("abc%3Adef%3A0%3A1", "0".repeat(29) + "abc", "0".repeat(13) + "def", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validHeaders")
  void extractsAndLeftPadsIds(String header, String traceId, String spanId, boolean sampled) {
    SpanContext extracted = spanContext(extract(propagator, carrier("uber-trace-id", header)));

    assertThat(extracted.getTraceId()).isEqualTo(traceId);
    assertThat(extracted.getSpanId()).isEqualTo(spanId);
    assertThat(extracted.isSampled()).isEqualTo(sampled);
    assertThat(extracted.getTraceFlags()).isEqualTo(sampled ? SpanContext.FLAG_SAMPLED : 0);
    assertThat(extracted.isRemote()).isTrue();
  }

  static Stream<Arguments> malformedHeaders() {
    String t = TRACE_ID;
    String s = SPAN_ID;
    return Stream.of(
        Arguments.of("33-character trace ID", "1" + t + ":" + s + ":0:1"),
        Arguments.of("17-character span ID", t + ":1" + s + ":0:1"),
        Arguments.of("17-character parent ID", t + ":" + s + ":1" + s + ":1"),
        Arguments.of("3-character flags", t + ":" + s + ":0:001"),
        Arguments.of("empty trace ID", ":" + s + ":0:1"),
        Arguments.of("empty span ID", t + "::0:1"),
        Arguments.of("empty parent ID", t + ":" + s + "::1"),
        Arguments.of("empty flags", t + ":" + s + ":0:"),
        Arguments.of("three fields", t + ":" + s + ":1"),
        Arguments.of("five fields", t + ":" + s + ":0:1:0"),
        Arguments.of("non-hex trace ID", t.replace('a', 'x') + ":" + s + ":0:1"),
        Arguments.of("non-hex span ID", t + ":" + s.replace('a', 'x') + ":0:1"),
        Arguments.of("non-hex flags", t + ":" + s + ":0:g"),
        Arguments.of("space in span ID", t + ": " + s.substring(1) + ":0:1"),
        Arguments.of("all-zero trace ID", "0".repeat(32) + ":" + s + ":0:1"),
        Arguments.of("all-zero span ID", t + ":0:0:1"),
        Arguments.of("incomplete escape", t + "%3A" + s + "%3A0%3"),
        Arguments.of("URL-encoded with too few fields", t + "%3A" + s + "%3A1"),
        Arguments.of("empty", ""),
        Arguments.of("dashes", t + "-" + s + "-0-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedHeaders")
  void returnsTheContextUnchangedForAMalformedHeader(String why, String header) {
    Context context = Context.root();

    assertThat(propagator.extract(context, carrier("uber-trace-id", header), Carriers.mapGetter()))
        .isSameAs(context);
  }

  @Test
  void extractsBaggageFromUberctxHeaders() {
    Map<String, String> carrier =
        carrier(
            "uber-trace-id", TRACE_ID + ":" + SPAN_ID + ":0:1",
            "uberctx-user", "alice",
            "UberCtx-Note", "a%20b+c%2B",
            "uberctx-", "no key",
            "uberctx-bad", "%zz",
            "other", "ignored");

    Context extracted = extract(propagator, carrier);

    assertThat(spanContext(extracted).isValid()).isTrue();
    assertThat(Baggage.fromContext(extracted).asMap())
        .containsOnlyKeys("user", "note")
        .hasEntrySatisfying("note", entry -> assertThat(entry.getValue()).isEqualTo("a b c+"));
  }

  @Test
  void extractsBaggageWithoutASpanContext() {
    Baggage extracted = Baggage.fromContext(extract(propagator, carrier("uberctx-k", "v")));

    assertThat(extracted.getEntryValue("k")).isEqualTo("v");
  }

  @Test
  void addsExtractedBaggageToTheBaggageOfTheContext() {
    Context context = withBaggage(Baggage.builder().put("x", "old").put("y", "kept").build());

    Context extracted =
        propagator.extract(context, carrier("uberctx-x", "new"), Carriers.mapGetter());

    assertThat(Baggage.fromContext(extracted).getEntryValue("x")).isEqualTo("new");
    assertThat(Baggage.fromContext(extracted).getEntryValue("y")).isEqualTo("kept");
  }

  @Test
  void extractsAtMostOneHundredEightyBaggageEntries() {
    Map<String, String> carrier = carrier();
    for (int i = 0; i < 200; i++) carrier.put("uberctx-k" + i, "v");

    assertThat(Baggage.fromContext(extract(propagator, carrier)).size()).isEqualTo(180);
  }

  @Test
  void stopsExtractingBaggageAtEightKilobytes() {
    Map<String, String> carrier =
        carrier("uberctx-a", "x".repeat(8000), "uberctx-b", "x".repeat(200), "uberctx-c", "1");

    assertThat(Baggage.fromContext(extract(propagator, carrier)).asMap()).containsOnlyKeys("a");
  }

  @Test
  void returnsTheContextUnchangedWithoutJaegerHeaders() {
    Context context = Context.root();

    assertThat(propagator.extract(context, carrier("b3", "1"), Carriers.mapGetter()))
        .isSameAs(context);
    assertThat(propagator.extract(context, null, Carriers.mapGetter())).isSameAs(context);
  }

  @Test
  void readsHttpHeadersOfAnyCase() {
    Map<String, List<String>> headers =
        Map.of(
            "Uber-Trace-Id", List.of(TRACE_ID + ":" + SPAN_ID + ":0:1"),
            "Uberctx-Tenant", List.of("acme"));

    Context extracted = propagator.extract(Context.root(), headers, Carriers.httpHeadersGetter());

    assertThat(spanContext(extracted).getTraceId()).isEqualTo(TRACE_ID);
    assertThat(Baggage.fromContext(extracted).getEntryValue("tenant")).isEqualTo("acme");
  }

  @Test
  void roundTripsSpanContextAndBaggage() {
    Baggage baggage =
        Baggage.builder()
            .put("user", "alice")
            .put("text", "a b+c % é 😀")
            .put("empty", "")
            .build();
    Context context = TestContexts.sampled().with(baggage);

    Context extracted = extract(propagator, inject(propagator, context));

    assertThat(spanContext(extracted).getTraceId()).isEqualTo(TRACE_ID);
    assertThat(spanContext(extracted).isSampled()).isTrue();
    assertThat(Baggage.fromContext(extracted)).isEqualTo(baggage);
  }
}
