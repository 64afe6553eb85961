#!/usr/bin/env bash
# Ingest benchmark: Ariadne's all-in-one server versus the Zipkin server (in-memory storage), one at
# a time on 127.0.0.1, driven by the load generator (dev.ariadne.benchmarks.load.LoadGenerator)
# with the same workloads: Zipkin JSON and Zipkin proto3 against both, OTLP protobuf against
# Ariadne. Each workload warms up, then is measured; the summary gives Ariadne's ratios to Zipkin.
# Results go to docs/benchmarks.md.
#
# Usage: benchmarks/ingest-vs-zipkin.sh   (about 8 minutes with the defaults below)
#        STORAGE=embedded benchmarks/ingest-vs-zipkin.sh   (about 10 minutes)
# Settings, from the environment: STORAGE (Ariadne's backend: memory, or embedded with a fresh data
# directory under WORK and its default sync policy; then Ariadne runs OTLP protobuf and Zipkin runs
# Zipkin JSON, Ariadne's for 5 minutes, and after Ariadne's workloads the script waits for the head
# to be cut and compaction to settle and records the block figures from /metrics in storage.tsv),
# ARIADNE_FORMATS and ZIPKIN_FORMATS (the workloads of each server), WARMUP and DURATION (seconds
# per workload), ZIPKIN_DURATION (Zipkin's measured seconds per workload: DURATION, but 40 with
# STORAGE=embedded, see below), SENDERS, BATCH (spans per request), HEAP (-Xmx of both servers; empty for the
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
    DURATION=${DURATION:-300}
    # Zipkin's in-memory store holds more live data the longer it takes spans at this rate, bound
    # to MAX_SPANS or not: with the JVM's default heap (6 GB here) its first full collection came
    # about 130 s after start, then 22 more, 3 to 7 s each, in a 300 s window (2026-11-22). Measured
    # that long, its CPU per span would be mostly its collector thrashing, a figure that flatters
    # the ratio; so it is measured over the 40 s that the memory comparison uses.
    ZIPKIN_DURATION=${ZIPKIN_DURATION:-40} ;;
  *) log "STORAGE=$STORAGE (expected: memory or embedded)"; exit 1 ;;
esac
WARMUP=${WARMUP:-20}
ZIPKIN_DURATION=${ZIPKIN_DURATION:-$DURATION}
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

load() { # label, format, url, measured seconds
  log "$1: $2 (${WARMUP} s warm-up, $4 s measured)"
  timeout $((WARMUP + $4 + 180)) java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" \
    dev.ariadne.benchmarks.load.LoadGenerator --label "$1" --format "$2" --url "$3" \
    --senders "$SENDERS" --batch "$BATCH" --warmup "$WARMUP" --duration "$4" \
    --server-pid "$server_pid" --result-file "$results"
}

full_collections() { # label, GC log
  log "$1: $(grep -c 'Pause Full' "$2" || true) full collections (see $2)"
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
ARIADNE_RECEIVERS_OTLP_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_THRIFT_HTTP_PORT=0 ARIADNE_RECEIVERS_JAEGER_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_COMPACT_PORT=0 ARIADNE_RECEIVERS_JAEGER_BINARY_PORT=0 ARIADNE_SAMPLING_PORT=0 \
java "${heap_flags[@]}" -Xlog:gc:file="$WORK/ariadne-gc.log":time,uptime -jar "$root/server/target/ariadne.jar" server --host 127.0.0.1 "${storage_flags[@]}" \
  --query-port $ARIADNE_QUERY_PORT \
  --otlp-http-port $ARIADNE_OTLP_HTTP_PORT --zipkin-port $ARIADNE_ZIPKIN_PORT >"$WORK/ariadne.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$ARIADNE_QUERY_PORT/health" "$WORK/ariadne.log"
grep -m1 'storage' "$WORK/ariadne.log" >&2 || true
for format in $ARIADNE_FORMATS; do
  load ariadne "$format" "$(ariadne_url "$format")" "$DURATION"
done
storage_results=()
if [ "$STORAGE" = embedded ]; then
  rm -f "$WORK/storage.tsv"
  record_storage "http://127.0.0.1:$ARIADNE_QUERY_PORT/metrics" "$data_dir" ariadne "$WORK/storage.tsv"
  storage_results=("$WORK/storage.tsv")
fi
stop_server
full_collections ariadne "$WORK/ariadne-gc.log"

if [ -n "$ZIPKIN_FORMATS" ]; then
  log "starting the Zipkin server $ZIPKIN_VERSION (in-memory storage, $heap_text, at most $MAX_SPANS spans)"
  STORAGE_TYPE=mem MEM_MAX_SPANS="$MAX_SPANS" QUERY_PORT=$ZIPKIN_PORT java "${heap_flags[@]}" -Xlog:gc:file="$WORK/zipkin-gc.log":time,uptime -jar "$zipkin_jar" \
    "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$ZIPKIN_PORT" \
    "--armeria.ports[0].protocols[0]=http" >"$WORK/zipkin.log" 2>&1 &
  server_pid=$!
  wait_healthy "http://127.0.0.1:$ZIPKIN_PORT/health" "$WORK/zipkin.log"
  for format in $ZIPKIN_FORMATS; do
    load zipkin "$format" "http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans" "$ZIPKIN_DURATION"
  done
  stop_server
  full_collections zipkin "$WORK/zipkin-gc.log"
fi

echo
python3 "$root/benchmarks/ingest_summary.py" "$results" "${storage_results[@]}"
