#!/usr/bin/env bash
# decode-bench.sh - offline decode throughput of `netlab capture -n -r FILE`
# against tcpdump 4.99.3 on the same mixed capture, with -e and -v too.
#
#   bench/decode-bench.sh [-n PACKETS] [-r RUNS] [--netlab PATH] [--file PCAP] [--lab]
#
# --lab: the capture is bench/gen-lab-mix.py's instead, what a lab bridge
# carries (STP, LLDP, IGMP, DHCP, DNS, VXLAN with its inner frames, and TCP,
# ARP, ICMP).
#
# The capture is written by /work/shared/bench/gen-pcap.py when that exists
# (../shared relative to the repository), else by the small generator below
# (Ethernet ARP/IPv4 TCP/UDP/ICMP, IPv6 TCP/ICMPv6, some 802.1Q). Both tools
# run with TZ=UTC, output to /dev/null, page cache warm; the figure is the
# median wall time of RUNS runs, interleaved, and "rounds" the median of the
# per-round ratios (each round one run of each tool). The last column says whether the
# two tools' texts were byte for byte the same (a speed bought with a wrong
# line would not count).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
N=1000000 RUNS=3 NETLAB=$HERE/../build/apps/netlab/netlab FILE= LAB=0
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift 2 ;;
        -r) RUNS=$2; shift 2 ;;
        --netlab) NETLAB=$2; shift 2 ;;
        --file) FILE=$2; shift 2 ;;
        --lab) LAB=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "decode-bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
command -v tcpdump > /dev/null || { echo "decode-bench: needs tcpdump" >&2; exit 1; }
[ -x "$NETLAB" ] || { echo "decode-bench: $NETLAB: not built" >&2; exit 1; }
export TZ=UTC LC_ALL=C
if [ -z "$FILE" ] && [ "$LAB" = 1 ]; then
    FILE=/tmp/netlab-decode-lab-$N.pcap
    [ -s "$FILE" ] || python3 "$HERE/gen-lab-mix.py" -n "$N" -o "$FILE"
fi
if [ -z "$FILE" ]; then
    FILE=/tmp/netlab-decode-bench-$N.pcap
    if [ ! -s "$FILE" ]; then
        GEN=$HERE/../../shared/bench/gen-pcap.py
        if [ -f "$GEN" ]; then
            python3 "$GEN" -n "$N" -o "$FILE"
        else
            python3 - "$N" "$FILE" <<'PY'
import random, struct, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
def cs(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip4(s, d, p, l4):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), rng.randrange(65536), 0x4000, 64, p, 0, s, d)
    return h[:10] + struct.pack('!H', cs(h)) + h[12:] + l4
frames = []
for i in range(997):
    a, b = bytes([10, 1, i % 250, 1]), bytes([10, 2, 0, i % 60 + 1])
    k = i % 10
    if k < 6:
        seg = struct.pack('!HHIIBBHHH', 40000 + i, 443, rng.randrange(1 << 32), rng.randrange(1 << 32), 0x80, 0x18, 502, 0, 0) + b'\x01\x01\x08\x0a' + struct.pack('!II', i, i + 1) + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))
        body, et = ip4(a, b, 6, seg), 0x0800
    elif k < 8:
        body, et = ip4(a, b, 17, struct.pack('!HHHH', 50000 + i, 9999, 40, 0) + bytes(32)), 0x0800
    elif k < 9:
        body, et = ip4(a, b, 1, struct.pack('!BBHHH', 8, 0, 0, i, i) + bytes(56)), 0x0800
    else:
        body, et = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + b'\x02' * 6 + a + b'\0' * 6 + b, 0x0806
    frames.append(b'\x02\0\0\0\0\x01\x02\0\0\0\0\x02' + struct.pack('!H', et) + body)
with open(path, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i in range(n):
        fr = frames[i % len(frames)]
        f.write(struct.pack('<IIII', 1700000000 + i // 100000, (i % 100000) * 10, len(fr), len(fr)) + fr)
PY
        fi
    fi
fi
packets=$(tcpdump -r "$FILE" --count 2>/dev/null | awk '{print $1}')
cat "$FILE" > /dev/null
secs() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "file: $FILE ($packets packets), runs: $RUNS, TZ=$TZ"
printf '%-24s %10s %12s %10s %12s %7s %7s %s\n' options "netlab s" "netlab pkt/s" "tcpdump s" "tcpdump pkt/s" ratio "rounds" same
for opts in "-n" "-n -e" "-n -v"; do
    ours=() theirs=()
    for _ in $(seq "$RUNS"); do
        ours+=("$(secs "$NETLAB" capture $opts -r "$FILE")")
        theirs+=("$(secs tcpdump $opts -r "$FILE")")
    done
    a=$(printf '%s\n' "${ours[@]}" | median) b=$(printf '%s\n' "${theirs[@]}" | median)
    # The ratio of each round (one netlab run, then one tcpdump run), and
    # their median: on a machine whose speed drifts (shared, throttled), a
    # round's two runs see the same machine; the two medians above need not.
    ratios=()
    for k in "${!ours[@]}"; do ratios+=("$(echo "${theirs[$k]} / ${ours[$k]}" | bc -l)"); done
    r=$(printf '%s\n' "${ratios[@]}" | median)
    same=no
    cmp -s <("$NETLAB" capture $opts -r "$FILE" 2>/dev/null) <(tcpdump $opts -r "$FILE" 2>/dev/null) && same=yes
    printf '%-24s %10.3f %12.0f %10.3f %12.0f %6.2fx %6.2fx %s\n' "$opts" "$a" "$(echo "$packets / $a" | bc -l)" \
        "$b" "$(echo "$packets / $b" | bc -l)" "$(echo "$b / $a" | bc -l)" "$r" "$same"
done
