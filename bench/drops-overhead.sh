#!/usr/bin/env bash
# drops-overhead.sh - what a running `netlab drops` costs the traffic it
# watches (issue 14, "Overhead": goal <= 5% with kernel-side filters).
#
#   bench/drops-overhead.sh [-n PINGS] [-r RUNS] [--netlab PATH]
#
# A veth pair between two private network namespaces (unshare, nothing on
# the host); `ping -f -q -c PINGS` across it, timed, RUNS times without and
# RUNS times with `netlab drops -i <the veth> --summary` running (its
# receive/queue events filtered on the device in the kernel, kfree_skb on
# all drops), interleaved. Prints the packet rate (echo requests + replies
# per second) of each run and the median of each side. Needs root.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
N=50000 RUNS=3 NETLAB=$HERE/../build/release/apps/netlab/netlab
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift 2 ;;
        -r) RUNS=$2; shift 2 ;;
        --netlab) NETLAB=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "drops-overhead: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "drops-overhead: needs root" >&2; exit 2; }
[ -x "$NETLAB" ] || { echo "drops-overhead: $NETLAB: not built" >&2; exit 1; }
export NETLAB N RUNS
# Everything below runs in a private network and mount namespace; the peer
# is a second network namespace held by a sleeping process.
exec unshare -n -m bash -c '
set -euo pipefail
mount --make-rprivate /
ip link set lo up
unshare -n sleep 1000 & peer=$!
sleep 0.2
ip link add bov0 type veth peer name bov1 netns /proc/$peer/ns/net
ip link set bov0 up; ip addr add 192.0.2.1/24 dev bov0
nsenter -t $peer -n sh -c "ip link set lo up; ip link set bov1 up; ip addr add 192.0.2.2/24 dev bov1"
ping -c 1 -W 1 192.0.2.2 > /dev/null
rate() {  # packets (requests + replies) per second of one flood
    local t0 t1
    t0=$EPOCHREALTIME
    ping -f -q -c "$N" 192.0.2.2 > /dev/null
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" -v n="$N" "BEGIN { printf \"%.0f\", 2 * n / (b - a) }"
}
without=() with=()
for ((i = 0; i < RUNS; i++)); do
    without+=("$(rate)")
    "$NETLAB" drops -i bov0 --summary > /dev/null 2>&1 & d=$!
    sleep 0.3
    with+=("$(rate)")
    kill -TERM $d; wait $d || true
    echo "run $i: without ${without[-1]} pps, with ${with[-1]} pps"
done
median() { printf "%s\n" "$@" | sort -n | awk "{ a[NR] = \$1 } END { print a[int((NR + 1) / 2)] }"; }
mw=$(median "${without[@]}"); mi=$(median "${with[@]}")
awk -v a="$mw" -v b="$mi" "BEGIN { printf \"median: without %d pps, with netlab drops %d pps, overhead %.1f%%\n\", a, b, 100 * (a - b) / a }"
kill $peer
'
