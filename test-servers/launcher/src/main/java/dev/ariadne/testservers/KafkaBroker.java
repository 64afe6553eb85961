package dev.ariadne.testservers;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A real Kafka broker for a test: one KRaft node that is broker and controller, on free ports of
 * 127.0.0.1, its log segments and output in a directory the test gives. Topics are created on
 * first use, with one partition unless the test creates them otherwise.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final List<String> JVM_OPTIONS =
      List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true");

  private final ChildJvm jvm;
  private final int port;

  private KafkaBroker(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /** Formats a new KRaft log in {@code directory} and starts the broker on it. */
  public static KafkaBroker start(Path directory) throws IOException {
    int port = ChildJvm.freePort();
    int controllerPort = ChildJvm.freePort();
    Path logs = directory.resolve("logs");
    Path properties = directory.resolve("server.properties");
    Files.writeString(properties, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + logs,
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        ""), UTF_8);
    ChildJvm.run("kafka", JVM_OPTIONS, "kafka.tools.StorageTool",
        List.of("format", "-t", clusterId(), "-c", properties.toString()),
        directory.resolve("format.log"), Duration.ofMinutes(2));
    ChildJvm jvm = ChildJvm.start("kafka", JVM_OPTIONS, "kafka.Kafka",
        List.of(properties.toString()), directory.resolve("kafka.log"), port,
        Duration.ofMinutes(2));
    return new KafkaBroker(jvm, port);
  }

  /** What a client's {@code bootstrap.servers} is set to. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The broker's output so far, its last lines: for a failing test's message. */
  public String logTail() {
    return jvm.logTail();
  }

  /** Stops the broker (SIGTERM: a controlled shutdown). */
  @Override
  public void close() {
    jvm.close();
  }

  /**
   * A KRaft cluster ID: 16 random bytes in URL-safe base64 without padding, as Kafka makes, and,
   * as Kafka's own, never one that starts with a dash, which the format tool would read as an
   * option.
   */
  private static String clusterId() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }
}
