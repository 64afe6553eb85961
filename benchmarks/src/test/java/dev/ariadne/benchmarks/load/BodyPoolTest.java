package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.Annotation;
import zipkin2.Span;
import zipkin2.codec.SpanBytesDecoder;

class BodyPoolTest {
  private static final int SALT = 0x5a17;
  private static final Pattern JSON_TRACE_ID = Pattern.compile("\"traceId\":\"([0-9a-f]{32})\"");
  private static final Pattern JSON_TIME = Pattern.compile("UnixNano\":\"([0-9]+)\"");

  /** The trace IDs and the times in a body, in the order the body has them, times in nanoseconds. */
  record Sent(List<String> traceIds, List<Long> times) {}

  @ParameterizedTest
  @EnumSource(Format.class)
  void everySendCarriesNewTracesLaterInTime(Format format) throws IOException {
    BodyPool pool = BodyPool.encode(format, new TraceGenerator(1, 1_763_700_000_000_000_000L), 3, 40, 0, SALT);

    Sent first = sent(format, pool.body(1));
    Sent again = sent(format, pool.body(1 + pool.size()));

    assertThat(first.traceIds()).hasSize(40).allSatisfy(id -> assertThat(id).startsWith("00005a1700000000"));
    assertThat(again.traceIds()).hasSize(40).allSatisfy(id -> assertThat(id).startsWith("00005a1700000001"));
    // The low halves change too, and spans of one trace still share their new trace ID.
    Map<String, String> renamed = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      String before = first.traceIds().get(i);
      String after = again.traceIds().get(i);
      assertThat(after.substring(16)).isNotEqualTo(before.substring(16));
      assertThat(renamed.merge(before, after, (known, next) -> known)).isEqualTo(after);
    }
    assertThat(new HashSet<>(renamed.values())).hasSameSizeAs(renamed.keySet());
    // Every time moves on by the same period: the pool's traces start a millisecond apart.
    assertThat(again.times()).hasSameSizeAs(first.times()).hasSizeGreaterThanOrEqualTo(40);
    long shift = again.times().get(0) - first.times().get(0);
    assertThat(shift).isPositive().isEqualTo(shift / 1_000_000 * 1_000_000);
    for (int i = 0; i < first.times().size(); i++) {
      assertThat(again.times().get(i) - first.times().get(i)).isEqualTo(shift);
    }
  }

  @Test
  void withSpansPerTraceABodyTakesAFewSpansOfEachOfManyTracesEachTraceInOrder() {
    TraceGenerator generator = new TraceGenerator(1, 1_763_700_000_000_000_000L);
    List<List<SyntheticSpan>> batches = BodyPool.batches(generator, 20, 30, 3);

    List<SyntheticSpan> all = new ArrayList<>();
    for (List<SyntheticSpan> batch : batches) {
      assertThat(batch).hasSize(30);
      Map<Long, Integer> perTrace = new HashMap<>();
      for (SyntheticSpan span : batch) {
        perTrace.merge(span.traceIdLow(), 1, Integer::sum);
      }
      assertThat(perTrace.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(6));
      assertThat(perTrace).hasSizeGreaterThanOrEqualTo(5);
      all.addAll(batch);
    }
    // Each trace's spans come in the order the generator made them, none twice.
    TraceGenerator again = new TraceGenerator(1, 1_763_700_000_000_000_000L);
    Map<Long, List<SyntheticSpan>> made = new HashMap<>();
    while (made.size() < 200) {
      List<SyntheticSpan> trace = again.nextTrace();
      made.put(trace.get(0).traceIdLow(), trace);
    }
    Map<Long, Integer> next = new HashMap<>();
    for (SyntheticSpan span : all) {
      int index = next.merge(span.traceIdLow(), 1, Integer::sum) - 1;
      assertThat(made.get(span.traceIdLow()).get(index)).isEqualTo(span);
    }
  }

  @Test
  void withoutSpansPerTraceBodiesTakeWholeTracesInOrder() {
    List<List<SyntheticSpan>> batches =
        BodyPool.batches(new TraceGenerator(1, 1_763_700_000_000_000_000L), 5, 40, 0);

    TraceGenerator again = new TraceGenerator(1, 1_763_700_000_000_000_000L);
    List<SyntheticSpan> expected = new ArrayList<>();
    while (expected.size() < 200) {
      expected.addAll(again.nextTrace());
    }
    assertThat(batches.stream().flatMap(List::stream).toList())
        .isEqualTo(expected.subList(0, 200));
  }

  private static Sent sent(Format format, byte[] body) throws IOException {
    List<String> ids = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    switch (format) {
      case OTLP_PROTO -> {
        for (ResourceSpans resourceSpans : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
          for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
            for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
              ids.add(HexFormat.of().formatHex(span.getTraceId().toByteArray()));
              times.add(span.getStartTimeUnixNano());
              times.add(span.getEndTimeUnixNano());
              span.getEventsList().forEach(e -> times.add(e.getTimeUnixNano()));
            }
          }
        }
      }
      case OTLP_JSON -> {
        String json = new String(body, StandardCharsets.UTF_8);
        for (Matcher m = JSON_TRACE_ID.matcher(json); m.find(); ) {
          ids.add(m.group(1));
        }
        for (Matcher m = JSON_TIME.matcher(json); m.find(); ) {
          times.add(Long.parseLong(m.group(1)));
        }
      }
      case ZIPKIN_JSON, ZIPKIN_PROTO3 -> {
        SpanBytesDecoder decoder = format == Format.ZIPKIN_JSON ? SpanBytesDecoder.JSON_V2 : SpanBytesDecoder.PROTO3;
        for (Span span : decoder.decodeList(body)) {
          ids.add(span.traceId());
          times.add(span.timestampAsLong() * 1000);
          for (Annotation annotation : span.annotations()) {
            times.add(annotation.timestamp() * 1000);
          }
        }
      }
    }
    return new Sent(ids, times);
  }
}
