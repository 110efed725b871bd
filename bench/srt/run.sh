#!/usr/bin/env bash
# Skeleton: CPU time per received megabit, GlassCast SRT listener vs srt-live-transmit.
# See README.md. Loopback only.
set -euo pipefail

SECONDS_PER_RUN=${SECONDS_PER_RUN:-30}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cpu_ticks() { # utime + stime of a pid, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

encode() { # bitrate(kbit/s) -> file
  local kbps=$1 out="$WORK/in-$1k.ts"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$SECONDS_PER_RUN" -pix_fmt yuv420p \
    -c:v libx264 -preset ultrafast -b:v "${kbps}k" -minrate "${kbps}k" -maxrate "${kbps}k" -bufsize "${kbps}k" \
    -x264-params nal-hrd=cbr -g 60 -c:a aac -f mpegts -muxrate "$((kbps + 300))k" "$out"
  echo "$out"
}

measure() { # name pid port streamid file
  local name=$1 pid=$2 port=$3 sid=$4 file=$5
  local before after bytes
  before=$(cpu_ticks "$pid")
  ffmpeg -hide_banner -loglevel error -re -i "$file" -c copy -f mpegts \
    "srt://127.0.0.1:$port?streamid=$sid&latency=200000"
  after=$(cpu_ticks "$pid")
  bytes=$(stat -c %s "$file")
  awk -v n="$name" -v f="$(basename "$file")" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v b="$bytes" \
    'BEGIN { s = t / hz; mb = b * 8 / 1e6; printf "%-16s %-14s cpu %.2f s  %.0f Mbit  %.2f ms/Mbit\n", n, f, s, mb, 1000 * s / mb }'
}

for kbps in 10000 50000; do
  file=$(encode "$kbps")

  port=$((20000 + RANDOM % 10000))
  srt-live-transmit -q "srt://:$port?mode=listener&latency=200" file://con > /dev/null &
  slt=$!
  sleep 0.5
  measure srt-live-transmit "$slt" "$port" "bench" "$file"
  kill "$slt" 2>/dev/null || true
  wait "$slt" 2>/dev/null || true

  if [[ -n "${GLASSCAST_PID:-}" && -n "${GLASSCAST_SRT_PORT:-}" && -n "${GLASSCAST_KEY:-}" ]]; then
    measure glasscast "$GLASSCAST_PID" "$GLASSCAST_SRT_PORT" "$GLASSCAST_KEY" "$file"
  else
    echo "glasscast        skipped: set GLASSCAST_PID, GLASSCAST_SRT_PORT and GLASSCAST_KEY"
  fi
done
