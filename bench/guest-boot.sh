#!/usr/bin/env bash
# Boot time of the end-to-end tests' guests: QEMU (TCG, PVH entry) and User-Mode
# Linux, each on a TAP that netlab made in a private network namespace. Times,
# per boot, the moment the guest's /init says it is ready and the first ping
# reply from it; prints min / median / max over N boots of each.
#
#   bench/guest-boot.sh [-n N]        (root; the guest image from scripts/setup.sh)
#
# UML runs here without the seccomp filter the tests put around it (see
# tests/e2e/vm_guest.cpp): on CPUs whose XSAVE area outgrows Debian's UML 6.1
# buffer (AMX) it panics and this script reports the failed boots.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
netlab=${NETLAB:-$here/build/release/apps/netlab/netlab}
cache=${NETLAB_E2E_CACHE:-/var/cache/netlab/e2e}
runs=10
[ "${1:-}" = -n ] && runs=$2

if [ "${NETLAB_BENCH_IN_NS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "guest-boot: needs root" >&2; exit 1; }
  [ -s "$cache/vmlinux" ] || { echo "guest-boot: $cache: no guest image (run scripts/setup.sh)" >&2; exit 1; }
  exec env NETLAB_BENCH_IN_NS=1 NETLAB="$netlab" NETLAB_E2E_CACHE="$cache" unshare --net -- bash "$0" "$@"
fi
[ "$(stat -L -c %i /proc/self/ns/net)" != 4026531833 ] || { echo "guest-boot: refusing the initial namespace" >&2; exit 1; }

"$netlab" link set lo up
"$netlab" bridge addbr bbr0 up >/dev/null
"$netlab" tap create btap0 master bbr0 up >/dev/null
"$netlab" addr add 192.0.2.1/24 dev bbr0
work=$(mktemp -d)
# The guests' console input: a FIFO held open here, so they never see end-of-file.
mkfifo "$work/in"
exec 3<>"$work/in"
trap 'kill -KILL $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

now() { date +%s.%N; }
# boot KIND I: prints "ready_s ping_s" or "fail"
boot() {
  local kind=$1 i=$2 console="$work/console.$1.$2" pid start ready="" pinged=""
  start=$(now)
  if [ "$kind" = qemu ]; then
    qemu-system-x86_64 -accel tcg -M pc -m 128 -nodefaults -no-user-config -display none -no-reboot \
      -chardev stdio,id=c,signal=off -serial chardev:c -kernel "$NETLAB_E2E_CACHE/vmlinux" \
      -initrd "$NETLAB_E2E_CACHE/initrd.img" -append "console=ttyS0 quiet loglevel=3 panic=-1 netlab.ip=192.0.2.2/24" \
      -netdev tap,id=n,ifname=btap0,script=no,downscript=no -device virtio-net-pci,netdev=n,mac=52:54:00:be:00:01,romfile= \
      <&3 >"$console" 2>&1 &
  else
    mkdir -p "$work/uml.$i"
    linux.uml mem=128M initrd="$NETLAB_E2E_CACHE/initrd.img" eth0=tuntap,btap0,52:54:00:be:00:02 \
      con0=fd:0,fd:1 con=null ssl=null umid=bench uml_dir="$work/uml.$i/" quiet loglevel=3 netlab.ip=192.0.2.2/24 \
      <&3 >"$console" 2>&1 &
  fi
  pid=$!
  for _ in $(seq 1200); do
    if [ -z "$ready" ] && grep -q "netlab-guest: ready" "$console" 2>/dev/null; then ready=$(now); fi
    if [ -n "$ready" ] && ping -c 1 -W 0.2 192.0.2.2 >/dev/null 2>&1; then pinged=$(now); break; fi
    [ -n "$ready" ] || sleep 0.02
  done
  kill -KILL "$pid" 2>/dev/null || true
  pkill -KILL -f "umid=bench" 2>/dev/null || true  # UML's other host processes
  wait "$pid" 2>/dev/null || true
  "$netlab" neigh flush dev bbr0 >/dev/null 2>&1 || true
  if [ -n "$pinged" ]; then
    awk -v s="$start" -v r="$ready" -v p="$pinged" 'BEGIN { printf "%.3f %.3f\n", r - s, p - s }'
  else
    echo fail
  fi
}

for kind in qemu uml; do
  : >"$work/$kind.times"
  fails=0
  for i in $(seq "$runs"); do
    t=$(boot "$kind" "$i")
    if [ "$t" = fail ]; then fails=$((fails + 1)); else echo "$t" >>"$work/$kind.times"; fi
  done
  python3 - "$kind" "$work/$kind.times" "$fails" <<'EOF'
import statistics, sys
kind, path, fails = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
if not rows:
    print(f"{kind}: no boot succeeded ({fails} failed)")
    sys.exit(0)
for col, name in ((0, "ready"), (1, "first ping reply")):
    v = sorted(r[col] for r in rows)
    print(f"{kind:4} {name:16}: min {v[0]:.2f} s  median {statistics.median(v):.2f} s  max {v[-1]:.2f} s  ({len(v)} boots, {fails} failed)")
EOF
done
