package dev.ariadne.testservers;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Cassandra node for a test: a cluster of one on free ports of 127.0.0.1, its data and
 * output in a directory the test gives. Its commit log is synced before a write is answered
 * ({@code commitlog_sync: batch}), so that what it acknowledges survives a kill, as the
 * storage's promise needs; a cluster in production gets that from replication as well.
 */
public final class CassandraNode implements AutoCloseable {
  /** The options Cassandra's own {@code jvm17-server.options} gives Java 17, and a small heap. */
  private static final List<String> JVM_OPTIONS = List.of(
      "-Xms512m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true",
      "-XX:+ExitOnOutOfMemoryError",
      "-Djdk.attach.allowAttachSelf=true",
      "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
      "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
      "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.io=ALL-UNNAMED",
      "--add-opens", "java.base/java.nio=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/java.util=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens", "java.base/java.net=ALL-UNNAMED");

  private final ChildJvm jvm;
  private final int port;

  private CassandraNode(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /**
   * Starts a node whose data lives in {@code directory}: a new node if the directory is empty,
   * the same node again (its data kept) if an earlier start used it.
   */
  public static CassandraNode start(Path directory) throws IOException {
    int port = ChildJvm.freePort();
    int storagePort = ChildJvm.freePort();
    Path data = directory.resolve("data");
    Path config = directory.resolve("cassandra.yaml");
    Files.writeString(config, String.join("\n",
        "cluster_name: ariadne-test",
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "data_file_directories: [" + data.resolve("data") + "]",
        "commitlog_directory: " + data.resolve("commitlog"),
        "saved_caches_directory: " + data.resolve("saved_caches"),
        "hints_directory: " + data.resolve("hints"),
        "cdc_raw_directory: " + data.resolve("cdc"),
        "commitlog_sync: batch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"127.0.0.1:" + storagePort + "\"",
        "listen_address: 127.0.0.1",
        "storage_port: " + storagePort,
        "rpc_address: 127.0.0.1",
        "native_transport_port: " + port,
        "start_native_transport: true",
        "endpoint_snitch: SimpleSnitch",
        "auto_snapshot: false",
        ""), UTF_8);
    Path logback = directory.resolve("logback.xml");
    Files.writeString(logback, String.join("\n",
        "<configuration>",
        "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
        "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>",
        "  </appender>",
        "  <root level=\"INFO\"><appender-ref ref=\"OUT\"/></root>",
        "</configuration>",
        ""), UTF_8);
    List<String> options = new ArrayList<>(JVM_OPTIONS);
    options.add("-Dcassandra.config=" + config.toUri());
    options.add("-Dlogback.configurationFile=" + logback);
    options.add("-Dcassandra-foreground=yes");
    options.add("-Dcassandra.storagedir=" + data);
    options.add("-Dcassandra.jmx.local.port=" + ChildJvm.freePort());
    options.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    options.add("-Dcassandra.ring_delay_ms=0");
    ChildJvm jvm = ChildJvm.start("cassandra", options,
        "org.apache.cassandra.service.CassandraDaemon", List.of(),
        directory.resolve("cassandra.log"), port, Duration.ofMinutes(3));
    return new CassandraNode(jvm, port);
  }

  /** Where a CQL client connects: 127.0.0.1 and this port. */
  public int port() {
    return port;
  }

  /** The data centre a client names as its local one: {@code SimpleSnitch}'s. */
  public String localDatacenter() {
    return "datacenter1";
  }

  /** The node's output so far, its last lines: for a failing test's message. */
  public String logTail() {
    return jvm.logTail();
  }

  /** Kills the node at once (SIGKILL), as a crash would; {@link #start} on the same directory restarts it. */
  public void kill() {
    jvm.kill();
  }

  /** Stops the node (SIGTERM). */
  @Override
  public void close() {
    jvm.close();
  }
}
