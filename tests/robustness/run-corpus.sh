#!/bin/bash
# run-corpus.sh NETLAB DIR [JOBS]: reads every capture in DIR to the end with
# several option sets; fails if any run crashes, exits with a status other
# than 0/1, or prints a sanitizer report. Used by ctest (the tcpdump corpus in
# ../shared when present, and the small copy in tests/data/robustness).
set -u
bin=$1 dir=$2 jobs=${3:-2}
[ -d "$dir" ] || { echo "run-corpus: $dir: no such directory" >&2; exit 1; }
export TZ=UTC LC_ALL=C ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
check_one() {
    local bin=$1 f=$2 status=0
    for args in "-n" "-n -e -vvv -x" "-n -v -X -S" "-n -q -tttt" "-n -j -e -vv" "-n -XX -ttt"; do
        err=$("$bin" capture -r "$f" $args 2>&1 >/dev/null)
        rc=$?
        if [ $rc -gt 1 ] || grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' <<< "$err"; then
            echo "FAIL $f [$args] rc=$rc"
            grep -E 'runtime error|ERROR|SUMMARY' <<< "$err" | head -3
            status=1
        fi
    done
    return $status
}
export -f check_one
find "$dir" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -print0 |
    sort -z | xargs -0 -n 1 -P "$jobs" bash -c 'check_one "$0" "$1"' "$bin" > /tmp/run-corpus.$$ 2>&1
rc=$?
n=$(find "$dir" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | wc -l)
if [ $rc -ne 0 ]; then cat /tmp/run-corpus.$$; rm -f /tmp/run-corpus.$$; echo "run-corpus: failures in $dir ($n files)"; exit 1; fi
rm -f /tmp/run-corpus.$$
echo "run-corpus: $n files read to the end, no crash, no sanitizer report"
