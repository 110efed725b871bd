#!/usr/bin/env bash
# Issue 16's live check: a 1080p30 SRT source into the default `ladder: auto` for 10 minutes (by
# default), with the watch page (LL-HLS, the daemon's own page and hls.js, in headless Chromium)
# measuring glass-to-glass latency the whole time, as bench/latency/run.sh measures it. Debian's
# ffmpeg publishes over SRT (2 s GOP, AAC 48 kHz) and draws its wall clock into the picture, at
# twice bench/latency's coordinates, so the 640x360 canvas of measure.mjs reads the same blocks
# from a 1920x1080 picture. It encodes with x264 ultrafast, standing in for OBS's hardware
# encoder: a real publisher does not share the server's cores, and at veryfast this one alone
# takes about a core of the two (PUBLISH_PRESET=veryfast to try it).
# Prints what `auto` chose (the daemon's log), the latency (measure.mjs's JSON line) and, from
# /metrics, every rung's dropped pictures and step-downs. Not a test: run it on a quiet machine.
# Needs the built jar (./glasscast build), ffmpeg with libsrt, node + browser-tests/node_modules,
# chromium.
#   bench/transcode/live-auto.sh [seconds=600]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
work=$(mktemp -d)
daemon=""; publisher=""
trap 'kill $publisher 2>/dev/null && { wait $publisher 2>/dev/null || true; }; stop_daemon; rm -rf "$work"' EXIT

export BENCH_SRT_PORT=18890
source bench/daemon.sh
http=18095; rtmp=11995; key=bench-key
start_daemon "$work" "$http" "$rtmp" "$key" "ladder: auto
webrtc: {enabled: false}"

# 24 bits, block i at x = 48 + 72 i (60x60) on a black strip: a third of that on the 640x360
# canvas is bench/latency's layout (block centres at x = 26 + 24 i, y = 26).
boxes="drawbox=x=0:y=0:w=1920:h=160:color=black:t=fill"
for i in $(seq 0 23); do
  boxes="$boxes,drawbox=x=$((48 + 72 * i)):y=48:w=60:h=60:color=white:t=fill:enable='eq(mod(floor(t*1000/$((1 << i))),2),1)'"
done
ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=1920x1080:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t $((seconds + 60)) -map 0:v -map 1:a \
  -vf "settb=AVTB,setpts=RTCTIME,$boxes,settb=1/30,setpts=N" \
  -c:v libx264 -profile:v high -pix_fmt yuv420p -preset "${PUBLISH_PRESET:-ultrafast}" -g 60 -keyint_min 60 -sc_threshold 0 \
  -b:v 6000k -maxrate 6000k -bufsize 6000k -c:a aac -b:a 128k -ar 48000 \
  -f mpegts "srt://127.0.0.1:$BENCH_SRT_PORT?streamid=$key&latency=200000" &
publisher=$!
until curl -sf "http://127.0.0.1:$http/live/main/index.m3u8" >/dev/null; do sleep 0.5; done
sleep 10
echo "== what ladder: auto chose"
grep -E "ladder auto|rung .* encodes|x264 .* on this machine" "$work/daemon.log" | sed 's/^/  /'

node bench/latency/measure.mjs "http://127.0.0.1:$http" watch main "$seconds" || echo '{"player":"watch","failed":true}'

echo "== per rung, from /metrics (dropped pictures, step-downs)"
token=$(cat "$work/data/admin-token")
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$http/metrics" \
  | grep -E '^glasscast_transcode_(dropped_frames|step_downs)' | sed 's/^/  /'
echo "== warnings in the daemon's log"
grep -E " WARN | ERROR " "$work/daemon.log" | sed 's/^/  /' | head -20 || true
