package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The settings of the scale-out path's roles, and of the server's Cassandra storage. */
class RoleSettingsTest {
  private static ServerConfig config(Role role, Map<String, String> flags) throws ConfigException {
    return ServerConfig.from(Settings.load(role.defaults(), null, Map.of(), flags), role);
  }

  @Test
  void theCollectorWritesToKafkaAndHasTheReceiversButNoStorage() throws Exception {
    ServerConfig config = config(Role.COLLECTOR, Map.of());

    assertThat(config.storage()).isNull();
    assertThat(config.cassandra()).isNull();
    assertThat(config.kafka()).isEqualTo(new ServerConfig.Kafka(
        "127.0.0.1:9092", "ariadne-spans", Duration.ofSeconds(10), 1 << 20, null));
    assertThat(config.receivers().otlpHttp()).isEqualTo(new ServerConfig.Receiver(true, 4318));
    assertThat(config.sampling().port()).isEqualTo(5778);
    assertThat(config.adminPort()).isEqualTo(14269);
    assertThat(config.queryPort()).isZero();
  }

  @Test
  void theIngesterReadsKafkaIntoCassandra() throws Exception {
    ServerConfig config = config(Role.INGESTER, Map.of());

    assertThat(config.storage()).isEqualTo("cassandra");
    assertThat(config.kafka().groupId()).isEqualTo("ariadne-ingester");
    assertThat(config.cassandra().contactPoints())
        .containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 9042));
    assertThat(config.cassandra().ttl()).isEqualTo(Duration.ofDays(7));
    assertThat(config.receivers()).isNull();
    assertThat(config.adminPort()).isEqualTo(14270);
  }

  @Test
  void theQueryRoleServesTheQueryApisOverCassandra() throws Exception {
    ServerConfig config = config(Role.QUERY, Map.of("cassandra.contact-points",
        "cassandra-1:9042, cassandra-2:9142,[::1]:9042"));

    assertThat(config.storage()).isEqualTo("cassandra");
    assertThat(config.queryPort()).isEqualTo(16686);
    assertThat(config.cassandra().contactPoints()).containsExactly(
        InetSocketAddress.createUnresolved("cassandra-1", 9042),
        InetSocketAddress.createUnresolved("cassandra-2", 9142),
        InetSocketAddress.createUnresolved("::1", 9042));
    assertThat(config.kafka()).isNull();
    assertThat(config.receivers()).isNull();
  }

  @Test
  void theIngesterRecordsAnalyticsAndTheQueryRoleReadsThem() throws Exception {
    ServerConfig ingester = config(Role.INGESTER, Map.of("analytics.bucket", "10s",
        "analytics.max-series", "500", "analytics.flush-interval", "5s"));
    assertThat(ingester.analytics().bucket()).isEqualTo(Duration.ofSeconds(10));
    assertThat(ingester.analytics().maxSeries()).isEqualTo(500);
    assertThat(ingester.analytics().flushInterval()).isEqualTo(Duration.ofSeconds(5));

    ServerConfig query = config(Role.QUERY,
        Map.of("analytics.bucket", "10s", "analytics.retention", "2d"));
    assertThat(query.analytics().enabled()).isTrue();
    assertThat(query.analytics().bucket()).isEqualTo(Duration.ofSeconds(10));
    assertThat(query.analytics().retention()).isEqualTo(Duration.ofDays(2));
    assertThat(config(Role.COLLECTOR, Map.of()).analytics()).isNull();

    assertThatThrownBy(() -> config(Role.QUERY, Map.of("analytics.max-series", "5")))
        .as("the query role records nothing")
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown setting \"analytics.max-series\"");
    assertThatThrownBy(() -> config(Role.INGESTER, Map.of("analytics.memory-max", "1MiB")))
        .as("only the server keeps metrics in memory")
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown setting \"analytics.memory-max\"");
    assertThatThrownBy(() -> config(Role.INGESTER, Map.of("analytics.bucket", "7s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("analytics.bucket");
    assertThatThrownBy(() -> config(Role.QUERY, Map.of("analytics.retention", "7300d")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("analytics.retention").hasMessageContaining("at most 7299d");
    assertThat(config(Role.INGESTER, Map.of("analytics.retention", "7299d")).analytics()
        .retention()).isEqualTo(Duration.ofDays(7299));
  }

  @Test
  void aSettingOfAnotherRoleIsUnknownAndNamedAsSuch() {
    assertThatThrownBy(() -> config(Role.QUERY, Map.of("receivers.zipkin.port", "9411")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown setting \"receivers.zipkin.port\" (from flag)");
    assertThatThrownBy(() -> config(Role.COLLECTOR, Map.of("cassandra.keyspace", "traces")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown setting \"cassandra.keyspace\"");
    assertThatThrownBy(() -> config(Role.INGESTER, Map.of("storage", "embedded")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown setting \"storage\"");
  }

  @ParameterizedTest
  @EnumSource(Role.class)
  void everyRoleStartsFromItsDefaults(Role role) throws Exception {
    assertThat(config(role, Map.of()).role()).isEqualTo(role);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cassandra.contact-points | cassandra-1 | HOST:PORT addresses of Cassandra nodes",
      "cassandra.contact-points | cassandra-1:9042, | HOST:PORT addresses of Cassandra nodes",
      "cassandra.contact-points | :9042 | HOST:PORT addresses of Cassandra nodes",
      "cassandra.contact-points | cassandra-1:0 | HOST:PORT addresses of Cassandra nodes",
      "cassandra.contact-points | cassandra-1:65536 | HOST:PORT addresses of Cassandra nodes",
      "cassandra.keyspace | ariadne-traces | letters, digits and underscores",
      "cassandra.keyspace | '\"ariadne\"; DROP KEYSPACE system' | letters, digits and underscores",
      "cassandra.keyspace | 1ariadne | letters, digits and underscores",
      "cassandra.ttl | 0s | a duration above 0",
      "cassandra.ttl | 500ms | from 1s to 20y",
      "cassandra.ttl | 7301d | from 1s to 20y",
      "cassandra.replication-factor | 0 | a whole number from 1 to 100",
  })
  void aBadCassandraSettingIsNamedWithWhatIsAllowed(String key, String value, String expected) {
    assertThatThrownBy(() -> config(Role.QUERY, Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(key + " (" + Settings.envName(key) + ", from flag)")
        .hasMessageContaining(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kafka.brokers | kafka-1 | HOST:PORT addresses of Kafka brokers",
      "kafka.brokers | '' | HOST:PORT addresses of Kafka brokers",
      "kafka.topic | ariadne spans | a topic name",
      "kafka.topic | .. | a topic name",
      "kafka.max-message-bytes | 100 | a size from 1KiB to 2GiB",
      "kafka.max-message-bytes | 4GiB | a size from 1KiB to 2GiB",
  })
  void aBadKafkaSettingIsNamedWithWhatIsAllowed(String key, String value, String expected) {
    assertThatThrownBy(() -> config(Role.COLLECTOR, Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(key + " (" + Settings.envName(key) + ", from flag)")
        .hasMessageContaining(expected);
  }

  @Test
  void aCassandraUserWithoutAPasswordIsAnErrorNamingTheMissingOne() {
    assertThatThrownBy(() -> config(Role.INGESTER, Map.of("cassandra.username", "ariadne")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cassandra.password (ARIADNE_CASSANDRA_PASSWORD, from default): \"\" is"
            + " invalid (expected: set together with cassandra.username, or both empty for a"
            + " cluster without authentication)");
  }

  @Test
  void theServerStoresInCassandraWhenAsked() throws Exception {
    ServerConfig config = config(Role.SERVER, Map.of("storage", "cassandra",
        "cassandra.keyspace", "traces", "cassandra.username", "ariadne",
        "cassandra.password", "secret"));

    assertThat(config.storage()).isEqualTo("cassandra");
    assertThat(config.cassandra().keyspace()).isEqualTo("traces");
    assertThat(config.cassandra().toString()).doesNotContain("secret");
    assertThat(config.analytics()).isNotNull();
  }

  @Test
  void everyRolesSettingIsKnownToTheEnvironmentCheck() {
    for (Role role : Role.values()) {
      for (String key : role.defaults().keySet()) {
        assertThat(Settings.unknownEnvironment(Map.of(Settings.envName(key), "x")))
            .as(key).isEmpty();
      }
    }
    assertThat(List.of(Role.values())).extracting(Role::command).containsExactly(
        "ariadne server", "ariadne collector", "ariadne ingester", "ariadne query");
  }
}
