#!/usr/bin/env bash
# The embedded engine at scale: loads SPANS spans (10 million by default) of the load generator's
# traces over OTLP protobuf into a fresh embedded server, waits until its head is cut and
# compaction has settled (watching /metrics), records the block figures, then times queries with
# the query benchmark (dev.ariadne.benchmarks.load.QueryBenchmark): trace by ID, searches (the
# frontend service, an attribute, a minimum duration, over the hour up to the newest trace) and the
# services and operations listings, with the server's RSS. Results go to docs/benchmarks.md.
#
# Usage: benchmarks/embedded-at-scale.sh   (about 12 minutes at 50k spans/s, more on a busy machine)
# Settings, from the environment: SPANS, SENDERS, BATCH (spans per request), HEAP (the server's
# -Xmx; empty, the default, runs it with the JVM's defaults as the ariadne script does), LOOKUPS,
# SEARCHES, LISTINGS (queries timed of each kind), QUERY_RUNS (how many times the query benchmark
# runs on the loaded server; the summary gives medians over them), SKIP_BUILD=1 to use the jars
# already built, WORK (where the data directory, the logs and the .tsv results go: samples.tsv has
# every timed query with its start time, to set against the server's garbage collection log gc.log).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
script=embedded-at-scale
# shellcheck source=server-lib.sh
. "$root/benchmarks/server-lib.sh"
SPANS=${SPANS:-10000000}
SENDERS=${SENDERS:-4}
BATCH=${BATCH:-100}
HEAP=${HEAP:-}
LOOKUPS=${LOOKUPS:-1000}
SEARCHES=${SEARCHES:-50}
LISTINGS=${LISTINGS:-200}
QUERY_RUNS=${QUERY_RUNS:-3}
WORK=${WORK:-$root/benchmarks/target/at-scale}
# Away from the well-known ports, so that a server someone else runs is not measured by mistake.
QUERY_PORT=26686
OTLP_HTTP_PORT=24318

mkdir -p "$WORK"
rm -f "$WORK/load.tsv" "$WORK/storage.tsv" "$WORK/queries.tsv" "$WORK/samples.tsv" "$WORK/gc.log"
trap stop_server EXIT

build_jars
require_free $QUERY_PORT $OTLP_HTTP_PORT

data_dir="$WORK/data"
rm -rf "$data_dir"
heap_settings
log "starting Ariadne (embedded, a fresh data directory, $heap_text)"
# Receivers the benchmark does not use listen on free ports.
ARIADNE_RECEIVERS_OTLP_GRPC_PORT=0 ARIADNE_RECEIVERS_ZIPKIN_PORT=0 ARIADNE_RECEIVERS_JAEGER_THRIFT_HTTP_PORT=0 \
ARIADNE_RECEIVERS_JAEGER_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_COMPACT_PORT=0 ARIADNE_RECEIVERS_JAEGER_BINARY_PORT=0 ARIADNE_SAMPLING_PORT=0 \
java "${heap_flags[@]}" -Xlog:gc:file="$WORK/gc.log":time,uptime -jar "$root/server/target/ariadne.jar" server --host 127.0.0.1 --storage embedded \
  --data-dir "$data_dir" --query-port $QUERY_PORT --otlp-http-port $OTLP_HTTP_PORT >"$WORK/ariadne.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$QUERY_PORT/health" "$WORK/ariadne.log"
grep -m1 'storage' "$WORK/ariadne.log" >&2 || true

log "loading $SPANS spans"
java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" dev.ariadne.benchmarks.load.LoadGenerator \
  --label ariadne --format otlp-proto --url "http://127.0.0.1:$OTLP_HTTP_PORT/v1/traces" \
  --senders "$SENDERS" --batch "$BATCH" --warmup 0 --duration 0 --spans "$SPANS" \
  --server-pid "$server_pid" --result-file "$WORK/load.tsv"
record_storage "http://127.0.0.1:$QUERY_PORT/metrics" "$data_dir" ariadne "$WORK/storage.tsv"

for run in $(seq 1 "$QUERY_RUNS"); do
  log "timing queries, run $run of $QUERY_RUNS"
  java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" dev.ariadne.benchmarks.load.QueryBenchmark \
    --label "run-$run" --seed "$run" --url "http://127.0.0.1:$QUERY_PORT" --server-pid "$server_pid" \
    --lookups "$LOOKUPS" --searches "$SEARCHES" --listings "$LISTINGS" \
    --attribute http.response.status_code=500 --attribute http.route=/api/orders --min-duration 100ms \
    --result-file "$WORK/queries.tsv" --samples-file "$WORK/samples.tsv"
done
stop_server

echo
python3 "$root/benchmarks/at_scale_summary.py" "$WORK/load.tsv" "$WORK/storage.tsv" "$WORK/queries.tsv"
