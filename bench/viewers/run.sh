#!/usr/bin/env bash
# LL-HLS viewers benchmark: N simulated Low-Latency HLS viewers (wrk + bench/viewers/llhls.lua:
# blocking playlist reload for the next part, then the part, repeat) against one daemon fed by
# ffmpeg over RTMP, all on loopback. Goal: zero errors.
#   bench/viewers/run.sh [viewers] [seconds]      defaults: 2000 viewers, 60 s
# Ports: VIEWERS_HTTP_PORT (18181), VIEWERS_RTMP_PORT (12036), clear of the soak's 18081/11936.
# Needs the built jar (./glasscast build), ffmpeg and wrk (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/../.."
viewers=${1:-2000}
seconds=${2:-60}
work=$(mktemp -d)
daemon=""; publisher=""
cleanup() {
  set +e
  [ -n "$publisher" ] && kill "$publisher" 2>/dev/null && wait "$publisher" 2>/dev/null
  stop_daemon
  rm -rf "$work"
}
trap cleanup EXIT

# Every viewer is a socket in wrk and one in the daemon (both inherit this limit), plus the
# daemon's own files.
needed=$((viewers + 1024))
[ "$(ulimit -n)" -ge "$needed" ] || ulimit -n "$needed" 2>/dev/null || {
  echo "open-file limit $(ulimit -n) is below the $needed that $viewers viewers need; raise it (ulimit -n)" >&2
  exit 1
}

source bench/daemon.sh

http=${VIEWERS_HTTP_PORT:-18181}; rtmp=${VIEWERS_RTMP_PORT:-12036}; key=bench-key
start_daemon "$work" "$http" "$rtmp" "$key"

# An OBS-like 640x360 publisher in real time for the whole run (2 s GOP: 4 parts of 0.5 s per segment).
ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t $((seconds + 40)) -map 0:v -map 1:a \
  -c:v libx264 -profile:v high -pix_fmt yuv420p -preset veryfast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 \
  -b:v 1000k -maxrate 1000k -bufsize 2000k -c:a aac -b:a 128k -ar 48000 -ac 2 \
  -f flv "rtmp://127.0.0.1:$rtmp/live/$key" &
publisher=$!
url="http://127.0.0.1:$http/live/main/source/index.m3u8"
for _ in $(seq 100); do
  curl -sf "$url" 2>/dev/null | grep -q PRELOAD-HINT && break
  sleep 0.3
done
curl -sf "$url" | grep -q PRELOAD-HINT || { echo "no LL-HLS playlist at $url" >&2; exit 1; }

echo "viewers: $viewers, duration: ${seconds}s, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t"$viewers" -c"$viewers" -d"${seconds}s" --timeout 5s --latency -s bench/viewers/llhls.lua "$url"
echo "daemon: $(grep -c ' WARN \| ERROR ' "$work/daemon.log" || true) warnings/errors in its log"
# A discontinuity in the playlists is the slate standing in while no media arrived for 500 ms.
echo "slate stood in: $(grep -c 'renditions show the slate' "$work/daemon.log" || true) times"
grep 'renditions show the slate\|publisher back' "$work/daemon.log" | head -4 || true
grep ' WARN \| ERROR ' "$work/daemon.log" | head -5 || true
