#!/usr/bin/env bash
# What a span costs the embedded engine from request to final block: loads SPANS spans into a fresh
# data directory of each server variant in turn, waits until the head is cut and compaction has
# settled, and divides all the server's CPU since the load began by the spans, so that the WAL, the
# head, the cut and the merges are all counted (a load figure alone leaves out the compaction still
# to come). Variants alternate for ROUNDS rounds, so that a drift of the machine falls on each.
# Prints a row per run: spans/s and CPU per span of the load alone, CPU per span until settled,
# the blocks and their bytes, the server's GC (pauses, concurrent marking, full collections, from
# its GC log) and peak RSS. Results go to docs/benchmarks.md.
#
# Usage: benchmarks/durable-load.sh VARIANT...
#   VARIANT is LABEL=JAR, optionally followed by server arguments, comma-separated, such as
#   base=/tmp/ariadne-base.jar  or  off=server/target/ariadne.jar,--set,analytics.enabled=false
#   With no variant: this tree's server, once (current=server/target/ariadne.jar).
# Settings, from the environment: SPANS (default 3200000), HEAP (the server's -Xmx, default 512m,
# as in the at-scale benchmark), SENDERS (default 1), BATCH (spans per request, default 100),
# SPANS_PER_TRACE (at most that many spans of a trace per request, as an exporter's batch holds a
# few of each of many traces; default 0, whole traces in order),
# ROUNDS (default 2), SERVER_JVM_OPTS (more options for the server's JVM, space-separated, such
# as a profiler's -agentpath), SETTLE_QUIET (seconds without a cut or merge that count as settled,
# default 30), SKIP_BUILD=1 to use the jars already built, WORK (where the data directory, the
# logs and results.tsv go). About 3 minutes per run with the defaults.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
script=durable-load
# shellcheck source=server-lib.sh
. "$root/benchmarks/server-lib.sh"
SPANS=${SPANS:-3200000}
HEAP=${HEAP:-512m}
SENDERS=${SENDERS:-1}
BATCH=${BATCH:-100}
SPANS_PER_TRACE=${SPANS_PER_TRACE:-0}
ROUNDS=${ROUNDS:-2}
WORK=${WORK:-$root/benchmarks/target/durable-load}
QUERY_PORT=26686
OTLP_HTTP_PORT=24318

