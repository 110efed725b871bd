#!/usr/bin/env bash
# What WebRTC viewers cost: one daemon fed by ffmpeg over RTMP (960x540@30 x264, AAC) with a
# passthrough rung and an x264 360p rung, WebRTC on; then, for each viewer count, that many WHEP
# sessions of the 360p rung in one headless Chromium (bench/webrtc/viewers.mjs), each rendered
# on a small <video>, and the daemon's CPU over the same window (from /proc/<pid>/stat).
# The first viewer also starts the stream's AAC -> Opus transcoding (once per stream, whatever
# the number of viewers), so the cost of one more viewer is read from the difference between
# counts above one. Chromium decodes every viewer's video on the same two cores: the count at
# which viewers start to freeze is this machine's, browser included, not the daemon's alone.
#   bench/webrtc/run.sh [seconds per count, default 20] [viewer counts, default: 0 1 5 10 20]
# Needs the built jar (./glasscast build), ffmpeg, node + browser-tests/node_modules, chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(0 1 5 10 20)
work=$(mktemp -d)
daemon=""; publisher=""
trap 'kill $publisher 2>/dev/null && { wait $publisher 2>/dev/null || true; }; stop_daemon; rm -rf "$work"' EXIT

source bench/daemon.sh
http=18290; rtmp=12190; key=bench-key
start_daemon "$work" "$http" "$rtmp" "$key" "ladder:
  - {name: source, codec: copy}
  - {name: p360, codec: h264, height: 360, video_bitrate: 800000, preset: veryfast}
webrtc: {enabled: true, bind: 127.0.0.1, udp_port: 18290, public_address: 127.0.0.1, max_sessions: 200}"

# Generous: opening many sessions one after another takes a while on a loaded machine.
total=$(( (seconds + 90) * ${#counts[@]} + 60 ))
ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=960x540:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$total" -map 0:v -map 1:a \
  -c:v libx264 -profile:v high -pix_fmt yuv420p -preset veryfast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 \
  -b:v 2000k -maxrate 2000k -bufsize 2000k -c:a aac -b:a 128k -ar 48000 -f flv "rtmp://127.0.0.1:$rtmp/live/$key" &
publisher=$!
until curl -sf "http://127.0.0.1:$http/live/main/p360/index.m3u8" >/dev/null; do sleep 0.5; done
sleep 5

for count in "${counts[@]}"; do
  node bench/webrtc/viewers.mjs "http://127.0.0.1:$http" main "$count" "$seconds" "$daemon" \
    || echo "{\"viewers\":$count,\"failed\":true}"
  sleep 3
done
