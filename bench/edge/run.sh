#!/usr/bin/env bash
# Edge benchmark: GlassCast serving a ~1 MB segment from its in-process cache against nginx
# serving the same bytes from disk, both with wrk at the same concurrency, in one run. The stream
# has ended, so the segment is a recorded one: GlassCast sends it over HTTP/1.1 with sendfile from
# the recording file, as nginx does.
#   bench/edge/run.sh [connections] [seconds] [warm-up seconds of GlassCast, default 30]
# Ports: EDGE_HTTP_PORT (18181), EDGE_RTMP_PORT (12036), EDGE_NGINX_PORT (18182); the defaults
# stay clear of the soak's 18081/11936 so both can run at once.
# BENCH_JAVA_OPTS adds daemon JVM flags, e.g. a JFR recording:
#   BENCH_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/edge.jfr,settings=profile bench/edge/run.sh
# Needs the built jar (./glasscast build), ffmpeg, nginx and wrk (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-100}
seconds=${2:-15}
warm=${3:-30}
work=$(mktemp -d)
daemon=""; nginx_pid=""
cleanup() {
  # Not under errexit: a daemon's non-zero exit status must not stop the clean-up half way.
  set +e
  stop_daemon
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

source bench/daemon.sh

http=${EDGE_HTTP_PORT:-18181}; rtmp=${EDGE_RTMP_PORT:-12036}; nginx_port=${EDGE_NGINX_PORT:-18182}; key=bench-key
tuned_port=$((nginx_port + 1))
# No slate: once the publisher leaves it would encode a picture for a minute, on the CPU the
# measurement shares (that alone cost GlassCast about a third of its rate here).
start_daemon "$work" "$http" "$rtmp" "$key" 'slate: {enabled: false}'

# 4 Mbit/s with a 2 s GOP gives segments of about 1 MB.
ffmpeg -hide_banner -nostdin -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=sample_rate=48000 \
  -t 8 -c:v libx264 -preset ultrafast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 4M -maxrate 4M -bufsize 4M -pix_fmt yuv420p \
  -c:a aac -f flv "rtmp://127.0.0.1:$rtmp/live/$key"
sleep 1
playlist=$(curl -sf "http://127.0.0.1:$http/live/main/source/index.m3u8")
segment=$(echo "$playlist" | grep '^seg' | sed -n 2p)
url="http://127.0.0.1:$http/live/main/source/$segment"
mkdir -p "$work/www"
curl -sf "$url" -o "$work/www/segment.m4s"
size=$(stat -c %s "$work/www/segment.m4s")

cat > "$work/nginx.conf" <<NGINX
daemon off;
master_process on;
worker_processes auto;
user $(id -un);
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path $work/t1; proxy_temp_path $work/t2; fastcgi_temp_path $work/t3; uwsgi_temp_path $work/t4; scgi_temp_path $work/t5;
  server { listen 127.0.0.1:$nginx_port; root $work/www; types { video/iso.segment m4s; } }
  # The same with sendfile in 256 KiB calls: on loopback, one 2 MiB sendfile (the default chunk)
  # also runs the receiver's TCP processing in the sender's context; here 256 KiB was fastest.
  server { listen 127.0.0.1:$tuned_port; sendfile_max_chunk 256k; root $work/www; types { video/iso.segment m4s; } }
}
NGINX
/usr/sbin/nginx -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
until curl -sf "http://127.0.0.1:$nginx_port/segment.m4s" -o /dev/null; do sleep 0.2; done

# Warm both (GlassCast's cache and JIT; nginx's page cache). A profile (perf) of a 3 s warm-up
# showed the C2 compiler taking 37 % of the daemon's CPU during the measurement that followed, on
# the two cores the measurement shares: GlassCast is warmed until the compiler has settled.
wrk -t2 -c"$connections" -d"${warm}s" "$url" >/dev/null
wrk -t2 -c"$connections" -d3s "http://127.0.0.1:$nginx_port/segment.m4s" >/dev/null
wrk -t2 -c"$connections" -d3s "http://127.0.0.1:$tuned_port/segment.m4s" >/dev/null

