package dev.ariadne.storage.cassandra;

import java.time.Duration;
import java.util.List;

/** The keyspace and tables, as CQL; docs/cassandra.md says why each is as it is. */
final class Schema {
  private Schema() {}

  /** The statements that create the keyspace and its tables where they do not exist. */
  static List<String> create(String keyspace, String datacenter, int replicationFactor,
      Duration ttl) {
    String ks = quote(keyspace);
    // Spans and index rows are written once and expire together: time windows let whole
    // SSTables expire, about thirty windows over the TTL, as Jaeger's schema does.
    long windowHours = Math.max(1, ttl.toHours() / 30);
    String expiring = " AND compaction = {'class': 'TimeWindowCompactionStrategy',"
        + " 'compaction_window_unit': 'HOURS', 'compaction_window_size': " + windowHours + "}"
        + " AND gc_grace_seconds = 10800";
    // Metrics rows are partitioned by day and written mostly during their day: daily windows
    // hold about one day's partitions each and expire whole, whatever retention is given later.
    String daily = " AND compaction = {'class': 'TimeWindowCompactionStrategy',"
        + " 'compaction_window_unit': 'DAYS', 'compaction_window_size': 1}"
        + " AND gc_grace_seconds = 10800";
    return List.of(
        "CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = {'class':"
            + " 'NetworkTopologyStrategy', '" + datacenter.replace("'", "''") + "': "
            + replicationFactor + "}",
        "CREATE TABLE IF NOT EXISTS " + ks + ".spans (trace_id blob, write_id timeuuid,"
            + " position int, span blob, PRIMARY KEY (trace_id, write_id, position))"
            + " WITH compression = {'class': 'LZ4Compressor'}" + expiring,
        "CREATE TABLE IF NOT EXISTS " + ks + ".span_index (bucket bigint, shard int,"
            + " field text, key text, value text, start_time bigint, trace_id blob,"
            + " first_start bigint, PRIMARY KEY ((bucket, shard, field, key, value), start_time,"
            + " trace_id, first_start))"
            + " WITH CLUSTERING ORDER BY (start_time DESC, trace_id ASC, first_start ASC)"
            + expiring,
        "CREATE TABLE IF NOT EXISTS " + ks + ".time_buckets (shard int, bucket bigint,"
            + " PRIMARY KEY (shard, bucket)) WITH CLUSTERING ORDER BY (bucket DESC)",
        "CREATE TABLE IF NOT EXISTS " + ks + ".service_names (shard int, service_name text,"
            + " PRIMARY KEY (shard, service_name))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".operation_names (service_name text,"
            + " span_name text, span_kind int, PRIMARY KEY (service_name, span_name, span_kind))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".attribute_keys (service_name text, key text,"
            + " PRIMARY KEY (service_name, key))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".attribute_values (service_name text, key text,"
            + " value text, PRIMARY KEY ((service_name, key), value))",
        "CREATE TABLE IF NOT EXISTS " + ks + ".metrics (series blob, day bigint, hour boolean,"
            + " bucket bigint, row_id uuid, aggregate blob, PRIMARY KEY ((series, day), hour,"
            + " bucket, row_id))"
            + " WITH compression = {'class': 'LZ4Compressor'}" + daily,
        "CREATE TABLE IF NOT EXISTS " + ks + ".metrics_series (day bigint, series blob,"
            + " PRIMARY KEY (day, series)) WITH compression = {'class': 'LZ4Compressor'}" + daily);
  }

  /** The tables, for tests that empty them. */
  static final List<String> TABLES = List.of("spans", "span_index", "time_buckets",
      "service_names", "operation_names", "attribute_keys", "attribute_values", "metrics",
      "metrics_series");

  /** The keyspace as CQL names it: quoted, so that its case is kept. */
  static String quote(String keyspace) {
    return '"' + keyspace + '"';
  }
}
