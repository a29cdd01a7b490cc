#!/usr/bin/env bash
# How long `netlab path diagnose` takes to a verdict, on a healthy NAT lab
# (a guest namespace behind a bridge port, an isp namespace upstream) and
# on the same lab with a forward policy drop (C45), alternated, N runs
# each; prints each run's wall time and the medians. Runs as root in a
# private network namespace of its own (never the initial one).
#
#   bench/path-time.sh [-n RUNS]     (NETLAB=path/to/netlab, default: netlab)
set -euo pipefail
runs=7
while getopts n: o; do
  case $o in
    n) runs=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS]" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 100 ] || { echo "$0: -n must be 1 to 100" >&2; exit 2; }
netlab=${NETLAB:-netlab}
if [ "${PATH_TIME_INNER:-}" != 1 ]; then
  exec env PATH_TIME_INNER=1 unshare --net -- "$0" "$@"
fi
[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] || { echo "$0: refusing the initial namespace" >&2; exit 1; }
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
machine() { unshare --net sleep 600 & pids+=($!); sleep 0.2; printf -v "$1" '%s' "$!"; }
machine guest
machine isp
ip link set lo up
ip link add bbr0 type bridge && ip addr add 10.91.0.1/24 dev bbr0 && ip link set bbr0 up
ip link add bp0 type veth peer name bp1 && ip link set bp1 netns "$guest" && ip link set bp0 master bbr0 up
nsenter -t "$guest" -n sh -c 'ip link set lo up; ip addr add 10.91.0.2/24 dev bp1; ip link set bp1 up; ip route add default via 10.91.0.1'
ip link add bw0 type veth peer name bw1 && ip link set bw1 netns "$isp"
ip addr add 203.0.113.61/24 dev bw0 && ip link set bw0 up
nsenter -t "$isp" -n sh -c 'ip link set lo up; ip addr add 203.0.113.62/24 dev bw1; ip addr add 198.51.100.61/32 dev lo; ip link set bw1 up'
ip route add default via 203.0.113.62
echo 1 >/proc/sys/net/ipv4/ip_forward
nft add table ip bnat
nft 'add chain ip bnat post { type nat hook postrouting priority 100 ; }'
nft add rule ip bnat post oifname bw0 ip saddr 10.91.0.0/24 masquerade
nsenter -t "$guest" -n ping -c 1 -W 2 198.51.100.61 >/dev/null

one() {  # prints the wall seconds of one diagnosis, and checks its exit status
  local want=$1 t0 t1 st
  t0=$(date +%s.%N)
  "$netlab" path diagnose 10.91.0.2 198.51.100.61 >/dev/null 2>&1 && st=0 || st=$?
  t1=$(date +%s.%N)
  [ "$st" = "$want" ] || { echo "$0: exit $st, wanted $want" >&2; exit 1; }
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
healthy=() broken=()
for ((i = 0; i < runs; i++)); do
  healthy+=("$(one 0)")
  nft add table inet bfw
  nft 'add chain inet bfw toll { type filter hook forward priority 0 ; policy drop ; }'
  broken+=("$(one 3)")
  nft delete table inet bfw
done
echo "healthy (ok):     ${healthy[*]}"
echo "forward drop C45: ${broken[*]}"
printf 'median healthy %.3f s, C45 %.3f s (%d runs each)\n' \
  "$(printf '%s\n' "${healthy[@]}" | median)" "$(printf '%s\n' "${broken[@]}" | median)" "$runs"
