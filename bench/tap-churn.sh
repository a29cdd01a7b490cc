#!/usr/bin/env bash
# tap-churn.sh - netlab against iproute2 on TAP creation and bridge queries,
# in one run, inside a private network namespace (re-executes under unshare -n;
# refuses the initial namespace). Needs root, iproute2 (ip, bridge), GNU time.
#
#   create: N taps owned by a user, each attached to bridge br0
#     netlab tap create lab%d user 1000 master br0 count N   (one process)
#     ip -batch: N x "tuntap add labI mode tap user 1000" + N x "link set labI master br0"
#   queries with N taps on br0:
#     netlab tap show        vs  ip -d tuntap show (which reads sysfs: in a private
#                                namespace it sees the wrong one and stops early,
#                                so that row flatters ip)
#     netlab bridge show     vs  bridge link show
#
# Usage: bench/tap-churn.sh [-n N (1000)] [-r RUNS (5)] [--netlab PATH]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=1000 RUNS=5
NETLAB=$HERE/../build/release/apps/netlab/netlab
[ -x "$NETLAB" ] || NETLAB=$HERE/../build/apps/netlab/netlab
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    -r) RUNS=$2; shift 2 ;;
    --netlab) NETLAB=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tap-churn: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ "${NETLAB_BENCH_IN_NS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "tap-churn: needs root" >&2; exit 1; }
  exec env NETLAB_BENCH_IN_NS=1 unshare -n -- bash "$0" -n "$N" -r "$RUNS" --netlab "$NETLAB"
fi
# 4026531833 is the kernel's fixed inode for the initial network namespace.
[ "$(stat -L -c %i /proc/self/ns/net)" != 4026531833 ] || { echo "tap-churn: refusing the initial namespace" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((i = 0; i < N; i++)); do echo "tuntap add lab$i mode tap user 1000"; done > "$work/add.batch"
for ((i = 0; i < N; i++)); do echo "link set lab$i master br0"; done >> "$work/add.batch"

ms() { echo "scale=1; ($2 - $1) * 1000 / 1" | bc 2>/dev/null || python3 -c "print(round(($2-$1)*1000,1))"; }
clean() { ip link del br0 2>/dev/null || true; ip -batch <(ip -o link show type tun | awk -F': ' '{print "link del " $2}') 2>/dev/null || true; }
timeit() {  # prints wall milliseconds of "$@"
  local t0=$EPOCHREALTIME; "$@" > /dev/null; local t1=$EPOCHREALTIME
  python3 -c "print(f'{($t1-$t0)*1000:.1f}')"
}

declare -a NL IP NLTAP IPTAP NLBR IPBR
# Deleting a thousand devices leaves the kernel work to finish (RCU): settle
# before each timed step, and alternate which tool goes first.
settle() { clean; ip link add br0 type bridge; sleep 1; }
run_netlab() {
  settle
  NL+=("$(timeit "$NETLAB" tap create 'lab%d' user 1000 master br0 count "$N" -b)")
  [ "$(ip -o link show master br0 | wc -l)" = "$N" ] || { echo "tap-churn: netlab made the wrong number of ports" >&2; exit 1; }
  NLTAP+=("$(timeit "$NETLAB" tap show)")
  IPTAP+=("$(timeit ip -d tuntap show)")
  NLBR+=("$(timeit "$NETLAB" bridge show)")
  IPBR+=("$(timeit bridge link show)")
}
run_ip() {
  settle
  IP+=("$(timeit ip -batch "$work/add.batch")")
  [ "$(ip -o link show master br0 | wc -l)" = "$N" ] || { echo "tap-churn: ip made the wrong number of ports" >&2; exit 1; }
}
for ((r = 0; r < RUNS; r++)); do
  if ((r % 2)); then run_ip; run_netlab; else run_netlab; run_ip; fi
done
clean

python3 - "$N" "${NL[*]}" "${IP[*]}" "${NLTAP[*]}" "${IPTAP[*]}" "${NLBR[*]}" "${IPBR[*]}" <<'PY'
import statistics, sys
n = sys.argv[1]
rows = [("create+attach", sys.argv[2], sys.argv[3], "ip -batch"),
        ("tap show", sys.argv[4], sys.argv[5], "ip -d tuntap show"),
        ("bridge show", sys.argv[6], sys.argv[7], "bridge link show")]
print(f"{n} taps, medians of {len(sys.argv[2].split())} runs (ms)")
print(f"{'what':16} {'netlab':>9} {'reference':>10}  ratio  reference command")
for name, a, b, ref in rows:
    a = [float(x) for x in a.split()]; b = [float(x) for x in b.split()]
    ratios = [x / y for x, y in zip(a, b)]
    print(f"{name:16} {statistics.median(a):9.1f} {statistics.median(b):10.1f}  {statistics.median(ratios):.2f}x  {ref}")
PY
