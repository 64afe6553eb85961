package dev.ariadne.sdk.propagation;

import static dev.ariadne.sdk.propagation.TestContexts.SPAN_ID;
import static dev.ariadne.sdk.propagation.TestContexts.SPAN_ID_LONG;
import static dev.ariadne.sdk.propagation.TestContexts.TRACE_ID;
import static dev.ariadne.sdk.propagation.TestContexts.TRACE_ID_HIGH;
import static dev.ariadne.sdk.propagation.TestContexts.TRACE_ID_LOW;
import static dev.ariadne.sdk.propagation.TestContexts.carrier;
import static dev.ariadne.sdk.propagation.TestContexts.extract;
import static dev.ariadne.sdk.propagation.TestContexts.inject;
import static dev.ariadne.sdk.propagation.TestContexts.spanContext;
import static dev.ariadne.sdk.propagation.TestContexts.withSpan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.TraceState;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class W3CTraceContextPropagatorTest {
  static final String VALID = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

  final TextMapPropagator propagator = Propagators.w3cTraceContext();

  @Test
  void namesItsFields() {
    assertThat(propagator.fields()).containsExactly("traceparent", "tracestate");
  }

  @Test
  void injectsVersion00TraceparentOfASampledSpan() {
    assertThat(inject(propagator, TestContexts.sampled()))
        .containsExactly(Map.entry("traceparent", VALID));
  }

  @Test
  void injectsFlags00ForASpanThatIsNotSampled() {
    assertThat(inject(propagator, TestContexts.notSampled()))
        .containsEntry("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-00");
  }

  @Test
  void injectsOnlyTheSampledBitOfTheFlags() {
    Context sampledWithOtherBits = withSpan(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID_LONG, (byte) 0xff);
    Context otherBitsOnly = withSpan(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID_LONG, (byte) 0x02);

    assertThat(inject(propagator, sampledWithOtherBits).get("traceparent")).endsWith("-01");
    assertThat(inject(propagator, otherBitsOnly).get("traceparent")).endsWith("-00");
  }

  @Test
  void injectsIdsAsLowerCaseHexWithLeadingZeros() {
    Context context = withSpan(0, 0xabcL, 1, SpanContext.FLAG_SAMPLED);

    assertThat(inject(propagator, context).get("traceparent"))
        .isEqualTo("00-00000000000000000000000000000abc-0000000000000001-01");
  }

  @Test
  void injectsNothingWithoutAValidSpanContext() {
    assertThat(inject(propagator, Context.root())).isEmpty();
    assertThat(inject(propagator, Context.root().with(Baggage.builder().put("k", "v").build())))
        .isEmpty();
  }

  @Test
  void injectsTraceStateMostRecentFirst() {
    TraceState traceState = TraceState.builder().put("older", "1").put("newer", "2").build();
    Context context =
        withSpan(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID_LONG, SpanContext.FLAG_SAMPLED, traceState);

    assertThat(inject(propagator, context)).containsEntry("tracestate", "newer=2,older=1");
  }

  @Test
  void injectsNoTraceStateHeaderWhenTraceStateIsEmpty() {
    assertThat(inject(propagator, TestContexts.sampled())).doesNotContainKey("tracestate");
  }

  @Test
  void ignoresNullContextAndSetterOnInject() {
    Map<String, String> carrier = carrier();
    propagator.inject(null, carrier, Carriers.mapSetter());
    propagator.inject(TestContexts.sampled(), carrier, null);

    assertThat(carrier).isEmpty();
  }

  @Test
  void extractsARemoteSpanContext() {
    SpanContext extracted = spanContext(extract(propagator, carrier("traceparent", VALID)));

    assertThat(extracted.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(extracted.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(extracted.isSampled()).isTrue();
    assertThat(extracted.isRemote()).isTrue();
    assertThat(extracted.getTraceState().isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"00", "01", "02", "03", "09", "80", "ff"})
  void keepsTheExtractedFlagsByteAsIs(String flags) {
    String traceparent = "00-" + TRACE_ID + "-" + SPAN_ID + "-" + flags;
    SpanContext extracted = spanContext(extract(propagator, carrier("traceparent", traceparent)));

    int expected = Integer.parseInt(flags, 16);
    assertThat(extracted.getTraceFlags()).isEqualTo((byte) expected);
    assertThat(extracted.isSampled()).isEqualTo((expected & 1) == 1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01-" + TRACE_ID + "-" + SPAN_ID + "-01",
        "cc-" + TRACE_ID + "-" + SPAN_ID + "-01",
        "fe-" + TRACE_ID + "-" + SPAN_ID + "-01",
        "01-" + TRACE_ID + "-" + SPAN_ID + "-01-",
        "01-" + TRACE_ID + "-" + SPAN_ID + "-01-what-the-future-will-be-like",
        "cc-" + TRACE_ID + "-" + SPAN_ID + "-01-00"
      })
  void readsTheFirstFourFieldsOfAHigherVersion(String traceparent) {
    SpanContext extracted = spanContext(extract(propagator, carrier("traceparent", traceparent)));

    assertThat(extracted.isValid()).isTrue();
    assertThat(extracted.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(extracted.getSpanId()).isEqualTo(SPAN_ID);
    assertThat(extracted.isSampled()).isTrue();
  }

  static Stream<Arguments> malformedTraceparents() {
    String t = TRACE_ID;
    String s = SPAN_ID;
    return Stream.of(
        Arguments.of("version ff", "ff-" + t + "-" + s + "-01"),
        Arguments.of("version 00 with trailing field", "00-" + t + "-" + s + "-01-00"),
        Arguments.of("version 00 with trailing dash", "00-" + t + "-" + s + "-01-"),
        Arguments.of("version 00 one char long", "00-" + t + "-" + s + "-011"),
        Arguments.of("version 00 one char short", "00-" + t + "-" + s + "-1"),
        Arguments.of("higher version without dash after flags", "01-" + t + "-" + s + "-01x"),
        Arguments.of("higher version too short", "01-" + t + "-" + s + "-1"),
        Arguments.of("upper-case version", "0A-" + t + "-" + s + "-01"),
        Arguments.of("non-hex version", "0g-" + t + "-" + s + "-01"),
        Arguments.of("upper-case trace ID", "00-" + t.toUpperCase() + "-" + s + "-01"),
        Arguments.of("upper-case span ID", "00-" + t + "-00F067AA0BA902B7-01"),
        Arguments.of("upper-case flags", "00-" + t + "-" + s + "-0A"),
        Arguments.of("non-hex trace ID", "00-" + t.replace('a', 'x') + "-" + s + "-01"),
        Arguments.of("non-hex span ID", "00-" + t + "-" + s.replace('a', 'z') + "-01"),
        Arguments.of("non-hex flags", "00-" + t + "-" + s + "-0x"),
        Arguments.of("all-zero trace ID", "00-" + "0".repeat(32) + "-" + s + "-01"),
        Arguments.of("all-zero span ID", "00-" + t + "-" + "0".repeat(16) + "-01"),
        Arguments.of("short trace ID", "00-" + t.substring(1) + "-" + s + "-01"),
        Arguments.of("long span ID", "00-" + t + "-" + s + "0-01"),
        Arguments.of("underscore delimiters", "00_" + t + "_" + s + "_01"),
        Arguments.of("dot in flags", "00-" + t + "-" + s + "-.0"),
        Arguments.of("dash in flags", "00-" + t + "-" + s + "--0"),
        Arguments.of("space inside", "00-" + t + " -" + s + "-01"),
        Arguments.of("two joined values", VALID + "," + VALID),
        Arguments.of("empty", ""),
        Arguments.of("garbage", "hello world, this is not a traceparent at all, no."),
        Arguments.of("non-ASCII", "00-" + t + "-" + s + "-0\u00e9"),
        Arguments.of("a Latin-1 look-alike of a hex digit", "00-" + t + "-" + s + "-0\u0161"),
        // 55 chars, one of them half of a surrogate pair: fewer bytes than chars once encoded.
        Arguments.of("character outside the BMP", "00-" + t + "-" + s + "-\ud83d\ude00"),
        Arguments.of("character outside the BMP in a higher version",
            "01-" + t + "-" + s + "-0\ud83d\ude00"),
        // 55 chars but 29 bytes once encoded, shorter than where the span ID's dash belongs.
        Arguments.of("characters outside the BMP after the version",
            "01-" + "\ud83d\ude00".repeat(26)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedTraceparents")
  void returnsTheContextUnchangedForAMalformedTraceparent(String why, String traceparent) {
    Context context = Context.root().with(Baggage.builder().put("k", "v").build());

    Context extracted =
        propagator.extract(context, carrier("traceparent", traceparent), Carriers.mapGetter());

    assertThat(extracted).isSameAs(context);
  }

  @ParameterizedTest
  @ValueSource(strings = {" " + VALID, VALID + " ", "\t" + VALID + " \t", "  " + VALID + "  "})
  void toleratesWhiteSpaceAroundTraceparent(String traceparent) {
    SpanContext extracted = spanContext(extract(propagator, carrier("traceparent", traceparent)));

    assertThat(extracted.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(extracted.getSpanId()).isEqualTo(SPAN_ID);
  }

  @Test
  void rejectsTraceIdOfAllZeros() {
    String traceparent = "00-" + "0".repeat(32) + "-" + SPAN_ID + "-01";

    assertThat(spanContext(extract(propagator, carrier("traceparent", traceparent))).isValid())
        .isFalse();
  }

  @Test
  void acceptsTraceIdWithOnlyTheLowHalfSet() {
    String traceparent = "00-" + "0".repeat(31) + "1-" + SPAN_ID + "-01";

    SpanContext extracted = spanContext(extract(propagator, carrier("traceparent", traceparent)));
    assertThat(extracted.getTraceIdHigh()).isZero();
    assertThat(extracted.getTraceIdLow()).isEqualTo(1);
  }

  @Test
  void returnsTheContextUnchangedWithoutATraceparent() {
    Context context = Context.root();

    assertThat(propagator.extract(context, carrier("tracestate", "a=1"), Carriers.mapGetter()))
        .isSameAs(context);
  }

  @Test
  void treatsNullContextAsRootAndNullGetterAsNoCarrier() {
    SpanContext extracted =
        spanContext(propagator.extract(null, carrier("traceparent", VALID), Carriers.mapGetter()));

    assertThat(extracted.isValid()).isTrue();
    assertThat(propagator.extract(Context.root(), carrier("traceparent", VALID), null))
        .isSameAs(Context.root());
  }

  @Test
  void keepsOtherValuesOfTheContext() {
    Baggage baggage = Baggage.builder().put("k", "v").build();

    Context extracted =
        propagator.extract(
            Context.root().with(baggage), carrier("traceparent", VALID), Carriers.mapGetter());

    assertThat(Baggage.fromContext(extracted)).isEqualTo(baggage);
    assertThat(spanContext(extracted).isValid()).isTrue();
  }

  @Test
  void extractsTraceStateInOrder() {
    TraceState traceState = extractTraceState("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

    assertThat(traceState.asMap())
        .containsExactly(Map.entry("rojo", "00f067aa0ba902b7"), Map.entry("congo", "t61rcWkgMzE"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a=1,b=2",
        "a=1 , b=2",
        "a=1\t,\tb=2",
        " a=1,b=2 ",
        "a=1,,b=2",
        "a=1, ,b=2",
        ",a=1,b=2,",
        ",,, a=1 ,\t,b=2\t,,"
      })
  void skipsEmptyMembersAndWhiteSpaceAroundCommas(String header) {
    assertThat(extractTraceState(header).asMap())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", ",", " , \t, "})
  void extractsAnEmptyTraceStateFromAHeaderWithoutMembers(String header) {
    SpanContext extracted = extractWithTraceState(header);

    assertThat(extracted.isValid()).isTrue();
    assertThat(extracted.getTraceState().isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a=1,b=x y z",
        "a=1,b= leading-space-is-a-value-char",
        "a=1,tenant@vendor=v",
        "a=1,0tenant@vendor=v",
        "a=1,b_-*/9=~!\"#$%&'()*+-./:;<>?@[\\]^_`{|}",
        "a=1,k=%20"
      })
  void acceptsValidMembers(String header) {
    assertThat(extractTraceState(header).size()).isEqualTo(2);
  }

  @Test
  void acceptsKeysAndValuesOfTheMaximumLength() {
    String key = "k" + "a".repeat(255);
    String multiTenantKey = "t".repeat(241) + "@" + "v".repeat(14);
    String value = "v".repeat(256);

    TraceState traceState =
        extractTraceState(key + "=" + value + "," + multiTenantKey + "=" + value);

    assertThat(traceState.get(key)).isEqualTo(value);
    assertThat(traceState.get(multiTenantKey)).isEqualTo(value);
  }

  static Stream<Arguments> invalidTraceStates() {
    return Stream.of(
        Arguments.of("upper-case key", "a=1,B=2"),
        Arguments.of("member without equals", "a=1,b"),
        Arguments.of("empty key", "a=1,=2"),
        Arguments.of("empty value", "a=1,b="),
        Arguments.of("equals in value", "a=1,b=x=y"),
        Arguments.of("non-ASCII value", "a=1,b=\u00e9"),
        Arguments.of("control character in value", "a=1,b=x\u0001"),
        Arguments.of("key starting with a digit", "a=1,1b=2"),
        Arguments.of("key starting with underscore", "a=1,_b=2"),
        Arguments.of("key with a dot", "a=1,b.c=2"),
        Arguments.of("space inside key", "a=1,b c=2"),
        Arguments.of("space before equals", "a=1,b =2"),
        Arguments.of("two at signs", "a=1,t@v@w=2"),
        Arguments.of("empty tenant", "a=1,@v=2"),
        Arguments.of("empty system", "a=1,t@=2"),
        Arguments.of("system starting with a digit", "a=1,t@1v=2"),
        Arguments.of("system too long", "a=1,t@" + "v".repeat(15) + "=2"),
        Arguments.of("tenant too long", "a=1," + "t".repeat(242) + "@v=2"),
        Arguments.of("key too long", "a=1,k" + "a".repeat(256) + "=2"),
        Arguments.of("value too long", "a=1,b=" + "v".repeat(257)),
        Arguments.of("duplicate key", "a=1,b=2,a=3"),
        Arguments.of("invalid member first", "A=1,b=2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTraceStates")
  void discardsTheWholeTraceStateWhenAMemberIsInvalid(String why, String header) {
    SpanContext extracted = extractWithTraceState(header);

    assertThat(extracted.isValid()).isTrue();
    assertThat(extracted.getTraceState().isEmpty()).isTrue();
  }

  @Test
  void acceptsThirtyTwoMembers() {
    assertThat(extractTraceState(members(32)).size()).isEqualTo(32);
  }

  @Test
  void acceptsThirtyTwoMembersAmongEmptyOnes() {
    String header = ",," + members(32).replace(",", ", ,") + ",";

    assertThat(extractTraceState(header).size()).isEqualTo(32);
  }

  @Test
  void discardsTraceStateOfMoreThanThirtyTwoMembers() {
    SpanContext extracted = extractWithTraceState(members(33));

    assertThat(extracted.isValid()).isTrue();
    assertThat(extracted.getTraceState().isEmpty()).isTrue();
  }

  @Test
  void ignoresTraceStateWhenTraceparentIsInvalid() {
    Context context = Context.root();
    Map<String, String> carrier =
        carrier("traceparent", VALID.replace("00-", "ff-"), "tracestate", "a=1");

    assertThat(propagator.extract(context, carrier, Carriers.mapGetter())).isSameAs(context);
  }

  @Test
  void readsTraceStateHeadersJoinedByTheGetter() {
    Map<String, List<String>> headers =
        Map.of("Traceparent", List.of(VALID), "TraceState", List.of("a=1,b=2", "c=3"));

    SpanContext extracted =
        spanContext(propagator.extract(Context.root(), headers, Carriers.httpHeadersGetter()));

    assertThat(extracted.getTraceState().asMap().keySet()).containsExactly("a", "b", "c");
  }

  @Test
  void roundTripsSpanContextAndTraceState() {
    TraceState traceState =
        TraceState.builder().put("z", "last").put("t@v", "x y").put("a", "first").build();
    Context context =
        withSpan(TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID_LONG, SpanContext.FLAG_SAMPLED, traceState);

    SpanContext extracted = spanContext(extract(propagator, inject(propagator, context)));

    assertThat(extracted)
        .isEqualTo(
            SpanContext.createFromRemoteParent(
                TRACE_ID_HIGH, TRACE_ID_LOW, SPAN_ID_LONG, SpanContext.FLAG_SAMPLED, traceState));
  }

  private static String members(int count) {
    StringJoiner joiner = new StringJoiner(",");
    for (int i = 0; i < count; i++) joiner.add("k" + i + "=v" + i);
    return joiner.toString();
  }

  private SpanContext extractWithTraceState(String tracestate) {
    return spanContext(
        extract(propagator, carrier("traceparent", VALID, "tracestate", tracestate)));
  }

  private TraceState extractTraceState(String tracestate) {
    SpanContext extracted = extractWithTraceState(tracestate);
    assertThat(extracted.isValid()).isTrue();
    return extracted.getTraceState();
  }
}
