package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OtlpHttpSpanExporterBuilderTest {

  @Test
  void rejectsAnEndpointThatIsNotAnHttpUrl() {
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().setEndpoint("collector:4318"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint: collector:4318 (expected: an http:// or https:// URL with a host)");
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().setTracesEndpoint("mailto:ops@example.com"))
        .hasMessageStartingWith("url: mailto:ops@example.com (expected:");
  }

  @Test
  void namesTheNullArgument() {
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().setEndpoint(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("endpoint");
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().addHeader("a", null))
        .hasMessage("value");
  }

  @Test
  void rejectsATimeoutThatIsNotPositive() {
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().setTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT0S (expected: > 0)");
  }

  @Test
  void rejectsAnUnknownCompression() {
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().setCompression("brotli"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compression: brotli (expected: gzip, none)");
  }

  @Test
  void rejectsABackoffThatShrinksOrNeverStarts() {
    assertThatThrownBy(
            () -> OtlpHttpSpanExporter.builder()
                .setRetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 1.5))
        .hasMessage("max: PT1S (expected: >= initial PT2S)");
    assertThatThrownBy(
            () -> OtlpHttpSpanExporter.builder().setRetryBackoff(Duration.ZERO, Duration.ofSeconds(1), 1.5))
        .hasMessage("initial: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> OtlpHttpSpanExporter.builder()
                .setRetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1), Double.NaN))
        .hasMessage("multiplier: NaN (expected: >= 1.0)");
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().setMaxRetryTime(Duration.ofSeconds(-1)))
        .hasMessage("maxRetryTime: PT-1S (expected: >= 0)");
  }

  @Test
  void rejectsAHeaderTheHttpClientReservesWithoutRepeatingItsValue() {
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().addHeader("Content-Length", "12"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("header: Content-Length (expected:");
    assertThatThrownBy(() -> OtlpHttpSpanExporter.builder().addHeader("x-token", "s3cret\n"))
        .message()
        .doesNotContain("s3cret");
  }

  @Test
  void replacesAHeaderOfTheSameNameInAnyCase() {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().addHeader("X-Key", "one").addHeader("x-key", "two").build();

    assertThat(exporter.headers()).containsOnlyKeys("x-key").containsEntry("x-key", "two");
    exporter.shutdown();
  }

  @Test
  void letsTheLastEndpointSetterWin() {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setTracesEndpoint("http://a:1/x")
            .setEndpoint("https://b:2")
            .build();

    assertThat(exporter.endpoint()).isEqualTo(URI.create("https://b:2/v1/traces"));
    exporter.shutdown();
  }
}
