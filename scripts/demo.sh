#!/usr/bin/env bash
# Builds a small lab in a private network namespace and shows it with netlab:
# the MirageOS-style layout of a bridge, a guest-facing port and addresses.
# Everything lives in a namespace that disappears when the script ends.
set -euo pipefail
netlab=${NETLAB:-$(cd "$(dirname "$0")/.." && pwd)/build/release/apps/netlab/netlab}

if [ "${NETLAB_DEMO_IN_NS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "demo: needs root (unshare -n)" >&2; exit 1; }
  exec env NETLAB_DEMO_IN_NS=1 NETLAB="$netlab" unshare --net -- bash "$0" "$@"
fi
# Refuse the host's own namespace (the kernel's initial netns has a fixed inode).
[ "$(stat -L -c %i /proc/self/ns/net)" != 4026531833 ] || { echo "demo: refusing the initial namespace" >&2; exit 1; }

show() { printf '\n$ netlab %s\n' "$*"; "$netlab" "$@"; }

"$netlab" link set lo up
"$netlab" link add mirbr0 type bridge
"$netlab" link add mirtap0 type veth peer name guest0
"$netlab" link set mirtap0 master mirbr0 up
"$netlab" link set guest0 up address 02:00:5e:00:53:02
"$netlab" link set mirbr0 up
"$netlab" addr add 192.0.2.1/24 dev mirbr0 broadcast +
"$netlab" addr add 2001:db8::1/64 dev mirbr0 nodad
"$netlab" neigh add 192.0.2.2 lladdr 02:00:5e:00:53:02 dev mirbr0
"$netlab" route add 198.51.100.0/24 via 192.0.2.2 metric 10

show link
show -d link show mirtap0
show addr show dev mirbr0
show neigh
show route
show route get 198.51.100.7
show -j -p neigh
