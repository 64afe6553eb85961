package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OtlpBodiesTest {
  private static final long START = 1_763_700_000_000_000_000L;

  @Test
  void oneTraceIsSplitIntoBodiesOfAtMostTheBatchWithEverySpanOnce() throws Exception {
    OtlpBodies.Trace trace = OtlpBodies.trace(1234, 500, 1, START);
    assertThat(trace.spans()).isEqualTo(1234);
    assertThat(trace.bodies()).hasSize(3);
    List<Span> spans = new ArrayList<>();
    for (byte[] body : trace.bodies()) {
      List<Span> inBody = spans(body);
      assertThat(inBody).hasSizeLessThanOrEqualTo(500);
      spans.addAll(inBody);
    }
    assertThat(spans).hasSize(1234);
    Set<String> ids = new HashSet<>();
    for (Span span : spans) {
      assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo(trace.traceId());
      ids.add(HexFormat.of().formatHex(span.getSpanId().toByteArray()));
    }
    assertThat(ids).hasSize(1234);
    assertThat(spans.stream().filter(s -> s.getParentSpanId().isEmpty())).hasSize(1);
  }

  @Test
  void theTraceIdStartsWithTheStartTimeAndTheSeedGivesTheShape() throws Exception {
    OtlpBodies.Trace first = OtlpBodies.trace(50, 100, 7, START);
    OtlpBodies.Trace later = OtlpBodies.trace(50, 100, 7, START + 1);
    assertThat(first.traceId()).hasSize(32).startsWith(HexFormat.of().toHexDigits(START));
    assertThat(later.traceId()).isNotEqualTo(first.traceId());
    assertThat(names(later)).isEqualTo(names(first));
    assertThat(names(OtlpBodies.trace(50, 100, 8, START))).isNotEqualTo(names(first));
  }

  @Test
  void aBatchBelowOneIsRefused() {
    assertThatThrownBy(() -> OtlpBodies.trace(10, 0, 1, START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spansPerBody: 0 (expected: >= 1)");
  }

  private static List<String> names(OtlpBodies.Trace trace) throws InvalidProtocolBufferException {
    List<String> names = new ArrayList<>();
    for (byte[] body : trace.bodies()) {
      spans(body).forEach(s -> names.add(s.getName()));
    }
    return names;
  }

  private static List<Span> spans(byte[] body) throws InvalidProtocolBufferException {
    List<Span> spans = new ArrayList<>();
    ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()
        .forEach(r -> r.getScopeSpansList().forEach(s -> spans.addAll(s.getSpansList())));
    return spans;
  }
}
