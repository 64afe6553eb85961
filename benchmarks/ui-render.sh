#!/usr/bin/env bash
# Web UI render benchmark: how long the trace page (/trace/{id}) takes to draw traces of 100, 1,000
# and 5,000 spans in headless Chromium. Starts Ariadne's server on 127.0.0.1 (ports away from the
# defaults), and runs dev.ariadne.benchmarks.ui.TraceRenderBenchmark against it: one synthetic
# trace per size sent over OTLP/HTTP protobuf, then warm-up loads of each page and timed loads, in
# rounds that load every size once. Per size it prints the median, p90 and max time from the
# navigation's start to the end of the first frame showing the timeline's rows with the critical
# path (and the first row alone), the ratio of the median to the target, the JS heap used and the
# phases of the load; then it profiles one more load of the largest trace with V8's sampling
# profiler and prints where the page's time went. Results go to docs/benchmarks.md.
#
# Needs Chromium and ChromeDriver at /usr/bin/chromium and /usr/bin/chromedriver
# (.ci/install-browser installs both).
#
# Usage: benchmarks/ui-render.sh   (about 2 minutes with the defaults below)
# Settings, from the environment: STORAGE (embedded, the server's default, on a fresh data
# directory; or memory), SIZES (spans per trace, comma-separated), LOADS (timed loads per size),
# WARMUPS (untimed loads per size first), TARGET_MS, PROFILE=0 to leave out the profiled load, HEAP (the server's -Xmx; empty, the default,
# runs it with the JVM's defaults as the ariadne script does), SKIP_BUILD=1 to use the jars already
# built, WORK (where the data directory, the server's log, results.tsv and the profile go).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
script=ui-render
# shellcheck source=server-lib.sh
. "$root/benchmarks/server-lib.sh"
STORAGE=${STORAGE:-embedded}
SIZES=${SIZES:-100,1000,5000}
LOADS=${LOADS:-10}
WARMUPS=${WARMUPS:-2}
TARGET_MS=${TARGET_MS:-1000}
PROFILE=${PROFILE:-1}
HEAP=${HEAP:-}
WORK=${WORK:-$root/benchmarks/target/ui-render}
# Away from the well-known ports and from the other benchmark scripts' ones.
QUERY_PORT=26786
OTLP_HTTP_PORT=24418

case "$STORAGE" in
  embedded | memory) ;;
  *) log "STORAGE=$STORAGE (expected: embedded or memory)"; exit 1 ;;
esac
heap_settings

mkdir -p "$WORK"
results="$WORK/results.tsv"
rm -f "$results" "$WORK/render.cpuprofile"
profile_flags=()
[ "$PROFILE" != 0 ] && profile_flags=(--profile "$WORK/render.cpuprofile")
data_dir="$WORK/data"
trap 'stop_server; rm -rf "$data_dir"' EXIT

build_jars
require_free $QUERY_PORT $OTLP_HTTP_PORT

rm -rf "$data_dir"
storage_flags=(--storage memory)
[ "$STORAGE" = embedded ] && storage_flags=(--storage embedded --data-dir "$data_dir")
log "starting Ariadne ($STORAGE, $heap_text)"
java "${heap_flags[@]}" -jar "$root/server/target/ariadne.jar" server --host 127.0.0.1 \
  "${storage_flags[@]}" --disable otlp-grpc,zipkin,jaeger-thrift-http,jaeger-grpc,jaeger-compact,jaeger-binary,sampling \
  --query-port $QUERY_PORT --otlp-http-port $OTLP_HTTP_PORT >"$WORK/ariadne.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$QUERY_PORT/health" "$WORK/ariadne.log"

log "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" \
  dev.ariadne.benchmarks.ui.TraceRenderBenchmark \
  --url "http://127.0.0.1:$QUERY_PORT" --otlp-url "http://127.0.0.1:$OTLP_HTTP_PORT/v1/traces" \
  --sizes "$SIZES" --loads "$LOADS" --warmups "$WARMUPS" --target-ms "$TARGET_MS" \
  --result-file "$results" "${profile_flags[@]}"
log "load average after the run $(cut -d' ' -f1-3 /proc/loadavg); per-load figures in $results"
