#!/usr/bin/env bash
# Transcoder benchmark: GlassCast's LadderTranscoder vs the ffmpeg CLI, same clip, same ladder,
# same x264 settings, one after the other. Not a test: run it on a quiet machine.
#
#   bench/transcode/run.sh [seconds] [fps]   (default 60 s at 30 fps; 60 for a 1080p60 source)
#
# Needs: JAVA_HOME (JDK 21+), ffmpeg with libx264 on PATH (Debian: apt-get install ffmpeg).
# Never installs anything into ~/.m2: classes come from target/ and the classpath from Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_OF_CLIP="${1:-60}"
FPS="${2:-30}"
WORK="${BENCH_WORK:-/tmp/glasscast-bench-transcode}"
mkdir -p "$WORK"
CLIP="$WORK/clip-1080p${FPS}-${SECONDS_OF_CLIP}s.mp4"
JAVA="${JAVA_HOME:?set JAVA_HOME}/bin/java"

# 1. The source: 1080p test pattern at $FPS fps (testsrc2: moving, detailed) + 440 Hz tone, H.264 High with
#    B-frames and a 2 s GOP, AAC 48 kHz stereo. Made once and reused.
if [ ! -s "$CLIP" ]; then
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=$FPS" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t "$SECONDS_OF_CLIP" -c:v libx264 -preset veryfast -profile:v high -g $((2 * FPS)) -bf 2 -b:v 6M -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ac 2 "$CLIP"
fi

# 2. GlassCast: compile (no install) and take the classpath from Maven.
# One reactor build, so the sibling modules resolve to their target/classes: without -am Maven
# looks for them in ~/.m2, where nothing of ours may be installed. Each module writes the file;
# transcode comes last, so its classpath is what remains.
./mvnw -B -o -q -pl transcode -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null
# Drop any glasscast-*.jar another build may have installed into ~/.m2: the classes of this
# checkout (target/classes) are the ones to measure.
DEPS="$(tr ':' '\n' < "$WORK/classpath.txt" | grep -v '/dev/glasscast/' | paste -sd: -)"
CP="config/target/classes:ingest/target/classes:transcode/target/classes:$DEPS"

echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "== GlassCast LadderTranscoder"
"$JAVA" -Dorg.bytedeco.javacpp.platform.extension=-gpl --enable-native-access=ALL-UNNAMED -Xmx1g \
  -Dlogback.configurationFile=bench/transcode/logback-bench.xml \
  -cp "$CP" bench/transcode/TranscodeBench.java "$CLIP" 2>"$WORK/glasscast.stderr" | tee "$WORK/glasscast.out"

# 3. The ffmpeg CLI: one decode, split into three scalers (bilinear, as GlassCast), three libx264
#    encoders with the same settings (veryfast, zerolatency, no B-frames, VBV, profile/level,
#    IDR every 2 s and no scene-cut), audio decoded and encoded once to AAC 128k; output discarded.
X264="keyint=infinite:scenecut=0:open-gop=0"
FORCE='expr:gte(t,n_forced*2)'
echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== ffmpeg CLI"
set -x
/usr/bin/time -v ffmpeg -hide_banner -loglevel error -benchmark -y -i "$CLIP" \
  -filter_complex "[0:v]split=3[a][b][c];[a]scale=-2:720:flags=bilinear[v720];[b]scale=-2:480:flags=bilinear[v480];[c]scale=640:360:flags=bilinear[v360]" \
  -map "[v720]" -c:v libx264 -preset veryfast -tune zerolatency -profile:v high -level 3.1 -bf 0 -b:v 3000k -maxrate 3300k -bufsize 6000k -x264-params "$X264" -force_key_frames "$FORCE" -f null /dev/null \
  -map "[v480]" -c:v libx264 -preset veryfast -tune zerolatency -profile:v main -level 3.1 -bf 0 -b:v 1400k -maxrate 1540k -bufsize 2800k -x264-params "$X264" -force_key_frames "$FORCE" -f null /dev/null \
  -map "[v360]" -c:v libx264 -preset veryfast -tune zerolatency -profile:v main -level 3.0 -bf 0 -b:v 800k -maxrate 880k -bufsize 1600k -x264-params "$X264" -force_key_frames "$FORCE" -f null /dev/null \
  -map 0:a -c:a aac -b:a 128k -f null /dev/null \
  2>&1 | tee "$WORK/ffmpeg.out"
set +x
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# 4. The ratios, GlassCast against the CLI: above 1 means GlassCast is faster (throughput) or
#    cheaper (CPU). /usr/bin/time gives ffmpeg's wall time and CPU time (user + system).
GC_WALL="$(sed -n 's/^RESULT glasscast wall=\([0-9.]*\) cpu=.*/\1/p' "$WORK/glasscast.out")"
GC_CPU="$(sed -n 's/^RESULT glasscast wall=[0-9.]* cpu=\([0-9.]*\) .*/\1/p' "$WORK/glasscast.out")"
FF_WALL="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/ffmpeg.out" \
  | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')"
FF_CPU="$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { print s }' "$WORK/ffmpeg.out")"
awk -v gw="$GC_WALL" -v gc="$GC_CPU" -v fw="$FF_WALL" -v fc="$FF_CPU" -v fps="$FPS" 'BEGIN {
  printf "RATIO 1080p%s: GlassCast wall %.2f s, cpu %.2f s; ffmpeg wall %.2f s, cpu %.2f s; throughput %.2fx, cpu %.2fx\n",
    fps, gw, gc, fw, fc, fw / gw, fc / gc }'
