#!/usr/bin/env bash
# Soak: one hour (by default) of an OBS-like RTMP publish with 500 simulated HLS viewers polling
# playlists and fetching segments, the daemon's heap and RSS sampled every 30 s (jcmd
# GC.heap_info after a GC, ps) and a JFR recording of the whole run. Not run in CI.
#   bench/soak/run.sh [seconds=3600] [viewers=500] [sample_every_s=30]
# Output: a CSV on stdout (time, rss, heap after GC, viewer totals), the JFR file and the daemon
# log kept in bench/soak/out/. A leak shows as heap_after_gc_mb climbing run after run.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-3600}
viewers=${2:-500}
every=${3:-30}
out=bench/soak/out
mkdir -p "$out"
work=$(mktemp -d)
daemon=; publisher=; watchers=
trap 'kill $watchers $publisher 2>/dev/null || true; kill $daemon 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

eval "$(./glasscast env)"
./glasscast build --if-needed

http=${SOAK_HTTP_PORT:-18081}; rtmp=${SOAK_RTMP_PORT:-11936}; key=soak-key
cat > "$work/soak.yaml" <<YAML
data_dir: $work/data
server: {bind: 127.0.0.1, http_port: $http}
ingest:
  rtmp: {bind: 127.0.0.1, port: $rtmp}
  srt: {enabled: false}
  streams: [{name: main, key: $key}]
# The source passed through plus one transcoded rung, so the soak covers the FFmpeg ladder's
# native memory as well as the edge.
ladder:
  - {name: source, codec: copy}
  - {name: 360p, codec: h264, width: 640, height: 360, video_bitrate: 800k, maxrate: 880k, bufsize: 1600k, preset: veryfast, profile: main, audio_bitrate: 96k}
test_source: {enabled: false}
YAML
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $GLASSCAST_JVM_FLAGS -XX:StartFlightRecording=filename="$out/soak.jfr",settings=default,dumponexit=true \
  -jar server/target/glasscast.jar --config "$work/soak.yaml" > "$out/daemon.log" 2>&1 &
daemon=$!
until curl -sf "http://127.0.0.1:$http/healthz" >/dev/null; do sleep 0.2; done

ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$seconds" -map 0:v -map 1:a \
  -c:v libx264 -profile:v high -pix_fmt yuv420p -preset veryfast -tune zerolatency -g 60 -keyint_min 60 -sc_threshold 0 \
  -b:v 2500k -c:a aac -b:a 128k -ar 48000 -f flv "rtmp://127.0.0.1:$rtmp/live/$key" &
publisher=$!
until curl -sf "http://127.0.0.1:$http/live/main/index.m3u8" >/dev/null; do sleep 0.2; done

"$JAVA_HOME/bin/java" -Xmx512m bench/soak/SoakViewers.java "http://127.0.0.1:$http/live/main" "$viewers" "$seconds" \
  "$work/viewers.txt" > "$out/viewers.log" 2>&1 &
watchers=$!

heap_after_gc_mb() {
  jcmd "$daemon" GC.run >/dev/null
  jcmd "$daemon" GC.heap_info | awk '/garbage-first heap|total/ && /used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); print int(v / 1024); exit}}'
}

echo "elapsed_s,rss_mb,heap_after_gc_mb,threads,viewer_totals"
start=$(date +%s)
while kill -0 $publisher 2>/dev/null; do
  sleep "$every"
  kill -0 $daemon 2>/dev/null || { echo "daemon died; see $out/daemon.log" >&2; exit 1; }
  rss=$(( $(ps -o rss= -p $daemon | tr -d ' ') / 1024 ))
  threads=$(ls /proc/$daemon/task | wc -l)
  echo "$(( $(date +%s) - start )),$rss,$(heap_after_gc_mb),$threads,\"$(cat "$work/viewers.txt" 2>/dev/null | tr -d '\n')\""
done
wait $watchers || true
cat "$out/viewers.log"
jcmd "$daemon" JFR.dump filename="$(pwd)/$out/soak.jfr" >/dev/null || true
echo "JFR: $out/soak.jfr (jfr summary $out/soak.jfr; jfr print --events jdk.GCHeapSummary $out/soak.jfr)" >&2
grep -E "ERROR|Exception|LEAK" "$out/daemon.log" >&2 || echo "daemon log: no errors, no leaks" >&2
