package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.collector.Collector;
import java.io.IOException;
import java.nio.file.Files;
import dev.ariadne.storage.embedded.SyncPolicy;
import dev.ariadne.storage.memory.MemoryStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("ariadne.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void usesTheDefaultsWhenNothingIsSet() throws Exception {
    ServerConfig config = ServerConfig.from(Settings.load(null, Map.of(), Map.of()));

    assertThat(config.queryPort()).isEqualTo(16686);
    assertThat(config.queryTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.queryMaxConcurrentSearches())
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    assertThat(config.receivers().otlpGrpc()).isEqualTo(new ServerConfig.Receiver(true, 4317));
    assertThat(config.receivers().otlpHttp()).isEqualTo(new ServerConfig.Receiver(true, 4318));
    assertThat(config.receivers().zipkin()).isEqualTo(new ServerConfig.Receiver(true, 9411));
    assertThat(config.receivers().jaegerThriftHttp()).isEqualTo(new ServerConfig.Receiver(true, 14268));
    assertThat(config.receivers().jaegerGrpc()).isEqualTo(new ServerConfig.Receiver(true, 14250));
    assertThat(config.sampling().enabled()).isTrue();
    assertThat(config.sampling().port()).isEqualTo(5778);
    assertThat(config.sampling().source())
        .isEqualTo("every service at probability 1 (no sampling.strategies-file)");
    assertThat(config.storage()).isEqualTo("embedded");
    assertThat(config.embedded()).isEqualTo(new ServerConfig.Embedded(Path.of("data"),
        SyncPolicy.ALWAYS, Duration.ofMillis(200), 100_000, 64L << 20, Duration.ofMinutes(1),
        2_000_000, 16, Duration.ofDays(7), 0, 0));
  }

  @Test
  void durationsAndSizesTakeUnits() throws Exception {
    ServerConfig config = ServerConfig.from(Settings.load(null, Map.of(),
        Map.of("embedded.retention", "36h", "embedded.max-disk", "50GiB",
            "embedded.sync", "interval", "embedded.sync-interval", "2s",
            "query.timeout", "1500ms")));

    assertThat(config.embedded().retention()).isEqualTo(Duration.ofHours(36));
    assertThat(config.embedded().maxDiskBytes()).isEqualTo(50L << 30);
    assertThat(config.embedded().sync()).isEqualTo(SyncPolicy.INTERVAL);
    assertThat(config.embedded().syncInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.queryTimeout()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void aDurationOrSizeWithoutAKnownUnitIsNamedAsInvalid() {
    assertThatThrownBy(() -> ServerConfig.from(
        Settings.load(null, Map.of(), Map.of("embedded.retention", "7 days"))))
        .hasMessage("embedded.retention (ARIADNE_EMBEDDED_RETENTION, from flag): \"7 days\" is"
            + " invalid (expected: a duration above 0 with a unit: ms, s, m, h or d (e.g. 30s, 7d))");
    assertThatThrownBy(() -> ServerConfig.from(
        Settings.load(null, Map.of(), Map.of("embedded.max-disk", "10GB"))))
        .hasMessageContaining("embedded.max-disk (ARIADNE_EMBEDDED_MAX_DISK, from flag): \"10GB\"")
        .hasMessageContaining("KiB, MiB, GiB or TiB");
    assertThatThrownBy(() -> ServerConfig.from(
        Settings.load(null, Map.of(), Map.of("embedded.head-max-bytes", "0"))))
        .hasMessage("embedded.head-max-bytes (ARIADNE_EMBEDDED_HEAD_MAX_BYTES, from flag): \"0\" is"
            + " invalid (expected: a size above 0, optionally with a unit: KiB, MiB, GiB or TiB)");
    assertThatThrownBy(() -> ServerConfig.from(
        Settings.load(null, Map.of(), Map.of("embedded.sync", "sometimes"))))
        .hasMessageContaining("(expected: one of always, interval)");
  }

  @Test
  void aDurationPastWhatNanosecondsHoldIsNamedAsInvalid() throws Exception {
    assertThat(ServerConfig.from(Settings.load(null, Map.of(),
        Map.of("embedded.head-max-age", "106751d"))).embedded().headMaxAge())
        .isEqualTo(Duration.ofDays(106_751));
    Settings defaults = Settings.load(null, Map.of(), Map.of());
    for (String key : Settings.DEFAULTS.keySet()) {
      try {
        defaults.getDuration(key);
      } catch (ConfigException notADuration) {
        continue;
      }
      assertThatThrownBy(() -> ServerConfig.from(
          Settings.load(null, Map.of(), Map.of(key, "106752d"))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key + " (")
          .hasMessageEndingWith("\"106752d\" is invalid (expected: a duration of at most 106751d,"
              + " about 292 years)");
    }
  }

  @Test
  void aDurationIsWrittenBackInTheLargestUnitThatHoldsItWhole() {
    assertThat(Settings.text(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Settings.text(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(Settings.text(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Settings.text(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }

  @Test
  void compactionFanInIsAtLeastTwo() throws Exception {
    assertThat(ServerConfig.from(Settings.load(null, Map.of(),
        Map.of("embedded.compaction-fan-in", "4"))).embedded().compactionFanIn()).isEqualTo(4);
    assertThatThrownBy(() -> ServerConfig.from(
        Settings.load(null, Map.of(), Map.of("embedded.compaction-fan-in", "1"))))
        .hasMessageContaining("embedded.compaction-fan-in (ARIADNE_EMBEDDED_COMPACTION_FAN_IN, from flag)")
        .hasMessageContaining("a whole number >= 2");
  }

  @Test
  void aRequestSizeTheCollectorCannotQueueIsNamedAsInvalid() throws Exception {
    assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(),
        Map.of("collector.max-request-bytes", "67108865"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("collector.max-request-bytes (ARIADNE_COLLECTOR_MAX_REQUEST_BYTES, from flag):"
            + " \"67108865\" is invalid (expected: a whole number of bytes from 1024 to 67108864, 64 MiB)");

    ServerConfig largest = ServerConfig.from(Settings.load(null, Map.of(),
        Map.of("collector.max-request-bytes", "67108864")));
    try (MemoryStorage storage = MemoryStorage.create(10);
        Collector collector =
            Collector.builder(storage).maxRequestBytes(largest.receivers().maxRequestBytes()).build()) {
      assertThat(collector).isNotNull();
    }
  }

  @Test
  void theFileOverridesDefaultsTheEnvironmentOverridesTheFileAndFlagsOverrideBoth() throws Exception {
    Path file = yaml("query:\n  port: 1000\nreceivers:\n  zipkin:\n    port: 2000\n  otlp-http:\n    port: 3000\n");
    Map<String, String> env =
        Map.of("ARIADNE_RECEIVERS_ZIPKIN_PORT", "2001", "ARIADNE_RECEIVERS_OTLP_HTTP_PORT", "3001");
    Map<String, String> flags = Map.of("receivers.otlp-http.port", "3002");

    ServerConfig config = ServerConfig.from(Settings.load(file, env, flags));

    assertThat(config.queryPort()).isEqualTo(1000);
    assertThat(config.receivers().zipkin().port()).isEqualTo(2001);
    assertThat(config.receivers().otlpHttp().port()).isEqualTo(3002);
  }

  @Test
  void namesTheSettingItsVariableItsSourceAndTheAllowedValues() {
    Map<String, String> env = Map.of("ARIADNE_RECEIVERS_ZIPKIN_PORT", "99999");

    assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, env, Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "receivers.zipkin.port (ARIADNE_RECEIVERS_ZIPKIN_PORT, from environment"
                + " ARIADNE_RECEIVERS_ZIPKIN_PORT): \"99999\" is invalid (expected: a port number from 0 to 65535)");
  }

  @Test
  void anInvalidStrategiesFileIsNamedWithThePlaceAndTheProblem() throws Exception {
    Path strategies = dir.resolve("strategies.json");
    Files.writeString(strategies, "{\"service_strategies\": [{\"service\": \"a\","
        + " \"type\": \"probabilistic\", \"param\": 1.5}]}");

    assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(),
            Map.of("sampling.strategies-file", strategies.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sampling strategies file " + strategies + ": service_strategies[0].param:"
            + " 1.5 is invalid (expected: a probability from 0 to 1)");
    assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(),
            Map.of("sampling.strategies-file", dir.resolve("none.json").toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sampling strategies file " + dir.resolve("none.json") + ": no such file");
  }

  @Test
  void aValidStrategiesFileIsReadAtStartUp() throws Exception {
    Path strategies = dir.resolve("strategies.json");
    Files.writeString(strategies, "{\"default_strategy\": {\"type\": \"ratelimiting\","
        + " \"param\": 10}}");

    ServerConfig config = ServerConfig.from(Settings.load(null,
        Map.of("ARIADNE_SAMPLING_STRATEGIES_FILE", strategies.toString()),
        Map.of("sampling.port", "15778", "sampling.enabled", "false")));

    assertThat(config.sampling().source()).isEqualTo("from " + strategies);
    assertThat(config.sampling().reloadInterval()).isZero();
    assertThat(config.sampling().port()).isEqualTo(15778);
    assertThat(config.sampling().enabled()).isFalse();

    ServerConfig reloaded = ServerConfig.from(Settings.load(null, Map.of(), Map.of(
        "sampling.strategies-file", strategies.toString(),
        "sampling.strategies-reload-interval", "30s")));
    assertThat(reloaded.sampling().reloadInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(reloaded.sampling().source())
        .isEqualTo("from " + strategies + ", read again every 30s");
    assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(),
            Map.of("sampling.strategies-reload-interval", "often"))))
        .hasMessage("sampling.strategies-reload-interval"
            + " (ARIADNE_SAMPLING_STRATEGIES_RELOAD_INTERVAL, from flag): \"often\" is invalid"
            + " (expected: 0 (never) or a duration with a unit: ms, s, m, h or d, such as 30s)");
  }

  @Test
  void rejectsMaxConcurrentSearchesBelowOne() {
    assertThatThrownBy(() -> ServerConfig.from(
        Settings.load(null, Map.of(), Map.of("query.max-concurrent-searches", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("query.max-concurrent-searches (ARIADNE_QUERY_MAX_CONCURRENT_SEARCHES, from"
            + " flag): \"0\" is invalid (expected: a whole number >= 1)");
  }

  @Test
  void rejectsAStorageItDoesNotHaveNamingTheOnesItHas() {
    assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(), Map.of("storage", "elasticsearch"))))
        .hasMessageContaining("storage (ARIADNE_STORAGE, from flag): \"elasticsearch\" is invalid (expected: one of cassandra, embedded, memory)");
  }

  @Test
  void rejectsABooleanThatIsNotTrueOrFalse() {
    Map<String, String> flags = Map.of("receivers.otlp-grpc.enabled", "yes");

    assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(), flags)))
        .hasMessageContaining("receivers.otlp-grpc.enabled")
        .hasMessageContaining("expected: true or false");
  }

  @Test
  void rejectsAnUnknownKeyInTheFileListingTheKnownOnes() throws Exception {
    Path file = yaml("reciever:\n  zipkin:\n    port: 1\n");

    assertThatThrownBy(() -> Settings.load(file, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting \"reciever.zipkin.port\"")
        .hasMessageContaining("receivers.zipkin.port");
  }

  @Test
  void rejectsAFileThatIsNotYamlOrNotAMapping() throws Exception {
    Path broken = yaml("query:\n  port: 1\n   bad: x\n");
    assertThatThrownBy(() -> Settings.load(broken, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + broken + ": mapping values are not allowed here (line 3, column 7)");
    Path unclosed = yaml("query: [1, 2");
    assertThatThrownBy(() -> Settings.load(unclosed, Map.of(), Map.of()))
        .hasMessage("config file " + unclosed + ": while parsing a flow sequence (line 1, column 8):"
            + " expected ',' or ']', but got <stream end> (line 1, column 13)");
    assertThatThrownBy(() -> Settings.load(yaml("- 1\n- 2\n"), Map.of(), Map.of()))
        .hasMessageContaining("expected a mapping of settings");
    assertThatThrownBy(() -> Settings.load(yaml("query:\n  port: [1]\n"), Map.of(), Map.of()))
        .hasMessageContaining("query.port must be a single value");
  }

  @Test
  void corsOriginsAreOtlpsNoneAndZipkinsAnyByDefaultAndMustBeOriginsOrAnAsteriskAlone()
      throws Exception {
    String key = "receivers.otlp-http.cors-allowed-origins";
    assertThat(ServerConfig.from(Settings.load(null, Map.of(), Map.of())).receivers().otlpHttpCorsOrigins())
        .isEmpty();
    assertThat(ServerConfig.from(Settings.load(null, Map.of(), Map.of())).receivers().zipkinCorsOrigins())
        .as("as Zipkin's").containsExactly("*");
    assertThat(ServerConfig.from(Settings.load(null, Map.of(),
        Map.of("receivers.zipkin.cors-allowed-origins", ""))).receivers().zipkinCorsOrigins()).isEmpty();
    assertThat(ServerConfig.from(Settings.load(null, Map.of(),
        Map.of(key, " https://shop.example.com ,http://localhost:3000,"))).receivers().otlpHttpCorsOrigins())
        .containsExactly("https://shop.example.com", "http://localhost:3000");
    assertThat(ServerConfig.from(Settings.load(null, Map.of(), Map.of(key, "*")))
        .receivers().otlpHttpCorsOrigins()).containsExactly("*");
    for (String invalid : new String[] {"shop.example.com", "https://shop.example.com/app",
        "*,https://shop.example.com", "ftp://x"}) {
      assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(), Map.of(key, invalid))))
          .as(invalid)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key)
          .hasMessageContaining("(expected: origins such as https://shop.example.com");
    }
  }

  @Test
  void aMissingFileOrADirectoryIsNamedInOneLine() {
    Path missing = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> Settings.load(missing, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + missing + ": no such file");
    assertThatThrownBy(() -> Settings.load(dir, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file " + dir + ": ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aKeyGivenTwiceInTheFileIsAnErrorNamingIt() throws Exception {
    Path twice = yaml("receivers:\n  zipkin:\n    port: 19411\nhost: 127.0.0.1\n"
        + "receivers:\n  otlp-grpc:\n    enabled: false\n");
    assertThatThrownBy(() -> Settings.load(twice, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + twice + ": receivers is given twice (line 5, column 10)");
    Path nested = yaml("receivers:\n  zipkin:\n    port: 19411\n  zipkin:\n    enabled: false\n");
    assertThatThrownBy(() -> Settings.load(nested, Map.of(), Map.of()))
        .hasMessage("config file " + nested + ": receivers.zipkin is given twice (line 4, column 9)");
    Path dotted = yaml("query.port: 1\nquery:\n  port: 2\n");
    assertThatThrownBy(() -> Settings.load(dotted, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + dotted + ": query.port is given twice");
  }

  @Test
  void aMisspeltKeyIsAnsweredWithTheKeyMeant() throws Exception {
    assertThatThrownBy(() -> Settings.load(null, Map.of(), Map.of("query.prot", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown setting \"query.prot\" (from flag); did you mean query.port?");
    assertThatThrownBy(() -> Settings.load(yaml("embeded:\n  retention: 3d\n"), Map.of(), Map.of()))
        .hasMessageEndingWith("; did you mean embedded.retention?");
  }

  @Test
  void aHostThatIsEmptyOrDoesNotResolveIsNamedAsInvalid() {
    for (String host : new String[] {"", "no-such-host.invalid"}) {
      assertThatThrownBy(() -> ServerConfig.from(Settings.load(null, Map.of(), Map.of("host", host))))
          .as(host)
          .isInstanceOf(ConfigException.class)
          .hasMessage("host (ARIADNE_HOST, from flag): \"" + host + "\" is invalid (expected: an"
              + " address of this machine, or a name that resolves to one, such as 0.0.0.0,"
              + " 127.0.0.1, ::1 or localhost)");
    }
  }

  @Test
  void anEmptyDataDirectoryIsNamedAsInvalidRatherThanTakenForTheWorkingDirectory() {
    assertThatThrownBy(() -> ServerConfig.from(
        Settings.load(null, Map.of("ARIADNE_EMBEDDED_DATA_DIR", " "), Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("embedded.data-dir (ARIADNE_EMBEDDED_DATA_DIR, from environment"
            + " ARIADNE_EMBEDDED_DATA_DIR): \"\" is invalid (expected: a directory, such as data"
            + " or /var/lib/ariadne)");
  }

  @Test
  void anEmptyFileChangesNothing() throws Exception {
    assertThat(ServerConfig.from(Settings.load(yaml(""), Map.of(), Map.of())).queryPort()).isEqualTo(16686);
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> Settings.load(missing, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.yaml");
  }

  @Test
  void everySettingHasAnEnvironmentVariable() {
    assertThat(Settings.envName("receivers.otlp-grpc.port")).isEqualTo("ARIADNE_RECEIVERS_OTLP_GRPC_PORT");
    assertThat(Settings.envName("memory.max-spans")).isEqualTo("ARIADNE_MEMORY_MAX_SPANS");
  }

  @Test
  void anEnvironmentVariableThatSetsNothingIsWarnedOfNamingTheOneMeant() throws Exception {
    Map<String, String> env = Map.of(
        "ARIADNE_QUERY_PROT", "9999",
        "ARIADNE_EMBEDDED_RETENTION", "3d",
        "ARIADNE_FORMATS", "zipkin-json",
        "PATH", "/usr/bin");

    assertThat(Settings.unknownEnvironment(env)).containsExactly(
        "warning: ARIADNE_FORMATS is not a setting and is ignored",
        "warning: ARIADNE_QUERY_PROT is not a setting and is ignored;"
            + " did you mean ARIADNE_QUERY_PORT?");
    assertThat(ServerConfig.from(Settings.load(null, env, Map.of())).queryPort()).isEqualTo(16686);
  }
}
