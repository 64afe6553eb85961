package dev.ariadne.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpanContextTest {
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN_ID = "b7ad6b7169203331";

  static SpanContext fromHex(String traceId, String spanId) {
    return SpanContext.fromHex(traceId, spanId, (byte) 0, TraceState.empty(), false);
  }

  @Test
  void fromHexParsesA32CharacterTraceId() {
    SpanContext context = fromHex(TRACE_ID, SPAN_ID);

    assertThat(context.isValid()).isTrue();
    assertThat(context.getTraceIdHigh()).isEqualTo(0x0af7651916cd43ddL);
    assertThat(context.getTraceIdLow()).isEqualTo(0x8448eb211c80319cL);
    assertThat(context.getSpanIdAsLong()).isEqualTo(0xb7ad6b7169203331L);
    assertThat(context.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(context.getSpanId()).isEqualTo(SPAN_ID);
  }

  @Test
  void fromHexLeftPadsA16CharacterTraceId() {
    SpanContext context = fromHex("8448eb211c80319c", SPAN_ID);

    assertThat(context.isValid()).isTrue();
    assertThat(context.getTraceIdHigh()).isZero();
    assertThat(context.getTraceIdLow()).isEqualTo(0x8448eb211c80319cL);
    assertThat(context.getTraceId()).isEqualTo("00000000000000008448eb211c80319c");
  }

  @Test
  void fromHexAcceptsUpperCaseAndRendersLowerCase() {
    SpanContext context = fromHex(TRACE_ID.toUpperCase(), SPAN_ID.toUpperCase());

    assertThat(context).isEqualTo(fromHex(TRACE_ID, SPAN_ID));
    assertThat(context.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(context.getSpanId()).isEqualTo(SPAN_ID);
  }

  @Test
  void fromHexKeepsFlagsTraceStateAndRemoteness() {
    TraceState traceState = TraceState.builder().put("vendor", "value").build();

    SpanContext context =
        SpanContext.fromHex(TRACE_ID, SPAN_ID, SpanContext.FLAG_SAMPLED, traceState, true);

    assertThat(context.getTraceFlags()).isEqualTo(SpanContext.FLAG_SAMPLED);
    assertThat(context.isSampled()).isTrue();
    assertThat(context.getTraceState()).isEqualTo(traceState);
    assertThat(context.isRemote()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "0af7651916cd43d", // 15
        "0af7651916cd43dd8", // 17
        "0af7651916cd43dd8448eb211c80319", // 31
        "0af7651916cd43dd8448eb211c80319c0", // 33
        "0af7651916cd43dd8448eb211c80319g", // not hex
        "0af7651916cd43dd-448eb211c80319c", // not hex
        "0af7651916cd43dd8448eb211c80319\u00e9", // non-ASCII
        "0af7651916cd43dd8448eb211c80319\uff10", // full-width zero
        "00000000000000000000000000000000", // all zero
        "0000000000000000" // all zero, short form
      })
  void malformedTraceIdGivesTheInvalidContext(String traceId) {
    assertThat(fromHex(traceId, SPAN_ID)).isSameAs(SpanContext.invalid());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "b7ad6b716920333", // 15
        "b7ad6b71692033310", // 17
        "b7ad6b716920333z", // not hex
        "b7ad6b71 9203331", // not hex
        "0000000000000000" // all zero
      })
  void malformedSpanIdGivesTheInvalidContext(String spanId) {
    assertThat(fromHex(TRACE_ID, spanId)).isSameAs(SpanContext.invalid());
  }

  @Test
  void nullIdsGiveTheInvalidContext() {
    assertThat(fromHex(null, SPAN_ID)).isSameAs(SpanContext.invalid());
    assertThat(fromHex(TRACE_ID, null)).isSameAs(SpanContext.invalid());
  }

  @Test
  void invalidContextHasZeroIdsAndIsNotSampled() {
    SpanContext invalid = SpanContext.invalid();

    assertThat(invalid.isValid()).isFalse();
    assertThat(invalid.isSampled()).isFalse();
    assertThat(invalid.getTraceId()).isEqualTo("00000000000000000000000000000000");
    assertThat(invalid.getSpanId()).isEqualTo("0000000000000000");
  }

  @Test
  void contextIsValidOnlyWithNonZeroTraceAndSpanIds() {
    assertThat(SpanContext.create(0, 1, 1, (byte) 0, TraceState.empty()).isValid()).isTrue();
    assertThat(SpanContext.create(1, 0, 1, (byte) 0, TraceState.empty()).isValid()).isTrue();
    assertThat(SpanContext.create(0, 0, 1, (byte) 0, TraceState.empty()).isValid()).isFalse();
    assertThat(SpanContext.create(1, 1, 0, (byte) 0, TraceState.empty()).isValid()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"0, false", "1, true", "2, false", "3, true", "-1, true"})
  void isSampledReadsBitZeroOfTheFlags(byte flags, boolean sampled) {
    SpanContext context = SpanContext.create(1, 2, 3, flags, TraceState.empty());

    assertThat(context.isSampled()).isEqualTo(sampled);
  }

  @Test
  void onlyContextsFromARemoteParentAreRemote() {
    assertThat(SpanContext.create(1, 2, 3, (byte) 0, TraceState.empty()).isRemote()).isFalse();
    assertThat(SpanContext.createFromRemoteParent(1, 2, 3, (byte) 0, TraceState.empty()).isRemote())
        .isTrue();
    assertThat(fromHex(TRACE_ID, SPAN_ID).isRemote()).isFalse();
    assertThat(SpanContext.fromHex(TRACE_ID, SPAN_ID, (byte) 0, TraceState.empty(), true).isRemote())
        .isTrue();
  }

  @Test
  void contextsWithTheSameFieldsAreEqual() {
    TraceState traceState = TraceState.builder().put("k", "v").build();
    SpanContext one = SpanContext.create(1, 2, 3, (byte) 1, traceState);
    SpanContext two = SpanContext.create(1, 2, 3, (byte) 1, TraceState.builder().put("k", "v").build());

    assertThat(one).isEqualTo(two);
    assertThat(one.hashCode()).isEqualTo(two.hashCode());
  }

  @Test
  void contextsDifferingInAnyFieldAreNotEqual() {
    TraceState traceState = TraceState.builder().put("k", "v").build();
    SpanContext base = SpanContext.create(1, 2, 3, (byte) 1, traceState);

    assertThat(base).isNotEqualTo(SpanContext.create(9, 2, 3, (byte) 1, traceState));
    assertThat(base).isNotEqualTo(SpanContext.create(1, 9, 3, (byte) 1, traceState));
    assertThat(base).isNotEqualTo(SpanContext.create(1, 2, 9, (byte) 1, traceState));
    assertThat(base).isNotEqualTo(SpanContext.create(1, 2, 3, (byte) 0, traceState));
    assertThat(base).isNotEqualTo(SpanContext.create(1, 2, 3, (byte) 1, TraceState.empty()));
    assertThat(base).isNotEqualTo(SpanContext.createFromRemoteParent(1, 2, 3, (byte) 1, traceState));
  }
}
