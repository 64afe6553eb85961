package dev.ariadne.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.storage.embedded.RealisticSpans;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bytes crafted to break each check of {@link SpanDecoder}, one problem at a time. */
class SpanCodecCorruptionTest {
  private static final TraceId TRACE = new TraceId(7, 8);
  /** One span, with one string attribute whose key is string 2 and value string 3. */
  private static final List<Span> ONE_SPAN = List.of(Span.builder()
      .traceId(TRACE)
      .spanId(1)
      .attributes(List.of(Attribute.of("key", "value")))
      .build());

  @Test
  void theBaseEncodingDecodes() throws Exception {
    assertThat(decode(one().assemble())).isEqualTo(ONE_SPAN);
  }

  @Test
  void everyTruncationIsCorrupt() {
    byte[] encoding = SpanCodec.encode(new RealisticSpans(1).trace());
    for (int length = 0; length < encoding.length; length++) {
      byte[] truncated = Arrays.copyOf(encoding, length);
      assertThatThrownBy(() -> decode(truncated))
          .as("truncated to %d bytes", length)
          .isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void anUnknownVersionIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.version = 2;

    assertCorrupt(encoded, "test: span codec version 2 (expected: 1) at byte 1");
  }

  @Test
  void anUnknownTimeUnitIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.timeUnit = 3;

    assertCorrupt(encoded, "test: time unit code 3 (expected: 0 to 2) at byte 3");
  }

  @Test
  void aHugeSpanCountIsCorruptBeforeAnythingIsAllocated() throws Exception {
    EncodedSpans encoded = one();
    encoded.spanCount = Integer.MAX_VALUE;
    assertCorrupt(encoded, "test: count 2147483647 (expected: 0 to ");

    encoded.spanCount = 100;
    assertCorrupt(encoded, "span codec span IDs: 8 bytes (expected: 800) at byte ");
  }

  @Test
  void streamsLongerThanTheInputAreCorrupt() throws Exception {
    byte[] encoding = one().assemble();

    assertCorrupt(Arrays.copyOf(encoding, encoding.length - 1), "test: streams of ");
  }

  @Test
  void aHugeListCountIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    byte[] counts = encoded.stream(SpanCodec.COUNTS); // resource, scope, then span attributes
    encoded.setStream(SpanCodec.COUNTS, new byte[] {counts[0], counts[1], -1, -1, -1, -1, 15});

