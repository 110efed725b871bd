# Sourced by the benchmark scripts: takes the JDK and JVM flags from ./glasscast env, builds the jar if
# needed, and starts the daemon on a benchmark config (test source off, one stream "main", the
# source passed through alone unless YAML names a ladder).
#   start_daemon WORKDIR HTTP_PORT RTMP_PORT KEY [YAML]   sets $daemon (pid); log in WORKDIR/daemon.log
#   YAML: more top-level config lines, e.g. 'slate: {enabled: false}'
#   stop_daemon   stops it and waits until it has exited, so that WORKDIR can be removed (a
#                 daemon stopping still writes its recordings' last lines)
# BENCH_JAVA_OPTS: extra JVM flags for the daemon (a JFR recording, a heap size).
# BENCH_JAR: another build to run (default server/target/glasscast.jar), e.g. for a before/after.
# BENCH_SRT_PORT: SRT ingest on this port (default: SRT off).
stop_daemon() { # defined first: an EXIT trap may call it before the build below has finished
  [ -n "${daemon:-}" ] || return 0
  kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  return 0
}

eval "$(./glasscast env)"
[ -f server/target/glasscast.jar ] || ./glasscast build

start_daemon() {
  local work=$1 http=$2 rtmp=$3 key=$4 extra=${5:-}
  # Not the default `ladder: auto`: its rungs depend on this machine's measured speed, and a
  # benchmark compares like with like.
  case "$extra" in *ladder:*) ;; *) extra="ladder: [{name: source, codec: copy}]"$'\n'"$extra" ;; esac
  local srt="{enabled: false}"
  [ -z "${BENCH_SRT_PORT:-}" ] || srt="{port: $BENCH_SRT_PORT, bind: 127.0.0.1}"
  cat > "$work/bench.yaml" <<YAML
data_dir: $work/data
server: {http_port: $http}
ingest:
  rtmp: {port: $rtmp}
  srt: $srt
  streams: [{name: main, key: $key}]
test_source: {enabled: false}
$extra
YAML
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $GLASSCAST_JVM_FLAGS ${BENCH_JAVA_OPTS:-} -jar "${BENCH_JAR:-server/target/glasscast.jar}" --config "$work/bench.yaml" > "$work/daemon.log" 2>&1 &
  daemon=$!
  until curl -sf "http://127.0.0.1:$http/healthz" >/dev/null; do sleep 0.2; done
}
