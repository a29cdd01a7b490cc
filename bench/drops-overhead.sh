#!/usr/bin/env bash
# drops-overhead.sh - what a running `netlab drops` costs the traffic it
# watches (issue 14, "Overhead": goal <= 5% with kernel-side filters).
#
#   bench/drops-overhead.sh [-n PINGS] [-r RUNS] [--netlab PATH]
#
# A veth pair between two private network namespaces (unshare, nothing on
# the host); `ping -f -q -c PINGS` across it, timed. Each of RUNS rounds
# times three floods back to back:
#   without  nothing traced;
#   kernel   the events `netlab drops -i <the veth>` enables, with the same
#            kernel-side filters, in a private instance made by hand, and
#            nobody reading: what the kernel's tracepoints cost alone;
#   netlab   `netlab drops -i <the veth> --summary` running.
# The flood is pinned to CPU 0 (`taskset`): unpinned, the rate of one flood
# jumps between two levels 30% apart as the scheduler places the ping and
# the softirq work, which hides a 5% effect. netlab is not pinned. Prints
# each round's rates and the median of each column. Needs root.
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
    taskset -c 0 ping -f -q -c "$N" 192.0.2.2 > /dev/null
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" -v n="$N" "BEGIN { printf \"%.0f\", 2 * n / (b - a) }"
}
# The kernel column: the instance netlab would make, by hand (its buffer
# size, clock, events and filters), removed after the flood.
mount -t tracefs nodev /mnt
I=/mnt/instances/drops-overhead-$$
kernel_events() {
    mkdir $I
    echo mono > $I/trace_clock
    for e in net/netif_receive_skb net/net_dev_queue; do
        echo "name == \"bov0\"" > $I/events/$e/filter
        echo 1 > $I/events/$e/enable
    done
    echo 1 > $I/events/skb/kfree_skb/enable
}
without=() kernel=() with=()
for ((i = 0; i < RUNS; i++)); do
    without+=("$(rate)")
    kernel_events
    kernel+=("$(rate)")
    echo 0 > $I/events/enable; rmdir $I
    "$NETLAB" drops -i bov0 --summary > /dev/null 2>&1 & d=$!
    sleep 0.3
    with+=("$(rate)")
    kill -TERM $d; wait $d || true
    echo "run $i: without ${without[-1]} pps, kernel events alone ${kernel[-1]} pps, with netlab drops ${with[-1]} pps"
done
median() { printf "%s\n" "$@" | sort -n | awk "{ a[NR] = \$1 } END { print a[int((NR + 1) / 2)] }"; }
# The machine drifts between two levels of speed from one minute to the next,
# so the floods of one round are compared with each other: the overhead is
# the median of the ratios of every round, beside the medians of the rates.
kr=() nr=()
for ((i = 0; i < RUNS; i++)); do
    kr+=("$(awk -v a="${without[i]}" -v b="${kernel[i]}" "BEGIN { printf \"%.4f\", 100 * (a - b) / a }")")
    nr+=("$(awk -v a="${without[i]}" -v b="${with[i]}" "BEGIN { printf \"%.4f\", 100 * (a - b) / a }")")
done
mw=$(median "${without[@]}"); mk=$(median "${kernel[@]}"); mi=$(median "${with[@]}")
echo "median rates: without $mw pps; kernel events alone $mk pps; with netlab drops $mi pps"
awk -v k="$(median "${kr[@]}")" -v n="$(median "${nr[@]}")" "BEGIN { printf \"median of the rounds: the kernel events alone cost %.1f%%; netlab drops costs %.1f%%\n\", k, n }"
kill $peer
'
