#!/usr/bin/env bash
# What signed playback links cost at the edge: one daemon with a public stream and a signed one
# carrying the same publish; wrk fetches the same cached ~1 MB segment and the multivariant
# playlist of each (the signed one through a valid token), one after the other in one run.
#   bench/edge/signed-playback.sh [connections] [seconds]
# Needs the built jar (./glasscast build), ffmpeg, curl and wrk. Ports 18091 (HTTP), 11946 (RTMP).
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-100}
seconds=${2:-10}
work=$(mktemp -d)
daemon=""
trap '[ -n "$daemon" ] && kill $daemon 2>/dev/null; rm -rf "$work"' EXIT

source bench/daemon.sh
http=18091; rtmp=11946; admin=bench-admin-token-0123456789
cat > "$work/bench.yaml" <<YAML
data_dir: $work/data
server: {http_port: $http, admin_token: $admin}
ingest:
  rtmp: {port: $rtmp}
  srt: {enabled: false}
  streams: [{name: open, key: open-key}, {name: signed, key: signed-key, playback: signed}]
test_source: {enabled: false}
YAML
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $GLASSCAST_JVM_FLAGS -jar server/target/glasscast.jar --config "$work/bench.yaml" > "$work/daemon.log" 2>&1 &
daemon=$!
until curl -sf "http://127.0.0.1:$http/healthz" >/dev/null; do sleep 0.2; done

# 4 Mbit/s with a 2 s GOP gives segments of about 1 MB; one encode published to both streams.
ffmpeg -hide_banner -nostdin -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=sample_rate=48000 \
  -t 8 -c:v libx264 -preset ultrafast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 4M -maxrate 4M -bufsize 4M -pix_fmt yuv420p \
  -c:a aac -flags +global_header -map 0:v -map 1:a -f tee \
  "[f=flv]rtmp://127.0.0.1:$rtmp/live/open-key|[f=flv]rtmp://127.0.0.1:$rtmp/live/signed-key"
sleep 1
link=$(curl -sf -X POST -H "Authorization: Bearer $admin" "http://127.0.0.1:$http/api/v1/streams/signed/watch-link?lifetime=1h")
signed_base="http://127.0.0.1:$http$(echo "$link" | sed -E 's/.*"hlsUrl":"https?:\/\/[^\/]+([^"]*)index\.m3u8".*/\1/')"
open_base="http://127.0.0.1:$http/live/open/"
segment=$(curl -sf "${open_base}source/index.m3u8" | grep '^seg' | sed -n 2p)
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/live/signed/source/$segment")" = 403 ]
cmp <(curl -sf "${open_base}source/$segment") <(curl -sf "${signed_base}source/$segment") \
  || echo "note: the two streams' segments differ in bytes (separate publishes); sizes compared only"

run() { wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
echo "segment: $segment, connections: $connections, duration: ${seconds}s, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in "source/$segment" index.m3u8; do
  run "${open_base}$kind" >/dev/null; run "${signed_base}$kind" >/dev/null   # warm the cache and the JIT
  public=$(run "${open_base}$kind"); signed=$(run "${signed_base}$kind")
  echo "--- $kind, public stream"; echo "$public"
  echo "--- $kind, signed stream through a token"; echo "$signed"
  p=$(echo "$public" | rps); s=$(echo "$signed" | rps)
  echo "requests/s $kind: public=$p signed=$s ratio=$(awk -v s="$s" -v p="$p" 'BEGIN {printf "%.2f", s / p}')"
done
