#!/usr/bin/env bash
# Long local fuzzing runs that grow the corpora kept in the repository.
#
#   bench/fuzz/run.sh [SECONDS] [TARGET...]
#
#   SECONDS  how long each target fuzzes (default 180)
#   TARGET   simple class names, e.g. TsDemuxerFuzzTest (default: every *FuzzTest)
#
# Each target's corpus is its Jazzer inputs directory,
# <module>/src/test/resources/<package>/<Target>Inputs/<method>/: `mvn test` replays every file
# in it (Jazzer's regression mode) and CI's short timed run starts from it. This script fuzzes a
# target for SECONDS from that corpus into a scratch directory, then merges the scratch corpus
# back with libFuzzer's -merge=1, which adds only the inputs that reach coverage the corpus does
# not reach yet (named after their SHA-1). The hand-made seeds and kept findings stay as they
# are. A crash is written into the corpus directory as crash-<sha1>: fix the bug, then rename
# the file (finding-<what>) and keep it as a regression seed (RELIABILITY.md, section 1).
#
# Limits: no input over 100 KiB (-max_len), a corpus over 1 MiB fails the run. Every run appends
# one line to bench/fuzz/runs.tsv (date, target, seconds, executions, coverage, corpus files and
# bytes), from which RELIABILITY.md's totals are summed.
#
# It runs Jazzer standalone (the jar that jazzer-junit brings) on the test classpath Maven
# resolves, with the same instrumentation the JUnit integration applies (dev.glasscast.**).
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-180}
shift || true
max_len=102400
max_corpus_bytes=1048576

eval "$(./glasscast env)"
java=$JAVA_HOME/bin/java

# module:package-path:Target:method, one per fuzz target.
targets=()
while IFS= read -r source; do
  module=${source%%/src/test/java/*}
  class_path=${source#*/src/test/java/}
  class_path=${class_path%.java}
  method=$(grep -A1 '@FuzzTest' "$source" | sed -n 's/.*void \([A-Za-z0-9_]*\)(.*/\1/p' | head -1)
  targets+=("$module:$class_path:$method")
done < <(find . -path '*/src/test/java/*/fuzz/*FuzzTest.java' -not -path './bench/*' | sed 's|^\./||' | sort)

wanted=("$@")
selected=()
for target in "${targets[@]}"; do
  name=${target#*:}; name=${name%%:*}; name=${name##*/}
  if [ ${#wanted[@]} -eq 0 ] || printf '%s\n' "${wanted[@]}" | grep -qx "$name"; then selected+=("$target"); fi
done
[ ${#selected[@]} -gt 0 ] || { echo "no fuzz target matches: ${wanted[*]}" >&2; exit 2; }

modules=$(printf '%s\n' "${selected[@]}" | cut -d: -f1 | sort -u | paste -sd,)
echo "Compiling $modules and resolving the test classpath..." >&2
./mvnw -B -q -pl "$modules" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-classpath.txt >&2

log=bench/fuzz/runs.tsv
[ -f "$log" ] || printf 'date\ttarget\tseconds\texecutions\tcov\tft\tcorpus_files\tcorpus_bytes\n' > "$log"
status=0
for target in "${selected[@]}"; do
  IFS=: read -r module class_path method <<<"$target"
  class=${class_path//\//.}
  name=${class##*.}
  corpus=$module/src/test/resources/${class_path%/*}/${name}Inputs/$method
  mkdir -p "$corpus"
  classpath=$module/target/test-classes:$module/target/classes:$(cat "$module/target/fuzz-classpath.txt")
  scratch=$(mktemp -d)
  mkdir -p "$scratch/grown"
  jazzer=("$java" -XX:+EnableDynamicAgentLoading -Dio.netty.leakDetection.level=paranoid
    -Dorg.bytedeco.javacpp.platform.extension=-gpl --enable-native-access=ALL-UNNAMED
    -cp "$classpath" com.code_intelligence.jazzer.Jazzer
    --target_class="$class" --target_method="$method" --instrumentation_includes='dev.glasscast.**')

  echo "== $name: fuzzing ${seconds}s from $(find "$corpus" -type f | wc -l) corpus files" >&2
  run_status=0
  "${jazzer[@]}" -max_total_time="$seconds" -max_len="$max_len" -artifact_prefix="$corpus/" \
    "$scratch/grown" "$corpus" > "$scratch/fuzz.log" 2>&1 || run_status=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$scratch/fuzz.log" | tail -1 || true)
  if [ "$run_status" -ne 0 ]; then
    echo "$name: Jazzer exited with $run_status; see the finding above and in $corpus/crash-*" >&2
    grep -v '^INFO: \(Instrumented\|Loaded\)' "$scratch/fuzz.log" | grep -v '^WARNING' | tail -40 >&2 || true
    status=1
  fi
  echo "   $done_line" >&2

  "${jazzer[@]}" -merge=1 -max_len="$max_len" "$corpus" "$scratch/grown" > "$scratch/merge.log" 2>&1 \
    || { echo "$name: merge failed:" >&2; tail -20 "$scratch/merge.log" >&2; status=1; }
  grep 'MERGE-OUTER: [0-9]* new files' "$scratch/merge.log" | sed 's/^/   /' >&2 || true

  files=$(find "$corpus" -type f | wc -l)
  bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  largest=$(find "$corpus" -type f -printf '%s\n' | sort -n | tail -1)
  execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$done_line")
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$done_line")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$done_line")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$name" "$seconds" "${execs:-}" "${cov:-}" "${ft:-}" "$files" "$bytes" >> "$log"
  echo "   corpus: $files files, $bytes bytes (largest ${largest:-0})" >&2
  if [ "$bytes" -gt "$max_corpus_bytes" ] || [ "${largest:-0}" -gt "$max_len" ]; then
    echo "$name: corpus over its limits (1 MiB in all, 100 KiB per file): drop its largest SHA-1-named inputs (keep the named ones)" >&2
    status=1
  fi
  rm -rf "$scratch"
done
exit "$status"
