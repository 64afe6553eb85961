package dev.ariadne.sdk.propagation;

import static dev.ariadne.sdk.propagation.TestContexts.SPAN_ID;
import static dev.ariadne.sdk.propagation.TestContexts.TRACE_ID;
import static dev.ariadne.sdk.propagation.TestContexts.carrier;
import static dev.ariadne.sdk.propagation.TestContexts.extract;
import static dev.ariadne.sdk.propagation.TestContexts.inject;
import static dev.ariadne.sdk.propagation.TestContexts.spanContext;
import static dev.ariadne.sdk.propagation.TestContexts.withSpan;
import static org.assertj.core.api.Assertions.assertThat;

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

class B3PropagatorTest {
  static final String PARENT_ID = "05e3ac9a4f6e3b90";
  static final String SHORT_TRACE_ID = "a3ce929d0e0e4736";

  final TextMapPropagator single = Propagators.b3Single();
  final TextMapPropagator multi = Propagators.b3Multi();

  static Stream<TextMapPropagator> bothPropagators() {
    return Stream.of(Propagators.b3Single(), Propagators.b3Multi());
  }

  @Test
  void namesTheFieldsEachFormWrites() {
    assertThat(single.fields()).containsExactly("b3");
    assertThat(multi.fields())
        .containsExactly("X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled", "X-B3-Flags");
  }

  @Test
  void injectsTheSingleHeader() {
    assertThat(inject(single, TestContexts.sampled()))
        .containsExactly(Map.entry("b3", TRACE_ID + "-" + SPAN_ID + "-1"));
    assertThat(inject(single, TestContexts.notSampled()))
        .containsExactly(Map.entry("b3", TRACE_ID + "-" + SPAN_ID + "-0"));
  }

  @Test
  void injectsMultipleHeaders() {
    assertThat(inject(multi, TestContexts.sampled()))
        .containsExactly(
            Map.entry("X-B3-TraceId", TRACE_ID),
            Map.entry("X-B3-SpanId", SPAN_ID),
            Map.entry("X-B3-Sampled", "1"));
    assertThat(inject(multi, TestContexts.notSampled())).containsEntry("X-B3-Sampled", "0");
  }

  @Test
  void injectsA64BitTraceIdLeftPaddedTo128Bits() {
    Context context = withSpan(0, 0xa3ce929d0e0e4736L, 1, SpanContext.FLAG_SAMPLED);

    assertThat(inject(single, context).get("b3"))
        .isEqualTo("0000000000000000a3ce929d0e0e4736-0000000000000001-1");
    assertThat(inject(multi, context).get("X-B3-TraceId"))
        .isEqualTo("0000000000000000a3ce929d0e0e4736");
  }

  @ParameterizedTest
  @MethodSource("bothPropagators")
  void injectsNothingWithoutAValidSpanContext(TextMapPropagator propagator) {
    assertThat(inject(propagator, Context.root())).isEmpty();
  }

