#!/usr/bin/env bash
# Long fuzzing runs, one fuzzer process at a time (the machine is shared):
#   [NETLAB_SHARED_CORPUS=DIR] run_long.sh BUILD_DIR WORK_DIR CPU_SECONDS TARGET...
# Each target runs in chunks of at most 300 s wall time under `nice -n 19`
# until its accumulated CPU time (user+sys, GNU time) reaches CPU_SECONDS.
# Corpus: WORK_DIR/<target>/corpus, seeded on the first run from the
# committed seeds plus the shared tcpdump captures (split into frames for the
# decode targets). Logs: WORK_DIR/<target>/run-N.log (libFuzzer's, with
# -print_final_stats) and run-N.time (GNU time -v); crashes: WORK_DIR/<target>/crash-*.
set -uo pipefail
build=$(cd "$1" && pwd) work=$2 budget=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
# The shared tcpdump captures sit beside the main checkout (../shared); a
# worktree elsewhere names them with NETLAB_SHARED_CORPUS.
shared=${NETLAB_SHARED_CORPUS:-$(cd "$src/.." && pwd)/shared/corpus/tcpdump-tests/all}
for t in "$@"; do
  dir=$work/$t
  mkdir -p "$dir/corpus"
  if [ ! -e "$dir/.seeded" ]; then
    cp "$src/tests/data/fuzz/$t"/* "$dir/corpus/" 2>/dev/null
    if [ -d "$shared" ]; then
      case $t in
        fuzz_decode_*) python3 "$here/split_corpus.py" "$shared" "$dir/corpus" "${t#fuzz_decode_}" ;;
        fuzz_pcap_read) cp "$shared"/* "$dir/corpus/" ;;
      esac
    fi
    touch "$dir/.seeded"
  fi
  used=0
  n=$(ls "$dir"/run-*.time 2>/dev/null | wc -l)
  for f in "$dir"/run-*.time; do
    [ -e "$f" ] || continue
    u=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%d", u+s}' "$f")
    used=$((used + u))
  done
  while [ "$used" -lt "$budget" ]; do
    n=$((n + 1))
    left=$((budget - used))
    chunk=$(( left < 300 ? left + 5 : 300 ))
    echo "$(date -u +%T) $t: run $n, ${used}s CPU so far, chunk ${chunk}s"
    (cd "$dir" && nice -n 19 /usr/bin/time -v -o "run-$n.time" "$build/fuzz/$t" -jobs=1 -workers=1 \
      -max_total_time="$chunk" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$dir/" corpus > "run-$n.out" 2>&1; mv fuzz-0.log "run-$n.log" 2>/dev/null)
    u=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%d", u+s}' "$dir/run-$n.time")
    used=$((used + u))
    if find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | grep -q .; then
      echo "$(date -u +%T) $t: artifact found, see $dir/run-$n.log; moving on"
      break
    fi
  done
  echo "$(date -u +%T) $t: done, ${used}s CPU"
done
