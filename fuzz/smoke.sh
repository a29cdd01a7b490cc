#!/usr/bin/env bash
# ctest smoke run of one fuzzer (fuzz/CMakeLists.txt):
#   smoke.sh FUZZER WORKDIR SECONDS SEEDS [SHARED_CAPTURES]
# WORKDIR is emptied and receives what libFuzzer finds; SEEDS (committed) and,
# when given, the shared tcpdump captures are read-only seed directories. The
# decode targets get the captures split into frames (split_corpus.py).
set -euo pipefail
fuzzer=$1 work=$2 seconds=$3 seeds=$4 shared=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
dirs=("$work" "$seeds")
name=$(basename "$fuzzer")
if [ -n "$shared" ] && [ -d "$shared" ]; then
  case $name in
    fuzz_decode_*)
      python3 "$here/split_corpus.py" "$shared" "$work.shared" "${name#fuzz_decode_}" --max 400 >/dev/null
      dirs+=("$work.shared") ;;
    *) dirs+=("$shared") ;;
  esac
fi
# -rss_limit_mb: the default 2 GB; -timeout: one input may take 10 s at most.
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/" "${dirs[@]}"
