#!/usr/bin/env bash
# Ingest benchmark: Ariadne's all-in-one server versus the Zipkin server (in-memory storage), one at
# a time on 127.0.0.1, driven by the load generator (dev.ariadne.benchmarks.load.LoadGenerator)
# with the same workloads: Zipkin JSON and Zipkin proto3 against both, OTLP protobuf against
# Ariadne. Each workload warms up, then is measured; the summary gives Ariadne's ratios to Zipkin.
# Results go to docs/benchmarks.md.
#
# Usage: benchmarks/ingest-vs-zipkin.sh   (about 8 minutes with the defaults below)
#        STORAGE=embedded benchmarks/ingest-vs-zipkin.sh   (about 12 minutes)
# Settings, from the environment: STORAGE (Ariadne's backend: memory, or embedded with a fresh data
# directory under WORK and its default sync policy; then Ariadne runs OTLP protobuf and Zipkin runs
# Zipkin JSON, 5 minutes each, and after Ariadne's workloads the script waits for the head to be cut
# and compaction to settle and records the block figures from /metrics in storage.tsv),
# ARIADNE_FORMATS and ZIPKIN_FORMATS (the workloads of each server), WARMUP and DURATION (seconds
# per workload), SENDERS, BATCH (spans per request), HEAP (-Xmx of both servers; empty for the
# JVM's default, a quarter of the memory, as the ariadne script runs the server), MAX_SPANS (what
# each memory storage keeps before evicting the oldest traces), SKIP_BUILD=1 to use the jars
# already built, WORK (where the Zipkin jar, the logs, each server's GC log, the data directory and
# results.tsv go).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
script=ingest-vs-zipkin
# shellcheck source=server-lib.sh
. "$root/benchmarks/server-lib.sh"
STORAGE=${STORAGE:-memory}
case "$STORAGE" in
  memory)
    ARIADNE_FORMATS=${ARIADNE_FORMATS:-zipkin-json zipkin-proto3 otlp-proto}
    ZIPKIN_FORMATS=${ZIPKIN_FORMATS:-zipkin-json zipkin-proto3}
    DURATION=${DURATION:-40} ;;
  embedded)
    ARIADNE_FORMATS=${ARIADNE_FORMATS:-otlp-proto}
    ZIPKIN_FORMATS=${ZIPKIN_FORMATS:-zipkin-json}
    DURATION=${DURATION:-300} ;;
  *) log "STORAGE=$STORAGE (expected: memory or embedded)"; exit 1 ;;
esac
WARMUP=${WARMUP:-20}
SENDERS=${SENDERS:-4}
BATCH=${BATCH:-100}
HEAP=${HEAP-2g}
heap_settings
MAX_SPANS=${MAX_SPANS:-100000}
WORK=${WORK:-$root/benchmarks/target/ingest}
ZIPKIN_VERSION=3.6.1
# Away from the well-known ports, so that a server someone else runs is not measured by mistake.
ARIADNE_QUERY_PORT=26686
ARIADNE_OTLP_HTTP_PORT=24318
ARIADNE_ZIPKIN_PORT=29411
ZIPKIN_PORT=39411

mkdir -p "$WORK"
results="$WORK/results.tsv"
rm -f "$results"
trap stop_server EXIT

load() { # label, format, url
  log "$1: $2 (${WARMUP} s warm-up, ${DURATION} s measured)"
  timeout $((WARMUP + DURATION + 180)) java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" \
    dev.ariadne.benchmarks.load.LoadGenerator --label "$1" --format "$2" --url "$3" \
    --senders "$SENDERS" --batch "$BATCH" --warmup "$WARMUP" --duration "$DURATION" \
    --server-pid "$server_pid" --result-file "$results"
}

build_jars
zipkin_jar="$WORK/zipkin-server-$ZIPKIN_VERSION-exec.jar"
if [ ! -f "$zipkin_jar" ]; then
  log "downloading the Zipkin server $ZIPKIN_VERSION from Maven Central"
  mvn -B -ntp -q dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    -DoutputDirectory="$WORK"
fi

require_free $ARIADNE_QUERY_PORT $ARIADNE_OTLP_HTTP_PORT $ARIADNE_ZIPKIN_PORT $ZIPKIN_PORT

ariadne_url() { # format
  case "$1" in
    otlp-*) echo "http://127.0.0.1:$ARIADNE_OTLP_HTTP_PORT/v1/traces" ;;
    *) echo "http://127.0.0.1:$ARIADNE_ZIPKIN_PORT/api/v2/spans" ;;
  esac
}

if [ "$STORAGE" = embedded ]; then
  data_dir="$WORK/data"
  rm -rf "$data_dir"
  storage_flags=(--storage embedded --data-dir "$data_dir")
  storage_text="embedded backend, a fresh data directory"
else
  storage_flags=(--storage memory --memory-max-spans "$MAX_SPANS")
  storage_text="memory backend, at most $MAX_SPANS spans"
fi
log "starting Ariadne ($storage_text, $heap_text)"
# Receivers the benchmark does not use listen on free ports (a server that lacks one ignores it).
ARIADNE_RECEIVERS_OTLP_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_THRIFT_HTTP_PORT=0 ARIADNE_RECEIVERS_JAEGER_GRPC_PORT=0 \
java "${heap_flags[@]}" -Xlog:gc:file="$WORK/ariadne-gc.log":time,uptime -jar "$root/server/target/ariadne.jar" server --host 127.0.0.1 "${storage_flags[@]}" \
  --query-port $ARIADNE_QUERY_PORT \
  --otlp-http-port $ARIADNE_OTLP_HTTP_PORT --zipkin-port $ARIADNE_ZIPKIN_PORT >"$WORK/ariadne.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$ARIADNE_QUERY_PORT/health" "$WORK/ariadne.log"
grep -m1 'storage' "$WORK/ariadne.log" >&2 || true
for format in $ARIADNE_FORMATS; do
  load ariadne "$format" "$(ariadne_url "$format")"
done
storage_results=()
if [ "$STORAGE" = embedded ]; then
  rm -f "$WORK/storage.tsv"
  record_storage "http://127.0.0.1:$ARIADNE_QUERY_PORT/metrics" "$data_dir" ariadne "$WORK/storage.tsv"
  storage_results=("$WORK/storage.tsv")
fi
stop_server

if [ -n "$ZIPKIN_FORMATS" ]; then
  log "starting the Zipkin server $ZIPKIN_VERSION (in-memory storage, $heap_text, at most $MAX_SPANS spans)"
  STORAGE_TYPE=mem MEM_MAX_SPANS="$MAX_SPANS" QUERY_PORT=$ZIPKIN_PORT java "${heap_flags[@]}" -Xlog:gc:file="$WORK/zipkin-gc.log":time,uptime -jar "$zipkin_jar" \
    "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$ZIPKIN_PORT" \
    "--armeria.ports[0].protocols[0]=http" >"$WORK/zipkin.log" 2>&1 &
  server_pid=$!
  wait_healthy "http://127.0.0.1:$ZIPKIN_PORT/health" "$WORK/zipkin.log"
  for format in $ZIPKIN_FORMATS; do
    load zipkin "$format" "http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans"
  done
  stop_server
fi

echo
python3 "$root/benchmarks/ingest_summary.py" "$results" "${storage_results[@]}"