# CPU time (user + system, all threads) the servers spend per request: on a shared machine
# requests/s depends on what else runs; CPU per request much less so.
cpu_ticks() { # user system, in clock ticks, summed over the given processes
  local user=0 system=0 pid fields
  for pid in "$@"; do
    read -r -a fields < "/proc/$pid/stat"
    user=$((user + fields[13])); system=$((system + fields[14]))
  done
  echo "$user $system"
}
cpu_since() { # "user system" before, pids... -> "user system" since
  local before=($1) after
  shift
  after=($(cpu_ticks "$@"))
  echo "$((after[0] - before[0])) $((after[1] - before[1]))"
}
nginx_pids="$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"
ticks_per_second=$(getconf CLK_TCK)

# The client's CPU per request too: on two shared cores, how a server sends (one TCP segment for
# headers and body, or the headers alone first) changes what wrk spends receiving.
measure() { # url, file for wrk's own "user system" seconds -> wrk's output
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%U %S" -o "$2" wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1"
  else
    wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1"
  fi
}
before=$(cpu_ticks "$daemon")
glasscast=$(measure "$url" "$work/wrk-glasscast.cpu")
g_cpu=$(cpu_since "$before" "$daemon")
# shellcheck disable=SC2086
before=$(cpu_ticks $nginx_pids)
nginx=$(measure "http://127.0.0.1:$nginx_port/segment.m4s" "$work/wrk-nginx.cpu")
# shellcheck disable=SC2086
n_cpu=$(cpu_since "$before" $nginx_pids)
tuned=$(measure "http://127.0.0.1:$tuned_port/segment.m4s" "$work/wrk-tuned.cpu")
g_rps=$(echo "$glasscast" | awk '/Requests\/sec/ {print $2}')
n_rps=$(echo "$nginx" | awk '/Requests\/sec/ {print $2}')
g_req=$(echo "$glasscast" | awk '/requests in/ {print $1}')
n_req=$(echo "$nginx" | awk '/requests in/ {print $1}')
t_rps=$(echo "$tuned" | awk '/Requests\/sec/ {print $2}')
echo "segment bytes: $size, connections: $connections, duration: ${seconds}s, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "--- GlassCast (in-process cache)"; echo "$glasscast"
echo "--- nginx (sendfile from disk)"; echo "$nginx"
echo "--- nginx, sendfile_max_chunk 256k"; echo "$tuned"
ratio() { awk -v g="$1" -v n="$2" 'BEGIN {printf "%.2f", g / n}'; }
echo "requests/s: glasscast=$g_rps nginx=$n_rps ratio=$(ratio "$g_rps" "$n_rps") nginx-256k=$t_rps ratio=$(ratio "$g_rps" "$t_rps")"
per_request() { # "user system" ticks, requests -> "total ms (user ms + system ms)" per request
  awk -v u="${1% *}" -v s="${1#* }" -v r="$2" -v hz="$ticks_per_second" \
    'BEGIN {printf "%.3f ms (user %.3f + system %.3f)", (u + s) * 1000 / hz / r, u * 1000 / hz / r, s * 1000 / hz / r}'
}
echo "server CPU per request: glasscast=$(per_request "$g_cpu" "$g_req") nginx=$(per_request "$n_cpu" "$n_req")"
client_per_request() { # wrk's cpu file, requests -> "ms per request"
  [ -s "$1" ] || { echo "n/a (no /usr/bin/time)"; return; }
  awk -v r="$2" '{printf "%.3f ms", ($1 + $2) * 1000 / r}' "$1"
}
echo "client (wrk) CPU per request: glasscast=$(client_per_request "$work/wrk-glasscast.cpu" "$g_req") nginx=$(client_per_request "$work/wrk-nginx.cpu" "$n_req")"
