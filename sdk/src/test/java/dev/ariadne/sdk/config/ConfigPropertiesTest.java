package dev.ariadne.sdk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigPropertiesTest {

  private static ConfigProperties config(String name, String value) {
    return ConfigProperties.of(Map.of(name, value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OTEL_SERVICE_NAME", "otel.service.name"})
  void readsASettingGivenInEitherForm(String given) {
    ConfigProperties config = config(given, "checkout");

    assertThat(config.getString("otel.service.name")).isEqualTo("checkout");
    assertThat(config.getString("OTEL_SERVICE_NAME")).isEqualTo("checkout");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void thePropertyFormWinsOverTheEnvironmentFormWhicheverComesFirst(boolean environmentFirst) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (environmentFirst) settings.put("OTEL_SERVICE_NAME", "from-environment");
    settings.put("otel.service.name", "from-property");
    if (!environmentFirst) settings.put("OTEL_SERVICE_NAME", "from-environment");

    assertThat(ConfigProperties.of(settings).getString("otel.service.name"))
        .isEqualTo("from-property");
  }

  @Test
  void fromEnvironmentReadsSystemProperties() {
    String name = "otel.ariadne.config.test";
    System.setProperty(name, "set");
    try {
      assertThat(ConfigProperties.fromEnvironment().getString(name)).isEqualTo("set");
      assertThat(ConfigProperties.fromEnvironment().getString("OTEL_ARIADNE_CONFIG_TEST"))
          .isEqualTo("set");
    } finally {
      System.clearProperty(name);
    }
  }

  @Test
  void trimsValuesAndTreatsBlankAsUnset() {
    assertThat(config("otel.service.name", "  checkout ").getString("otel.service.name"))
        .isEqualTo("checkout");
    assertThat(config("otel.service.name", "   ").getString("otel.service.name")).isNull();
    assertThat(config("otel.service.name", "").getString("otel.service.name", "default"))
        .isEqualTo("default");
    assertThat(ConfigProperties.of(Map.of()).getString("otel.service.name")).isNull();
  }

  @Test
  void readsNumbersOrTheDefault() {
    assertThat(config("OTEL_BSP_MAX_QUEUE_SIZE", " 10 ").getInt("otel.bsp.max.queue.size", 1))
        .isEqualTo(10);
    assertThat(config("OTEL_TRACES_SAMPLER_ARG", "0.25").getDouble("otel.traces.sampler.arg", 1))
        .isEqualTo(0.25);
    assertThat(ConfigProperties.of(Map.of()).getInt("otel.bsp.max.queue.size", 7)).isEqualTo(7);
    assertThat(ConfigProperties.of(Map.of()).getDouble("otel.traces.sampler.arg", 0.5))
        .isEqualTo(0.5);
  }

  @Test
  void rejectsAnIntegerThatIsNotOneNamingTheSettingInBothForms() {
    assertThatThrownBy(
            () -> config("OTEL_BSP_MAX_QUEUE_SIZE", "ten").getInt("otel.bsp.max.queue.size", 1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_BSP_MAX_QUEUE_SIZE (otel.bsp.max.queue.size): \"ten\" is invalid (expected: an"
                + " integer)");
    assertThatThrownBy(
            () -> config("OTEL_BSP_MAX_QUEUE_SIZE", "1.5").getInt("otel.bsp.max.queue.size", 1))
        .hasMessageContaining("\"1.5\" is invalid (expected: an integer)");
  }

  @Test
  void rejectsANumberThatIsNotOne() {
    assertThatThrownBy(
            () -> config("OTEL_TRACES_SAMPLER_ARG", "half").getDouble("otel.traces.sampler.arg", 1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_TRACES_SAMPLER_ARG (otel.traces.sampler.arg): \"half\" is invalid (expected: a"
                + " number)");
  }

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of("500", Duration.ofMillis(500)),
        Arguments.of("500ms", Duration.ofMillis(500)),
        Arguments.of("5s", Duration.ofSeconds(5)),
        Arguments.of(" 5 s ", Duration.ofSeconds(5)),
        Arguments.of("2m", Duration.ofMinutes(2)),
        Arguments.of("1h", Duration.ofHours(1)),
        Arguments.of("3d", Duration.ofDays(3)),
        Arguments.of("0", Duration.ZERO));
  }

  @ParameterizedTest
  @MethodSource("durations")
  void readsDurationsInMillisecondsOrWithAUnit(String value, Duration expected) {
    assertThat(
            config("OTEL_BSP_SCHEDULE_DELAY", value)
                .getDuration("otel.bsp.schedule.delay", Duration.ZERO))
        .isEqualTo(expected);
  }

  @Test
  void usesTheDefaultDurationWhenUnset() {
    assertThat(
            ConfigProperties.of(Map.of())
                .getDuration("otel.bsp.schedule.delay", Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "5x",
        "-5",
        "1.5s",
        "s",
        "5 seconds",
        "5S",
        "99999999999999999999",
        "9999999999999999d"
      })
  void rejectsADurationItCannotReadNamingTheFormsAllowed(String value) {
    assertThatThrownBy(
            () ->
                config("OTEL_BSP_SCHEDULE_DELAY", value)
                    .getDuration("otel.bsp.schedule.delay", Duration.ZERO))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_BSP_SCHEDULE_DELAY (otel.bsp.schedule.delay): \""
                + value.trim()
                + "\" is invalid (expected: a duration such as 500, 500ms, 5s, 1m)");
  }

  @Test
  void readsAListTrimmedWithoutEmptyMembers() {
    assertThat(config("OTEL_PROPAGATORS", " tracecontext, ,baggage ,").getList("otel.propagators"))
        .containsExactly("tracecontext", "baggage");
    assertThat(ConfigProperties.of(Map.of()).getList("otel.propagators")).isEmpty();
  }

  @Test
  void readsAMapPercentDecodingItsValues() {
    ConfigProperties config =
        config(
            "OTEL_RESOURCE_ATTRIBUTES",
            "team = a%20b, list=x%2Cy,eq=k=v,plus=1+1,accent=caf%C3%A9, empty=");

    assertThat(config.getMap("otel.resource.attributes"))
        .containsExactly(
            entry("team", "a b"),
            entry("list", "x,y"),
            entry("eq", "k=v"),
            entry("plus", "1+1"),
            entry("accent", "café"),
            entry("empty", ""));
  }

  @Test
  void readsAnUnsetMapAsEmpty() {
    assertThat(ConfigProperties.of(Map.of()).getMap("otel.resource.attributes")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"novalue", "=value", "a=1,b"})
  void rejectsAMapEntryWithoutKey(String value) {
    assertThatThrownBy(
            () -> config("OTEL_RESOURCE_ATTRIBUTES", value).getMap("otel.resource.attributes"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_RESOURCE_ATTRIBUTES (otel.resource.attributes): \"<value not shown>\" is invalid"
                + " (expected: comma-separated key=value pairs)");
  }

  @Test
  void rejectsABrokenPercentEncoding() {
    assertThatThrownBy(
            () -> config("OTEL_RESOURCE_ATTRIBUTES", "a=%zz").getMap("otel.resource.attributes"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OTEL_RESOURCE_ATTRIBUTES (otel.resource.attributes): \"<value not shown>\" is invalid"
                + " (expected: comma-separated key=value pairs, values percent-encoded)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Authorization=Bearer%zzsecret", "Authorization"})
  void neverRepeatsAMapsValueInItsErrorsAsItMayHoldCredentials(String value) {
    assertThatThrownBy(
            () -> config("OTEL_EXPORTER_OTLP_HEADERS", value).getMap("otel.exporter.otlp.headers"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("OTEL_EXPORTER_OTLP_HEADERS (otel.exporter.otlp.headers)")
        .message()
        .doesNotContain("secret")
        .doesNotContain("Authorization");
  }

  @Test
  void namesTheSettingInBothFormsInItsErrors() {
    assertThat(ConfigProperties.invalid("otel.traces.exporter", "zipkin", "one of otlp, none"))
        .hasMessage(
            "OTEL_TRACES_EXPORTER (otel.traces.exporter): \"zipkin\" is invalid (expected: one of"
                + " otlp, none)");
  }
}