[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { log "ROUNDS=$ROUNDS (expected: a whole number >= 1)"; exit 1; }
[[ "$SPANS" =~ ^[1-9][0-9]*$ ]] || { log "SPANS=$SPANS (expected: a whole number >= 1)"; exit 1; }
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=("current=$root/server/target/ariadne.jar")
for variant in "${variants[@]}"; do
  label=${variant%%=*}
  jar=${variant#*=}
  jar=${jar%%,*}
  [[ "$variant" == *=* && "$label" =~ ^[A-Za-z0-9_.-]+$ ]] \
    || { log "variant '$variant' (expected: LABEL=JAR[,server argument...])"; exit 1; }
  [ "${SKIP_BUILD:-0}" != 1 ] || [ -f "$jar" ] || { log "$label: no jar at $jar"; exit 1; }
done
heap_settings

mkdir -p "$WORK"
results="$WORK/results.tsv"
rm -f "$results" "$WORK"/load.tsv "$WORK"/storage.tsv "$WORK"/ariadne-*.log "$WORK"/gc-*.log
data_dir="$WORK/data"
trap 'stop_server; rm -rf "$data_dir"' EXIT

build_jars
require_free $QUERY_PORT $OTLP_HTTP_PORT
tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

printf 'label\tround\tspans_per_s\tload_us_per_span\tsettled_us_per_span\tblocks\tblock_bytes\tgc_pause_s\tgc_marking_s\tfull_gcs\tpeak_rss_mib\n' >"$results"

run() { # round, variant
  local label=${2%%=*} rest=${2#*=}
  local jar=${rest%%,*} args=()
  [[ "$rest" == *,* ]] && IFS=, read -r -a args <<<"${rest#*,}"
  local log_file="$WORK/ariadne-$label-$1.log" gc_log="$WORK/gc-$label-$1.log"
  rm -rf "$data_dir"
  log "round $1 of $ROUNDS, $label: starting $jar ${args[*]} ($heap_text)"
  local jvm_opts=()
  read -r -a jvm_opts <<<"${SERVER_JVM_OPTS:-}"
  ARIADNE_RECEIVERS_OTLP_GRPC_PORT=0 ARIADNE_RECEIVERS_ZIPKIN_PORT=0 \
  ARIADNE_RECEIVERS_JAEGER_THRIFT_HTTP_PORT=0 ARIADNE_RECEIVERS_JAEGER_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_COMPACT_PORT=0 ARIADNE_RECEIVERS_JAEGER_BINARY_PORT=0 ARIADNE_SAMPLING_PORT=0 \
  java "${heap_flags[@]}" "${jvm_opts[@]}" -Xlog:gc*:file="$gc_log" -jar "$jar" server --host 127.0.0.1 \
    --storage embedded --data-dir "$data_dir" --query-port $QUERY_PORT \
    --otlp-http-port $OTLP_HTTP_PORT "${args[@]}" >"$log_file" 2>&1 &
  server_pid=$!
  wait_healthy "http://127.0.0.1:$QUERY_PORT/health" "$log_file"
  local before after
  before=$(cpu_ticks "$server_pid")
  log "$label: loading $SPANS spans (OTLP protobuf, $SENDERS senders, $BATCH spans per request)"
  java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" dev.ariadne.benchmarks.load.LoadGenerator \
    --label "$label" --format otlp-proto --url "http://127.0.0.1:$OTLP_HTTP_PORT/v1/traces" \
    --senders "$SENDERS" --batch "$BATCH" --spans-per-trace "$SPANS_PER_TRACE" \
    --warmup 0 --duration 0 --spans "$SPANS" --server-pid "$server_pid" --result-file "$WORK/load.tsv" >/dev/null
  record_storage "http://127.0.0.1:$QUERY_PORT/metrics" "$data_dir" "$label" "$WORK/storage.tsv"
  after=$(cpu_ticks "$server_pid")
  local rss
  rss=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
  stop_server
  # The load generator's row: accepted spans are column 8, spans/s 9, server µs per span 17.
  local load_row storage_row
  load_row=$(tail -1 "$WORK/load.tsv")
  storage_row=$(tail -1 "$WORK/storage.tsv")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$1" \
    "$(cut -f9 <<<"$load_row")" "$(cut -f17 <<<"$load_row")" \
    "$(awk -v t=$((after - before)) -v hz="$tick" -v n="$(cut -f8 <<<"$load_row")" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')" \
    "$(cut -f4 <<<"$storage_row")" "$(cut -f5 <<<"$storage_row")" \
    "$(grep -E 'Pause (Young|Full|Remark|Cleanup)' "$gc_log" | grep -oE '[0-9.]+ms$' \
      | awk '{ s += $1 } END { printf "%.1f", s / 1000 }')" \
    "$(grep -E 'Concurrent Mark Cycle [0-9.]+ms' "$gc_log" | grep -oE '[0-9.]+ms$' \
      | awk '{ s += $1 } END { printf "%.1f", s / 1000 }')" \
    "$(grep -c 'Pause Full' "$gc_log" || true)" "$rss" >>"$results"
  log "$label: $(tail -1 "$results")"
}

for round in $(seq 1 "$ROUNDS"); do
  for variant in "${variants[@]}"; do
    run "$round" "$variant"
  done
done

echo
column -t -s $'\t' "$results"
echo
# The median of each variant's CPU per span until settled.
awk -F'\t' 'NR > 1 { v[$1] = v[$1] " " $5 } END { for (l in v) print l v[l] }' "$results" \
  | while read -r label values; do
      printf '%s: median %s µs per span until settled (%s)\n' "$label" \
        "$(tr ' ' '\n' <<<"$values" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')" "$values"
    done