    assertCorrupt(encoded, "span codec counts: count 4294967295 (expected: 0 to 1) at byte ");
  }

  @Test
  void aStringRefBeyondTheTableIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.NAMES, new byte[] {50});

    assertCorrupt(encoded, "span codec names: string ref 50 (expected: 0 to 0) at byte ");
  }

  @Test
  void aStringLongerThanTheDictionaryIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.DICTIONARY, new byte[] {(byte) 200, 1, 'a'});

    assertCorrupt(encoded, "span codec dictionary: string of 100 bytes, 1 left at byte ");
  }

  @Test
  void anOddLengthUtf16StringIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.DICTIONARY, new byte[] {3 << 1 | 1, 'a', 'b', 'c'});

    assertCorrupt(encoded, "span codec dictionary: UTF-16 string of an odd 3 bytes at byte ");
  }

  @Test
  void unknownCodesAreCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.SPAN_KINDS, new byte[] {6});
    assertCorrupt(encoded, "span codec kinds: span kind 6 (expected: 0 to 5) at byte ");

    encoded = one();
    encoded.setStream(SpanCodec.STATUS_CODES, new byte[] {3});
    assertCorrupt(encoded, "span codec statuses: status code 3 (expected: 0 to 2) at byte ");

    encoded = one();
    encoded.setStream(SpanCodec.TYPES, new byte[] {8});
    assertCorrupt(encoded, "span codec types: value type 8 (expected: 0 to 7) at byte ");

    encoded = one();
    encoded.setStream(SpanCodec.EXTRAS, new byte[] {32});
    assertCorrupt(encoded, "span codec extras: extras 32 (expected: bits of 31) at byte ");
  }

  @Test
  void aBooleanOtherThanZeroOrOneIsCorrupt() throws Exception {
    EncodedSpans encoded = encode(List.of(Span.builder()
        .traceId(TRACE)
        .attributes(List.of(Attribute.of("flag", true)))
        .build()));
    encoded.valueStreams.replaceAll((key, stream) -> new byte[] {2});

    assertCorrupt(encoded, "span codec values of key 2: boolean 2 (expected: 0 to 1) at byte ");
  }

  @Test
  void aDecimalBeyondWhatADoubleHoldsIsCorrupt() throws Exception {
    EncodedSpans encoded = encode(List.of(Span.builder()
        .traceId(TRACE)
        .attributes(List.of(Attribute.of("amount", 12.5)))
        .build()));
    ByteSink huge = new ByteSink(16);
    huge.writeVarLong((1L << 55) << 3 | 1);
    encoded.valueStreams.replaceAll((key, stream) -> huge.toByteArray());

    assertCorrupt(encoded, "span codec values of key 2: decimal mantissa 18014398509481984"
        + " (expected: under 2^53 in size) at byte ");
  }

  @Test
  void aKeyWithoutAValueStreamIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.valueStreams.clear();

    assertCorrupt(encoded, "span codec keys: key 2 without a value stream at byte ");
  }

  @Test
  void aValueStreamForAKeyBeyondTheDictionaryIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.valueStreams.put(1000, new byte[] {0});

    assertCorrupt(encoded, "test: value stream of key 1000 (expected: under ");
  }

  @Test
  void valuesNestedTooDeepAreCorrupt() throws Exception {
    Value empty = new Value.Array(List.of());
    Value deepest = empty;
    for (int depth = 1; depth < SpanCodec.MAX_VALUE_DEPTH; depth++) {
      deepest = new Value.Array(List.of(deepest));
    }
    EncodedSpans encoded = encode(List.of(Span.builder()
        .traceId(TRACE)
        .attributes(List.of(new Attribute("deep", deepest)))
        .build()));
    // One more array around the innermost empty one.
    byte[] counts = encoded.stream(SpanCodec.COUNTS);
    counts[counts.length - 1] = 1;
    encoded.append(SpanCodec.COUNTS, 0);
    encoded.append(SpanCodec.TYPES, SpanCodec.TYPE_ARRAY);

    assertCorrupt(encoded,
        "span codec types: attribute value nested deeper than 64 levels at byte ");
  }

  @Test
  void aParentOutsideTheCallIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.PARENTS, new byte[] {2 + 2}); // zig-zag 2: one span further on

    assertCorrupt(encoded, "span codec parents: parent at span 1 (expected: 0 to 0) at byte ");
  }

  @Test
  void aTraceRunOfNoSpansOrTooManyIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.TRACE_RUNS, new byte[] {0, 0});
    assertCorrupt(encoded, "span codec trace runs: a run of no spans at byte ");

    encoded.setStream(SpanCodec.TRACE_RUNS, new byte[] {0, 2});
    assertCorrupt(encoded, "span codec trace runs: count 2 (expected: 0 to 1) at byte ");
  }

  @Test
  void aResourceRefBeyondTheTableIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.RESOURCES, new byte[] {1});

    assertCorrupt(encoded, "span codec resources: resource ref 1 (expected: 0 to 0) at byte ");
  }

  @Test
  void bytesLeftOverInAStreamAreCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.append(SpanCodec.TRACE_IDS, 1, 2, 3);

    assertCorrupt(encoded, "span codec trace IDs: 3 bytes left over at byte ");
  }

  @Test
  void anOverlongVarintIsCorrupt() throws Exception {
    EncodedSpans encoded = one();
    encoded.setStream(SpanCodec.DURATIONS,
        new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0});

    assertCorrupt(encoded, "span codec durations: varint over 64 bits at byte ");
  }

  private static EncodedSpans one() throws CorruptDataException {
    return encode(ONE_SPAN);
  }

  private static EncodedSpans encode(List<Span> spans) throws CorruptDataException {
    return EncodedSpans.parse(SpanCodec.encode(spans));
  }

  private static List<Span> decode(byte[] bytes) throws CorruptDataException {
    return SpanCodec.decode(new ByteSource(bytes, "test"));
  }

  private static void assertCorrupt(EncodedSpans encoded, String messageStart) {
    assertCorrupt(encoded.assemble(), messageStart);
  }

  private static void assertCorrupt(byte[] bytes, String messageStart) {
    assertThatThrownBy(() -> decode(bytes))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageStartingWith(messageStart);
  }
}
