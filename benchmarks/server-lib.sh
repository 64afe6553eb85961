# Shell functions the benchmark scripts share: starting, watching and stopping the server under
# test. Sourced, not run; the script sets `script` (its name, for log lines) first, and keeps the
# PID of the server it started in `server_pid`.

server_pid=

log() { echo "$script: $*" >&2; }

# Sets heap_flags (the server's java flags) and heap_text (for log lines) from HEAP; an empty HEAP
# runs the JVM's default heap, as the ariadne script does.
heap_settings() {
  heap_flags=()
  heap_text="the default heap of the JVM"
  if [ -n "$HEAP" ]; then
    heap_flags=(-Xmx"$HEAP")
    heap_text="-Xmx$HEAP"
  fi
}

# Builds the server's and the benchmarks' jars from the repository at $root, unless SKIP_BUILD=1.
build_jars() {
  [ "${SKIP_BUILD:-0}" != 1 ] || return 0
  log "building the server and the benchmarks"
  mvn -B -ntp -q -f "$root/pom.xml" -DskipTests -pl server,benchmarks -am package
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  # The embedded engine finishes a cut or compaction under way before it closes.
  for _ in $(seq 1 90); do
    kill -0 "$server_pid" 2>/dev/null || { server_pid=; return 0; }
    sleep 1
  done
  log "server $server_pid did not stop in 90 s; killing it"
  kill -KILL "$server_pid" 2>/dev/null || true
  server_pid=
}

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

# The value of one Prometheus metric without labels, as an integer (the gauges print 1.2E7).
metric() { # metrics text, name
  awk -v name="$2" '$1 == name { printf "%.0f\n", $2; found = 1 } END { if (!found) exit 1 }' <<<"$1" \
    || { log "no metric $2 on /metrics"; exit 1; }
}

# Waits until the embedded engine has cut its head into a block and compaction has settled: no
# spans in the head, and the block count and compactions unchanged for SETTLE_QUIET seconds. Then
# appends a row of its storage figures (and the data directory's size on disk) to a file.
record_storage() { # metrics url, data directory, label, storage.tsv
  local quiet=${SETTLE_QUIET:-30} timeout=${SETTLE_TIMEOUT:-900} started=$SECONDS last= stable_since=$SECONDS
  local text head blocks compactions
  log "$3: waiting for the head to be cut and compaction to settle (quiet for ${quiet} s)"
  while :; do
    text=$(curl -sf -m 30 "$1") || { log "cannot read $1 (the server did not answer in 30 s)"; exit 1; }
    head=$(metric "$text" ariadne_storage_head_spans)
    blocks=$(metric "$text" ariadne_storage_blocks)
    compactions=$(metric "$text" ariadne_storage_compactions_total)
    if [ "$head $blocks $compactions" != "$last" ]; then
      last="$head $blocks $compactions"
      stable_since=$SECONDS
    elif [ "$head" = 0 ] && [ $((SECONDS - stable_since)) -ge "$quiet" ]; then
      break
    fi
    if [ $((SECONDS - started)) -ge "$timeout" ]; then
      log "storage did not settle in $timeout s (head $head spans, $blocks blocks); recording as it is"
      break
    fi
    sleep 5
  done
  local spans bytes wal disk
  spans=$(metric "$text" ariadne_storage_block_spans)
  bytes=$(metric "$text" ariadne_storage_block_bytes)
  wal=$(metric "$text" ariadne_storage_wal_bytes)
  disk=$(du -sb "$2" | cut -f1)
  [ -f "$4" ] || printf 'label\thead_spans\tblock_spans\tblocks\tblock_bytes\twal_bytes\tcompactions\tbytes_per_span\tdata_dir_bytes\tsettle_s\n' >"$4"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$3" "$head" "$spans" "$blocks" "$bytes" "$wal" "$compactions" \
    "$(awk -v b="$bytes" -v s="$spans" 'BEGIN { printf "%.2f", (s > 0 ? b / s : 0) }')" "$disk" $((SECONDS - started)) >>"$4"
  log "$3: $spans spans in $blocks blocks, $bytes bytes ($(tail -1 "$4" | cut -f8) bytes per span), WAL $wal bytes"
}
