#!/usr/bin/env bash
# CPU time per received megabit: GlassCast's SRT listener against srt-live-transmit receiving the
# same MPEG-TS over loopback, at 10 and 50 Mbit/s. See README.md; results go in RESULTS.md.
#   bench/srt/run.sh                  build the jar if needed, run both receivers, print a table
#   SECONDS_PER_RUN=30 WARMUP=5 ...   publish length and the unmeasured warm-up publish (s)
# Loopback only; everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_RUN=${SECONDS_PER_RUN:-30}
WARMUP=${WARMUP:-5}
KEY=bench-srt-key
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

cpu_ticks() { # utime + stime of a pid (all its threads), in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

encode() { # bitrate(kbit/s) -> file: 1080p30 CBR H.264 + AAC in a CBR MPEG-TS
  local kbps=$1 out="$WORK/in-$1k.ts"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$SECONDS_PER_RUN" -pix_fmt yuv420p \
    -c:v libx264 -preset ultrafast -b:v "${kbps}k" -minrate "${kbps}k" -maxrate "${kbps}k" -bufsize "${kbps}k" \
    -x264-params nal-hrd=cbr -g 60 -c:a aac -f mpegts -muxrate "$((kbps + 300))k" "$out"
  echo "$out"
}

push() { # port streamid file [seconds]: publish in real time with Debian's ffmpeg (libsrt)
  local limit=()
  [ -n "${4:-}" ] && limit=(-t "$4")
  ffmpeg -hide_banner -loglevel error -nostdin -re -i "$3" "${limit[@]}" -c copy -f mpegts \
    "srt://127.0.0.1:$1?streamid=$2&latency=200000"
}

measure() { # name pid port streamid file
  local name=$1 pid=$2 port=$3 sid=$4 file=$5 before after bytes
  push "$port" "$sid" "$file" "$WARMUP" # JIT and buffers warm; not counted
  sleep 1
  before=$(cpu_ticks "$pid")
  push "$port" "$sid" "$file"
  sleep 1 # the receiver's 200 ms latency, then its close
  after=$(cpu_ticks "$pid")
  bytes=$(stat -c %s "$file")
  awk -v n="$name" -v f="$(basename "$file")" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v b="$bytes" \
    'BEGIN { s = t / hz; mb = b * 8 / 1e6; printf "%-18s %-12s cpu %6.2f s  %5.0f Mbit  %6.3f ms/Mbit\n", n, f, s, mb, 1000 * s / mb }' \
    | tee -a "$WORK/table"
}

start_glasscast() { # port -> pid; the built jar, the source passed through alone, test source off
  local port=$1
  cat > "$WORK/glasscast.yaml" <<YAML
data_dir: $WORK/data
server:
  bind: 127.0.0.1
  http_port: $(free_port)
ingest:
  rtmp:
    enabled: false
  srt:
    bind: 127.0.0.1
    port: $port
    latency: 200ms
  streams:
    - name: main
      key: $KEY
ladder:
  - name: source
    codec: copy
test_source:
  enabled: false
YAML
  # glasscast run execs java, so $! is the JVM's pid.
  ./glasscast run --config "$WORK/glasscast.yaml" > "$WORK/glasscast.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 100); do
    grep -q "GlassCast is running" "$WORK/glasscast.log" && { echo "$pid"; return; }
    sleep 0.2
  done
  cat "$WORK/glasscast.log" >&2
  exit 1
}

./glasscast build
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) before the run" | tee "$WORK/table"

for kbps in 10000 50000; do
  file=$(encode "$kbps")

  port=$(free_port)
  # Listens again after each caller leaves, so the warm-up and the measured publish hit one process.
  srt-live-transmit -q "srt://127.0.0.1:$port?mode=listener&latency=200" file://con > /dev/null &
  slt=$!
  PIDS+=("$slt")
  sleep 0.5
  measure srt-live-transmit "$slt" "$port" bench "$file"
  kill -9 "$slt" 2>/dev/null || true # it only notices SIGTERM when a caller is connected
  wait "$slt" 2>/dev/null || true

  port=$(free_port)
  gc=$(start_glasscast "$port")
  measure glasscast "$gc" "$port" "$KEY" "$file"
  grep "closed:" "$WORK/glasscast.log" | tail -1 \
    | grep -oE '(packetsReceived|packetsLost|packetsRetransmitted|packetsDropped|tsContinuityErrors)=[0-9]+' \
    | paste -sd' ' | sed 's/^/  glasscast session: /'
  kill "$gc"
  wait "$gc" 2>/dev/null || true
  rm -f "$file"
done

echo "load $(cut -d' ' -f1-3 /proc/loadavg) after the run"
awk '/ms\/Mbit/ { key = $2; v[$1 " " key] = $(NF-1); keys[key] = 1 }
     END { for (k in keys) if (v["srt-live-transmit " k] > 0)
             printf "ratio glasscast / srt-live-transmit at %s: %.2f\n", k, v["glasscast " k] / v["srt-live-transmit " k] }' "$WORK/table"
