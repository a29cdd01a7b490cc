#!/usr/bin/env bash
# The MirageOS case, reproduced with netlab's own commands in a private
# network namespace, then diagnosed: a unikernel guest (10.0.0.2, MAC
# c0:ff:ee:c0:ff:ee) behind TAP mirtap0, a port of bridge mirbr0; the host's
# address 10.0.0.1/24 put on the port instead of the bridge. ping says
# "Destination Host Unreachable"; `netlab arp diagnose mirtap0` says why,
# shows the proof, and prints the fix, which the demo then applies.
# Everything lives in a namespace that disappears when the script ends.
set -euo pipefail
netlab=${NETLAB:-$(cd "$(dirname "$0")/.." && pwd)/build/release/apps/netlab/netlab}

if [ "${NETLAB_DEMO_IN_NS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "demo: needs root (unshare -n)" >&2; exit 1; }
  exec env NETLAB_DEMO_IN_NS=1 NETLAB="$netlab" unshare --net -- bash "$0" "$@"
fi
# Refuse the host's own namespace (the kernel's initial netns has a fixed inode).
[ "$(stat -L -c %i /proc/self/ns/net)" != 4026531833 ] || { echo "demo: refusing the initial namespace" >&2; exit 1; }

run() { printf '\n$ netlab %s\n' "$*"; "$netlab" "$@"; }

guest_pid=""
trap '[ -n "$guest_pid" ] && kill "$guest_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

"$netlab" link set lo up
run bridge addbr mirbr0 up
run tap create mirtap0 up
run bridge addif mirbr0 mirtap0
# The mistake: the host's address on the port, not on the bridge (netlab warns).
run addr add 10.0.0.1/24 dev mirtap0

# The "unikernel": a userspace guest attached to the TAP as Xen's backend would.
printf '\n$ netlab guest mirtap0 ip 10.0.0.2/24 mac c0:ff:ee:c0:ff:ee quiet &\n'
"$netlab" guest mirtap0 ip 10.0.0.2/24 mac c0:ff:ee:c0:ff:ee quiet 2>"${TMPDIR:-/tmp}/netlab-demo-guest.$$" &
guest_pid=$!
for _ in $(seq 50); do grep -q attached "${TMPDIR:-/tmp}/netlab-demo-guest.$$" 2>/dev/null && break; sleep 0.1; done
cat "${TMPDIR:-/tmp}/netlab-demo-guest.$$"; rm -f "${TMPDIR:-/tmp}/netlab-demo-guest.$$"

status=0
run arp diagnose mirtap0 10.0.0.2 || status=$?
echo "(exit status $status: 3 means a fault was found)"

# Apply the printed fix and ask again.
run addr del 10.0.0.1/24 dev mirtap0
run addr add 10.0.0.1/24 dev mirbr0
status=0
run arp diagnose mirbr0 10.0.0.2 || status=$?
echo "(exit status $status)"
[ "$status" = 0 ]
