#!/usr/bin/env bash
# Skeleton benchmark: (1) time from the first RTMP media message reaching the daemon to the first
# segment listed in the media playlist, over several publishes; (2) the daemon's RSS with one
# stream after 30 s. Needs the built jar (./glasscast build), ffmpeg and curl.
#   bench/skeleton/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
work=$(mktemp -d)
daemon=""; publisher=""
trap 'kill $publisher 2>/dev/null && wait $publisher 2>/dev/null; stop_daemon; rm -rf "$work"' EXIT

source bench/daemon.sh

http=18080; rtmp=11935; key=bench-key
start_daemon "$work" "$http" "$rtmp" "$key"

publish() { # seconds
  ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$1" -map 0:v -map 1:a \
    -c:v libx264 -profile:v high -pix_fmt yuv420p -preset veryfast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 \
    -b:v 2500k -c:a aac -b:a 128k -ar 48000 -f flv "rtmp://127.0.0.1:$rtmp/live/$key" &
  publisher=$!
}

echo "run,first_media_to_first_segment_ms"
for run in $(seq 1 "$runs"); do
  lines_before=$(grep -c "first access unit" "$work/daemon.log" || true)
  publish 6
  until [ "$(grep -c "first access unit" "$work/daemon.log" || true)" -gt "$lines_before" ]; do sleep 0.005; done
  until curl -sf "http://127.0.0.1:$http/live/main/source/index.m3u8" 2>/dev/null | grep -q '^seg'; do sleep 0.005; done
  listed=$(date +%s%3N)
  first=$(grep "first access unit" "$work/daemon.log" | grep "main:" | tail -1 | sed -E 's/.*first access unit at ([0-9]+).*/\1/')
  echo "$run,$((listed - first))"
  wait $publisher || true
  sleep 3
done

publish 40
sleep 30
rss_kb=$(ps -o rss= -p $daemon | tr -d ' ')
echo "rss_mb_one_stream,$((rss_kb / 1024))"
kill $publisher 2>/dev/null || true
