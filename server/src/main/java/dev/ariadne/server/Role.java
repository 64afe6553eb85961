package dev.ariadne.server;

import java.util.Map;

/**
 * What one process does: everything ({@code ariadne server}), or one role of the scale-out path,
 * where the same code runs as a {@code collector} (receivers, writing to Kafka), an {@code
 * ingester} (Kafka to Cassandra) and a {@code query} process (the query APIs and the web UI over
 * Cassandra).
 */
enum Role {
  SERVER("ariadne server", Settings.DEFAULTS),
  COLLECTOR("ariadne collector", Settings.COLLECTOR_DEFAULTS),
  INGESTER("ariadne ingester", Settings.INGESTER_DEFAULTS),
  QUERY("ariadne query", Settings.QUERY_DEFAULTS);

  private final String command;
  private final Map<String, String> defaults;

  Role(String command, Map<String, String> defaults) {
    this.command = command;
    this.defaults = defaults;
  }

  /** The command that runs it, which starts each of its output lines. */
  String command() {
    return command;
  }

  /** Its settings, each with its default: the only keys it knows. */
  Map<String, String> defaults() {
    return defaults;
  }

  /** Takes spans on the receivers' ports. */
  boolean receives() {
    return this == SERVER || this == COLLECTOR;
  }

  /** Serves the query APIs and the web UI. */
  boolean queries() {
    return this == SERVER || this == QUERY;
  }

  /** Opens a storage, to write spans to or read them from. */
  boolean stores() {
    return this != COLLECTOR;
  }
}
