package dev.ariadne.sdk.propagation;

import static dev.ariadne.sdk.propagation.TestContexts.SPAN_ID;
import static dev.ariadne.sdk.propagation.TestContexts.TRACE_ID;
import static dev.ariadne.sdk.propagation.TestContexts.carrier;
import static dev.ariadne.sdk.propagation.TestContexts.extract;
import static dev.ariadne.sdk.propagation.TestContexts.inject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.api.baggage.Baggage;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.propagation.Carriers;
import dev.ariadne.api.propagation.TextMapPropagator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PropagatorsTest {

  static Stream<Arguments> namedPropagators() {
    return Stream.of(
        Arguments.of("tracecontext", Propagators.w3cTraceContext()),
        Arguments.of("baggage", Propagators.w3cBaggage()),
        Arguments.of("b3", Propagators.b3Single()),
        Arguments.of("b3multi", Propagators.b3Multi()),
        Arguments.of("jaeger", Propagators.jaeger()),
        Arguments.of("none", TextMapPropagator.noop()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("namedPropagators")
  void mapsEachNameToItsPropagator(String name, TextMapPropagator expected) {
    assertThat(Propagators.fromNames(List.of(name))).isSameAs(expected);
  }

  @Test
  void returnsTheSameInstanceEveryTime() {
    assertThat(Propagators.w3cTraceContext()).isSameAs(Propagators.w3cTraceContext());
    assertThat(Propagators.b3Single()).isNotSameAs(Propagators.b3Multi());
  }

  @Test
  void composesSeveralNamesInOrder() {
    TextMapPropagator propagator = Propagators.fromNames(List.of("b3multi", "tracecontext"));

    assertThat(propagator.fields())
        .containsExactly(
            "X-B3-TraceId",
            "X-B3-SpanId",
            "X-B3-Sampled",
            "X-B3-Flags",
            "traceparent",
            "tracestate");
    assertThat(inject(propagator, TestContexts.sampled()))
        .containsKeys("X-B3-TraceId", "traceparent");
  }

  @Test
  void ignoresCaseWhiteSpaceBlanksAndRepeats() {
    TextMapPropagator propagator =
        Propagators.fromNames(Arrays.asList(" TraceContext ", "", null, "BAGGAGE", "tracecontext"));

    assertThat(propagator.fields()).containsExactly("traceparent", "tracestate", "baggage");
  }

  @Test
  void defaultsToTraceContextAndBaggageWithoutNames() {
    assertThat(Propagators.fromNames(List.of()).fields())
        .containsExactly("traceparent", "tracestate", "baggage");
    assertThat(Propagators.fromNames(List.of(" ")).fields())
        .containsExactly("traceparent", "tracestate", "baggage");
  }

  @ParameterizedTest
  @ValueSource(strings = {"xray", "ottrace", "w3c", "b3single"})
  void rejectsAnUnknownNameListingTheAllowedOnes(String name) {
    assertThatThrownBy(() -> Propagators.fromNames(List.of("tracecontext", name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "\"" + name + "\" is invalid (expected: one of "
                + "tracecontext, baggage, b3, b3multi, jaeger, none)");
  }

  @Test
  void rejectsNoneCombinedWithOtherNames() {
    assertThatThrownBy(() -> Propagators.fromNames(List.of("tracecontext", "none")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "\"none\" is invalid with other propagators (got: tracecontext, none)");
  }

  @Test
  void rejectsNullNames() {
    assertThatThrownBy(() -> Propagators.fromNames(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("names");
  }

  @Test
  void noneInjectsAndExtractsNothing() {
    TextMapPropagator none = Propagators.fromNames(List.of("none"));
    Context context = Context.root();
    Map<String, String> carrier = carrier("traceparent", W3CTraceContextPropagatorTest.VALID);

    assertThat(inject(none, TestContexts.sampled())).isEmpty();
    assertThat(none.extract(context, carrier, Carriers.mapGetter())).isSameAs(context);
  }

  @Test
  void combinesBaggageFromJaegerAndW3cHeaders() {
    TextMapPropagator propagator = Propagators.fromNames(List.of("jaeger", "baggage"));
    Map<String, String> carrier =
        carrier(
            "uber-trace-id", TRACE_ID + ":" + SPAN_ID + ":0:1",
            "uberctx-from-jaeger", "1",
            "baggage", "from-w3c=2");

    Baggage baggage = Baggage.fromContext(extract(propagator, carrier));

    assertThat(baggage.asMap()).containsOnlyKeys("from-jaeger", "from-w3c");
  }

  @Test
  void injectsEveryConfiguredFormat() {
    TextMapPropagator propagator =
        Propagators.fromNames(List.of("tracecontext", "baggage", "b3", "b3multi", "jaeger"));
    Context context = TestContexts.sampled().with(Baggage.builder().put("k", "v").build());

    assertThat(inject(propagator, context))
        .containsOnlyKeys(
            "traceparent", "baggage", "b3", "X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled",
            "uber-trace-id", "uberctx-k");
  }
}
