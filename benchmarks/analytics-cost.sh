#!/usr/bin/env bash
# What analytics costs at ingest: Ariadne's server with analytics.enabled true and false, one run
# at a time on 127.0.0.1, each on a fresh data directory with the same storage, driven by the load
# generator (dev.ariadne.benchmarks.load.LoadGenerator) at saturation with the same workload for the
# same time. On and off alternate for ROUNDS rounds, the order swapped every round, so that a drift
# of the machine falls on both. The summary gives each run's accepted spans/s and server CPU per
# span, the medians of each setting over the rounds, and the on/off ratios. Results go to
# docs/benchmarks.md.
#
# Usage: benchmarks/analytics-cost.sh   (about 25 minutes with the defaults below)
# Settings, from the environment: ROUNDS (default 3), STORAGE (embedded, the server's default: a
# fresh data directory per run, the metrics in its metrics/ directory; or memory, with analytics
# in memory too), FORMAT (the load generator's format, default otlp-proto), WARMUP and DURATION
# (seconds per run), SENDERS, BATCH (spans per request), HEAP (the server's -Xmx; empty, the
# default, runs it with the JVM's defaults as the ariadne script does), MAX_SPANS (what the memory
# storage keeps before evicting the oldest traces), SKIP_BUILD=1 to use the jars already built,
# WORK (where the data directory, the logs and results.tsv go).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
script=analytics-cost
# shellcheck source=server-lib.sh
. "$root/benchmarks/server-lib.sh"
ROUNDS=${ROUNDS:-3}
STORAGE=${STORAGE:-embedded}
FORMAT=${FORMAT:-otlp-proto}
# A minute of warm-up lets the JIT finish compiling both settings' code; 150 s measured spans several
# head cuts and compactions; 60-second runs of one setting differed by up to a quarter here.
WARMUP=${WARMUP:-60}
DURATION=${DURATION:-150}
SENDERS=${SENDERS:-4}
BATCH=${BATCH:-100}
HEAP=${HEAP:-}
MAX_SPANS=${MAX_SPANS:-100000}
WORK=${WORK:-$root/benchmarks/target/analytics-cost}
# Away from the well-known ports, so that a server someone else runs is not measured by mistake.
QUERY_PORT=26686
OTLP_HTTP_PORT=24318
ZIPKIN_PORT=29411

case "$STORAGE" in
  embedded | memory) ;;
  *) log "STORAGE=$STORAGE (expected: embedded or memory)"; exit 1 ;;
esac
case "$FORMAT" in
  otlp-*) url="http://127.0.0.1:$OTLP_HTTP_PORT/v1/traces" ;;
  zipkin-*) url="http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans" ;;
  *) log "FORMAT=$FORMAT (expected: otlp-proto, otlp-json, zipkin-json or zipkin-proto3)"; exit 1 ;;
esac
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { log "ROUNDS=$ROUNDS (expected: a whole number >= 1)"; exit 1; }
heap_settings

mkdir -p "$WORK"
results="$WORK/results.tsv"
rm -f "$results" "$WORK"/ariadne-*.log
data_dir="$WORK/data"
trap 'stop_server; rm -rf "$data_dir"' EXIT

build_jars
require_free $QUERY_PORT $OTLP_HTTP_PORT $ZIPKIN_PORT

# The spans analytics counted, from its Prometheus series (0 when it is off).
counted_spans() {
  curl -sf -m 30 "http://127.0.0.1:$QUERY_PORT/metrics" \
    | awk '/^traces_spanmetrics_calls_total[{ ]/ { n += $NF } END { printf "%.0f\n", n }'
}

run() { # round, analytics: on or off
  local label="analytics-$2" enabled=false log_file="$WORK/ariadne-$1-$2.log"
  [ "$2" = on ] && enabled=true
  rm -rf "$data_dir"
  local storage_flags=(--storage memory --memory-max-spans "$MAX_SPANS")
  [ "$STORAGE" = embedded ] && storage_flags=(--storage embedded --data-dir "$data_dir")
  log "round $1 of $ROUNDS, $label: starting Ariadne ($STORAGE, $heap_text)"
  # Receivers the benchmark does not use listen on free ports.
  ARIADNE_RECEIVERS_OTLP_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_THRIFT_HTTP_PORT=0 \
  ARIADNE_RECEIVERS_JAEGER_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_COMPACT_PORT=0 ARIADNE_RECEIVERS_JAEGER_BINARY_PORT=0 ARIADNE_SAMPLING_PORT=0 \
  java "${heap_flags[@]}" -jar "$root/server/target/ariadne.jar" server --host 127.0.0.1 \
    "${storage_flags[@]}" --set analytics.enabled=$enabled --query-port $QUERY_PORT \
    --otlp-http-port $OTLP_HTTP_PORT --zipkin-port $ZIPKIN_PORT >"$log_file" 2>&1 &
  server_pid=$!
  wait_healthy "http://127.0.0.1:$QUERY_PORT/health" "$log_file"
  local said
  said=$(grep -m1 '^ariadne: analytics ' "$log_file" || true)
  if [[ "$said" != "ariadne: analytics $2"* ]]; then
    log "asked for analytics $2, but the server said: ${said:-nothing about analytics}; see $log_file"
    exit 1
  fi
  log "$label: $FORMAT (${WARMUP} s warm-up, ${DURATION} s measured)"
  timeout $((WARMUP + DURATION + 180)) java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" \
    dev.ariadne.benchmarks.load.LoadGenerator --label "$label" --format "$FORMAT" --url "$url" \
    --senders "$SENDERS" --batch "$BATCH" --warmup "$WARMUP" --duration "$DURATION" \
    --server-pid "$server_pid" --result-file "$results"
  log "$label: analytics counted $(counted_spans) spans"
  stop_server
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then
    run "$round" on
    run "$round" off
  else
    run "$round" off
    run "$round" on
  fi
done

echo
python3 "$root/benchmarks/analytics_cost_summary.py" "$results"
