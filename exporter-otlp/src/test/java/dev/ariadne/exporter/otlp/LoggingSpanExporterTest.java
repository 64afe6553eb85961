package dev.ariadne.exporter.otlp;

import static dev.ariadne.exporter.otlp.TestObjects.fullSpan;
import static dev.ariadne.exporter.otlp.TestObjects.rootSpan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.sdk.data.EventData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoggingSpanExporterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final LoggingSpanExporter exporter =
      LoggingSpanExporter.create(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  @Test
  void writesEachSpanOnOneLine() {
    assertThat(exporter.export(List.of(fullSpan(), rootSpan()))).isCompleted();

    List<String> lines = output().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith("span " + TestObjects.TRACE_ID + " b7ad6b7169203331 parent=00f067aa0ba902b7")
        .contains(" name=\"GET /cart\" kind=SERVER duration=12.345ms")
        .contains(" status=ERROR(\"cart service unavailable\")")
        .contains("http.request.method=\"GET\"", "cache.hit=true", "http.response.status_code=200")
        .contains("ratio=0.25", "tags=[\"a\", \"\", \"ünïcödé\"]", "ports=[80, 0, -443]")
        .contains(" events=[\"cache.miss\" at +1.000ms {key=\"cart:7\"}, \"exception\" at +2.000ms {}]")
        .contains("opentracing.ref_type=\"follows_from\"")
        .endsWith(" scope=dev.ariadne.test@1.2.3 service=checkout");
    assertThat(lines.get(1))
        .startsWith("span 00000000000000000000000000000001 0000000000000002 parent=-")
        .contains(" name=\"root\" kind=INTERNAL duration=0.000ms status=UNSET attributes={}")
        .contains(" events=[] links=[]");
  }

  @Test
  void keepsAMultilineStackTraceOnItsSpansLine() {
    String stackTrace = "java.io.IOException: \"boom\"\n\tat Cart.load(Cart.java:7)\r\n";
    TestSpan span =
        rootSpan().toBuilder()
            .events(
                List.of(
                    EventData.create(
                        "exception",
                        TestObjects.START,
                        Attributes.builder().put("exception.stacktrace", stackTrace).build(),
                        0)))
            .build();

    exporter.export(List.of(span));

    assertThat(output().lines()).hasSize(1);
    assertThat(output())
        .contains(
            "exception.stacktrace=\"java.io.IOException: \\\"boom\\\"\\n\\tat Cart.load(Cart.java:7)\\r\\n\"");
  }

  @Test
  void failsExportsAfterShutdown() {
    assertThat(exporter.shutdown()).isCompleted();

    assertThat(exporter.export(List.of(rootSpan()))).isCompletedExceptionally();
    assertThat(output()).isEmpty();
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
