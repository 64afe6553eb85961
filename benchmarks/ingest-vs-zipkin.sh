#!/usr/bin/env bash
# Ingest benchmark: Ariadne's all-in-one server (memory backend) versus the Zipkin server
# (in-memory storage), one at a time on 127.0.0.1, driven by the load generator
# (dev.ariadne.benchmarks.load.LoadGenerator) with the same workloads: Zipkin JSON and Zipkin
# proto3 against both, OTLP protobuf against Ariadne. Each workload warms up, then is measured;
# the summary gives Ariadne's ratios to Zipkin. Results go to docs/benchmarks.md.
#
# Usage: benchmarks/ingest-vs-zipkin.sh   (about 8 minutes with the defaults below)
# Settings, from the environment: WARMUP and DURATION (seconds per workload), SENDERS, BATCH
# (spans per request), HEAP (-Xmx of both servers), MAX_SPANS (what each server's memory storage
# keeps before evicting the oldest traces), SKIP_BUILD=1 to use the jars already built, WORK (where
# the Zipkin jar, the logs and results.tsv go).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
WARMUP=${WARMUP:-20}
DURATION=${DURATION:-40}
SENDERS=${SENDERS:-4}
BATCH=${BATCH:-100}
HEAP=${HEAP:-2g}
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
server_pid=

log() { echo "ingest-vs-zipkin: $*" >&2; }

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 "$server_pid" 2>/dev/null || { server_pid=; return 0; }
    sleep 1
  done
  log "server $server_pid did not stop in 30 s; killing it"
  kill -KILL "$server_pid" 2>/dev/null || true
  server_pid=
}
trap stop_server EXIT

require_free() {
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      log "port $port is already in use on 127.0.0.1; stop what listens there first"
      exit 1
    fi
  done
}

wait_healthy() { # url, log file
  for _ in $(seq 1 90); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$server_pid" 2>/dev/null || { log "server exited; see $2"; tail -20 "$2" >&2; exit 1; }
    sleep 1
  done
  log "server not healthy after 90 s; see $2"
  exit 1
}

load() { # label, format, url
  log "$1: $2 (${WARMUP} s warm-up, ${DURATION} s measured)"
  timeout $((WARMUP + DURATION + 180)) java -Xmx1g -cp "$root/benchmarks/target/benchmarks.jar" \
    dev.ariadne.benchmarks.load.LoadGenerator --label "$1" --format "$2" --url "$3" \
    --senders "$SENDERS" --batch "$BATCH" --warmup "$WARMUP" --duration "$DURATION" \
    --server-pid "$server_pid" --result-file "$results"
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the server and the benchmarks"
  mvn -B -ntp -q -f "$root/pom.xml" -DskipTests -pl server,benchmarks -am package
fi
zipkin_jar="$WORK/zipkin-server-$ZIPKIN_VERSION-exec.jar"
if [ ! -f "$zipkin_jar" ]; then
  log "downloading the Zipkin server $ZIPKIN_VERSION from Maven Central"
  mvn -B -ntp -q dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    -DoutputDirectory="$WORK"
fi

require_free $ARIADNE_QUERY_PORT $ARIADNE_OTLP_HTTP_PORT $ARIADNE_ZIPKIN_PORT $ZIPKIN_PORT

log "starting Ariadne (memory backend, -Xmx$HEAP, at most $MAX_SPANS spans)"
# Receivers the benchmark does not use listen on free ports (a server that lacks one ignores it).
ARIADNE_RECEIVERS_OTLP_GRPC_PORT=0 ARIADNE_RECEIVERS_JAEGER_THRIFT_HTTP_PORT=0 ARIADNE_RECEIVERS_JAEGER_GRPC_PORT=0 \
java -Xmx"$HEAP" -jar "$root/server/target/ariadne.jar" server --host 127.0.0.1 --storage memory \
  --memory-max-spans "$MAX_SPANS" --query-port $ARIADNE_QUERY_PORT \
  --otlp-http-port $ARIADNE_OTLP_HTTP_PORT --zipkin-port $ARIADNE_ZIPKIN_PORT >"$WORK/ariadne.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$ARIADNE_QUERY_PORT/health" "$WORK/ariadne.log"
load ariadne zipkin-json "http://127.0.0.1:$ARIADNE_ZIPKIN_PORT/api/v2/spans"
load ariadne zipkin-proto3 "http://127.0.0.1:$ARIADNE_ZIPKIN_PORT/api/v2/spans"
load ariadne otlp-proto "http://127.0.0.1:$ARIADNE_OTLP_HTTP_PORT/v1/traces"
stop_server

log "starting the Zipkin server $ZIPKIN_VERSION (in-memory storage, -Xmx$HEAP, at most $MAX_SPANS spans)"
STORAGE_TYPE=mem MEM_MAX_SPANS="$MAX_SPANS" QUERY_PORT=$ZIPKIN_PORT java -Xmx"$HEAP" -jar "$zipkin_jar" \
  "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$ZIPKIN_PORT" \
  "--armeria.ports[0].protocols[0]=http" >"$WORK/zipkin.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$ZIPKIN_PORT/health" "$WORK/zipkin.log"
load zipkin zipkin-json "http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans"
load zipkin zipkin-proto3 "http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans"
stop_server

echo
python3 "$root/benchmarks/ingest_summary.py" "$results"
