package dev.ariadne.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.sdk.config.ConfigProperties;
import dev.ariadne.sdk.config.ConfigurationException;
import dev.ariadne.sdk.config.SpanExporterProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpHttpSpanExporterProviderTest {

  @Test
  void isFoundByServiceLoaderAlongsideTheLoggingProvider() {
    Map<String, SpanExporterProvider> providers =
        ServiceLoader.load(SpanExporterProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toMap(SpanExporterProvider::name, p -> p));

    assertThat(providers.get("otlp")).isInstanceOf(OtlpHttpSpanExporterProvider.class);
    assertThat(providers.get("logging")).isInstanceOf(LoggingSpanExporterProvider.class);
    assertThat(providers.get("logging").create(ConfigProperties.of(Map.of())))
        .isInstanceOf(LoggingSpanExporter.class);
  }

  @Test
  void sendsToLocalhost4318WithGzipAndA10SecondTimeoutByDefault() {
    OtlpHttpSpanExporter exporter = create(Map.of());

    assertThat(exporter.endpoint()).isEqualTo(URI.create("http://localhost:4318/v1/traces"));
    assertThat(exporter.gzip()).isTrue();
    assertThat(exporter.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(exporter.headers()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://collector:4318", "http://collector:4318/"})
  void appendsV1TracesToTheBaseEndpoint(String endpoint) {
    OtlpHttpSpanExporter exporter = create(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint));

    assertThat(exporter.endpoint()).isEqualTo(URI.create("http://collector:4318/v1/traces"));
  }

  @Test
  void keepsThePathOfTheBaseEndpoint() {
    OtlpHttpSpanExporter exporter =
        create(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://gateway.example.com/otlp"));

    assertThat(exporter.endpoint()).isEqualTo(URI.create("https://gateway.example.com/otlp/v1/traces"));
  }

  @Test
  void usesTheTracesEndpointAsGivenAndPrefersItToTheBase() {
    OtlpHttpSpanExporter exporter =
        create(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://collector:443/ingest/spans"));

    assertThat(exporter.endpoint()).isEqualTo(URI.create("https://collector:443/ingest/spans"));
  }

  @Test
  void readsSettingsInSystemPropertyFormToo() {
    OtlpHttpSpanExporter exporter =
        create(Map.of("otel.exporter.otlp.traces.endpoint", "http://collector:4318/x"));

    assertThat(exporter.endpoint()).isEqualTo(URI.create("http://collector:4318/x"));
  }

  @Test
  void mergesHeadersWithTheTracesHeadersWinning() {
    OtlpHttpSpanExporter exporter =
        create(
            Map.of(
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=general,x-tenant=acme%20corp",
                "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "API-Key=traces"));

    assertThat(exporter.headers()).isEqualTo(Map.of("API-Key", "traces", "x-tenant", "acme corp"));
  }

  @Test
  void prefersTheTracesTimeoutAndReadsPlainNumbersAsMilliseconds() {
    assertThat(create(Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "2500")).timeout())
        .isEqualTo(Duration.ofMillis(2500));
    assertThat(
            create(Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "3s"))
                .timeout())
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void readsCompressionWithTheTracesSettingWinning() {
    assertThat(create(Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "none")).gzip()).isFalse();
    assertThat(
            create(Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "none", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip"))
                .gzip())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http/protobuf", "HTTP/PROTOBUF", "Http/Protobuf"})
  void acceptsTheHttpProtobufProtocolInAnyCase(String protocol) {
    assertThat(create(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", protocol))).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http/json", "http/protobuf2"})
  void rejectsAnyOtherProtocolNamingTheSettingAndTheAllowedValue(String protocol) {
    assertThatThrownBy(() -> create(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL")
        .hasMessageContaining("\"" + protocol + "\"")
        .hasMessageContaining("expected: http/protobuf");
  }

  @Test
  void namesTheTracesProtocolSettingWhenThatIsTheWrongOne() {
    assertThatThrownBy(
            () ->
                create(
                    Map.of(
                        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
  }

  @Test
  void rejectsAnUnknownCompressionNamingTheAllowedValues() {
    assertThatThrownBy(() -> create(Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_EXPORTER_OTLP_COMPRESSION (otel.exporter.otlp.compression): \"zstd\" is invalid"
                + " (expected: gzip, none)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:4318", "ftp://collector/traces", "http://", "not a url", "/v1/traces"})
  void rejectsAnEndpointThatIsNotAnHttpUrl(String endpoint) {
    assertThatThrownBy(() -> create(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT")
        .hasMessageContaining(endpoint)
        .hasMessageContaining("expected: an http:// or https:// URL");
  }

  @Test
  void namesTheTracesEndpointSettingWhenThatIsTheInvalidOne() {
    assertThatThrownBy(() -> create(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  }

  @Test
  void rejectsAReservedHeaderWithoutRepeatingTheHeaderValues() {
    assertThatThrownBy(
            () -> create(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=s3cret,host=evil.example")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS")
        .hasMessageContaining("host")
        .hasMessageContaining("reserved")
        .message()
        .doesNotContain("s3cret")
        .doesNotContain("evil.example");
  }

  @Test
  void rejectsATimeoutThatIsNotPositive() {
    assertThatThrownBy(() -> create(Map.of("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "0")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT (otel.exporter.otlp.traces.timeout): \"0\" is invalid"
                + " (expected: a positive duration such as 10s)");
  }

  @Test
  void makesAnExporterThatSendsTheConfiguredHeadersToTheCollector() throws Exception {
    try (CollectorServer collector = CollectorServer.start()) {
      OtlpHttpSpanExporter exporter =
          create(
              Map.of(
                  "OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl(),
                  "OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=abc%3D%3D",
                  "OTEL_EXPORTER_OTLP_COMPRESSION", "none"));

      exporter.export(java.util.List.of(TestObjects.fullSpan())).get(10, TimeUnit.SECONDS);
      exporter.shutdown().get(10, TimeUnit.SECONDS);

      CollectorServer.Request request = collector.takeRequest();
      assertThat(request.path()).isEqualTo("/v1/traces");
      assertThat(request.headers().getFirst("x-api-key")).isEqualTo("abc==");
      assertThat(request.headers().containsKey("Content-Encoding")).isFalse();
    }
  }

  private static OtlpHttpSpanExporter create(Map<String, String> settings) {
    return (OtlpHttpSpanExporter) new OtlpHttpSpanExporterProvider().create(ConfigProperties.of(settings));
  }
}
