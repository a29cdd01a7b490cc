#!/bin/sh
# check.sh NETLAB DATA_DIR CAPTURE EXPECTED [ARGS...]: one conformance case.
# Diffs `netlab capture -# -n -r CAPTURE ARGS` (TZ=GMT0, as tcpdump's own
# harness runs) against the stored tcpdump 4.99.3 output; when a tcpdump
# 4.99.3 is installed, against its live output too.
set -u
bin=$1 data=$2 cap=$3 exp=$4
shift 4
export TZ=GMT0 LC_ALL=C
out=$(mktemp) || exit 1
trap 'rm -f "$out" "$out.ref"' EXIT
"$bin" capture -# -n -r "$data/$cap" "$@" > "$out" 2>/dev/null
if ! cmp -s "$out" "$data/$exp"; then
    echo "differs from $exp:"
    diff "$out" "$data/$exp" | head -20
    exit 1
fi
if command -v tcpdump > /dev/null 2>&1 && tcpdump --version 2>&1 | grep -q 'tcpdump version 4.99.3'; then
    tcpdump -# -n -r "$data/$cap" "$@" > "$out.ref" 2>/dev/null
    if ! cmp -s "$out" "$out.ref"; then
        echo "differs from the installed tcpdump:"
        diff "$out" "$out.ref" | head -20
        exit 1
    fi
fi
exit 0
