#!/usr/bin/env bash
# A real VM on a netlab TAP, diagnosed by netlab: boots Debian's 6.1 kernel
# with a busybox userland under QEMU (software emulation, no KVM needed) on
# TAP qtap0, a port of bridge qbr0, both made by netlab, in a private network
# namespace that disappears with the script. The guest is 192.0.2.2/24.
#
#   examples/qemu-guest.sh             host address 192.0.2.1/24 on the bridge: a healthy lab
#   examples/qemu-guest.sh --mistake   the MirageOS mistake: the address on the TAP port;
#                                      netlab names it, prints the fix; the script applies
#                                      it and diagnoses again
#   examples/qemu-guest.sh --shell     ... then leave you a shell in the lab namespace
#                                      (the guest keeps running until you exit)
#
# Needs root, qemu-system-x86, and the guest image that scripts/setup.sh
# builds (scripts/e2e-guest.sh; NETLAB_E2E_CACHE, default /var/cache/netlab/e2e).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
netlab=${NETLAB:-$here/build/release/apps/netlab/netlab}
cache=${NETLAB_E2E_CACHE:-/var/cache/netlab/e2e}

mistake=0 shell=0
for arg in "$@"; do
  case "$arg" in
    --mistake) mistake=1 ;;
    --shell) shell=1 ;;
    *) echo "usage: $0 [--mistake] [--shell]" >&2; exit 2 ;;
  esac
done

if [ "${NETLAB_EXAMPLE_IN_NS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "qemu-guest: needs root (unshare -n, TAP devices)" >&2; exit 1; }
  [ -x "$netlab" ] || { echo "qemu-guest: $netlab: not built (cmake --preset release && cmake --build --preset release)" >&2; exit 1; }
  [ -s "$cache/vmlinux" ] && [ -s "$cache/initrd.img" ] ||
    { echo "qemu-guest: $cache: no guest image (run scripts/setup.sh)" >&2; exit 1; }
  exec env NETLAB_EXAMPLE_IN_NS=1 NETLAB="$netlab" NETLAB_E2E_CACHE="$cache" unshare --net -- bash "$0" "$@"
fi
# Refuse the host's own namespace (the kernel's initial netns has a fixed inode).
[ "$(stat -L -c %i /proc/self/ns/net)" != 4026531833 ] || { echo "qemu-guest: refusing the initial namespace" >&2; exit 1; }

run() { printf '\n$ netlab %s\n' "$*"; "$netlab" "$@"; }
console=$(mktemp "${TMPDIR:-/tmp}/netlab-qemu-console.XXXXXX")
qemu_pid=""
cleanup() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null
  rm -f "$console" "$console.in"
}
trap cleanup EXIT

"$netlab" link set lo up
run bridge addbr qbr0 up
run tap create qtap0 master qbr0 up
if [ "$mistake" = 1 ]; then
  run addr add 192.0.2.1/24 dev qtap0   # on the port: netlab warns
else
  run addr add 192.0.2.1/24 dev qbr0
fi

printf '\n$ qemu-system-x86_64 ... -netdev tap,ifname=qtap0,script=no,downscript=no ...\n'
# The guest's console is read from $console; its input is a FIFO this script
# holds open, so that the guest's shell waits instead of seeing end-of-file.
mkfifo "$console.in"
exec 3<>"$console.in"
qemu-system-x86_64 -accel tcg -M pc -m 128 -nodefaults -no-user-config -display none -no-reboot \
  -chardev stdio,id=console,signal=off -serial chardev:console \
  -kernel "$NETLAB_E2E_CACHE/vmlinux" -initrd "$NETLAB_E2E_CACHE/initrd.img" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 netlab.ip=192.0.2.2/24" \
  -netdev tap,id=net0,ifname=qtap0,script=no,downscript=no \
  -device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,romfile= <&3 >"$console" 2>&1 &
qemu_pid=$!
start=$(date +%s.%N)
for _ in $(seq 600); do grep -q "netlab-guest: ready" "$console" && break; sleep 0.1; done
grep -q "netlab-guest: ready" "$console" || { echo "qemu-guest: the guest did not boot:" >&2; cat "$console" >&2; exit 1; }
awk -v a="$start" -v b="$(date +%s.%N)" -v line="$(grep 'netlab-guest: ready' "$console")" \
  'BEGIN { printf "guest booted in %.1f s: %s\n", b - a, line }' 

iface=qbr0
[ "$mistake" = 1 ] && iface=qtap0
status=0
run arp diagnose "$iface" 192.0.2.2 || status=$?
echo "(exit status $status: 0 ok, 3 a fault was found)"

if [ "$mistake" = 1 ]; then
  # The fix netlab printed: the address belongs on the bridge.
  run addr del 192.0.2.1/24 dev qtap0
  run addr add 192.0.2.1/24 dev qbr0
  status=0
  run arp diagnose qbr0 192.0.2.2 || status=$?
  echo "(exit status $status)"
fi

if [ "$shell" = 1 ]; then
  echo
  echo "A shell in the lab namespace (qbr0, qtap0, the guest at 192.0.2.2); exit to stop the guest."
  bash -i || true
fi
exit "$status"
