#!/usr/bin/env bash
# Glass-to-glass latency of GlassCast's outputs over the transcoded ladder (a passthrough rung and
# an x264 360p rung), measured in headless Chromium with the real players (see measure.mjs):
# LL-HLS as the watch page plays it (the daemon's page, its hls.js and player config), LL-DASH
# (dash.js, chunked open segments), classic HLS (the served hls.js with low-latency mode off).
# Debian ffmpeg publishes 960x540@30 over RTMP like OBS, drawing its wall clock (epoch ms mod 2^24)
# into the picture as 24 black/white blocks just before encoding.
# Needs the built jar (./glasscast build), ffmpeg, node + browser-tests/node_modules, chromium.
#   bench/latency/run.sh [seconds per player, default 60] [players, default: watch dashjs hlsjs]
# players: watch (LL-HLS, the watch page), dashjs (LL-DASH), hlsjs (classic HLS: whole segments),
#          whep (WebRTC: Chromium's RTCPeerConnection, the p360 rung; the daemon runs with WebRTC on)
# Environment: LATENCY_OUT=dir keeps the daemon log and, per player, every frame and media load
# (<player>.json); LATENCY_PROBE=1 (with LATENCY_OUT) also runs the daemon with its latency probe
# (-Dglasscast.latencyProbe=dir/probe.log: a wall-clock mark per frame at ingest, decoded,
# encoded, into the segmenter, part cut) and prints each player's budget, stage by stage
# (budget.mjs); BENCH_JAVA_OPTS adds JVM options to the daemon;
# LATENCY_YAML adds lines to its config, e.g. LATENCY_YAML='packaging: {part_duration: 333ms}'.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
players=("$@")
[ ${#players[@]} -gt 0 ] || players=(watch dashjs hlsjs)
work=$(mktemp -d)
daemon=""; publisher=""
trap 'kill $publisher 2>/dev/null && { wait $publisher 2>/dev/null || true; }; stop_daemon; rm -rf "$work"' EXIT

source bench/daemon.sh
if [ -n "${LATENCY_PROBE:-}" ]; then
  [ -n "${LATENCY_OUT:-}" ] || { echo "LATENCY_PROBE needs LATENCY_OUT (where probe.log goes)" >&2; exit 2; }
  mkdir -p "$LATENCY_OUT"
  BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Dglasscast.latencyProbe=$(realpath "$LATENCY_OUT")/probe.log"
fi

http=18090; rtmp=11990; key=bench-key
start_daemon "$work" "$http" "$rtmp" "$key" "ladder:
  - {name: source, codec: copy}
  - {name: p360, codec: h264, height: 360, video_bitrate: 800000, preset: veryfast}
webrtc: {enabled: true, bind: 127.0.0.1, udp_port: 18189, public_address: 127.0.0.1}
${LATENCY_YAML:-}"

# 24 bits, block i at x = 24 + 36 i (30x30) on a black strip; 960x540 scales to the page's 640x360
# canvas, where block centres fall at x = 26 + 24 i, y = 26.
boxes="drawbox=x=0:y=0:w=960:h=80:color=black:t=fill"
for i in $(seq 0 23); do
  boxes="$boxes,drawbox=x=$((24 + 36 * i)):y=24:w=30:h=30:color=white:t=fill:enable='eq(mod(floor(t*1000/$((1 << i))),2),1)'"
done
total=$((seconds * ${#players[@]} + 90))
ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=960x540:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$total" -map 0:v -map 1:a \
  -vf "settb=AVTB,setpts=RTCTIME,$boxes,settb=1/30,setpts=N" \
  -c:v libx264 -profile:v high -pix_fmt yuv420p -preset veryfast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 \
  -b:v 2000k -maxrate 2000k -bufsize 2000k -c:a aac -b:a 128k -ar 48000 -f flv "rtmp://127.0.0.1:$rtmp/live/$key" &
publisher=$!
until curl -sf "http://127.0.0.1:$http/live/main/p360/index.m3u8" >/dev/null; do sleep 0.5; done
sleep 6

for player in "${players[@]}"; do
  LATENCY_DUMP=${LATENCY_OUT:+$LATENCY_OUT/$player.json} node bench/latency/measure.mjs "http://127.0.0.1:$http" "$player" main "$seconds" \
    || echo "{\"player\":\"$player\",\"failed\":true}"
  if [ -n "${LATENCY_PROBE:-}" ] && [ -f "$LATENCY_OUT/$player.json" ]; then
    echo "latency budget, $player:"
    node bench/latency/budget.mjs "$LATENCY_OUT/probe.log" "$LATENCY_OUT/$player.json" || true
  fi
done
[ -z "${LATENCY_OUT:-}" ] || cp "$work/daemon.log" "$LATENCY_OUT/"