  static Stream<Arguments> validSingleHeaders() {
    String t = TRACE_ID;
    String s = SPAN_ID;
    String p = PARENT_ID;
    return Stream.of(
        Arguments.of(t + "-" + s + "-1-" + p, t, true, false),
        Arguments.of(t + "-" + s + "-1", t, true, false),
        Arguments.of(t + "-" + s + "-0", t, false, false),
        Arguments.of(t + "-" + s + "-0-" + p, t, false, false),
        Arguments.of(t + "-" + s + "-d", t, true, true),
        Arguments.of(t + "-" + s + "-d-" + p, t, true, true),
        Arguments.of(t + "-" + s, t, false, false),
        Arguments.of(SHORT_TRACE_ID + "-" + s + "-1", "0".repeat(16) + SHORT_TRACE_ID, true, false),
        Arguments.of(t + "-" + s + "-1," + t + "-" + s + "-0", t, true, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSingleHeaders")
  void extractsTheSingleHeader(String b3, String traceId, boolean sampled, boolean debug) {
    for (TextMapPropagator propagator : List.of(single, multi)) {
      Context extracted = extract(propagator, carrier("b3", b3));

      SpanContext spanContext = spanContext(extracted);
      assertThat(spanContext.getTraceId()).isEqualTo(traceId);
      assertThat(spanContext.getSpanId()).isEqualTo(SPAN_ID);
      assertThat(spanContext.isSampled()).isEqualTo(sampled);
      assertThat(spanContext.isRemote()).isTrue();
      assertThat(extracted.get(B3Propagator.DEBUG)).isEqualTo(debug ? Boolean.TRUE : null);
    }
  }

  static Stream<Arguments> malformedSingleHeaders() {
    String t = TRACE_ID;
    String s = SPAN_ID;
    String p = PARENT_ID;
    return Stream.of(
        Arguments.of("upper-case trace ID", t.toUpperCase() + "-" + s + "-1"),
        Arguments.of("upper-case span ID", t + "-" + s.toUpperCase() + "-1"),
        Arguments.of("upper-case parent ID", t + "-" + s + "-1-" + p.toUpperCase()),
        Arguments.of("15-character trace ID", t.substring(17) + "-" + s + "-1"),
        Arguments.of("31-character trace ID", t.substring(1) + "-" + s + "-1"),
        Arguments.of("15-character span ID", t + "-" + s.substring(1) + "-1"),
        Arguments.of("17-character span ID", t + "-" + s + "0-1"),
        Arguments.of("15-character parent ID", t + "-" + s + "-1-" + p.substring(1)),
        Arguments.of("17-character parent ID", t + "-" + s + "-1-" + p + "0"),
        Arguments.of("unknown sampling state", t + "-" + s + "-2"),
        Arguments.of("sampling state true", t + "-" + s + "-true"),
        Arguments.of("trailing dash", t + "-" + s + "-"),
        Arguments.of("dash after sampling state", t + "-" + s + "-1-"),
        Arguments.of("parent without sampling state", t + "-" + s + "-" + p),
        Arguments.of("fifth field", t + "-" + s + "-1-" + p + "-1"),
        Arguments.of("all-zero trace ID", "0".repeat(32) + "-" + s + "-1"),
        Arguments.of("all-zero span ID", t + "-" + "0".repeat(16) + "-1"),
        Arguments.of("non-hex trace ID", t.replace('a', 'x') + "-" + s + "-1"),
        Arguments.of("no span ID", t),
        Arguments.of("empty", ""),
        Arguments.of("dash", "-"),
        Arguments.of("unknown sampling-only state", "x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedSingleHeaders")
  void returnsTheContextUnchangedForAMalformedSingleHeader(String why, String b3) {
    Context context = Context.root();

    assertThat(single.extract(context, carrier("b3", b3), Carriers.mapGetter())).isSameAs(context);
    assertThat(multi.extract(context, carrier("b3", b3), Carriers.mapGetter())).isSameAs(context);
  }

  static Stream<Arguments> validMultipleHeaders() {
    return Stream.of(
        Arguments.of("1", null, TRACE_ID, true, false),
        Arguments.of("0", null, TRACE_ID, false, false),
        Arguments.of("true", null, TRACE_ID, true, false),
        Arguments.of("True", null, TRACE_ID, true, false),
        Arguments.of("false", null, TRACE_ID, false, false),
        Arguments.of(null, null, TRACE_ID, false, false),
        Arguments.of("yes", null, TRACE_ID, false, false),
        Arguments.of(null, "1", TRACE_ID, true, true),
        Arguments.of("0", "1", TRACE_ID, true, true),
        Arguments.of("1", "0", TRACE_ID, true, false),
        Arguments.of("1", null, SHORT_TRACE_ID, true, false));
  }

  @ParameterizedTest(name = "sampled={0} flags={1} traceId={2}")
  @MethodSource("validMultipleHeaders")
  void extractsMultipleHeaders(
      String sampledHeader, String flagsHeader, String traceId, boolean sampled, boolean debug) {
    Map<String, String> carrier =
        carrier("X-B3-TraceId", traceId, "X-B3-SpanId", SPAN_ID, "X-B3-ParentSpanId", PARENT_ID);
    if (sampledHeader != null) carrier.put("X-B3-Sampled", sampledHeader);
    if (flagsHeader != null) carrier.put("X-B3-Flags", flagsHeader);

    for (TextMapPropagator propagator : List.of(single, multi)) {
      Context extracted = extract(propagator, carrier);

      SpanContext spanContext = spanContext(extracted);
      assertThat(spanContext.getTraceId()).endsWith(traceId).hasSize(32);
      assertThat(spanContext.getSpanId()).isEqualTo(SPAN_ID);
      assertThat(spanContext.isSampled()).isEqualTo(sampled);
      assertThat(extracted.get(B3Propagator.DEBUG)).isEqualTo(debug ? Boolean.TRUE : null);
    }
  }

  static Stream<Arguments> malformedMultipleHeaders() {
    return Stream.of(
        Arguments.of("missing span ID", TRACE_ID, null),
        Arguments.of("missing trace ID", null, SPAN_ID),
        Arguments.of("upper-case trace ID", TRACE_ID.toUpperCase(), SPAN_ID),
        Arguments.of("upper-case span ID", TRACE_ID, SPAN_ID.toUpperCase()),
        Arguments.of("24-character trace ID", TRACE_ID.substring(8), SPAN_ID),
        Arguments.of("8-character span ID", TRACE_ID, SPAN_ID.substring(8)),
        Arguments.of("all-zero trace ID", "0".repeat(16), SPAN_ID),
        Arguments.of("all-zero span ID", TRACE_ID, "0".repeat(16)),
        Arguments.of("empty trace ID", "", SPAN_ID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedMultipleHeaders")
  void returnsTheContextUnchangedForMalformedMultipleHeaders(
      String why, String traceId, String spanId) {
    Map<String, String> carrier = carrier("X-B3-Sampled", "1");
    if (traceId != null) carrier.put("X-B3-TraceId", traceId);
    if (spanId != null) carrier.put("X-B3-SpanId", spanId);
    Context context = Context.root();

    assertThat(single.extract(context, carrier, Carriers.mapGetter())).isSameAs(context);
    assertThat(multi.extract(context, carrier, Carriers.mapGetter())).isSameAs(context);
  }

  @Test
  void prefersTheSingleHeaderOverMultipleHeaders() {
    String otherTraceId = "11111111111111111111111111111111";
    Map<String, String> carrier =
        carrier(
            "b3", TRACE_ID + "-" + SPAN_ID + "-0",
            "X-B3-TraceId", otherTraceId,
            "X-B3-SpanId", SPAN_ID,
            "X-B3-Sampled", "1");

    SpanContext extracted = spanContext(extract(single, carrier));

    assertThat(extracted.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(extracted.isSampled()).isFalse();
  }

  @Test
  void fallsBackToMultipleHeadersWhenTheSingleHeaderIsMalformed() {
    Map<String, String> carrier =
        carrier("b3", "garbage", "X-B3-TraceId", TRACE_ID, "X-B3-SpanId", SPAN_ID);

    assertThat(spanContext(extract(single, carrier)).getTraceId()).isEqualTo(TRACE_ID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "d"})
  void extractsNoSpanContextFromASamplingStateAlone(String state) {
    Context context = Context.root();

    assertThat(single.extract(context, carrier("b3", state), Carriers.mapGetter()))
        .isSameAs(context);
  }

  @Test
  void appliesASamplingStateAloneToIdsFromMultipleHeaders() {
    Map<String, String> deny =
        carrier("b3", "0", "X-B3-TraceId", TRACE_ID, "X-B3-SpanId", SPAN_ID, "X-B3-Sampled", "1");
    Map<String, String> accept =
        carrier("b3", "1", "X-B3-TraceId", TRACE_ID, "X-B3-SpanId", SPAN_ID, "X-B3-Sampled", "0");
    Map<String, String> debug =
        carrier("b3", "d", "X-B3-TraceId", TRACE_ID, "X-B3-SpanId", SPAN_ID);

    assertThat(spanContext(extract(multi, deny)).isSampled()).isFalse();
    assertThat(spanContext(extract(multi, accept)).isSampled()).isTrue();
    assertThat(spanContext(extract(multi, debug)).isSampled()).isTrue();
    assertThat(extract(multi, debug).get(B3Propagator.DEBUG)).isTrue();
  }

  @Test
  void readsTheFirstOfRepeatedHeaders() {
    Map<String, List<String>> headers =
        Map.of(
            "x-b3-traceid", List.of(TRACE_ID, "11111111111111111111111111111111"),
            "x-b3-spanid", List.of(SPAN_ID),
            "x-b3-sampled", List.of("1", "0"));

    SpanContext extracted =
        spanContext(multi.extract(Context.root(), headers, Carriers.httpHeadersGetter()));

    assertThat(extracted.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(extracted.isSampled()).isTrue();
  }

  @Test
  void passesTheDebugStateOn() {
    Context debug = extract(single, carrier("b3", TRACE_ID + "-" + SPAN_ID + "-d"));

    assertThat(inject(single, debug)).containsEntry("b3", TRACE_ID + "-" + SPAN_ID + "-d");
    assertThat(inject(multi, debug))
        .containsEntry("X-B3-Flags", "1")
        .doesNotContainKey("X-B3-Sampled");
  }

  @Test
  void writesADenyDecisionEvenIfTheContextWasOnceDebug() {
    Context debugButNotSampled =
        withSpan(1, 2, 3, (byte) 0).with(B3Propagator.DEBUG, Boolean.TRUE);

    assertThat(inject(single, debugButNotSampled).get("b3")).endsWith("-0");
    assertThat(inject(multi, debugButNotSampled)).containsEntry("X-B3-Sampled", "0");
  }

  @Test
  void forgetsAnEarlierDebugStateWhenExtractingANewContext() {
    Context debug = extract(single, carrier("b3", TRACE_ID + "-" + SPAN_ID + "-d"));

    Context extracted =
        single.extract(debug, carrier("b3", TRACE_ID + "-" + SPAN_ID + "-1"), Carriers.mapGetter());

    assertThat(extracted.get(B3Propagator.DEBUG)).isNull();
    assertThat(inject(single, extracted).get("b3")).endsWith("-1");
  }

  @ParameterizedTest
  @MethodSource("bothPropagators")
  void roundTripsSampledAndNotSampledContexts(TextMapPropagator propagator) {
    for (Context context : List.of(TestContexts.sampled(), TestContexts.notSampled())) {
      SpanContext original = spanContext(context);

      SpanContext extracted = spanContext(extract(propagator, inject(propagator, context)));

      assertThat(extracted)
          .isEqualTo(
              SpanContext.createFromRemoteParent(
                  original.getTraceIdHigh(),
                  original.getTraceIdLow(),
                  original.getSpanIdAsLong(),
                  original.getTraceFlags(),
                  original.getTraceState()));
    }
  }
}
