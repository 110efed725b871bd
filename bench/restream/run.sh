#!/usr/bin/env bash
# CPU and memory per restream destination: GlassCast pushing one published stream to N RTMP
# destinations, against the usual relay (one `ffmpeg -c copy` per destination, as nginx-rtmp's
# exec push runs it), both sending to the same nginx-rtmp receiver. Results go in BENCHMARKS.md.
#   bench/restream/run.sh               4 destinations, 60 s of a 1080p30 6 Mbit/s OBS-like source
#   DESTINATIONS=8 SECONDS_PER_RUN=120 bench/restream/run.sh
# Loopback only; everything it starts is stopped on exit. Needs nginx with libnginx-mod-rtmp.
set -euo pipefail
cd "$(dirname "$0")/../.."

DESTINATIONS=${DESTINATIONS:-4}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-60}
KEY=bench-restream-key
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

eval "$(./glasscast env)"
./glasscast build --if-needed >/dev/null

# The source: what OBS sends at 1080p30 (H.264 high, 2 s GOP, 6 Mbit/s; AAC 160k), encoded once.
SOURCE="$WORK/source.flv"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$SECONDS_PER_RUN" -pix_fmt yuv420p \
  -c:v libx264 -preset ultrafast -profile:v high -b:v 6000k -maxrate 6000k -bufsize 12000k -g 60 -keyint_min 60 \
  -sc_threshold 0 -c:a aac -b:a 160k -f flv "$SOURCE"

NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
rtmp { server { listen 127.0.0.1:$NGINX_PORT; chunk_size 4096; application live { live on; } } }
CONF
/usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)
sleep 0.5

publish() { # url: the source in real time, as OBS would
  ffmpeg -hide_banner -loglevel error -nostdin -re -i "$SOURCE" -c copy -f flv "$1"
}

start_glasscast() { # destinations -> pid
  local n=$1 http rtmp
  http=$(free_port)
  rtmp=$(free_port)
  {
    echo "data_dir: $WORK/data-$n"
    echo "server: {bind: 127.0.0.1, http_port: $http}"
    echo "ingest:"
    echo "  rtmp: {bind: 127.0.0.1, port: $rtmp}"
    echo "  srt: {enabled: false}"
    echo "  streams:"
    echo "    - name: main"
    echo "      key: $KEY"
    echo "      restream:"
    [ "$n" -eq 0 ] && echo "        []"
    for i in $(seq 0 $((n - 1))); do
      [ "$n" -eq 0 ] && break
      echo "        - url: rtmp://127.0.0.1:$NGINX_PORT/live/gc$i"
    done
    echo "ladder: [{name: source, codec: copy}]"
    echo "packaging: {record: false}"
    echo "test_source: {enabled: false}"
  } > "$WORK/glasscast-$n.yaml"
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $GLASSCAST_JVM_FLAGS -jar server/target/glasscast.jar --config "$WORK/glasscast-$n.yaml" \
    > "$WORK/glasscast-$n.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  until curl -sf "http://127.0.0.1:$http/healthz" >/dev/null; do sleep 0.2; done
  echo "$pid $rtmp"
}

measure_glasscast() { # destinations
  local n=$1 pid rtmp before after
  read -r pid rtmp < <(start_glasscast "$n")
  before=$(cpu_ticks "$pid")
  publish "rtmp://127.0.0.1:$rtmp/live/$KEY"
  after=$(cpu_ticks "$pid")
  echo "glasscast $n $((after - before)) $(rss_kib "$pid")" >> "$WORK/table"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

measure_relays() { # destinations: one ffmpeg -c copy per destination, pulling from nginx
  local n=$1 relays=() before=0 after=0 rss=0
  for i in $(seq 0 $((n - 1))); do
    ffmpeg -hide_banner -loglevel error -nostdin -rw_timeout 20000000 -i "rtmp://127.0.0.1:$NGINX_PORT/live/in" \
      -c copy -f flv "rtmp://127.0.0.1:$NGINX_PORT/live/relay$i" 2>/dev/null &
    relays+=($!)
    PIDS+=($!)
  done
  publish "rtmp://127.0.0.1:$NGINX_PORT/live/in" &
  local publisher=$!
  sleep 3 # the relays connect and start reading (their start-up is not restreaming)
  for pid in "${relays[@]}"; do before=$((before + $(cpu_ticks "$pid"))); done
  sleep $((SECONDS_PER_RUN - 5))
  for pid in "${relays[@]}"; do after=$((after + $(cpu_ticks "$pid"))); rss=$((rss + $(rss_kib "$pid"))); done
  wait "$publisher" || true
  for pid in "${relays[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Over the same measured time as GlassCast's: scale the (SECONDS_PER_RUN - 5) s window.
  echo "relays $n $(( (after - before) * SECONDS_PER_RUN / (SECONDS_PER_RUN - 5) )) $rss" >> "$WORK/table"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) before the run; $DESTINATIONS destinations, ${SECONDS_PER_RUN} s of 1080p30 at 6 Mbit/s"
measure_glasscast 0
measure_glasscast "$DESTINATIONS"
measure_relays "$DESTINATIONS"
echo "load $(cut -d' ' -f1-3 /proc/loadavg) after the run"
awk -v hz="$(getconf CLK_TCK)" -v n="$DESTINATIONS" -v s="$SECONDS_PER_RUN" '
  { cpu[$1 " " $2] = $3 / hz; rss[$1 " " $2] = $4 / 1024 }
  END {
    gc = (cpu["glasscast " n] - cpu["glasscast 0"]) / n
    gm = (rss["glasscast " n] - rss["glasscast 0"]) / n
    rc = cpu["relays " n] / n
    rm = rss["relays " n] / n
    printf "glasscast, no destination:   %6.2f s CPU over %d s, RSS %5.0f MiB\n", cpu["glasscast 0"], s, rss["glasscast 0"]
    printf "glasscast, %d destinations:   %6.2f s CPU, RSS %5.0f MiB\n", n, cpu["glasscast " n], rss["glasscast " n]
    printf "per destination: glasscast %.3f s CPU (%.2f%% of a core), %.1f MiB; ffmpeg relay %.3f s CPU (%.2f%% of a core), %.1f MiB\n", \
      gc, 100 * gc / s, gm, rc, 100 * rc / s, rm
    if (gc > 0) printf "ratio ffmpeg relay / glasscast per destination: CPU %.2f, memory %.2f\n", rc / gc, (gm > 0 ? rm / gm : 0)
  }' "$WORK/table"
